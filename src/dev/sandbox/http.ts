import type { FileConfig } from '../../config/file.ts';
import type { HttpPort, HttpResult } from '../../sdk/ports/index.ts';

/**
 * SANDBOX HTTP for `health`: answers only the URLs in `targets.endpoints`. Every health URL says
 * ok; the first readiness URL reports one failing check (a 503, as a real /ready would), the others
 * are ready. Any other URL is "not reachable in the sandbox": nothing leaves the machine.
 */
interface Answer {
  status: number;
  json: unknown;
}

const READY_CHECKS = {
  db: { ok: true },
  migrations: { ok: true, version: '0042' },
  signing: { ok: true },
};

function answers(file: FileConfig): Map<string, Answer> {
  const map = new Map<string, Answer>();
  let failingShown = false;
  for (const [name, e] of Object.entries(file.targets.endpoints)) {
    map.set(e.health_url, { status: 200, json: { status: 'ok', service: name } });
    if (!e.ready_url) continue;
    const failing = !failingShown;
    failingShown = true;
    map.set(e.ready_url, {
      status: failing ? 503 : 200,
      json: {
        status: failing ? 'degraded' : 'ready',
        checks: {
          ...READY_CHECKS,
          workers: failing
            ? { ok: false, error: '1 of 3 workers not polling (queue backlog 1,204)' }
            : { ok: true },
        },
      },
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
