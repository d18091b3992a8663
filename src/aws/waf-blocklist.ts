import { GetIPSetCommand, UpdateIPSetCommand, type WAFV2Client } from '@aws-sdk/client-wafv2';
import { cloudfrontWafRegion } from '../sdk/arn.ts';
import { canonicalCidr } from '../sdk/cidr.ts';
import { PermanentError, TransientError, UserError } from '../sdk/errors.ts';
import type { BlocklistRef, BlockResult, UnblockResult } from '../sdk/ports/ip-blocklists.ts';
import type { ClientFor } from './clients.ts';
import { awsCall } from './errors.ts';

type WafRef = Extract<BlocklistRef, { type: 'waf' }>;

/** How often an update is tried again when someone else changed the IP set in between. */
export const WAF_LOCK_ATTEMPTS = 5;

const where = (t: WafRef) => `WAF IP set ${t.name} (${t.scope})`;

/**
 * The region a CLOUDFRONT-scope target is called in, by the partition of `home` (its region or the
 * bot's); refused where that partition has none.
 */
function cloudfrontRegion(t: WafRef, home: string): string {
  const found = cloudfrontWafRegion(home);
  if ('region' in found) return found.region;
  throw new PermanentError(
    'config_invalid',
    `${where(t)} is configured for ${home} (${found.partition}): ${found.why}, so there is no CLOUDFRONT IP set to call; use scope REGIONAL with that region's IP set (nothing was changed)`,
  );
}

/**
 * An IP set holds addresses of one version (its `IPAddressVersion`, fixed when it was made);
 * UpdateIPSet with one of the other version fails as WAFInvalidParameterException, naming neither.
 */
function checkVersion(t: WafRef, version: string | undefined, cidr: string) {
  const wanted = cidr.includes(':') ? 'IPV6' : 'IPV4';
  if (!version || version === wanted) return;
  throw new UserError(
    'ip_version_mismatch',
    `${where(t)} holds ${version} addresses only and ${cidr} is ${wanted === 'IPV6' ? 'IPv6' : 'IPv4'}: nothing was changed (use a target whose IP set is ${wanted})`,
  );
}

/**
 * A WAFv2 IP set as a blocklist. UpdateIPSet replaces the whole list, so every change reads the
 * set (GetIPSet) and writes it back with the `LockToken` it got; when someone else wrote in
 * between, AWS answers WAFOptimisticLockException and the change is made again on a fresh read.
 */
export function wafBlocklist(client: ClientFor<WAFV2Client>) {
  /** The client of the region the target's IP set is called in. */
  const clientOf = async (t: WafRef) => {
    if (t.scope !== 'CLOUDFRONT') return client(t.region);
    return client(cloudfrontRegion(t, t.region ?? (await client().config.region())));
  };
  const read = async (t: WafRef) => {
    const waf = await clientOf(t);
    const out = await awsCall({ action: 'wafv2:GetIPSet', resource: where(t) }, () =>
      waf.send(new GetIPSetCommand({ Name: t.name, Scope: t.scope, Id: t.id })),
    );
    return {
      addresses: out.IPSet?.Addresses ?? [],
      version: out.IPSet?.IPAddressVersion,
      description: out.IPSet?.Description,
      lockToken: out.LockToken ?? '',
    };
  };
  /**
   * Applies `change` to a fresh read until the write goes through; undefined = nothing to write.
   * An address of the other IP version than the set's is refused before anything is written.
   */
  const modify = async (
    t: WafRef,
    cidr: string,
    change: (addresses: string[]) => string[] | undefined,
  ) => {
    for (let attempt = 1; ; attempt++) {
      const current = await read(t);
      checkVersion(t, current.version, cidr);
      const next = change(current.addresses);
      if (!next) return false;
      try {
        await (await clientOf(t)).send(
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
      const wrote = await modify(t, cidr, (addresses) =>
        addresses.some((a) => canonicalCidr(a) === cidr) ? undefined : [...addresses, cidr],
      );
      return { status: wrote ? 'blocked' : 'already_blocked' };
    },
    async unblock(t: WafRef, cidr: string): Promise<UnblockResult> {
      const wrote = await modify(t, cidr, (addresses) => {
        const kept = addresses.filter((a) => canonicalCidr(a) !== cidr);
        return kept.length === addresses.length ? undefined : kept;
      });
      return { status: wrote ? 'unblocked' : 'not_blocked' };
    },
  };
}
