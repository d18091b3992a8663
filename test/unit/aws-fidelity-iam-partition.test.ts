import { IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { awsAdapters } from '../../src/aws/adapters.ts';

/**
 * IAM is global per partition: the SDK maps any region of a partition to that partition's IAM
 * endpoint (iam.amazonaws.com, iam.cn-north-1.amazonaws.com.cn, iam.us-gov.amazonaws.com). A client
 * pinned to us-east-1 always talks to the commercial partition, so an aws-cn or aws-us-gov bot
 * would sign its IAM calls for the wrong partition.
 */

const iam = mockClient(IAMClient);
afterEach(() => iam.reset());

async function endpointOfAccessKeysCall(region: string) {
  let url = '';
  iam.on(ListAccessKeysCommand).callsFake(async (_input, getClient) => {
    const config = getClient().config;
    const r = await config.region();
    url = config.endpointProvider({ Region: r, UseFIPS: false, UseDualStack: false }).url.href;
    return {
      AccessKeyMetadata: [{ UserName: 'u', AccessKeyId: 'AKIAEXAMPLE', Status: 'Active' }],
      IsTruncated: false,
    };
  });
  const ports = awsAdapters(region, { deploys: { record: async () => {}, list: async () => [] } });
  await ports.accessKeys!.status({ userName: 'u', accessKeyId: 'AKIAEXAMPLE' });
  return url;
}

describe('IAM calls go to the IAM endpoint of the configured partition', () => {
  it('aws (any commercial region): the global endpoint', async () => {
    expect(await endpointOfAccessKeysCall('eu-west-1')).toBe('https://iam.amazonaws.com/');
  });

  it('aws-cn: iam.cn-north-1.amazonaws.com.cn', async () => {
    expect(await endpointOfAccessKeysCall('cn-northwest-1')).toBe(
      'https://iam.cn-north-1.amazonaws.com.cn/',
    );
  });

  it('aws-us-gov: iam.us-gov.amazonaws.com', async () => {
    expect(await endpointOfAccessKeysCall('us-gov-west-1')).toBe(
      'https://iam.us-gov.amazonaws.com/',
    );
  });
});
