import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/entry.ts';
import { verifyEntries } from '../../src/audit/verify.ts';
import type { LedgerTable } from '../../src/aws/ledger-table.ts';
import { createRunsQueue } from '../../src/requests/runs-queue.ts';
import { DiskDynalite } from '../helpers/dynalite-disk.ts';
import { type Harness, startHarness, USERS, waitFor } from '../helpers/harness.ts';
import { logsConfig, logsWorld, runThread } from '../helpers/logs-harness.ts';

const ENTRIES = 25;

describe('drain (what SIGTERM calls) with a live tail and audit entries waiting', () => {
  let h: Harness;
  let world: ReturnType<typeof logsWorld>;
  const dynamo = new DiskDynalite();
  let ledger: LedgerTable;

  afterEach(async () => {
    await h?.stop();
    world?.logs.mock.restore();
    ledger?.client.destroy();
    await dynamo.dispose();
  });

  it('closes the live-tail session, hands the follow back, flushes the audit entries, and returns', async () => {
    await dynamo.start();
    ledger = await dynamo.table();
    world = logsWorld();
    h = await startHarness({
      file: logsConfig({}),
      aws: world.aws,
      audit: { table: ledger.name, endpoint: dynamo.endpoint },
    });
    await h.client.command('logs mission-control-api follow=10m', USERS.alice);
    await waitFor('the live-tail session', () => world.logs.live.open === 1);
    const runId = await waitFor('the follow run', async () => {
      const jobs = await h.bot.queue.getJobs(['active']);
      return jobs[0]?.id;
    });

    // Another process holds the writer lease, so these entries wait in Redis until the drain.
    const pending = `${h.prefix}:audit:pending`;
    await waitFor('the run.started entry to be written', async () =>
      (await h.redis.llen(pending)) === 0 ? true : undefined,
    );
    await h.redis.set(`${h.prefix}:audit:writer`, 'another-process', 'PX', 60_000);
    for (let i = 0; i < ENTRIES; i++)
      h.bot.audit.sink.append({ action: 'drain.check', actor: 'system', data: { i } });
    await waitFor('the entries to wait in Redis', async () =>
      (await h.redis.llen(pending)) >= ENTRIES ? true : undefined,
    );

    await h.bot.drain();

    // The live tail ended with the drain, and the follow was handed back (not failed) for another worker.
    expect(world.logs.live.open).toBe(0);
    const queue = createRunsQueue(h.redis, h.prefix);
    const job = await queue.getJob(runId);
    expect(['delayed', 'waiting', 'wait']).toContain(await job!.getState());
    await queue.close();
    expect(runThread(h)?.replies.some((m) => m.text.startsWith('Follow of '))).toBe(false);
    // Every waiting audit entry reached the ledger, once, on one verified chain.
    expect(await h.redis.llen(pending)).toBe(0);
    const entries: AuditEntry[] = [];
    for await (const entry of ledger.range(1)) entries.push(entry);
    const checks = entries.filter((e) => e.action === 'drain.check');
    expect(checks.map((e) => (e.data as { i: number }).i).sort((a, b) => a - b)).toEqual(
      Array.from({ length: ENTRIES }, (_, i) => i),
    );
    expect(await verifyEntries(entries, 1)).toMatchObject({ ok: true, count: entries.length });
  });
});
