import type { HttpResult, OutputBlock, Verdict } from '../../src/sdk/index.ts';
import {
  type HealthPayload,
  missingChecks,
  type PayloadCheck,
  readHealthPayload,
  requiredChecks,
} from './payload.ts';

/** The Drop runbook's SSL check: ⚠ under 30 days left, ✗ under 7. */
export const CERT_WARN_DAYS = 30;
export const CERT_FAIL_DAYS = 7;

export type State = Verdict['status'];

export interface Finding {
  state: Exclude<State, 'ok'>;
  text: string;
}

/** One GET of a health or readiness URL, read: what it said and what is wrong with it. */
export interface Probe {
  name: 'health' | 'ready';
  url: string;
  status: number | null;
  ms: number;
  error?: string;
  payload: HealthPayload;
  certDaysLeft?: number;
  findings: Finding[];
  /** The required checks the payload has (each shown with its mark, ok or not). */
  required?: PayloadCheck[];
}

const MARK: Record<State, string> = { ok: '✓', warn: '⚠', fail: '✗' };
export const mark = (state: State) => MARK[state];

export function worst(states: State[]): State {
  if (states.includes('fail')) return 'fail';
  return states.includes('warn') ? 'warn' : 'ok';
}

export const stateOfProbe = (p: Probe): State => worst(p.findings.map((f) => f.state));

function certFinding(days: number): Finding | undefined {
  if (days < CERT_FAIL_DAYS) return { state: 'fail', text: `TLS certificate: ${days} d left` };
  if (days < CERT_WARN_DAYS) return { state: 'warn', text: `TLS certificate: ${days} d left` };
  return undefined;
}

/**
 * Reads one answer. Any check not ok fails it, even on HTTP 200; so do a missing required check,
 * a slow answer (over `max_latency_ms`) and a certificate under 7 days.
 */
export function readProbe(
  name: Probe['name'],
  result: HttpResult,
  endpoint: { required_checks?: string[]; max_latency_ms?: number },
  now = Date.now(),
): Probe {
  const payload = readHealthPayload(result.json);
  const findings: Finding[] = [];
  const probe: Probe = {
    name,
    url: result.url,
    status: result.status,
    ms: result.ms,
    payload,
    findings,
  };
  if (result.error) probe.error = result.error;
  if (result.status === null) findings.push({ state: 'fail', text: result.error ?? 'no answer' });
  else if (result.status < 200 || result.status >= 300)
    findings.push({ state: 'fail', text: `HTTP ${result.status}` });
  if (payload.status && payload.status.state !== 'ok')
    findings.push({ state: payload.status.state, text: `status ${payload.status.said}` });
  for (const c of payload.checks)
    if (c.state !== 'ok')
      findings.push({ state: c.state, text: `${c.name}: ${c.detail ?? c.state}` });
  // Required checks are judged where the checks are: the readiness URL when there is one.
  for (const missing of missingChecks(payload, endpoint.required_checks ?? []))
    findings.push({ state: 'fail', text: `${missing}: missing (required)` });
  if (endpoint.required_checks?.length)
    probe.required = requiredChecks(payload, endpoint.required_checks);
  if (
    endpoint.max_latency_ms !== undefined &&
    result.status !== null &&
    result.ms > endpoint.max_latency_ms
  )
    findings.push({ state: 'fail', text: `${result.ms} ms (max ${endpoint.max_latency_ms} ms)` });
  if (result.certificate) {
    probe.certDaysLeft = Math.floor((Date.parse(result.certificate.validTo) - now) / 86_400_000);
    const cert = certFinding(probe.certDaysLeft);
    if (cert) findings.push(cert);
  }
  return probe;
}

export function probeBlock(p: Probe): OutputBlock {
  const answer = p.status === null ? (p.error ?? 'no answer') : `HTTP ${p.status}`;
  const facts = [answer, `${p.ms} ms`];
  if (p.payload.version) facts.push(`version ${p.payload.version}`);
  if (p.payload.uptime) facts.push(`up ${p.payload.uptime}`);
  if (p.certDaysLeft !== undefined) facts.push(`TLS ${p.certDaysLeft} d left`);
  const lines = [`${mark(stateOfProbe(p))} *${p.name}* \`${p.url}\` — ${facts.join(' · ')}`];
  if (p.required?.length)
    lines.push(`   required: ${p.required.map((c) => `${mark(c.state)} ${c.name}`).join(' · ')}`);
  for (const f of p.findings) lines.push(`   ${mark(f.state)} ${f.text}`);
  return { type: 'text', text: lines.join('\n') };
}

/** The whole endpoint in one verdict line, for checklists and the guarded deploy. */
export function verdictOf(service: string, probes: Probe[]): Verdict {
  const state = worst(probes.map(stateOfProbe));
  const found = probes.flatMap((p) => p.findings).filter((f) => f.state === state);
  const reason =
    state === 'ok'
      ? `${service} healthy${probes[0]?.payload.version ? ` (version ${probes[0].payload.version})` : ''}`
      : found
          .map((f) => f.text)
          .join('; ')
          .slice(0, 300);
  const values: Record<string, number> = {};
  probes.forEach((p) => {
    values[`${p.name}_ms`] = p.ms;
    if (p.certDaysLeft !== undefined) values.cert_days_left = p.certDaysLeft;
  });
  return { status: state, reason, values };
}
