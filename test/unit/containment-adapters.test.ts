import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { CreateNetworkAclEntryCommand, EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { GetIPSetCommand, UpdateIPSetCommand, WAFV2Client } from '@aws-sdk/client-wafv2';
import { afterEach, describe, expect, it } from 'vitest';
import { accessKeysAdapter, DENY_ALL_POLICY } from '../../src/aws/access-keys.ts';
import { regionalClients } from '../../src/aws/clients.ts';
import { identityAdapter } from '../../src/aws/identity.ts';
import { ipBlocklistsAdapter } from '../../src/aws/ip-blocklists.ts';
import { userPoolsAdapter } from '../../src/aws/user-pools.ts';
import { WAF_LOCK_ATTEMPTS } from '../../src/aws/waf-blocklist.ts';
import type { BlocklistRef } from '../../src/sdk/ports/ip-blocklists.ts';
import {
  ACCOUNT,
  mockCognito,
  mockIam,
  mockNacl,
  mockSts,
  mockWaf,
} from '../helpers/containment-mocks.ts';

const restore: (() => void)[] = [];
afterEach(() => {
  for (const r of restore.splice(0)) r();
});
const use = <M extends { mock: { restore(): void } }>(m: M) => {
  restore.push(() => m.mock.restore());
  return m;
};

const blocklists = () =>
  ipBlocklistsAdapter({
    wafv2: regionalClients((c) => new WAFV2Client(c), 'us-east-1'),
    ec2: regionalClients((c) => new EC2Client(c), 'us-east-1'),
  });

const WAF: BlocklistRef = {
  type: 'waf',
  name: 'blocked-ips',
  id: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
  scope: 'REGIONAL',
};

describe('WAFv2 IP set blocklist', () => {
  it('adds with the LockToken it read and keeps the description (UpdateIPSet replaces it)', async () => {
    const waf = use(mockWaf({ addresses: ['192.0.2.1/32'], description: 'from Mantissa Log' }));
    expect(await blocklists().block(WAF, '203.0.113.7/32')).toEqual({ status: 'blocked' });
    const update = waf.mock.commandCalls(UpdateIPSetCommand)[0]!.args[0].input;
    expect(update.LockToken).toMatch(/000000000001$/);
    expect(update.Description).toBe('from Mantissa Log');
    expect(waf.state.addresses).toEqual(['192.0.2.1/32', '203.0.113.7/32']);
  });

  it('on WAFOptimisticLockException reads again and keeps the other writer’s change', async () => {
    const waf = use(mockWaf({ addresses: [] }));
    let raced = false;
    waf.state.beforeUpdate = () => {
      if (raced) return;
      raced = true;
      waf.otherWriter('198.51.100.9/32');
    };
    expect(await blocklists().block(WAF, '203.0.113.7/32')).toEqual({ status: 'blocked' });
    expect(waf.state.conflicts).toBe(1);
    expect(waf.mock.commandCalls(GetIPSetCommand)).toHaveLength(2);
    expect(waf.state.addresses).toEqual(['198.51.100.9/32', '203.0.113.7/32']);
  });

  it('gives up after a bounded number of conflicts with a transient error, writing nothing', async () => {
    const waf = use(mockWaf({ addresses: [] }));
    waf.state.beforeUpdate = () => waf.otherWriter(`198.51.100.${waf.state.token}/32`);
    await expect(blocklists().block(WAF, '203.0.113.7/32')).rejects.toMatchObject({
      kind: 'transient',
      code: 'waf_lock_conflict',
    });
    expect(waf.state.conflicts).toBe(WAF_LOCK_ATTEMPTS);
    expect(waf.state.addresses).not.toContain('203.0.113.7/32');
  });

  it('already blocked and not blocked are answers, with no write', async () => {
    const waf = use(mockWaf({ addresses: ['203.0.113.7/32'] }));
    expect(await blocklists().block(WAF, '203.0.113.7/32')).toEqual({ status: 'already_blocked' });
    expect(await blocklists().unblock(WAF, '203.0.113.8/32')).toEqual({ status: 'not_blocked' });
    expect(waf.mock.commandCalls(UpdateIPSetCommand)).toHaveLength(0);
    expect(await blocklists().unblock(WAF, '203.0.113.7/32')).toEqual({ status: 'unblocked' });
    expect(waf.state.addresses).toEqual([]);
  });

  it('CLOUDFRONT IP sets are always called in us-east-1', async () => {
    const waf = use(mockWaf());
    await blocklists().list({ ...WAF, scope: 'CLOUDFRONT', region: 'eu-west-1' });
    const client = waf.mock.commandCalls(GetIPSetCommand)[0]!.thisValue as WAFV2Client;
    expect(await client.config.region()).toBe('us-east-1');
  });
});

describe('network ACL blocklist', () => {
  const ref = (id: string): BlocklistRef => ({
    type: 'nacl',
    networkAclId: id,
    ruleRange: { from: 10, to: 13 },
  });

  it('takes the lowest free number in the range, inbound deny, all protocols', async () => {
    const nacl = use(
      mockNacl({
        entries: [
          {
            RuleNumber: 10,
            Protocol: '6',
            RuleAction: 'allow',
            Egress: false,
            CidrBlock: '192.0.2.0/24',
          },
        ],
      }),
    );
    expect(await blocklists().block(ref(nacl.id), '203.0.113.7/32')).toEqual({
      status: 'blocked',
      ruleNumber: 11,
    });
    const input = nacl.mock.commandCalls(CreateNetworkAclEntryCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      RuleNumber: 11,
      Protocol: '-1',
      RuleAction: 'deny',
      Egress: false,
      CidrBlock: '203.0.113.7/32',
    });
  });

  it('a number taken between read and write is never overwritten: it reads again and takes the next', async () => {
    const nacl = use(mockNacl());
    let raced = false;
    nacl.state.beforeCreate = () => {
      if (raced) return;
      raced = true;
      nacl.state.entries.push({
        RuleNumber: 10,
        Protocol: '-1',
        RuleAction: 'deny',
        Egress: false,
        CidrBlock: '198.51.100.1/32',
      });
    };
    expect(await blocklists().block(ref(nacl.id), '203.0.113.7/32')).toEqual({
      status: 'blocked',
      ruleNumber: 11,
    });
    expect(nacl.state.entries.find((e) => e.RuleNumber === 10)?.CidrBlock).toBe('198.51.100.1/32');
    expect(nacl.mock.commandCalls(CreateNetworkAclEntryCommand)).toHaveLength(2);
  });

  it('a full range is refused with a clear message, nothing written', async () => {
    const taken = [10, 11, 12, 13].map((n) => ({
      RuleNumber: n,
      Protocol: '-1',
      RuleAction: 'deny' as const,
      Egress: false,
      CidrBlock: `192.0.2.${n}/32`,
    }));
    const nacl = use(mockNacl({ entries: taken }));
    await expect(blocklists().block(ref(nacl.id), '203.0.113.7/32')).rejects.toMatchObject({
      code: 'nacl_range_full',
      message: expect.stringMatching(/every rule number 10–13/),
    });
    expect(nacl.mock.commandCalls(CreateNetworkAclEntryCommand)).toHaveLength(0);
  });

  it('unblock deletes only our deny entry for that CIDR; an egress rule with the number stays', async () => {
    const nacl = use(
      mockNacl({
        entries: [
          {
            RuleNumber: 12,
            Protocol: '-1',
            RuleAction: 'deny',
            Egress: false,
            CidrBlock: '203.0.113.7/32',
          },
          {
            RuleNumber: 12,
            Protocol: '-1',
            RuleAction: 'deny',
            Egress: true,
            CidrBlock: '203.0.113.7/32',
          },
          {
            RuleNumber: 50,
            Protocol: '-1',
            RuleAction: 'deny',
            Egress: false,
            CidrBlock: '203.0.113.9/32',
          },
        ],
      }),
    );
    expect(await blocklists().list(ref(nacl.id))).toEqual(['203.0.113.7/32']);
    expect(await blocklists().block(ref(nacl.id), '203.0.113.7/32')).toEqual({
      status: 'already_blocked',
      ruleNumber: 12,
    });
    expect(await blocklists().unblock(ref(nacl.id), '203.0.113.9/32')).toEqual({
      status: 'not_blocked',
    });
    expect(await blocklists().unblock(ref(nacl.id), '203.0.113.7/32')).toEqual({
      status: 'unblocked',
    });
    expect(nacl.state.entries.filter((e) => e.RuleNumber === 12)).toEqual([
      expect.objectContaining({ Egress: true }),
    ]);
  });

  it('an unknown network ACL is a user error', async () => {
    use(mockNacl());
    await expect(blocklists().list(ref('acl-0000000000000dead'))).rejects.toMatchObject({
      kind: 'user',
      message: expect.stringContaining('acl-0000000000000dead'),
    });
  });
});

