import { cloudfrontWafRegion } from '../../src/sdk/arn.ts';
import {
  type BlocklistRef,
  type FileConfig,
  PermanentError,
  parseCidr,
  UserError,
  z,
} from '../../src/sdk/index.ts';

/**
 * The config sections the containment commands own: `targets.ip_blocklists`,
 * `targets.never_block`, `targets.user_pools` and `targets.tf_locks`.
 */

const region = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1')
  .optional();
/** The environment picks the policy (prod: one approval from security or on-call). */
const environment = z.string().min(1).default('prod');
const cidrText = z.string().refine((v) => {
  try {
    parseCidr(v);
    return true;
  } catch {
    return false;
  }
}, 'a CIDR such as 198.51.100.0/24');

const wafTarget = z
  .object({
    type: z.literal('waf'),
    ip_set_name: z.string().regex(/^[\w-]{1,128}$/, 'a WAF IP set name'),
    ip_set_id: z.string().regex(/^[0-9a-f-]{1,36}$/i, 'a WAF IP set id'),
    scope: z.enum(['REGIONAL', 'CLOUDFRONT']).default('REGIONAL'),
    region,
    environment,
    allow_private: z.boolean().default(false),
  })
  .strict();

const naclTarget = z
  .object({
    type: z.literal('nacl'),
    network_acl_id: z
      .string()
      .regex(/^acl-[0-9a-f]{8,17}$/, 'a network ACL id such as acl-0a1b2c3d'),
    /** Inbound rule numbers opsbot may use; keep them below the ACL's allow rules. */
    rule_numbers: z
      .object({ from: z.number().int().min(1).max(32766), to: z.number().int().min(1).max(32766) })
      .strict()
      .refine((r) => r.from <= r.to, 'from must not be above to'),
    region,
    environment,
    allow_private: z.boolean().default(false),
  })
  .strict();

/**
 * Why a target cannot be called as configured: a CLOUDFRONT IP set is served from us-east-1 in the
 * aws partition only (`cloudfrontWafRegion`), judged by the target's region or, when it names none,
 * the bot's (`botRegion`, env AWS_REGION). src/aws/waf-blocklist.ts refuses the same target when
 * block-ip plans.
 */
function cloudfrontProblem(name: string, t: IpBlocklistTarget, botRegion: string) {
  if (t.type !== 'waf' || t.scope !== 'CLOUDFRONT') return undefined;
  const region = t.region ?? botRegion;
  const found = cloudfrontWafRegion(region);
  if ('region' in found) return undefined;
  const why = `${found.why}, so there is no CLOUDFRONT IP set to call`;
  if (t.region)
    return `WAF target ${name} has scope CLOUDFRONT in ${region} (${found.partition}): ${why}; use scope REGIONAL with an IP set in ${region}`;
  return `WAF target ${name} has scope CLOUDFRONT in ${region} (${found.partition}), the bot's region (env AWS_REGION), since it names no region: ${why}; give the target a region in the aws partition (its IP set is then called in us-east-1, which the bot's credentials must reach) or use scope REGIONAL with an IP set in ${region}`;
}

const blocklistTargets = z.record(
  z.string(),
  z.discriminatedUnion('type', [wafTarget, naclTarget]),
);

/**
 * `targets.ip_blocklists` as the config loader reads it. A CLOUDFRONT target naming its region is
 * refused here, when the config loads; one without a region runs in the bot's (env AWS_REGION),
 * which the file alone does not tell: a worker refuses it when it starts (blocklistRegionProblems).
 */
export const ipBlocklistsSchema = blocklistTargets
  .superRefine((targets, ctx) => {
    for (const [name, t] of Object.entries(targets)) {
      const message = t.region && cloudfrontProblem(name, t, t.region);
      if (message) ctx.addIssue({ code: 'custom', path: [name, 'scope'], message });
    }
  })
  .default({});
/** Ranges block-ip refuses whatever the target: name → CIDR (the office, the NAT, the bot). */
export const neverBlockSchema = z.record(z.string(), cidrText).default({});
export const userPoolsSchema = z
  .record(
    z.string(),
    z
      .object({
        user_pool_id: z
          .string()
          .regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'a user pool id such as us-east-1_AbCdEf123'),
        region,
        environment,
      })
      .strict(),
  )
  .default({});
export const tfLocksSchema = z
  .record(
    z.string(),
    z
      .object({
        table: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'a DynamoDB table name'),
        region,
        environment,
        /** The S3 backend's `workspace_key_prefix`. */
        workspace_key_prefix: z.string().default('env:'),
      })
      .strict(),
  )
  .default({});

function section<S extends z.ZodType>(
  targets: FileConfig['targets'],
  name: string,
  schema: S,
): z.output<S> {
  const parsed = schema.safeParse((targets as Record<string, unknown>)[name]);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PermanentError(
      'config_invalid',
      `targets.${name}.${issue.path.join('.')}: ${issue.message}`,
    );
  }
  return parsed.data;
}

