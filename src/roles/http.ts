import { Cluster } from 'ioredis';
import { answerReady } from '../http/ready.ts';
import { HttpServer, sendJson } from '../http/server.ts';
import { registry as metricsRegistry } from '../metrics/metrics.ts';
import { liveWorkers } from '../queue/heartbeat.ts';
import { shardProblem } from '../store/cluster-health.ts';
import type { Lifecycle } from './options.ts';
import type { Services } from './services.ts';

/** What `/ready` checks: opsbot's Redis slot, Slack's answer to auth.test, a live worker. */
function readyChecks({ redis, keys, client }: Services) {
  let slot: number | undefined;
  let slackIdentity: Promise<unknown> | undefined;
  let slackCheckedAt = 0;
  return {
    // A read of one of opsbot's keys, not PING: on a cluster that reaches the master holding
    // opsbot's slot (a PING goes to any node), so a failover of that master shows here.
    redis: async () => {
      await redis.exists(keys.submissions());
      if (redis instanceof Cluster) {
        slot ??= Number(await redis.cluster('KEYSLOT', keys.submissions()));
        const problem = await shardProblem(redis, slot);
        if (problem) return { degraded: problem };
      }
    },
    slack: async () => {
      if (!slackIdentity || Date.now() - slackCheckedAt > 30_000) {
        slackCheckedAt = Date.now();
        slackIdentity = client.auth.test();
      }
      await slackIdentity.catch((error) => {
        slackIdentity = undefined;
        throw error;
      });
    },
    worker: async () => {
      if ((await liveWorkers(redis, keys)) === 0)
        throw new Error('no worker heartbeat in the last 20 s');
    },
  };
}

/** opsbot's HTTP server with the routes every role answers: `/health`, `/ready` and `/metrics`. */
export function createHttp(services: Services, lifecycle: Lifecycle) {
  const http = new HttpServer((error) =>
    services.log.error({ err: (error as Error).message }, 'http handler failed'),
  );
  http.route('GET', '/health', (_req, res) => sendJson(res, 200, { status: 'ok' }));
  const checks = readyChecks(services);
  http.route('GET', '/ready', (_req, res) => answerReady(res, checks, lifecycle.draining));
  http.route('GET', '/metrics', async (_req, res) => {
    const text = await metricsRegistry.metrics();
    res.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(text);
  });
  return http;
}
