import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chainEntry } from '../../src/audit/entry.ts';
import { ledgerPort } from '../../src/audit/ledger-port.ts';
import { RedisAuditSink } from '../../src/audit/redis-sink.ts';
import { verifyEntries } from '../../src/audit/verify.ts';
import { LedgerWriter } from '../../src/audit/writer.ts';
import { CHAIN, type LedgerTable } from '../../src/aws/ledger-table.ts';
import { verifyExportFile } from '../../src/cli/audit.ts';
import { createLogger } from '../../src/log.ts';
import type { AuditEntry } from '../../src/sdk/ports/index.ts';
import { keys as keysFor } from '../../src/store/keys.ts';
import { DiskDynalite } from '../helpers/dynalite-disk.ts';
import { REDIS_URL, waitFor } from '../helpers/harness.ts';

const log = createLogger('silent');
const db = new DiskDynalite();
const connections: Redis[] = [];
const prefixes: string[] = [];

beforeAll(async () => {
  await db.start();
});
afterAll(async () => {
  await db.dispose();
});
afterEach(async () => {
  for (const redis of connections.splice(0)) {
    for (const prefix of prefixes) {
      const found = await redis.keys(`${prefix}:*`);
      if (found.length) await redis.del(...found);
    }
    redis.disconnect();
  }
  prefixes.length = 0;
});

/** One app instance's audit path: its own Redis connection, sink and writer, under a prefix. */
function instance(table: LedgerTable, prefix = `t${randomUUID().slice(0, 8)}`) {
  prefixes.push(prefix);
  const redis = new Redis(REDIS_URL);
  connections.push(redis);
  const keys = keysFor(prefix);
  const sink = new RedisAuditSink(redis, keys, log);
  const writer = new LedgerWriter(redis, keys, table, log, {
    pollMs: 10,
    retryMs: 20,
    maxRetryMs: 100,
  });
  return { redis, keys, sink, writer, prefix };
}

async function all(table: LedgerTable): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for await (const entry of table.range(1)) out.push(entry);
  return out;
}

async function settled(app: ReturnType<typeof instance>) {
  await waitFor('the sink to push', () => app.sink.waiting === 0);
  // A liveness bound, not a speed check: racing writers on a loaded machine can be slow.
  await waitFor(
    'the backlog to drain',
    async () => (await app.redis.llen(app.keys.auditPending())) === 0,
    60_000,
  );
}

