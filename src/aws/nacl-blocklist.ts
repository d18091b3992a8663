import {
  CreateNetworkAclEntryCommand,
  DeleteNetworkAclEntryCommand,
  DescribeNetworkAclsCommand,
  type EC2Client,
  type NetworkAclEntry,
} from '@aws-sdk/client-ec2';
import { canonicalCidr } from '../sdk/cidr.ts';
import { UserError } from '../sdk/errors.ts';
import type { BlocklistRef, BlockResult, UnblockResult } from '../sdk/ports/ip-blocklists.ts';
import type { ClientFor } from './clients.ts';
import { awsCall } from './errors.ts';

type NaclRef = Extract<BlocklistRef, { type: 'nacl' }>;

const where = (t: NaclRef) => `network ACL ${t.networkAclId}`;
const cidrOf = (e: NetworkAclEntry) => canonicalCidr(e.CidrBlock ?? e.Ipv6CidrBlock ?? '');
const inRange = (t: NaclRef, n: number | undefined) =>
  n !== undefined && n >= t.ruleRange.from && n <= t.ruleRange.to;

/**
 * Deny entries in an EC2 network ACL (inbound, all protocols). opsbot only uses rule numbers in the
 * target's range and never one that is taken: it reads the entries, takes the lowest free number,
 * and when CreateNetworkAclEntry says the number was taken meanwhile
 * (`NetworkAclEntryAlreadyExists`), reads again and takes the next. Entries outside the range, or
 * that opsbot did not make, are never changed.
 */
export function naclBlocklist(client: ClientFor<EC2Client>) {
  const inbound = async (t: NaclRef) => {
    const out = await awsCall({ action: 'ec2:DescribeNetworkAcls', resource: where(t) }, () =>
      client(t.region).send(new DescribeNetworkAclsCommand({ NetworkAclIds: [t.networkAclId] })),
    );
    const acl = out.NetworkAcls?.[0];
    if (!acl) throw new UserError('aws_not_found', `no such ${where(t)}`);
    return (acl.Entries ?? []).filter((e) => !e.Egress);
  };
  const ours = (t: NaclRef, entries: NetworkAclEntry[]) =>
    entries.filter((e) => e.RuleAction === 'deny' && inRange(t, e.RuleNumber));
  return {
    async list(t: NaclRef) {
      return ours(t, await inbound(t)).map(cidrOf);
    },
    async block(t: NaclRef, cidr: string): Promise<BlockResult> {
      const v6 = cidr.includes(':');
      for (;;) {
        const entries = await inbound(t);
        const existing = ours(t, entries).find((e) => cidrOf(e) === cidr);
        if (existing) return { status: 'already_blocked', ruleNumber: existing.RuleNumber };
        const taken = new Set(entries.map((e) => e.RuleNumber));
        let ruleNumber: number | undefined;
        for (let n = t.ruleRange.from; n <= t.ruleRange.to; n++) {
          if (!taken.has(n)) {
            ruleNumber = n;
            break;
          }
        }
        if (ruleNumber === undefined) {
          throw new UserError(
            'nacl_range_full',
            `every rule number ${t.ruleRange.from}–${t.ruleRange.to} in ${where(t)} is taken; unblock something or widen rule_numbers`,
          );
        }
        try {
          await client(t.region).send(
            new CreateNetworkAclEntryCommand({
              NetworkAclId: t.networkAclId,
              RuleNumber: ruleNumber,
              Protocol: '-1',
              RuleAction: 'deny',
              Egress: false,
              ...(v6 ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }),
            }),
          );
          return { status: 'blocked', ruleNumber };
        } catch (error) {
          // Someone took the number between our read and our write: read again, never overwrite.
          if ((error as { name?: string }).name === 'NetworkAclEntryAlreadyExists') continue;
          return awsCall({ action: 'ec2:CreateNetworkAclEntry', resource: where(t) }, () =>
            Promise.reject(error),
          );
        }
      }
    },
    async unblock(t: NaclRef, cidr: string): Promise<UnblockResult> {
      const entry = ours(t, await inbound(t)).find((e) => cidrOf(e) === cidr);
      if (!entry) return { status: 'not_blocked' };
      try {
        await client(t.region).send(
          new DeleteNetworkAclEntryCommand({
            NetworkAclId: t.networkAclId,
            RuleNumber: entry.RuleNumber,
            Egress: false,
          }),
        );
      } catch (error) {
        if ((error as { name?: string }).name === 'InvalidNetworkAclEntry.NotFound')
          return { status: 'not_blocked' };
        return awsCall({ action: 'ec2:DeleteNetworkAclEntry', resource: where(t) }, () =>
          Promise.reject(error),
        );
      }
      return { status: 'unblocked' };
    },
  };
}
