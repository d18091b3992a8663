/**
 * Reads what a health endpoint really answers, with no per-service config:
 * - a top-level `status` (`ok`, `UP`, `pass`, `degraded`, …), also under `data`;
 * - `checks` (or `data.checks`, `details`, `dependencies`) as a map `name → "ok"|"down"|{status}`
 *   or a list `[{name, status}]`;
 * - Spring Boot Actuator `components` (`{status: "UP", components: {db: {status: "DOWN"}}}`);
 * - the IETF health-check draft (`application/health+json`): `status` pass|warn|fail and `checks`
 *   as `"component:measurement" → [{componentId, status, output}]`.
 * A check whose status is not an ok word is a failing (or, for `warn`/`degraded`, warning) check,
 * whatever the HTTP status said.
 */

export type CheckState = 'ok' | 'warn' | 'fail';

export interface PayloadCheck {
  name: string;
  state: CheckState;
  /** What the payload said about a check that is not ok (its error, output or status). */
  detail?: string;
}

export interface HealthPayload {
  /** The payload's own overall status, when it has one. */
  status?: { state: CheckState; said: string };
  checks: PayloadCheck[];
  version?: string;
  /** Human uptime (`3 d 4 h`), from seconds or as the payload wrote it. */
  uptime?: string;
}

const OK_WORDS = /^(ok|pass|passed|passing|up|healthy|ready|true|green|success|available|online)$/i;
const WARN_WORDS = /^(warn|warning|degraded|yellow)$/i;
const DETAIL_KEYS = ['error', 'message', 'output', 'detail', 'reason', 'status'] as const;
const CHECK_KEYS = ['checks', 'components', 'details', 'dependencies'] as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** The state a status word stands for: ok words, warn words, anything else fails. */
export function stateOf(word: string): CheckState {
  if (OK_WORDS.test(word.trim())) return 'ok';
  if (WARN_WORDS.test(word.trim())) return 'warn';
  return 'fail';
}

function detailOf(v: Obj, fallback: string): string {
  const key = DETAIL_KEYS.find((k) => typeof v[k] === 'string' && v[k] !== '');
  return (key ? String(v[key]) : fallback).slice(0, 300);
}

/** One check's value: a word, a boolean, an object with a status/ok/healthy, or an IETF array. */
function readCheck(name: string, value: unknown): PayloadCheck | undefined {
  if (typeof value === 'boolean')
    return value ? { name, state: 'ok' } : { name, state: 'fail', detail: 'false' };
  if (typeof value === 'string') {
    const state = stateOf(value);
    return state === 'ok' ? { name, state } : { name, state, detail: value };
  }
  if (Array.isArray(value)) return worstOf(name, value);
  if (!isObj(value)) return undefined;
  if (value.ok === false || value.healthy === false)
    return { name, state: 'fail', detail: detailOf(value, 'failing') };
  if (typeof value.status === 'string') {
    const state = stateOf(value.status);
    return state === 'ok' ? { name, state } : { name, state, detail: detailOf(value, state) };
  }
  if (value.ok === true || value.healthy === true) return { name, state: 'ok' };
  return undefined;
}

/** IETF checks hold a list per component: the check is as bad as its worst entry. */
function worstOf(name: string, entries: unknown[]): PayloadCheck | undefined {
  const read = entries
    .map((e, i) =>
      readCheck(isObj(e) && typeof e.componentId === 'string' ? e.componentId : `${name}[${i}]`, e),
    )
    .filter((c): c is PayloadCheck => !!c);
  if (read.length === 0) return undefined;
  const worst =
    read.find((c) => c.state === 'fail') ?? read.find((c) => c.state === 'warn') ?? read[0]!;
  if (worst.state === 'ok') return { name, state: 'ok' };
  return {
    name,
    state: worst.state,
    detail: read.length > 1 ? `${worst.name}: ${worst.detail}` : worst.detail,
  };
}

function checksOf(source: unknown): PayloadCheck[] {
  if (Array.isArray(source))
    return source.flatMap((c, i) => {
      const name = isObj(c) && typeof c.name === 'string' ? c.name : `check ${i + 1}`;
      const read = readCheck(name, c);
      return read ? [read] : [];
    });
  if (!isObj(source)) return [];
  return Object.entries(source).flatMap(([name, value]) => {
    const read = readCheck(name, value);
    return read ? [read] : [];
  });
}

/** Where the checks and status live: the body itself, or its `data` envelope. */
function levels(body: Obj): Obj[] {
  return isObj(body.data) ? [body, body.data] : [body];
}

function firstString(objs: Obj[], keys: string[]): string | undefined {
  for (const o of objs)
    for (const k of keys) {
      const v = o[k];
      if (typeof v === 'string' && v !== '') return v;
      if (typeof v === 'number') return String(v);
    }
  return undefined;
}

/** `93784` seconds → `1 d 2 h`; a string is kept as the payload wrote it. */
export function formatUptime(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value.slice(0, 40);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
  const s = Math.floor(value);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  return m > 0 ? `${m} min` : `${s} s`;
}

export function readHealthPayload(body: unknown): HealthPayload {
  if (!isObj(body)) return { checks: [] };
  const objs = levels(body);
  const said = objs
    .map((o) => o.status)
    .find((v): v is string => typeof v === 'string' && v !== '');
  const checks: PayloadCheck[] = [];
  const seen = new Set<string>();
  for (const o of objs)
    for (const key of CHECK_KEYS)
      for (const c of checksOf(o[key]))
        if (!seen.has(c.name)) {
          seen.add(c.name);
          checks.push(c);
        }
  const uptimeRaw = objs
    .map((o) => o.uptime ?? o.uptimeSeconds ?? o.uptime_seconds)
    .find((v) => v !== undefined);
  const payload: HealthPayload = { checks };
  if (said) payload.status = { state: stateOf(said), said };
  const version = firstString(objs, ['version', 'releaseId', 'release_id', 'build']);
  if (version) payload.version = version.slice(0, 80);
  const uptime = formatUptime(uptimeRaw);
  if (uptime) payload.uptime = uptime;
  return payload;
}

/** Checks that are not ok, with what they said: the shape `health` used before (kept for callers). */
export function failingChecks(body: unknown): { check: string; detail: string }[] {
  return readHealthPayload(body)
    .checks.filter((c) => c.state !== 'ok')
    .map((c) => ({ check: c.name, detail: c.detail ?? c.state }));
}

/** The payload's checks answering each name in `required` (as `missingChecks` matches them). */
export function requiredChecks(payload: HealthPayload, required: string[]): PayloadCheck[] {
  const wanted = new Set(required.map((r) => r.toLowerCase()));
  return payload.checks.filter(
    (c) => wanted.has(c.name.toLowerCase()) || wanted.has(c.name.split(':')[0]!.toLowerCase()),
  );
}

/** Names in `required` that the payload has no check for. */
export function missingChecks(payload: HealthPayload, required: string[]): string[] {
  const names = new Set(payload.checks.map((c) => c.name.toLowerCase()));
  // IETF names are `component:measurement`; `db` matches `db:responseTime`.
  for (const c of payload.checks) names.add(c.name.split(':')[0]!.toLowerCase());
  return required.filter((r) => !names.has(r.toLowerCase()));
}
