import {
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminUserGlobalSignOutCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { PoolUserRef, UserPoolsPort } from '../sdk/ports/user-pools.ts';
import type { ClientFor } from './clients.ts';
import { awsCall, explainAwsError } from './errors.ts';

const where = (u: PoolUserRef) => `user ${u.username} in user pool ${u.userPoolId}`;
const ids = (u: PoolUserRef) => ({ UserPoolId: u.userPoolId, Username: u.username });
/**
 * A pool id names its region (`eu-west-1_AbCdEf123`) and Cognito answers for the pool only there;
 * without a target region, that one (the bot's default would say ResourceNotFoundException).
 */
const poolRegion = (u: PoolUserRef) =>
  u.region ?? /^([a-z]{2}(?:-[a-z]+)+-\d+)_/.exec(u.userPoolId)?.[1];

export function userPoolsAdapter(client: ClientFor<CognitoIdentityProviderClient>): UserPoolsPort {
  return {
    async get(user) {
      try {
        const out = await client(poolRegion(user)).send(new AdminGetUserCommand(ids(user)));
        return {
          username: out.Username ?? user.username,
          enabled: out.Enabled !== false,
          status: out.UserStatus ?? 'UNKNOWN',
        };
      } catch (error) {
        if ((error as { name?: string }).name === 'UserNotFoundException') return undefined;
        throw explainAwsError(error, { action: 'cognito-idp:AdminGetUser', resource: where(user) });
      }
    },
    async globalSignOut(user) {
      await awsCall({ action: 'cognito-idp:AdminUserGlobalSignOut', resource: where(user) }, () =>
        client(poolRegion(user)).send(new AdminUserGlobalSignOutCommand(ids(user))),
      );
    },
    async disable(user) {
      await awsCall({ action: 'cognito-idp:AdminDisableUser', resource: where(user) }, () =>
        client(poolRegion(user)).send(new AdminDisableUserCommand(ids(user))),
      );
    },
    async enable(user) {
      await awsCall({ action: 'cognito-idp:AdminEnableUser', resource: where(user) }, () =>
        client(poolRegion(user)).send(new AdminEnableUserCommand(ids(user))),
      );
    },
  };
}
