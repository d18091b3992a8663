import {
  CreateNetworkAclEntryCommand,
  DeleteNetworkAclEntryCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  GetIPSetCommand,
  type IPAddressVersion,
  UpdateIPSetCommand,
  WAFV2Client,
} from '@aws-sdk/client-wafv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { regionalClients } from '../../src/aws/clients.ts';
import { ipBlocklistsAdapter } from '../../src/aws/ip-blocklists.ts';
import type { BlocklistRef } from '../../src/sdk/ports/ip-blocklists.ts';
import { awsError } from '../helpers/aws-errors.ts';
import { mockNacl } from '../helpers/containment-mocks.ts';

/**
 * A WAFv2 IP set holds one IP version (`IPAddressVersion` IPV4 or IPV6, fixed when it is made):
 * UpdateIPSet with an address of the other version fails with WAFInvalidParameterException, which
 * told the operator nothing. GetIPSet says the set's version, so the mismatch is known before any
 * write. A network ACL takes both versions, in different fields (CidrBlock, Ipv6CidrBlock).
 */

const waf = mockClient(WAFV2Client);
afterEach(() => waf.reset());

const SET = {
  type: 'waf' as const,
  name: 'blocked-ips',
  id: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
  scope: 'REGIONAL' as const,
} satisfies BlocklistRef;

const blocklists = () =>
  ipBlocklistsAdapter({
    wafv2: regionalClients((c) => new WAFV2Client(c), 'us-east-1'),
    ec2: regionalClients((c) => new EC2Client(c), 'us-east-1'),
  });

/** One IP set of this version, as GetIPSet returns it; UpdateIPSet answers as AWS does. */
function ipSet(version: IPAddressVersion, addresses: string[]) {
  waf.on(GetIPSetCommand).resolves({
    IPSet: {
      Name: SET.name,
      Id: SET.id,
      ARN: `arn:aws:wafv2:us-east-1:123456789012:regional/ipset/${SET.name}/${SET.id}`,
      IPAddressVersion: version,
      Addresses: addresses,
    },
    LockToken: '0f3c2a4e-6d1b-4c4e-9b0a-000000000001',
  });
  waf.on(UpdateIPSetCommand).callsFake((input: { Addresses: string[] }) => {
    const v6 = version === 'IPV6';
    if (input.Addresses.some((a) => a.includes(':') !== v6))
      throw awsError(
        'WAFInvalidParameterException',
        'Error reason: The parameter contains formatting that is not valid., field: IP_ADDRESS, parameter: ' +
          input.Addresses.join(','),
      );
    return { NextLockToken: '0f3c2a4e-6d1b-4c4e-9b0a-000000000002' };
  });
}

describe('an address of the other IP version than the WAF IP set', () => {
  it('block-ip of an IPv6 address on an IPV4 set: a user error naming both, nothing written', async () => {
    ipSet('IPV4', ['192.0.2.1/32']);
    const failure = blocklists().block(SET, '2001:db8::7/128');
    await expect(failure).rejects.toMatchObject({ kind: 'user', code: 'ip_version_mismatch' });
    const message = await failure.catch((e: Error) => e.message);
    expect(message).toContain('blocked-ips');
    expect(message).toContain('IPV4');
    expect(message).toContain('2001:db8::7/128');
    expect(waf.commandCalls(UpdateIPSetCommand)).toHaveLength(0);
  });

  it('block-ip of an IPv4 address on an IPV6 set: the same', async () => {
    ipSet('IPV6', []);
    const failure = blocklists().block(SET, '203.0.113.7/32');
    await expect(failure).rejects.toMatchObject({ kind: 'user', code: 'ip_version_mismatch' });
    expect(await failure.catch((e: Error) => e.message)).toMatch(
      /IPV6.*203\.0\.113\.7\/32|203\.0\.113\.7\/32.*IPV6/,
    );
    expect(waf.commandCalls(UpdateIPSetCommand)).toHaveLength(0);
  });

  it('unblock-ip of an address the set cannot hold: the same, nothing written', async () => {
    ipSet('IPV4', ['192.0.2.1/32']);
    await expect(blocklists().unblock(SET, '2001:db8::7/128')).rejects.toMatchObject({
      kind: 'user',
      code: 'ip_version_mismatch',
    });
    expect(waf.commandCalls(UpdateIPSetCommand)).toHaveLength(0);
  });

  it('an IPv6 address on an IPV6 set is blocked as before', async () => {
    ipSet('IPV6', ['2001:db8::1/128']);
    expect(await blocklists().block(SET, '2001:db8::7/128')).toEqual({ status: 'blocked' });
    expect(waf.commandCalls(UpdateIPSetCommand)[0]!.args[0].input.Addresses).toEqual([
      '2001:db8::1/128',
      '2001:db8::7/128',
    ]);
  });
});

describe('a network ACL takes either version, each in its own field', () => {
  const ACL: BlocklistRef = {
    type: 'nacl',
    networkAclId: 'acl-0a1b2c3d4e5f67890',
    ruleRange: { from: 10, to: 49 },
  };

  it('an IPv6 block is an Ipv6CidrBlock entry, and unblock finds it again', async () => {
    const nacl = mockNacl();
    try {
      expect(await blocklists().block(ACL, '2001:db8::7/128')).toEqual({
        status: 'blocked',
        ruleNumber: 10,
      });
      const create = nacl.mock.commandCalls(CreateNetworkAclEntryCommand)[0]!.args[0].input;
      expect(create).toMatchObject({ Ipv6CidrBlock: '2001:db8::7/128', RuleAction: 'deny' });
      expect(create).not.toHaveProperty('CidrBlock');
      expect(await blocklists().list(ACL)).toEqual(['2001:db8::7/128']);
      expect(await blocklists().unblock(ACL, '2001:db8::7/128')).toEqual({ status: 'unblocked' });
      expect(nacl.mock.commandCalls(DeleteNetworkAclEntryCommand)[0]!.args[0].input).toMatchObject({
        RuleNumber: 10,
        Egress: false,
      });
    } finally {
      nacl.mock.restore();
    }
  });
});
