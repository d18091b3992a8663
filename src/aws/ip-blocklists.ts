import type { EC2Client } from '@aws-sdk/client-ec2';
import type { WAFV2Client } from '@aws-sdk/client-wafv2';
import type { BlocklistRef, IpBlocklistsPort } from '../sdk/ports/ip-blocklists.ts';
import type { ClientFor } from './clients.ts';
import { naclBlocklist } from './nacl-blocklist.ts';
import { wafBlocklist } from './waf-blocklist.ts';

/** Blocks addresses with the mechanism each target names: a WAFv2 IP set or a network ACL. */
export function ipBlocklistsAdapter(clients: {
  wafv2: ClientFor<WAFV2Client>;
  ec2: ClientFor<EC2Client>;
}): IpBlocklistsPort {
  const waf = wafBlocklist(clients.wafv2);
  const nacl = naclBlocklist(clients.ec2);
  const pick = (target: BlocklistRef) => (target.type === 'waf' ? waf : nacl);
  return {
    list: (target) => pick(target).list(target as never),
    block: (target, cidr) => pick(target).block(target as never, cidr),
    unblock: (target, cidr) => pick(target).unblock(target as never, cidr),
  };
}
