import {
  type FileConfig,
  type IamStatement,
  type PoolUserRef,
  UserError,
  z,
} from '../../src/sdk/index.ts';
import { userPools } from './containment-targets.ts';

/** Cognito usernames as an argument: no spaces, quotes or leading dashes. */
export const usernameArg = z
  .string()
  .regex(/^[\w.@+][\w.@+-]{0,127}$/, 'a user name (letters, digits and . @ + - _)')
  .describe('The Cognito user name');

export function poolUser(
  targets: FileConfig['targets'],
  pool: string,
  username: string,
): PoolUserRef {
  const found = userPools(targets)[pool];
  if (!found) {
    const names = Object.keys(userPools(targets));
    throw new UserError(
      'unknown_target',
      `no user_pools target ${pool} (configured: ${names.join(', ') || 'none'})`,
    );
  }
  return {
    userPoolId: found.user_pool_id,
    username,
    ...(found.region ? { region: found.region } : {}),
  };
}

export const poolProblems = (targets: FileConfig['targets'], pool: string) =>
  userPools(targets)[pool]
    ? []
    : [
        {
          field: 'pool',
          message: `not a configured user_pools target (configured: ${Object.keys(userPools(targets)).join(', ') || 'none'})`,
        },
      ];

/** The user pool's region: from its target, else from its id (`us-east-1_AbC…`). */
export function poolStatements(targets: FileConfig['targets'], actions: string[]): IamStatement[] {
  const resources = Object.values(userPools(targets)).map((p) => {
    const region = p.region ?? p.user_pool_id.split('_')[0];
    return `arn:aws:cognito-idp:${region}:*:userpool/${p.user_pool_id}`;
  });
  return resources.length ? [{ actions, resources }] : [];
}
