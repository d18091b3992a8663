import {
  AdminDisableUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { regionalClients } from '../../src/aws/clients.ts';
import { userPoolsAdapter } from '../../src/aws/user-pools.ts';

/**
 * A Cognito user pool id names its region (`eu-west-1_AbCdEf123`), and the pool answers only
 * there: asked in another region, Cognito says ResourceNotFoundException ("User pool ... does not
 * exist"). A target without `region:` must be called in its pool's region, not the bot's.
 */

const cognito = mockClient(CognitoIdentityProviderClient);
afterEach(() => cognito.reset());

const adapter = () =>
  userPoolsAdapter(regionalClients((c) => new CognitoIdentityProviderClient(c), 'us-east-1'));

describe('user pool calls go to the region in the pool id', () => {
  it('AdminGetUser without a target region uses the pool id region', async () => {
    const regions: string[] = [];
    cognito.on(AdminGetUserCommand).callsFake(async (input, getClient) => {
      regions.push(await getClient().config.region());
      return {
        Username: input.Username,
        Enabled: true,
        UserStatus: 'CONFIRMED',
        UserAttributes: [],
      };
    });
    const user = await adapter().get({ userPoolId: 'eu-west-1_AbCdEf123', username: 'ana' });
    expect(user).toEqual({ username: 'ana', enabled: true, status: 'CONFIRMED' });
    expect(regions).toEqual(['eu-west-1']);
  });

  it('AdminDisableUser likewise', async () => {
    const regions: string[] = [];
    cognito.on(AdminDisableUserCommand).callsFake(async (_input, getClient) => {
      regions.push(await getClient().config.region());
      return {};
    });
    await adapter().disable({ userPoolId: 'ap-southeast-2_Zz9', username: 'ana' });
    expect(regions).toEqual(['ap-southeast-2']);
  });

  it('an explicit target region is kept', async () => {
    const regions: string[] = [];
    cognito.on(AdminDisableUserCommand).callsFake(async (_input, getClient) => {
      regions.push(await getClient().config.region());
      return {};
    });
    await adapter().disable({ userPoolId: 'eu-west-1_AbC', username: 'ana', region: 'eu-west-1' });
    expect(regions).toEqual(['eu-west-1']);
  });
});
