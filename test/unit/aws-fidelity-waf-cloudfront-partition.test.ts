import { EC2Client } from '@aws-sdk/client-ec2';
import { GetIPSetCommand, UpdateIPSetCommand, WAFV2Client } from '@aws-sdk/client-wafv2';
import { afterEach, describe, expect, it } from 'vitest';
import blockIp from '../../commands/block-ip.ts';
import { regionalClients } from '../../src/aws/clients.ts';
import { ipBlocklistsAdapter } from '../../src/aws/ip-blocklists.ts';
import { wafBlocklist } from '../../src/aws/waf-blocklist.ts';
import type { Ports } from '../../src/sdk/ports/index.ts';
import type { BlocklistRef } from '../../src/sdk/ports/ip-blocklists.ts';
import { mockWaf } from '../helpers/containment-mocks.ts';
import { exampleConfig } from '../helpers/harness.ts';
import { stepContext } from '../helpers/step-context.ts';

/**
 * Where a CLOUDFRONT-scope IP set is called. The WAFv2 API reference (`Scope`, CreateIPSet /
 * GetIPSet / UpdateIPSet): "To work with CloudFront, you must also specify the Region US East
 * (N. Virginia) … API and SDKs - For all calls, use the Region endpoint us-east-1." That endpoint
 * is in the aws partition only:
 * - China Regions (docs.amazonaws.cn, "Amazon WAF - Getting Started with Amazon Web Services in
 *   China"): "Amazon WAF is supported at a regional level only in the Beijing and Ningxia Regions."
 * - AWS GovCloud (US) User Guide: "CloudFront is located outside of the AWS GovCloud (US)
 *   boundary", set up "by using your standard AWS credentials", not GovCloud ones.
 * So in those partitions a CLOUDFRONT target is a configuration mistake, named before any call.
 */

const mocks: { mock: { restore(): void } }[] = [];
afterEach(() => {
  for (const m of mocks.splice(0)) m.mock.restore();
});
const waf = () => {
  const m = mockWaf({ addresses: ['192.0.2.1/32'] });
  mocks.push(m);
  return m;
};

const EDGE: BlocklistRef = {
  type: 'waf',
  name: 'edge-blocked-ips',
  id: 'a1b2c3d4-5678-90ab-cdef-0123456789ab',
  scope: 'CLOUDFRONT',
};

const blocklist = (defaultRegion: string) =>
  wafBlocklist(regionalClients((c) => new WAFV2Client(c), defaultRegion));

const regionOfCall = async (m: ReturnType<typeof waf>) =>
  (m.mock.commandCalls(GetIPSetCommand)[0]!.thisValue as WAFV2Client).config.region();

describe('a CLOUDFRONT-scope WAF IP set, by partition', () => {
  it('in the aws partition is called in us-east-1, whichever region the target or bot names', async () => {
    for (const [region, home] of [
      ['ap-southeast-2', 'eu-west-1'],
      [undefined, 'eu-central-1'],
    ] as const) {
      const m = waf();
      await blocklist(home).list({ ...EDGE, ...(region ? { region } : {}) });
      expect(await regionOfCall(m)).toBe('us-east-1');
      m.mock.restore();
    }
  });

  for (const [region, partition, why] of [
    ['us-gov-west-1', 'aws-us-gov', /CloudFront is not available in AWS GovCloud \(US\)/],
    ['cn-northwest-1', 'aws-cn', /China Regions.*regional level only/],
  ] as const)
    it(`in ${partition} is a configuration error naming the target, before any AWS call`, async () => {
      const m = waf();
      const attempt = blocklist('us-east-1').block({ ...EDGE, region }, '203.0.113.7/32');
      await expect(attempt).rejects.toMatchObject({ kind: 'permanent', code: 'config_invalid' });
      const message = await attempt.catch((e: Error) => e.message);
      expect(message).toContain('WAF IP set edge-blocked-ips (CLOUDFRONT)');
      expect(message).toContain(`${region} (${partition})`);
      expect(message).toMatch(why);
      expect(message).toContain('scope REGIONAL');
      expect(m.mock.commandCalls(GetIPSetCommand)).toHaveLength(0);
      expect(m.mock.commandCalls(UpdateIPSetCommand)).toHaveLength(0);
    });

  it('without a region of its own takes the partition of the bot’s region (GovCloud: refused)', async () => {
    const m = waf();
    await expect(blocklist('us-gov-east-1').list(EDGE)).rejects.toMatchObject({
      code: 'config_invalid',
      message: expect.stringContaining('us-gov-east-1 (aws-us-gov)'),
    });
    expect(m.mock.commandCalls(GetIPSetCommand)).toHaveLength(0);
  });

  it('a REGIONAL IP set is still called in its own region, China and GovCloud included', async () => {
    for (const region of ['cn-northwest-1', 'us-gov-west-1', 'eu-west-1']) {
      const m = waf();
      await blocklist('us-east-1').list({ ...EDGE, scope: 'REGIONAL', region });
      expect(await regionOfCall(m)).toBe(region);
      m.mock.restore();
    }
  });
});

describe('block-ip on a CLOUDFRONT target in GovCloud', () => {
  it('is refused at plan time, before approval, with the IP set and region named', async () => {
    const m = waf();
    const targets = {
      ...exampleConfig().targets,
      ip_blocklists: {
        'gov-edge': {
          type: 'waf',
          ip_set_name: 'edge-blocked-ips',
          ip_set_id: 'a1b2c3d4-5678-90ab-cdef-0123456789ab',
          scope: 'CLOUDFRONT',
          region: 'us-gov-west-1',
        },
      },
    };
    const ipBlocklists = ipBlocklistsAdapter({
      wafv2: regionalClients((c) => new WAFV2Client(c), 'us-gov-west-1'),
      ec2: regionalClients((c) => new EC2Client(c), 'us-gov-west-1'),
    });
    const { ctx } = stepContext({
      command: blockIp,
      args: { cidr: '203.0.113.7', target: 'gov-edge', reason: 'scanner' },
      ports: { ipBlocklists } as Ports,
      targets,
    });
    await expect(blockIp.plan!(ctx)).rejects.toMatchObject({
      code: 'config_invalid',
      message: expect.stringMatching(
        /^WAF IP set edge-blocked-ips \(CLOUDFRONT\) is configured for us-gov-west-1 \(aws-us-gov\): CloudFront is not available/,
      ),
    });
    expect(m.mock.commandCalls(GetIPSetCommand)).toHaveLength(0);
  });
});
