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

export function userPoolsAdapter(client: ClientFor<CognitoIdentityProviderClient>): UserPoolsPort {
  return {
    async get(user) {
      try {
        const out = await client(user.region).send(new AdminGetUserCommand(ids(user)));
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
        client(user.region).send(new AdminUserGlobalSignOutCommand(ids(user))),
      );
    },
    async disable(user) {
      await awsCall({ action: 'cognito-idp:AdminDisableUser', resource: where(user) }, () =>
        client(user.region).send(new AdminDisableUserCommand(ids(user))),
      );
    },
    async enable(user) {
      await awsCall({ action: 'cognito-idp:AdminEnableUser', resource: where(user) }, () =>
        client(user.region).send(new AdminEnableUserCommand(ids(user))),
      );
    },
  };
}
