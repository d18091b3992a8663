import { GetIPSetCommand, UpdateIPSetCommand, type WAFV2Client } from '@aws-sdk/client-wafv2';
import { canonicalCidr } from '../sdk/cidr.ts';
import { TransientError } from '../sdk/errors.ts';
import type { BlocklistRef, BlockResult, UnblockResult } from '../sdk/ports/ip-blocklists.ts';
import type { ClientFor } from './clients.ts';
import { awsCall } from './errors.ts';

type WafRef = Extract<BlocklistRef, { type: 'waf' }>;

/** How often an update is tried again when someone else changed the IP set in between. */
export const WAF_LOCK_ATTEMPTS = 5;

const where = (t: WafRef) => `WAF IP set ${t.name} (${t.scope})`;
/** CLOUDFRONT IP sets live in us-east-1 whatever the target says. */
const regionOf = (t: WafRef) => (t.scope === 'CLOUDFRONT' ? 'us-east-1' : t.region);

/**
 * A WAFv2 IP set as a blocklist. UpdateIPSet replaces the whole list, so every change reads the
 * set (GetIPSet) and writes it back with the `LockToken` it got; when someone else wrote in
 * between, AWS answers WAFOptimisticLockException and the change is made again on a fresh read.
 */
export function wafBlocklist(client: ClientFor<WAFV2Client>) {
  const read = async (t: WafRef) => {
    const out = await awsCall({ action: 'wafv2:GetIPSet', resource: where(t) }, () =>
      client(regionOf(t)).send(new GetIPSetCommand({ Name: t.name, Scope: t.scope, Id: t.id })),
    );
    return {
      addresses: out.IPSet?.Addresses ?? [],
      description: out.IPSet?.Description,
      lockToken: out.LockToken ?? '',
    };
  };
  /** Applies `change` to a fresh read until the write goes through; undefined = nothing to write. */
  const modify = async (t: WafRef, change: (addresses: string[]) => string[] | undefined) => {
    for (let attempt = 1; ; attempt++) {
      const current = await read(t);
      const next = change(current.addresses);
      if (!next) return false;
      try {
        await client(regionOf(t)).send(
          new UpdateIPSetCommand({
            Name: t.name,
            Scope: t.scope,
            Id: t.id,
            Addresses: next,
            LockToken: current.lockToken,
            // UpdateIPSet replaces every mutable setting: keep the description it had.
            ...(current.description !== undefined ? { Description: current.description } : {}),
          }),
        );
        return true;
      } catch (error) {
        const name = (error as { name?: string }).name;
        if (name === 'WAFOptimisticLockException' && attempt < WAF_LOCK_ATTEMPTS) continue;
        if (name === 'WAFOptimisticLockException') {
          throw new TransientError(
            'waf_lock_conflict',
            `${where(t)} kept changing under us (${attempt} tries); trying again later`,
          );
        }
        return awsCall({ action: 'wafv2:UpdateIPSet', resource: where(t) }, () =>
          Promise.reject(error),
        );
      }
    }
  };
  return {
    async list(t: WafRef) {
      return (await read(t)).addresses.map(canonicalCidr);
    },
    async block(t: WafRef, cidr: string): Promise<BlockResult> {
      const wrote = await modify(t, (addresses) =>
        addresses.some((a) => canonicalCidr(a) === cidr) ? undefined : [...addresses, cidr],
      );
      return { status: wrote ? 'blocked' : 'already_blocked' };
    },
    async unblock(t: WafRef, cidr: string): Promise<UnblockResult> {
      const wrote = await modify(t, (addresses) => {
        const kept = addresses.filter((a) => canonicalCidr(a) !== cidr);
        return kept.length === addresses.length ? undefined : kept;
      });
      return { status: wrote ? 'unblocked' : 'not_blocked' };
    },
  };
}
