import type { FileConfig } from '../../config/file.ts';
import type { HttpPort, HttpResult } from '../../sdk/ports/index.ts';

/**
 * SANDBOX HTTP for `health`: answers only the URLs in `targets.endpoints`. Every health URL says
 * ok; a readiness URL reports each of its `required_checks` (the API runbook's db, migration,
 * signing, worker); the first one reports its worker check failing (a 503, as a real /ready
 * would), the others are ready. Any other URL is "not reachable in the sandbox": nothing leaves the machine.
 */
interface Answer {
  status: number;
  json: unknown;
}

/** What the sandbox says for a readiness check by name (the API runbook's, and any other). */
const READY_CHECK: Record<string, unknown> = {
  db: { ok: true },
  migration: { ok: true, head: '0042' },
  migrations: { ok: true, version: '0042' },
  signing: { ok: true },
};

/** The check the first readiness URL fails: its `worker` check if required, else `workers`. */
const failingCheck = (required: string[]) => (required.includes('worker') ? 'worker' : 'workers');

function answers(file: FileConfig): Map<string, Answer> {
  const map = new Map<string, Answer>();
  let failingShown = false;
  for (const [name, e] of Object.entries(file.targets.endpoints)) {
    const required = e.required_checks ?? [];
    map.set(e.health_url, {
      status: 200,
      json: {
        status: 'ok',
        service: name,
        checks: Object.fromEntries(required.map((c) => [c, 'ok'])),
      },
    });
    if (!e.ready_url) continue;
    const failing = !failingShown;
    failingShown = true;
    const checks: Record<string, unknown> = { db: READY_CHECK.db, signing: READY_CHECK.signing };
    for (const c of required) checks[c] = READY_CHECK[c] ?? { ok: true };
    if (!required.includes('migration')) checks.migrations = READY_CHECK.migrations;
    checks[failingCheck(required)] = failing
      ? { ok: false, error: '1 of 3 workers not polling (queue backlog 1,204)' }
      : { ok: true };
    map.set(e.ready_url, {
      status: failing ? 503 : 200,
      json: { status: failing ? 'degraded' : 'ready', checks },
    });
  }
  return map;
}

/** Latency that looks like a network call and stays the same for a URL. */
const latency = (url: string) => 8 + ([...url].reduce((a, c) => a + c.charCodeAt(0), 0) % 40);

export function sandboxHttp(file: FileConfig): HttpPort {
  const known = answers(file);
  return {
    async get(url): Promise<HttpResult> {
      const answer = known.get(url);
      if (!answer)
        return {
          url,
          status: null,
          ms: 0,
          error: 'not reachable in the sandbox (only the targets.endpoints URLs answer)',
        };
      return { url, status: answer.status, ms: latency(url), json: answer.json };
    },
  };
}
