/** Where blocked addresses go: a WAFv2 IP set, or deny entries in an EC2 network ACL. */
export type BlocklistRef =
  | {
      type: 'waf';
      /** IP set name and id (GetIPSet needs both) and its scope. */
      name: string;
      id: string;
      scope: 'REGIONAL' | 'CLOUDFRONT';
      region?: string;
    }
  | {
      type: 'nacl';
      networkAclId: string;
      /** Rule numbers opsbot may use (inclusive); a number already taken is never overwritten. */
      ruleRange: { from: number; to: number };
      region?: string;
    };

export type BlockResult =
  | { status: 'blocked'; ruleNumber?: number }
  | { status: 'already_blocked'; ruleNumber?: number };

export type UnblockResult = { status: 'unblocked' } | { status: 'not_blocked' };

export interface IpBlocklistsPort {
  /** The CIDRs the target blocks (for a NACL: the deny entries in opsbot's rule range). */
  list(target: BlocklistRef): Promise<string[]>;
  /** Adds the CIDR (normalised, such as `203.0.113.7/32`); already there is a success. */
  block(target: BlocklistRef, cidr: string): Promise<BlockResult>;
  /** Removes the CIDR; not there is a success (`not_blocked`). */
  unblock(target: BlocklistRef, cidr: string): Promise<UnblockResult>;
}
