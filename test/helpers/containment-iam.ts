import type { IamWorld, ResourceNamer } from './iam-world.ts';
import { memoryContainment } from './memory-containment.ts';

/**
 * What the containment commands' IAM scenarios share: how to name the resources of the services
 * they call (as IAM evaluates them), and their own Redis ports in memory.
 */

const ACCOUNT = '123456789012';

export const wafResource: ResourceNamer = (_action, input, region) =>
  input.Scope === 'CLOUDFRONT'
    ? `arn:aws:wafv2:us-east-1:${ACCOUNT}:global/ipset/${input.Name}/${input.Id}`
    : `arn:aws:wafv2:${region}:${ACCOUNT}:regional/ipset/${input.Name}/${input.Id}`;

/** IAM checks EC2 Describe* on no resource. */
export const naclResource: ResourceNamer = (action, input, region) =>
  action.startsWith('Describe')
    ? '*'
    : `arn:aws:ec2:${region}:${ACCOUNT}:network-acl/${input.NetworkAclId}`;

/** GetAccessKeyLastUsed is checked on the key's user, whom the caller does not know yet. */
export const iamUserResource: ResourceNamer = (_action, input) =>
  `arn:aws:iam::${ACCOUNT}:user/${input.UserName ?? 'owner-of-the-key'}`;

export const userPoolResource: ResourceNamer = (_action, input, region) =>
  `arn:aws:cognito-idp:${region}:${ACCOUNT}:userpool/${input.UserPoolId}`;

export const anyResource: ResourceNamer = () => '*';

/** The world with the containment ledger and active blocks in memory. */
export const withContainment = (w: IamWorld) => ({
  ports: { ...w.ports, ...memoryContainment().ports },
});
