import { afterAll, describe, expect, it } from 'vitest';
import { DEMO, withDemoSchedule } from '../../src/dev/local/demo-schedule.ts';
import { startLocalDynamo } from '../../src/dev/local/dynamo.ts';
import { sandboxPorts } from '../../src/dev/sandbox/index.ts';
import { createRegistry } from '../../src/intake/validate.ts';
import { createLogger } from '../../src/log.ts';
import { commands } from '../../src/registry/commands.ts';
import { Checklists } from '../../src/schedules/checklist.ts';
import { ChecklistHistory } from '../../src/schedules/history.ts';
import { scheduleProblems } from '../../src/schedules/problems.ts';
import { ScheduleStore } from '../../src/schedules/store.ts';
import type { Ports } from '../../src/sdk/ports/index.ts';
import { exampleConfig } from '../helpers/harness.ts';
import { memoryDeploys } from '../helpers/memory-deploys.ts';
import { testRedis } from '../helpers/schedules.ts';

describe('local mode demo schedule', () => {
  const r = testRedis();
  afterAll(() => r.cleanup());

  it('adds a valid demo-daily checklist and a 2-minute schedule; in the sandbox one check fails', async () => {
    const file = withDemoSchedule(exampleConfig());
    const registry = createRegistry(commands);
    expect(scheduleProblems(file, registry, 'local')).toEqual([]);
    expect(file.schedules[DEMO]).toMatchObject({
      cron: '*/2 * * * *',
      command: 'checklist demo-daily',
    });
    const dynamo = await startLocalDynamo(undefined, []);
    const sandbox = await sandboxPorts({
      file,
      region: 'us-east-1',
      dynamoEndpoint: dynamo.endpoint,
    });
    try {
      const ports = { ...sandbox.ports, deploys: memoryDeploys() } as Ports;
      const lists = new Checklists({
        file,
        registry,
        history: new ChecklistHistory(r.redis, r.keys),
        store: new ScheduleStore(r.redis, r.keys),
        log: createLogger('silent'),
        ports: () => ports,
        incidents: { listOpen: async () => [] },
      });
      const request = {
        id: 'req_demo',
        command: 'checklist',
        requester: 'schedule:demo-daily',
        channel: 'C0OPS',
        environment: 'default',
      };
      const outcome = await lists.run(DEMO, request);
      const byCheck = Object.fromEntries(
        outcome.results.map((x) => [x.check.split(' ')[0], x.status]),
      );
      expect(byCheck).toMatchObject({ health: 'fail', 'service-status': 'ok', incidents: 'ok' });
      expect(['ok', 'fail']).toContain(byCheck['log-errors']);
      expect(outcome.message.text).toMatch(/^Demo daily checks: \d ✓ · 0 ⚠ · [12] ✗$/);
    } finally {
      await sandbox.stop();
      await dynamo.stop();
    }
  });
});