describe('IAM access keys and the caller identity', () => {
  const KEY = 'AKIAIOSFODNN7EXAMPLE';

  it('finds the owner and last use, deactivates, quarantines and lifts the quarantine', async () => {
    const iam = use(mockIam({ 'ci-deployer': { [KEY]: 'Active' } }));
    const keys = accessKeysAdapter(new IAMClient({ region: 'us-east-1' }));
    expect(await keys.lastUsed(KEY)).toEqual({
      accessKeyId: KEY,
      userName: 'ci-deployer',
      lastUsedAt: '2026-11-30T22:14:00.000Z',
      service: 's3',
      region: 'us-east-1',
    });
    expect(await keys.lastUsed('AKIAIOSFODNN7NOTHERE')).toBeUndefined();
    await keys.setStatus({ userName: 'ci-deployer', accessKeyId: KEY, status: 'Inactive' });
    expect(await keys.status({ userName: 'ci-deployer', accessKeyId: KEY })).toBe('Inactive');
    await keys.putDenyAll({ userName: 'ci-deployer', policyName: 'opsbot-quarantine-req_1' });
    expect(JSON.parse(iam.state['ci-deployer']!.policies['opsbot-quarantine-req_1']!)).toEqual(
      JSON.parse(DENY_ALL_POLICY),
    );
    expect(
      await keys.removeInlinePolicy({
        userName: 'ci-deployer',
        policyName: 'opsbot-quarantine-req_1',
      }),
    ).toBe(true);
    expect(
      await keys.removeInlinePolicy({
        userName: 'ci-deployer',
        policyName: 'opsbot-quarantine-req_1',
      }),
    ).toBe(false);
  });

  it('reads who the bot is: an IAM user name from the ARN, and the key it signs with', async () => {
    use(mockSts(`arn:aws:iam::${ACCOUNT}:user/ops/opsbot`));
    const sts = new STSClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAOPSBOTOWNKEY0001', secretAccessKey: 'x' },
    });
    expect(await identityAdapter(sts).whoAmI()).toEqual({
      account: ACCOUNT,
      arn: `arn:aws:iam::${ACCOUNT}:user/ops/opsbot`,
      userName: 'opsbot',
      accessKeyId: 'AKIAOPSBOTOWNKEY0001',
    });
  });
});

describe('Cognito user pools', () => {
  it('gets, signs out, disables and enables a user; an unknown user is undefined', async () => {
    const cognito = use(mockCognito({ 'us-east-1_AbCdEf123': { mallory: true } }));
    const pools = userPoolsAdapter(
      regionalClients((c) => new CognitoIdentityProviderClient(c), 'us-east-1'),
    );
    const ref = { userPoolId: 'us-east-1_AbCdEf123', username: 'mallory' };
    expect(await pools.get(ref)).toEqual({
      username: 'mallory',
      enabled: true,
      status: 'CONFIRMED',
    });
    expect(await pools.get({ ...ref, username: 'nobody' })).toBeUndefined();
    await pools.globalSignOut(ref);
    await pools.disable(ref);
    expect(cognito.state.pools['us-east-1_AbCdEf123']!.mallory).toBe(false);
    await pools.enable(ref);
    expect(cognito.state.signedOut).toEqual(['us-east-1_AbCdEf123/mallory']);
    expect((await pools.get(ref))?.enabled).toBe(true);
  });
});
