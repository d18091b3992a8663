import { afterAll, describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/alerts/routes.ts';
import type { FileConfig } from '../../src/config/file.ts';
import { checklistSchema } from '../../src/config/schedules.ts';
import { createRegistry } from '../../src/intake/validate.ts';
import { createLogger } from '../../src/log.ts';
import { Checklists } from '../../src/schedules/checklist.ts';
import { ChecklistHistory } from '../../src/schedules/history.ts';
import { ScheduleStore } from '../../src/schedules/store.ts';
import { defineCommand, type Ports, step, type Verdict, z } from '../../src/sdk/index.ts';
import { testRedis } from '../helpers/schedules.ts';

/** Verdicts each test sets per check target; `hang` never answers. */
const verdicts = new Map<string, Verdict | 'hang' | Error>();

const gauge = defineCommand({
  name: 'gauge',
  summary: 'a check with a controllable verdict',
  args: z.object({ target: z.string() }),
  positional: ['target'],
  readOnly: true,
  policy: { default: { approvals: 0 } },
  async check({ args }) {
    const v = verdicts.get(args.target) ?? { status: 'ok', reason: 'fine' };
    if (v === 'hang') return new Promise<Verdict>(() => {});
    if (v instanceof Error) throw v;
    return v;
  },
  run: [step('noop', 'Nothing', async () => ({}))],
});

const request = (id: string) => ({
  id,
  command: 'checklist',
  requester: 'U0ALICE',
  channel: 'C0OPS',
  environment: 'default',
});

describe('checklist runs', () => {
  const r = testRedis();
  afterAll(() => r.cleanup());
  const raised: Delivery[] = [];

  function checklists(config: Record<string, unknown>) {
    const file = {
      checklists: Object.fromEntries(
        Object.entries(config).map(([k, v]) => [k, checklistSchema.parse(v)]),
      ),
      targets: {} as FileConfig['targets'],
    };
    return new Checklists({
      file,
      registry: createRegistry([gauge]),
      history: new ChecklistHistory(r.redis, r.keys),
      store: new ScheduleStore(r.redis, r.keys),
      raise: async (d) => {
        raised.push(...d);
      },
      log: createLogger('silent'),
      ports: () => ({}) as Ports,
      incidents: { listOpen: async () => [] },
    });
  }

  it('each check times out on its own; the digest still arrives with ✗ timed out', async () => {
    verdicts.set('slow-1', 'hang');
    verdicts.set('slow-2', 'hang');
    verdicts.set('broken', new Error('connection refused'));
    verdicts.set('quick', { status: 'warn', reason: 'a bit slow', link: 'https://example.com/q' });
    const lists = checklists({
      timeouts: {
        title: 'Timeouts',
        timeout_seconds: 0.3,
        checks: ['gauge slow-1', 'gauge quick', 'gauge slow-2', 'gauge broken'],
      },
    });
    const outcome = await lists.run('timeouts', request('req_t1'));
    expect(outcome.results.map((x) => [x.check, x.status, x.reason])).toEqual([
      ['gauge slow-1', 'fail', 'timed out after 300 ms'],
      ['gauge quick', 'warn', 'a bit slow'],
      ['gauge slow-2', 'fail', 'timed out after 300 ms'],
      ['gauge broken', 'fail', 'check failed: connection refused'],
    ]);
    expect(outcome.summary).toBe('Timeouts: 0 ✓ · 1 ⚠ · 3 ✗');
    expect(outcome.message.text).toBe('Timeouts: 0 ✓ · 1 ⚠ · 3 ✗');
    const rows = outcome.message.blocks?.find((b) => b.type === 'rows');
    expect(rows).toMatchObject({
      rows: [
        { text: '✗ gauge slow-1 — timed out after 300 ms' },
        { text: '⚠ gauge quick — a bit slow', link: { url: 'https://example.com/q' } },
        { text: '✗ gauge slow-2 — timed out after 300 ms' },
        { text: '✗ gauge broken — check failed: connection refused' },
      ],
    });
  });

  it('"changed since the last run" is right across three runs', async () => {
    const lists = checklists({
      daily: {
        title: 'Daily',
        checks: ['gauge web', 'gauge db', 'gauge snapshot'],
        open_incident_on: 'fail',
        incident_severity: 'critical',
      },
    });
    const run = async (id: string) => {
      const o = await lists.run('daily', request(id));
      return { ...o, text: JSON.stringify(o.message.blocks) };
    };
    // Run 1: all ✓ — nothing to compare with.
    verdicts.set('web', { status: 'ok', reason: 'RUNNING' });
    verdicts.set('db', { status: 'ok', reason: 'up' });
    verdicts.set('snapshot', { status: 'ok', reason: '3 h old', values: { age_hours: 3 } });
    const first = await run('req_d1');
    expect(first.changes).toBeUndefined();
    expect(first.text).toContain('First run of this checklist');
    expect(raised).toHaveLength(0);

    // Run 2: db fails (new ✗), the snapshot crosses its warning threshold (✓ → ⚠).
    verdicts.set('db', { status: 'fail', reason: 'db down' });
    verdicts.set('snapshot', { status: 'warn', reason: '20 h old', values: { age_hours: 20 } });
    const second = await run('req_d2');
    expect(second.summary).toBe('Daily: 1 ✓ · 1 ⚠ · 1 ✗');
    expect(second.changes).toEqual({
      newFailures: [{ check: 'gauge db', from: 'ok', to: 'fail', reason: 'db down', values: [] }],
      cleared: [],
      crossed: [
        {
          check: 'gauge snapshot',
          from: 'ok',
          to: 'warn',
          reason: '20 h old',
          values: [{ name: 'age_hours', from: 3, to: 20 }],
        },
      ],
    });
    expect(second.text).toContain('✗ new gauge db (✓ → ✗): db down');
    expect(second.text).toContain('⚠ crossed gauge snapshot (✓ → ⚠): 20 h old [age_hours 3 → 20]');
    // The ✗ fires an alert into the incident flow, keyed by checklist and check (deduplicated).
    expect(raised.map((d) => [d.alert.key, d.alert.status, d.alert.severity])).toEqual([
      ['checklist:daily:gauge db', 'firing', 'critical'],
    ]);

    // Run 3: db recovers (cleared ✗), the snapshot fails (new ✗, past its second threshold).
    verdicts.set('db', { status: 'ok', reason: 'up' });
    verdicts.set('snapshot', { status: 'fail', reason: '30 h old', values: { age_hours: 30 } });
    const third = await run('req_d3');
    expect(third.changes).toEqual({
      newFailures: [
        {
          check: 'gauge snapshot',
          from: 'warn',
          to: 'fail',
          reason: '30 h old',
          values: [{ name: 'age_hours', from: 20, to: 30 }],
        },
      ],
      cleared: [{ check: 'gauge db', from: 'fail', to: 'ok', reason: 'up', values: [] }],
      crossed: [],
    });
    expect(third.text).toContain('✓ cleared gauge db (✗ → ✓): up');
    expect(raised.slice(1).map((d) => [d.alert.key, d.alert.status])).toEqual([
      ['checklist:daily:gauge snapshot', 'firing'],
      ['checklist:daily:gauge db', 'resolved'],
    ]);

    // A fourth run with the same verdicts: nothing changed.
    const fourth = await run('req_d4');
    expect(fourth.text).toContain('nothing.');
  });

  it('a catch-up run says in the digest that it is late, and by how much', async () => {
    const lists = checklists({ late: { title: 'Late', checks: ['gauge x'] } });
    const occurrence = Date.parse('2026-06-01T06:00:00Z');
    await new ScheduleStore(r.redis, r.keys).started('req_late', {
      schedule: 'late',
      occurrence,
      lateMs: (2 * 60 + 5) * 60_000,
    });
    const outcome = await lists.run('late', request('req_late'));
    expect(JSON.stringify(outcome.message.blocks)).toContain(
      '⏰ Late by 2 h 5 min: the run for 2026-06-01 06:00 UTC, caught up at start-up',
    );
    const onTime = await lists.run('late', request('req_on_time'));
    expect(JSON.stringify(onTime.message.blocks)).not.toContain('Late by');
  });

  it('an unknown checklist is a clear error', async () => {
    const lists = checklists({ a: { checks: ['gauge x'] } });
    await expect(lists.run('nope', request('req_n'))).rejects.toThrow(
      'no checklist named nope (known: a)',
    );
  });
});
