import {
  defineCommand,
  endpoint as endpointArg,
  type FileConfig,
  type PlanContext,
  step,
  targetOf,
  z,
} from '../src/sdk/index.ts';
import { mark, type Probe, probeBlock, readProbe, verdictOf } from './health/verdict.ts';

export { failingChecks } from './health/payload.ts';

/**
 * GET a service's health URL (and readiness URL) and read the real payload: top-level status,
 * checks (also under `data`), Spring Boot components and IETF health+json; required checks, a
 * latency limit, version and uptime, and for https the certificate's days left.
 */

const args = z.object({
  service: endpointArg('Service whose /health and /ready to check (from config)'),
});

type Args = z.output<typeof args>;

type EndpointTarget = FileConfig['targets']['endpoints'][string];

const endpoint = (targets: FileConfig['targets'], name: string) =>
  targetOf<EndpointTarget>(targets, 'endpoints', name);

/** Probes the endpoint's URLs. Required checks are judged on the last URL (readiness when set). */
export async function probeEndpoint({ args: a, targets, ports }: PlanContext<Args>) {
  const e = endpoint(targets, a.service);
  const options = { timeoutMs: e.timeout_ms };
  const [health, ready] = await Promise.all([
    ports.http.get(e.health_url, options),
    e.ready_url ? ports.http.get(e.ready_url, options) : undefined,
  ]);
  const limits = (last: boolean) => ({
    required_checks: last ? (e.required_checks ?? []) : [],
    max_latency_ms: e.max_latency_ms,
  });
  const probes = [readProbe('health', health, limits(!ready))];
  if (ready) probes.push(readProbe('ready', ready, limits(true)));
  return probes;
}

const HEADLINE = {
  ok: 'is healthy and ready',
  warn: 'is healthy, with warnings',
  fail: 'is not healthy',
} as const;

export default defineCommand({
  name: 'health',
  summary:
    "GET a service's /health and /ready; status, latency, version, uptime, every failing check (even on HTTP 200) and TLS days left",
  args,
  positional: ['service'],
  readOnly: true,
  policy: { default: { approvals: 0 } },
  async check(ctx) {
    return verdictOf(ctx.args.service, await probeEndpoint(ctx));
  },
  run: [
    step<Args>('probe', 'GET /health and /ready', async (ctx) => ({
      probes: await probeEndpoint(ctx),
    })),
    step<Args>('report', 'Post the result card', async ({ args: a, results, output }) => {
      const { probes } = results.probe as { probes: Probe[] };
      const verdict = verdictOf(a.service, probes);
      const text = `${mark(verdict.status)} ${a.service} ${HEADLINE[verdict.status]}`;
      await output.post({
        text,
        blocks: [{ type: 'text', text: `*${text}*` }, ...probes.map(probeBlock)],
      });
      return { healthy: verdict.status !== 'fail' };
    }),
  ],
});
