import type { Cluster } from 'ioredis';

interface ClusterNodeLine {
  id: string;
  address: string;
  flags: string[];
  masterId: string;
  connected: boolean;
  slots: [number, number][];
}

/** One line of CLUSTER NODES: `id ip:port@bus flags master ping pong epoch link slot…`. */
function parseLine(line: string): ClusterNodeLine {
  const [id = '', address = '', flags = '', masterId = '', , , , link = '', ...slots] =
    line.split(' ');
  return {
    id,
    address: address.split('@')[0] ?? address,
    flags: flags.split(','),
    masterId,
    connected: link === 'connected',
    slots: slots
      .filter((s) => !s.startsWith('['))
      .map((s) => {
        const [from, to = from] = s.split('-').map(Number);
        return [from!, to!] as [number, number];
      }),
  };
}

const down = (node: ClusterNodeLine) =>
  node.flags.some((f) => f === 'fail' || f === 'fail?' || f === 'noaddr') || !node.connected;

/**
 * How the shard holding opsbot's slot is doing, from the cluster's own view (CLUSTER NODES):
 * undefined when its master has at least one live replica and no node of the shard is down, else
 * what is wrong. opsbot keeps working with the master alone, but one more failure would stop it.
 */
export async function shardProblem(redis: Cluster, slot: number): Promise<string | undefined> {
  return shardProblemIn(String(await redis.cluster('NODES')), slot);
}

/**
 * As `shardProblem`, from the text of CLUSTER NODES. A master that failed over and died before it
 * rejoined as a replica shows as a slotless `master,fail`: the shard then has no replica *and* a
 * node down, and both are said (the node's line no longer names the shard's master).
 */
export function shardProblemIn(clusterNodes: string, slot: number): string | undefined {
  const nodes = clusterNodes.split('\n').filter(Boolean).map(parseLine);
  const owns = (n: ClusterNodeLine) => n.slots.some(([from, to]) => slot >= from && slot <= to);
  const master = nodes.find((n) => n.flags.includes('master') && owns(n));
  if (!master) return `no master serves slot ${slot}`;
  const shard = nodes.filter((n) => n.masterId === master.id);
  const failed = [master, ...shard].filter(down);
  if (failed.length > 0)
    return `node ${failed.map((n) => n.address).join(', ')} of opsbot's shard is down`;
  if (shard.length === 0) {
    const noReplica = `the master of opsbot's slot (${master.address}) has no replica`;
    const lost = nodes.filter((n) => n.flags.includes('master') && n.slots.length === 0 && down(n));
    return lost.length > 0
      ? `${noReplica}; node ${lost.map((n) => n.address).join(', ')} (a master without slots) is down`
      : noReplica;
  }
  return undefined;
}
