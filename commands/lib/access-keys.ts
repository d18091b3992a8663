import {
  type AccessKeyUse,
  type IamStatement,
  type Ports,
  UserError,
  z,
} from '../../src/sdk/index.ts';
import { port } from './containment.ts';

/** Long-term IAM access keys only: temporary (ASIA…) credentials cannot be deactivated. */
export const accessKeyArg = z
  .string()
  .regex(
    /^AKIA[A-Z0-9]{16}$/,
    'an IAM access key id such as AKIAIOSFODNN7EXAMPLE (AKIA + 16 characters)',
  )
  .describe('The access key id');

export const quarantinePolicyName = (requestId: string) => `opsbot-quarantine-${requestId}`;

/**
 * The key's owner and last use, or a user error: no such key, a `user=` that is not its owner, or
 * the bot's own key (its IAM user, or the key it signs with).
 */
export async function ownerOf(
  ports: Ports,
  accessKeyId: string,
  user?: string,
): Promise<AccessKeyUse> {
  const use = await port(ports, 'accessKeys').lastUsed(accessKeyId);
  if (!use) throw new UserError('key_not_found', `no access key ${accessKeyId} in this account`);
  if (user && user !== use.userName) {
    throw new UserError(
      'key_owner_differs',
      `${accessKeyId} belongs to ${use.userName}, not ${user}; nothing was changed`,
    );
  }
  const me = await port(ports, 'identity').whoAmI();
  if (me.accessKeyId === accessKeyId || (me.userName && me.userName === use.userName)) {
    throw new UserError(
      'own_key',
      `${accessKeyId} belongs to opsbot itself (${me.arn}); disabling it would cut the bot off. Do it by hand if you must.`,
    );
  }
  return use;
}

export function lastUseText(use: AccessKeyUse): string {
  if (!use.lastUsedAt) return 'never used';
  return `last used ${use.lastUsedAt}${use.service && use.service !== 'N/A' ? ` in ${use.service}` : ''}${use.region && use.region !== 'N/A' ? ` (${use.region})` : ''}`;
}

/** Any IAM user's key may be the compromised one: the user resource is `user/*`. */
export const accessKeyStatements = (actions: string[]): IamStatement[] => [
  { actions, resources: ['arn:aws:iam::*:user/*'] },
  {
    actions: ['sts:GetCallerIdentity'],
    resources: ['*'],
    note: 'AWS answers GetCallerIdentity without any permission; listed so the policy names every call the bot makes',
  },
];
