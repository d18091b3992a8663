import {
  defineCommand,
  endpoint as endpointArg,
  type FileConfig,
  type HttpPort,
  type HttpResult,
  type OutputBlock,
  step,
  targetOf,
  type Verdict,
  z,
} from '../src/sdk/index.ts';

/** The API service runbook's `/health` (alive) and `/ready` (db, migrations, signing, workers). */

const args = z.object({
  service: endpointArg('Service whose /health and /ready to check (from config)'),
});

type Args = z.output<typeof args>;

interface Probe {
  name: 'health' | 'ready';
  url: string;
  status: number | null;
  ms: number;
  error?: string;
  /** Readiness checks the JSON body reports as failing: name and what it said. */
  failing: { check: string; detail: string }[];
}

const OK_WORDS = /^(ok|pass|passed|up|healthy|ready|true|green|success)$/i;
const DETAIL_KEYS = ['error', 'message', 'detail', 'reason', 'status'] as const;

type EndpointTarget = FileConfig['targets']['endpoints'][string];

const endpoint = (targets: FileConfig['targets'], name: string) =>
  targetOf<EndpointTarget>(targets, 'endpoints', name);

function checkFails(value: unknown): string | undefined {
  if (value === false) return 'false';
  if (typeof value === 'string') return OK_WORDS.test(value) ? undefined : value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    const bad =
      v.ok === false ||
      v.healthy === false ||
      (typeof v.status === 'string' && !OK_WORDS.test(v.status));
    if (!bad) return undefined;
    const key = DETAIL_KEYS.find((k) => typeof v[k] === 'string');
    return key ? String(v[key]) : 'failing';
  }
  return undefined;
}

/** Failing checks in a readiness body: `{checks: {db: {ok: false, error}}}`, `{checks: [{name, status}]}` and the like. */
export function failingChecks(body: unknown): { check: string; detail: string }[] {
  if (!body || typeof body !== 'object') return [];
  const b = body as Record<string, unknown>;
  const checks = b.checks ?? b.details ?? b.components ?? b.dependencies;
  const entries: [string, unknown][] = Array.isArray(checks)
    ? checks.map((c, i) => [String((c as { name?: unknown })?.name ?? `check ${i + 1}`), c])
    : checks && typeof checks === 'object'
      ? Object.entries(checks)
      : [];
  return entries.flatMap(([check, value]) => {
    const detail = checkFails(value);
    return detail === undefined ? [] : [{ check, detail: detail.slice(0, 300) }];
  });
}

function probe(name: Probe['name'], result: HttpResult): Probe {
  return {
    name,
    url: result.url,
    status: result.status,
    ms: result.ms,
    error: result.error,
    failing: name === 'ready' ? failingChecks(result.json) : [],
  };
}

const healthy = (p: Probe) =>
  p.status !== null && p.status >= 200 && p.status < 300 && p.failing.length === 0;

function probeBlock(p: Probe): OutputBlock {
  const answer = p.status === null ? (p.error ?? 'no answer') : `HTTP ${p.status}`;
  const lines = [`${healthy(p) ? '✓' : '✗'} *${p.name}* \`${p.url}\` — ${answer} · ${p.ms} ms`];
  for (const f of p.failing) lines.push(`   ✗ ${f.check}: ${f.detail}`);
  return { type: 'text', text: lines.join('\n') };
}

async function probeAll(targets: FileConfig['targets'], service: string, http: HttpPort) {
  const e = endpoint(targets, service);
  const options = { timeoutMs: e.timeout_ms };
  const [health, ready] = await Promise.all([
    http.get(e.health_url, options),
    e.ready_url ? http.get(e.ready_url, options) : undefined,
  ]);
  const probes = [probe('health', health)];
  if (ready) probes.push(probe('ready', ready));
  return probes;
}

export default defineCommand({
  name: 'health',
  summary: "GET a service's /health and /ready; show status, latency and failing checks",
  args,
  positional: ['service'],
  policy: { default: { approvals: 0 } },
  readOnly: true,
  /** ✓ when /health and /ready answer 2xx with no failing check; ✗ names what fails. */
  async check({ args: a, targets, aws }): Promise<Verdict> {
    const probes = await probeAll(targets, a.service, aws.http);
    const bad = probes.filter((p) => !healthy(p));
    if (bad.length === 0) return { status: 'ok', reason: `${a.service} is healthy and ready` };
    const why = bad.map((p) =>
      p.failing.length > 0
        ? `${p.name}: ${p.failing.map((f) => `${f.check} ${f.detail}`).join(', ')}`
        : `${p.name}: ${p.status === null ? (p.error ?? 'no answer') : `HTTP ${p.status}`}`,
    );
    return { status: 'fail', reason: why.join('; ') };
  },
  run: [
    step<Args>('probe', 'GET /health and /ready', async ({ args: a, targets, aws }) => ({
      probes: await probeAll(targets, a.service, aws.http),
    })),
    step<Args>('report', 'Post the result card', async ({ args: a, results, output }) => {
      const { probes } = results.probe as { probes: Probe[] };
      const ok = probes.every(healthy);
      const text = `${ok ? '✓' : '✗'} ${a.service} is ${ok ? 'healthy and ready' : 'not healthy'}`;
      await output.post({
        text,
        blocks: [{ type: 'text', text: `*${text}*` }, ...probes.map(probeBlock)],
      });
      return { healthy: ok };
    }),
  ],
});
