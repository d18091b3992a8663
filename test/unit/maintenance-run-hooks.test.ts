import { describe, expect, it } from 'vitest';
import type { FileConfig } from '../../src/config/file.ts';
import { createRegistry } from '../../src/intake/validate.ts';
import { maintenanceRunHooks } from '../../src/maintenance/run-hooks.ts';
import type { MaintenanceStore } from '../../src/maintenance/store.ts';
import type { RunJob } from '../../src/requests/request.ts';
import { runIdFor } from '../../src/requests/request.ts';
import type { MaintenanceRun, MaintenanceWindow } from '../../src/sdk/ports/index.ts';

/**
 * The maintenance run hooks look open windows up once per run when its start found none to note
 * it in (a run's end only changes windows its start noted it in), and as before otherwise.
 */
function fakeStore() {
  const open: MaintenanceWindow[] = [];
  const runs = new Map<string, Map<string, MaintenanceRun>>();
  let lookups = 0;
  const store = {
    async listOpen() {
      lookups++;
      return [...open];
    },
    async noteRun(id: string, run: MaintenanceRun) {
      const noted = runs.get(id) ?? new Map<string, MaintenanceRun>();
      if (!noted.has(run.runId)) noted.set(run.runId, run);
      runs.set(id, noted);
    },
    async setRunPhase(id: string, runId: string, phase: MaintenanceRun['phase']) {
      const run = runs.get(id)?.get(runId);
      if (run) run.phase = phase;
    },
  };
  return {
    store: store as unknown as MaintenanceStore,
    open: (service: string) =>
      open.push({
        id: `mw-${service}`,
        service,
        reason: 'test',
        by: 'U1',
        runId: `run-${service}`,
        command: 'maintenance',
        startedAt: Date.now(),
        plannedEnd: Date.now() + 60_000,
      }),
    lookups: () => lookups,
    phaseOf: (service: string, runId: string) => runs.get(`mw-${service}`)?.get(runId)?.phase,
  };
}

const job = (id: string, service = 'api'): RunJob => ({
  id,
  command: 'restart',
  args: { service },
  argsHash: 'h',
  environment: 'prod',
  requester: 'U1',
  channel: 'C1',
  createdAt: 0,
});

const hooksOn = (store: MaintenanceStore) =>
  maintenanceRunHooks(store, createRegistry([]), {} as FileConfig['targets']);

describe('maintenance run hooks', () => {
  it('a run no window is open for costs one lookup, at its start', async () => {
    const fake = fakeStore();
    const hooks = hooksOn(fake.store);
    await hooks.runChanged(job('req_a'), 'running');
    await hooks.runChanged(job('req_a'), 'done');
    expect(fake.lookups()).toBe(1);
  });

  it('a run noted at its start has its phase set at its end', async () => {
    const fake = fakeStore();
    fake.open('api');
    const hooks = hooksOn(fake.store);
    await hooks.runChanged(job('req_b'), 'running');
    expect(fake.phaseOf('api', runIdFor('req_b'))).toBe('running');
    await hooks.runChanged(job('req_b'), 'failed');
    expect(fake.phaseOf('api', runIdFor('req_b'))).toBe('failed');
    expect(fake.lookups()).toBe(2);
  });

  it('a retried attempt started after a window opened is noted and its end recorded', async () => {
    const fake = fakeStore();
    const hooks = hooksOn(fake.store);
    // First attempt: no window; it fails and is retried (a retried attempt tells no end).
    await hooks.runChanged(job('req_c'), 'running');
    fake.open('api');
    await hooks.runChanged(job('req_c'), 'running');
    await hooks.runChanged(job('req_c'), 'done');
    expect(fake.phaseOf('api', runIdFor('req_c'))).toBe('done');
  });

  it('a run on another service is not noted in the window', async () => {
    const fake = fakeStore();
    fake.open('db');
    const hooks = hooksOn(fake.store);
    await hooks.runChanged(job('req_d', 'api'), 'running');
    await hooks.runChanged(job('req_d', 'api'), 'done');
    expect(fake.phaseOf('db', runIdFor('req_d'))).toBeUndefined();
    expect(fake.lookups()).toBe(1);
  });
});
