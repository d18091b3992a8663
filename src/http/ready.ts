import type { ServerResponse } from 'node:http';
import { sendJson } from './server.ts';

/** A check throws when it fails; it may pass yet report a degraded state (still ready). */
// biome-ignore lint/suspicious/noConfusingVoidType: a check that simply passes returns nothing
export type Check = () => Promise<void | { degraded: string }>;

/**
 * `/ready`: runs every check (with a timeout) and answers 200 only when all pass. A passing check
 * that reports a degraded state (a Redis Cluster shard that lost a node) makes the status
 * `degraded`, still 200: the process can work, but someone should look.
 */
export async function answerReady(
  res: ServerResponse,
  checks: Record<string, Check>,
  draining: boolean,
) {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        const outcome = await Promise.race([
          check(),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error('timed out after 2 s')), 2000).unref(),
          ),
        ]);
        return [name, outcome ? { ok: true, degraded: outcome.degraded } : { ok: true }] as const;
      } catch (error) {
        return [name, { ok: false, error: (error as Error).message }] as const;
      }
    }),
  );
  const body: Record<string, unknown> = Object.fromEntries(results);
  if (draining) body.draining = { ok: false, error: 'shutting down' };
  const ok = !draining && results.every(([, r]) => r.ok);
  const degraded = results.some(([, r]) => 'degraded' in r);
  const status = ok ? (degraded ? 'degraded' : 'ready') : 'not_ready';
  sendJson(res, ok ? 200 : 503, { status, checks: body });
}
