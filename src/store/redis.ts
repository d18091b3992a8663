import { Cluster, type ClusterOptions, Redis as RedisNode, type RedisOptions } from 'ioredis';
import { coalesceWrites } from './coalesced-writes.ts';

/** A connection to one Redis server or to a Redis Cluster: the same commands either way. */
export type Redis = RedisNode | Cluster;

/**
 * Where Redis is: `url` (REDIS_URL) for one server, or `clusterNodes` (REDIS_CLUSTER_NODES) for a
 * Redis Cluster, ElastiCache cluster mode or MemoryDB.
 */
export interface RedisEndpoint {
  url: string;
  clusterNodes?: string;
}

/** One seed node of REDIS_CLUSTER_NODES: `host:port`, or a `redis://` / `rediss://` URL. */
const NODE = /^(?:(rediss?):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?)?(\[[^\]]+\]|[^:/@\s]+):(\d+)\/?$/;

export interface ClusterSeeds {
  nodes: { host: string; port: number }[];
  tls: boolean;
  username?: string;
  password?: string;
}

/**
 * Parses REDIS_CLUSTER_NODES. TLS (`rediss://`) and AUTH (`user:password@`) given on any seed apply
 * to every node of the cluster, since ioredis reaches the others from the seeds' slot map.
 */
export function parseClusterNodes(text: string): ClusterSeeds {
  const seeds: ClusterSeeds = { nodes: [], tls: false };
  for (const entry of text.split(',').map((s) => s.trim())) {
    const match = NODE.exec(entry);
    if (!match) throw new Error('each node is host:port or redis[s]://[user:password@]host:port');
    const [, scheme, username, password, host, port] = match;
    if (scheme === 'rediss') seeds.tls = true;
    if (username) seeds.username = decodeURIComponent(username);
    if (password) seeds.password = decodeURIComponent(password);
    seeds.nodes.push({ host: host!.replace(/^\[|\]$/g, ''), port: Number(port) });
  }
  return seeds;
}

/** The endpoint for logs: hosts and ports, never a password. */
export function describeEndpoint(where: string | RedisEndpoint): string {
  const endpoint = typeof where === 'string' ? { url: where } : where;
  if (endpoint.clusterNodes)
    return `cluster ${parseClusterNodes(endpoint.clusterNodes)
      .nodes.map((n) => `${n.host}:${n.port}`)
      .join(',')}`;
  return endpoint.url.replace(/\/\/[^@]*@/, '//***@');
}

/**
 * Every Redis connection opsbot makes comes from here. Two kinds: a worker's blocks and must retry
 * forever (BullMQ requires `maxRetriesPerRequest: null`); a producer's must fail fast so a request
 * can be told at once that nothing was run. With `clusterNodes` it is an ioredis Cluster client,
 * which follows MOVED/ASK redirects and a failover's new slot map. A single server's connection sends
 * the commands of one tick in one socket write (`coalesceWrites`).
 */
export function connectRedis(
  where: string | RedisEndpoint,
  role: 'worker' | 'producer',
  extra: RedisOptions = {},
): Redis {
  const endpoint = typeof where === 'string' ? { url: where } : where;
  const options: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 };
  if (!endpoint.clusterNodes) {
    const client = new RedisNode(endpoint.url, { ...options, lazyConnect: false, ...extra });
    coalesceWrites(client);
    return client;
  }
  const seeds = parseClusterNodes(endpoint.clusterNodes);
  const { enableOfflineQueue, ...nodeOptions } = { ...options, ...extra };
  const clusterOptions: ClusterOptions = {
    enableOfflineQueue: enableOfflineQueue ?? true,
    enableReadyCheck: true,
    lazyConnect: false,
    redisOptions: {
      ...nodeOptions,
      username: seeds.username,
      password: seeds.password,
      // ElastiCache and MemoryDB: TLS to every node; their certificates name the host given.
      ...(seeds.tls ? { tls: {} } : {}),
    },
    // Keep the host names the cluster announces, so TLS can check them against the certificate.
    ...(seeds.tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
  };
  return new Cluster(seeds.nodes, clusterOptions);
}

/** Waits until a connection is ready, or `timeoutMs` passes (the process starts either way). */
export async function whenReady(redis: Redis, timeoutMs = 5000): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once('ready', onReady);
  });
}
