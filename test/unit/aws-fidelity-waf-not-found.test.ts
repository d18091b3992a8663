import { GetIPSetCommand, WAFV2Client } from '@aws-sdk/client-wafv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { regionalClients } from '../../src/aws/clients.ts';
import { wafBlocklist } from '../../src/aws/waf-blocklist.ts';
import { awsError } from '../helpers/aws-errors.ts';

/**
 * WAFv2 names a missing IP set WAFNonexistentItemException (HTTP 400), not …NotFound…: a wrong
 * ip_set_id / name / scope in config is the operator's to fix, as any other missing resource.
 */

const waf = mockClient(WAFV2Client);
afterEach(() => waf.reset());

describe('a missing WAF IP set', () => {
  it('is a user error aws_not_found, not an unexplained permanent failure', async () => {
    waf
      .on(GetIPSetCommand)
      .rejects(
        awsError(
          'WAFNonexistentItemException',
          "AWS WAF couldn't perform the operation because your resource doesn't exist.",
        ),
      );
    const blocklist = wafBlocklist(regionalClients((c) => new WAFV2Client(c), 'us-east-1'));
    const target = {
      type: 'waf' as const,
      name: 'blocked-ips',
      id: '3f1c2a9e-52d1-4c0b-9a7e-1f2b3c4d5e6f',
      scope: 'REGIONAL' as const,
    };
    await expect(blocklist.block(target, '203.0.113.7/32')).rejects.toMatchObject({
      kind: 'user',
      code: 'aws_not_found',
    });
  });
});
