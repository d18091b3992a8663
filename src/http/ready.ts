import type { ServerResponse } from 'node:http';
import { sendJson } from './server.ts';

export type Check = () => Promise<void>;

/** `/ready`: runs every check (with a timeout) and answers 200 only when all pass. */
export async function answerReady(
  res: ServerResponse,
  checks: Record<string, Check>,
  draining: boolean,
) {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) =>
            setTimeout(() => reject(new Error('timed out after 2 s')), 2000).unref(),
          ),
        ]);
        return [name, { ok: true }] as const;
      } catch (error) {
        return [name, { ok: false, error: (error as Error).message }] as const;
      }
    }),
  );
  const body: Record<string, unknown> = Object.fromEntries(results);
  if (draining) body.draining = { ok: false, error: 'shutting down' };
  const ok = !draining && results.every(([, r]) => r.ok);
  sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not_ready', checks: body });
}