describe('the audit ledger (Redis → DynamoDB)', () => {
  it('an append storm from two instances gives one gap-free chain, every entry once, each instance in order', async () => {
    const table = await db.table();
    const a = instance(table);
    const b = instance(table);
    const sharedPrefix = `t${randomUUID().slice(0, 8)}`;
    const c1 = instance(table, sharedPrefix);
    const c2 = instance(table, sharedPrefix); // two writers draining one list
    for (const app of [a, b, c1, c2]) app.writer.start();
    for (let i = 0; i < 40; i++) {
      a.sink.append({ action: 'storm', actor: 'system', data: { from: 'a', i } });
      b.sink.append({ action: 'storm', actor: 'system', data: { from: 'b', i } });
      (i % 2 ? c1 : c2).sink.append({ action: 'storm', actor: 'system', data: { from: 'c', i } });
    }
    for (const app of [a, b, c1, c2]) await settled(app);
    for (const app of [a, b, c1, c2]) await app.writer.stop();

    const entries = await all(table);
    expect(entries).toHaveLength(120);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(await verifyEntries(entries, 1)).toMatchObject({ ok: true, count: 120 });
    expect(new Set(entries.map((e) => e.entry_id)).size).toBe(120);
    for (const from of ['a', 'b']) {
      const order = entries.filter((e) => e.data?.from === from).map((e) => e.data?.i);
      expect(order).toEqual(Array.from({ length: 40 }, (_, i) => i));
    }
    expect(entries.filter((e) => e.data?.from === 'c')).toHaveLength(40);
  }, 90_000);

  it('appends an entry once when a writer crashed after its put but before removing it from Redis', async () => {
    const table = await db.table();
    const app = instance(table);
    app.sink.append({ action: 'first', actor: 'system' });
    app.sink.append({ action: 'second', actor: 'system' });
    await waitFor('the sink to push', () => app.sink.waiting === 0);
    // A writer that died: registered its floor, put the entry, never removed it from the list.
    const raw = (await app.redis.lindex(app.keys.auditPending(), 0))!;
    const queued = JSON.parse(raw);
    await app.writer.floors.register(queued.id, 1);
    await table.put(chainEntry(queued, { seq: 0, hash: '0'.repeat(64) }));

    expect(await app.writer.drain()).toBe(2);
    const entries = await all(table);
    expect(entries.map((e) => e.action)).toEqual(['first', 'second']);
    expect(await verifyEntries(entries, 1)).toMatchObject({ ok: true, count: 2 });
    expect(await app.redis.hlen(app.keys.auditFloors())).toBe(0);
  });

  describe('verify names the first broken seq', () => {
    async function chainOf(n: number) {
      const table = await db.table();
      const app = instance(table);
      for (let i = 1; i <= n; i++)
        app.sink.append({
          action: 'run.step',
          actor: 'U0ALICE',
          command: 'promote',
          args: { version: String(i) },
        });
      await waitFor('the sink to push', () => app.sink.waiting === 0);
      await app.writer.drain();
      return { table, port: ledgerPort(table), entries: await all(table) };
    }

    it("when one item's args were edited", async () => {
      const { table, port, entries } = await chainOf(8);
      expect(await port.verify({})).toMatchObject({ ok: true, count: 8 });
      const edited = { ...entries[4]!, args: { version: '999' } };
      await table.doc.send(
        new PutCommand({ TableName: table.name, Item: { chain: CHAIN, ...edited } }),
      );
      const report = await port.verify({});
      expect(report).toMatchObject({ ok: false, seq: 5, problem: 'hash', count: 4 });
      expect(report.ok || report.reason).toContain('seq 5: hash mismatch');
    });

    it('when an item was deleted', async () => {
      const { table, port } = await chainOf(8);
      await table.doc.send(
        new DeleteCommand({ TableName: table.name, Key: { chain: CHAIN, seq: 6 } }),
      );
      const report = await port.verify({});
      expect(report).toMatchObject({ ok: false, seq: 6, problem: 'gap' });
      expect(report.ok || report.reason).toContain('seq 5 is followed by seq 7');
    });

    it('when two items were swapped', async () => {
      const { table, port, entries } = await chainOf(8);
      const [third, fourth] = [entries[2]!, entries[3]!];
      await table.doc.send(
        new PutCommand({ TableName: table.name, Item: { chain: CHAIN, ...fourth, seq: 3 } }),
      );
      await table.doc.send(
        new PutCommand({ TableName: table.name, Item: { chain: CHAIN, ...third, seq: 4 } }),
      );
      expect(await port.verify({})).toMatchObject({ ok: false, seq: 3 });
    });

    it('when an item was edited and re-hashed (the next link breaks), and from a given seq', async () => {
      const { table, port, entries } = await chainOf(8);
      const forged = chainEntry(
        { id: entries[1]!.entry_id, ts: entries[1]!.ts, actor: 'U0MALLORY', action: 'run.step' },
        { seq: 1, hash: entries[0]!.hash },
      );
      await table.doc.send(
        new PutCommand({ TableName: table.name, Item: { chain: CHAIN, ...forged } }),
      );
      expect(await port.verify({})).toMatchObject({ ok: false, seq: 3, problem: 'link' });
      expect(await port.verify({ from: 3 })).toMatchObject({
        ok: true,
        count: 6,
        head: { seq: 8 },
      });
    });
  });

  it('an export round-trips through the offline verifier; a tampered line is caught', async () => {
    const table = await db.table();
    const app = instance(table);
    for (let i = 0; i < 12; i++)
      app.sink.append({ action: 'operator.note', actor: 'U0BOB', args: { text: `note ${i}` } });
    await waitFor('the sink to push', () => app.sink.waiting === 0);
    await app.writer.drain();
    const port = ledgerPort(table);
    const head = await table.head();
    const exported = await port.export({ since: new Date(Date.now() - 3600_000).toISOString() });
    expect(exported.count).toBe(12);
    const dir = mkdtempSync(join(tmpdir(), 'opsbot-audit-'));
    const file = join(dir, 'export.jsonl');
    writeFileSync(file, exported.jsonl);
    expect(await verifyExportFile(file, head.hash)).toMatchObject({ ok: true, count: 12, head });

    const lines = exported.jsonl.trim().split('\n');
    lines[6] = lines[6]!.replace('note 6', 'note six');
    writeFileSync(file, `${lines.join('\n')}\n`);
    expect(await verifyExportFile(file)).toMatchObject({ ok: false, seq: 7, problem: 'hash' });
    const swapped = [...exported.jsonl.trim().split('\n')];
    [swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!];
    writeFileSync(file, `${swapped.join('\n')}\n`);
    expect(await verifyExportFile(file)).toMatchObject({ ok: false, seq: 4, problem: 'gap' });
  });

  it('while DynamoDB is down entries wait in Redis, then arrive in order when it returns', async () => {
    const table = await db.table();
    const app = instance(table);
    app.writer.start();
    app.sink.append({ action: 'before', actor: 'system' });
    await waitFor('the first entry', async () => (await table.head()).seq === 1);
    await db.stop();
    for (let i = 0; i < 20; i++)
      app.sink.append({ action: 'during', actor: 'system', data: { i } });
    await waitFor(
      'entries waiting in Redis',
      async () => (await app.redis.llen(app.keys.auditPending())) === 20,
    );
    await new Promise((resolve) => setTimeout(resolve, 300)); // the writer keeps failing meanwhile
    expect(await app.redis.llen(app.keys.auditPending())).toBe(20);
    await db.start();
    await settled(app);
    await app.writer.stop();
    const entries = await all(table);
    expect(entries.map((e) => e.action)).toEqual(['before', ...Array(20).fill('during')]);
    expect(entries.slice(1).map((e) => e.data?.i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(await verifyEntries(entries, 1)).toMatchObject({ ok: true, count: 21 });
  });

  it('a rotated key never reaches Redis or the ledger', async () => {
    const table = await db.table();
    const app = instance(table);
    const key = 'dk_live_9f8e7d6c5b4a39281706';
    app.sink.append({
      action: 'duck.key_rotated',
      actor: 'U0ALICE',
      command: 'rotate-key',
      args: { duckling_id: 'duck-42', reason: `leaked; old one was ${key}` },
      data: {
        duckling_id: 'duck-42',
        new_key: key,
        key_id: 'k-7',
        apiToken: 'abc123secretvalue',
        nested: { password: 'hunter2' },
      },
    });
    await waitFor('the sink to push', () => app.sink.waiting === 0);
    const queued = await app.redis.lrange(app.keys.auditPending(), 0, -1);
    expect(queued.join('')).not.toContain(key);
    await app.writer.drain();
    const [entry] = await all(table);
    const stored = JSON.stringify(entry);
    expect(entry!.action).toBe('duck.key_rotated');
    for (const secret of [key, 'abc123secretvalue', 'hunter2'])
      expect(stored).not.toContain(secret);
    expect(entry!.data).toMatchObject({
      duckling_id: 'duck-42',
      key_id: 'k-7',
      new_key: '[REDACTED]',
    });
  });
});