/** The loaded targets (checked at load); the adapter still refuses a CLOUDFRONT one at plan time. */
const loadedBlocklists = blocklistTargets.default({});
export const ipBlocklists = (t: FileConfig['targets']) =>
  section(t, 'ip_blocklists', loadedBlocklists);

/**
 * What the file alone cannot tell about `targets.ip_blocklists`: a CLOUDFRONT target that names no
 * region runs in the bot's region (`botRegion`, env AWS_REGION), which has no CLOUDFRONT IP set in
 * aws-cn or aws-us-gov. block-ip and unblock-ip give this as their `regionProblems`, which a worker
 * checks when it starts, so the mistake stops the start rather than a block-ip during an incident.
 * One problem per target, by its path.
 */
export function blocklistRegionProblems(targets: FileConfig['targets'], botRegion: string) {
  return Object.entries(ipBlocklists(targets)).flatMap(([name, t]) => {
    const problem = cloudfrontProblem(name, t, botRegion);
    return problem ? [`targets.ip_blocklists.${name}.scope: ${problem}`] : [];
  });
}
export const neverBlock = (t: FileConfig['targets']) => section(t, 'never_block', neverBlockSchema);
export const userPools = (t: FileConfig['targets']) => section(t, 'user_pools', userPoolsSchema);
export const tfLocks = (t: FileConfig['targets']) => section(t, 'tf_locks', tfLocksSchema);

export type IpBlocklistTarget = z.output<typeof wafTarget> | z.output<typeof naclTarget>;

/** A blocklist target by name, or a user error listing the configured ones. */
export function blocklistTarget(targets: FileConfig['targets'], name: string): IpBlocklistTarget {
  const all = ipBlocklists(targets);
  const found = all[name];
  if (!found) {
    const names = Object.keys(all);
    throw new UserError(
      'unknown_target',
      `no ip_blocklists target ${name}${names.length ? ` (configured: ${names.join(', ')})` : ' (targets.ip_blocklists is empty)'}`,
    );
  }
  return found;
}

export function blocklistRef(target: IpBlocklistTarget): BlocklistRef {
  return target.type === 'waf'
    ? {
        type: 'waf',
        name: target.ip_set_name,
        id: target.ip_set_id,
        scope: target.scope,
        ...(target.region ? { region: target.region } : {}),
      }
    : {
        type: 'nacl',
        networkAclId: target.network_acl_id,
        ruleRange: target.rule_numbers,
        ...(target.region ? { region: target.region } : {}),
      };
}

export function describeBlocklist(target: IpBlocklistTarget): string {
  return target.type === 'waf'
    ? `WAF IP set ${target.ip_set_name} (${target.scope})`
    : `network ACL ${target.network_acl_id} (rules ${target.rule_numbers.from}–${target.rule_numbers.to})`;
}

/**
 * IAM resources of a blocklist target (the account is `*`, as everywhere in the printed policy).
 * ARNs are written `arn:aws:…`; `opsbot iam-policy` puts each in its region's partition. A
 * CLOUDFRONT target whose region (or the bot's) is outside `aws` has no IP set to grant: refused.
 */
export function blocklistStatements(targets: FileConfig['targets'], defaultRegion: string) {
  return Object.entries(ipBlocklists(targets)).flatMap(([name, t]) => {
    if (t.type === 'waf') {
      // A CLOUDFRONT target in the bot's region: granting the aws partition's IP set would be wrong.
      const problem = cloudfrontProblem(name, t, defaultRegion);
      if (problem) throw new PermanentError('config_invalid', problem);
      const arn =
        t.scope === 'CLOUDFRONT'
          ? `arn:aws:wafv2:us-east-1:*:global/ipset/${t.ip_set_name}/${t.ip_set_id}`
          : `arn:aws:wafv2:${t.region ?? defaultRegion}:*:regional/ipset/${t.ip_set_name}/${t.ip_set_id}`;
      return [{ actions: ['wafv2:GetIPSet', 'wafv2:UpdateIPSet'], resources: [arn] }];
    }
    return [
      {
        actions: ['ec2:CreateNetworkAclEntry', 'ec2:DeleteNetworkAclEntry'],
        resources: [`arn:aws:ec2:${t.region ?? defaultRegion}:*:network-acl/${t.network_acl_id}`],
      },
      {
        actions: ['ec2:DescribeNetworkAcls'],
        resources: ['*'],
        note: 'EC2 Describe* actions take no resource-level permissions',
      },
    ];
  });
}

/** An address or CIDR argument: malformed text (spaces, quotes, `--flags`) is refused by the schema. */
export const cidrArg = (description: string) =>
  z
    .string()
    .superRefine((value, ctx) => {
      try {
        parseCidr(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    })
    .describe(description);
