import type { BlocklistRef, IpBlocklistsPort } from '../../src/sdk/containment.ts';

/** An in-memory blocklist per target, counting every block and unblock call. */
export function memoryBlocklists() {
  const lists = new Map<string, Set<string>>();
  const calls = { block: 0, unblock: 0 };
  const key = (t: BlocklistRef) => (t.type === 'waf' ? `waf:${t.id}` : `nacl:${t.networkAclId}`);
  const list = (t: BlocklistRef) => {
    const set = lists.get(key(t)) ?? new Set<string>();
    lists.set(key(t), set);
    return set;
  };
  const port: IpBlocklistsPort = {
    async list(t) {
      return [...list(t)];
    },
    async block(t, cidr) {
      calls.block++;
      if (list(t).has(cidr)) return { status: 'already_blocked' };
      list(t).add(cidr);
      return { status: 'blocked' };
    },
    async unblock(t, cidr) {
      calls.unblock++;
      return list(t).delete(cidr) ? { status: 'unblocked' } : { status: 'not_blocked' };
    },
  };
  return { port, calls, has: (t: BlocklistRef, cidr: string) => list(t).has(cidr) };
}
