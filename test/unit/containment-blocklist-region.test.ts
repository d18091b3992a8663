import { describe, expect, it } from 'vitest';
import { blocklistRegionProblems } from '../../commands/lib/containment-targets.ts';
import type { FileConfig } from '../../src/config/file.ts';

/**
 * A CLOUDFRONT WAF target that names no region runs in the bot's region (env AWS_REGION). The
 * config file alone cannot tell that region, so a worker checks it when it starts: in aws-cn and
 * aws-us-gov there is no CLOUDFRONT IP set to call (`cloudfrontWafRegion` in src/sdk/arn.ts).
 */

const SET = { ip_set_name: 'edge-blocked-ips', ip_set_id: 'a1b2c3d4-5678-90ab-cdef-0123456789ab' };

const targets = (ip_blocklists: Record<string, object>) =>
  ({ ip_blocklists }) as unknown as FileConfig['targets'];

describe('blocklistRegionProblems: blocklist targets against the bot region', () => {
  it.each([
    ['cn-north-1', 'aws-cn', 'AWS WAF in the China Regions is supported at a regional level only'],
    ['cn-northwest-1', 'aws-cn', 'regional level only'],
    ['us-gov-west-1', 'aws-us-gov', 'CloudFront is not available in AWS GovCloud (US)'],
    ['us-gov-east-1', 'aws-us-gov', 'GovCloud'],
  ])(
    'a CLOUDFRONT target naming no region on a bot in %s (%s) is a problem naming the target, region, partition and fix',
    (region, partition, why) => {
      const problems = blocklistRegionProblems(
        targets({ edge: { type: 'waf', ...SET, scope: 'CLOUDFRONT' } }),
        region,
      );
      expect(problems).toHaveLength(1);
      const [problem] = problems as [string];
      expect(problem).toMatch(/^targets\.ip_blocklists\.edge\.scope: WAF target edge /);
      expect(problem).toContain(
        `has scope CLOUDFRONT in ${region} (${partition}), the bot's region (env AWS_REGION), since it names no region`,
      );
      expect(problem).toContain(why);
      expect(problem).toContain('give the target a region in the aws partition');
      expect(problem).toContain(`or use scope REGIONAL with an IP set in ${region}`);
    },
  );

  it.each(['us-east-1', 'eu-west-1', 'ap-southeast-2'])(
    'the same target on a bot in %s (aws) is no problem',
    (region) => {
      expect(
        blocklistRegionProblems(
          targets({ edge: { type: 'waf', ...SET, scope: 'CLOUDFRONT' } }),
          region,
        ),
      ).toEqual([]);
    },
  );

  it('a CLOUDFRONT target naming an aws-partition region is no problem on a cn or gov bot (its region decides)', () => {
    const config = targets({
      edge: { type: 'waf', ...SET, scope: 'CLOUDFRONT', region: 'us-east-1' },
    });
    expect(blocklistRegionProblems(config, 'cn-north-1')).toEqual([]);
    expect(blocklistRegionProblems(config, 'us-gov-west-1')).toEqual([]);
  });

  it('REGIONAL WAF and NACL targets naming no region are no problem on a cn bot', () => {
    const config = targets({
      waf: { type: 'waf', ...SET },
      regional: { type: 'waf', ...SET, scope: 'REGIONAL' },
      vpc: { type: 'nacl', network_acl_id: 'acl-0a1b2c3d', rule_numbers: { from: 10, to: 49 } },
    });
    expect(blocklistRegionProblems(config, 'cn-north-1')).toEqual([]);
  });

  it('names every such target, one problem each; no ip_blocklists section is no problem', () => {
    const config = targets({
      edge: { type: 'waf', ...SET, scope: 'CLOUDFRONT' },
      ok: { type: 'waf', ...SET, scope: 'CLOUDFRONT', region: 'eu-west-1' },
      cdn: { type: 'waf', ...SET, scope: 'CLOUDFRONT' },
    });
    expect(blocklistRegionProblems(config, 'us-gov-west-1').map((p) => p.split(':')[0])).toEqual([
      'targets.ip_blocklists.edge.scope',
      'targets.ip_blocklists.cdn.scope',
    ]);
    expect(blocklistRegionProblems({} as FileConfig['targets'], 'cn-north-1')).toEqual([]);
  });
});
