import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIamPolicy } from '../../src/cli/iam-policy.ts';
import { ConfigError } from '../../src/config/load.ts';
import { commands } from '../../src/registry/commands.ts';
import { loadConfig } from '../../src/registry/load-config.ts';

/**
 * A CLOUDFRONT-scope WAF IP set exists in the aws partition only (its calls go to us-east-1).
 * In aws-cn "AWS WAF in the China Regions is supported at a regional level only", and CloudFront
 * sits outside the GovCloud (US) boundary. src/aws/waf-blocklist.ts refuses such a target when
 * block-ip plans; the config loader refuses one that names its region, so the mistake is found
 * when opsbot starts rather than during an incident.
 */

const SET = 'ip_set_name: edge-blocked-ips, ip_set_id: a1b2c3d4-5678-90ab-cdef-0123456789ab';

function load(blocklists: string, region?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'opsbot-config-'));
  const path = join(dir, 'opsbot.yml');
  writeFileSync(path, `slack:\n  ops_channel: C0OPS\ntargets:\n  ip_blocklists:\n${blocklists}`);
  return loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-1-2',
    SLACK_SIGNING_SECRET: 'abcdefghijk',
    OPSBOT_CONFIG: path,
    ...(region ? { AWS_REGION: region } : {}),
  });
}

function problemsOf(blocklists: string): string[] {
  try {
    load(blocklists);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  return [];
}

describe('a CLOUDFRONT WAF target in the config', () => {
  it.each([
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-gov-east-1', 'aws-us-gov'],
  ])(
    'in %s (%s) is refused at load, naming the target, region and partition',
    (region, partition) => {
      const problems = problemsOf(
        `    edge: { type: waf, ${SET}, scope: CLOUDFRONT, region: ${region} }\n`,
      );
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('targets.ip_blocklists.edge.scope:');
      expect(problems[0]).toContain(
        `WAF target edge has scope CLOUDFRONT in ${region} (${partition})`,
      );
      expect(problems[0]).toContain('use scope REGIONAL');
    },
  );

  it('loads in the aws partition, with or without a region', () => {
    const config = load(
      `    edge: { type: waf, ${SET}, scope: CLOUDFRONT, region: eu-west-1 }\n    edge2: { type: waf, ${SET}, scope: CLOUDFRONT }\n`,
    );
    expect(Object.keys(config.file.targets.ip_blocklists as object)).toEqual(['edge', 'edge2']);
  });

  it('a REGIONAL target in aws-cn or aws-us-gov loads', () => {
    const config = load(
      `    cn: { type: waf, ${SET}, region: cn-north-1 }\n    gov: { type: waf, ${SET}, scope: REGIONAL, region: us-gov-west-1 }\n`,
    );
    expect(Object.keys(config.file.targets.ip_blocklists as object)).toEqual(['cn', 'gov']);
  });
});

describe('opsbot iam-policy for the blocklist targets', () => {
  const statementsOf = (blocklists: string, region: string) => {
    const { file } = load(blocklists, region);
    return buildIamPolicy(commands, file.targets, region)
      .policy.Statement.filter((s) =>
        s.Action.some((a) => a.startsWith('wafv2:') || a.includes('NetworkAcl')),
      )
      .flatMap((s) => s.Resource);
  };
  const REGIONAL = `    waf: { type: waf, ${SET} }\n    nacl: { type: nacl, network_acl_id: acl-0a1b2c3d, rule_numbers: { from: 10, to: 49 } }\n`;
  const IP_SET = 'ipset/edge-blocked-ips/a1b2c3d4-5678-90ab-cdef-0123456789ab';

  it.each([
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
  ])('REGIONAL targets in %s name the %s partition in every ARN', (region, partition) => {
    expect(statementsOf(REGIONAL, region).sort()).toEqual(
      [
        '*',
        `arn:${partition}:ec2:${region}:*:network-acl/acl-0a1b2c3d`,
        `arn:${partition}:wafv2:${region}:*:regional/${IP_SET}`,
      ].sort(),
    );
  });

  it('a REGIONAL target naming a cn region gets arn:aws-cn: from a bot in us-east-1', () => {
    expect(
      statementsOf(`    cn: { type: waf, ${SET}, region: cn-northwest-1 }\n`, 'us-east-1'),
    ).toEqual([`arn:aws-cn:wafv2:cn-northwest-1:*:regional/${IP_SET}`]);
  });

  it('a CLOUDFRONT target is the global IP set in us-east-1 in the aws partition', () => {
    expect(
      statementsOf(`    edge: { type: waf, ${SET}, scope: CLOUDFRONT }\n`, 'eu-west-1'),
    ).toEqual([`arn:aws:wafv2:us-east-1:*:global/${IP_SET}`]);
  });

  it.each([
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
  ])(
    'a CLOUDFRONT target with no region is refused for a bot in %s (%s), not granted in aws',
    (region, partition) => {
      expect(() =>
        statementsOf(`    edge: { type: waf, ${SET}, scope: CLOUDFRONT }\n`, region),
      ).toThrow(
        expect.objectContaining({
          code: 'config_invalid',
          message: expect.stringContaining(
            `WAF target edge has scope CLOUDFRONT in ${region} (${partition})`,
          ),
        }),
      );
    },
  );
});
