// npm run bench:audit [-- N CHAIN]: audit ledger append throughput from 1 and 2 app instances
// (Redis list → ledger writer → dynalite, in process), and the time to verify a CHAIN-entry chain
// offline (an export file, as an auditor does) and read back from dynalite.

import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { chainEntry, EMPTY_HEAD } from '../src/audit/entry.ts';
import { toJsonl } from '../src/audit/jsonl.ts';
import { ledgerPort } from '../src/audit/ledger-port.ts';
import { RedisAuditSink } from '../src/audit/redis-sink.ts';
import { LedgerWriter } from '../src/audit/writer.ts';
import type { LedgerTable } from '../src/aws/ledger-table.ts';
import { verifyExportFile } from '../src/cli/audit.ts';
import { createLogger } from '../src/log.ts';
import { keys as keysFor } from '../src/store/keys.ts';
import { DiskDynalite } from '../test/helpers/dynalite-disk.ts';
import { writeBenchSection, writeBenchSummary } from './lib/report.ts';

const N = Number(process.argv[2] ?? 2000);
const CHAIN = Number(process.argv[3] ?? 100_000);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = createLogger('silent');
const db = new DiskDynalite();
await db.start();
const redis = new Redis(REDIS_URL);

/** Appends N entries through `instances` sinks + writers (separate prefixes) into one table. */
async function appendRun(instances: number): Promise<{ perSecond: number; table: LedgerTable }> {
  const table = await db.table();
  const apps = Array.from({ length: instances }, () => {
    const keys = keysFor(`benchaudit${randomUUID().slice(0, 8)}`);
    const sink = new RedisAuditSink(redis, keys, log);
    const writer = new LedgerWriter(redis, keys, table, log, { pollMs: 5 });
    return { keys, sink, writer };
  });
  for (let i = 0; i < N; i++) {
    apps[i % instances]!.sink.append({ action: 'bench', actor: 'system', data: { i } });
  }
  for (const app of apps) await app.sink.flush();
  const started = performance.now();
  for (const app of apps) app.writer.start();
  while ((await table.head()).seq < N) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - started) / 1000;
  for (const app of apps) {
    await app.writer.stop();
    await redis.del(app.keys.auditPending(), app.keys.auditFloors(), app.keys.auditWriter());
  }
  return { perSecond: N / seconds, table };
}

const one = await appendRun(1);
const two = await appendRun(2);
const readStarted = performance.now();
const readReport = await ledgerPort(two.table).verify({});
const readSeconds = (performance.now() - readStarted) / 1000;
if (!readReport.ok) throw new Error('the benched chain does not verify');

let head = EMPTY_HEAD;
const entries = [];
for (let i = 0; i < CHAIN; i++) {
  const entry = chainEntry(
    {
      id: randomUUID(),
      ts: new Date().toISOString(),
      actor: 'U0ALICE',
      action: 'run.step',
      command: 'promote',
      args: { function: 'mission-control-api', version: String(i) },
      request_id: `req_${i}`,
      run_id: `run_${i}`,
      result: 'done',
    },
    head,
  );
  entries.push(entry);
  head = { seq: entry.seq, hash: entry.hash };
}
const file = join(tmpdir(), `opsbot-bench-audit-${process.pid}.jsonl`);
writeFileSync(file, toJsonl(entries));
const verifyStarted = performance.now();
const offline = await verifyExportFile(file, head.hash);
const verifySeconds = (performance.now() - verifyStarted) / 1000;
rmSync(file);
if (!offline.ok) throw new Error('the benched export does not verify');

redis.disconnect();
await db.dispose();

const body = [
  '| measure | N | result |',
  '|---|---|---|',
  `| append throughput, 1 instance (Redis → writer → dynalite) | ${N} | ${one.perSecond.toFixed(0)} entries/s |`,
  `| append throughput, 2 instances racing on one table | ${N} | ${two.perSecond.toFixed(0)} entries/s |`,
  `| verify read back from dynalite (\`/ops audit verify\`) | ${N} | ${readSeconds.toFixed(2)} s |`,
  `| verify an export offline (\`opsbot audit verify --file\`) | ${CHAIN} | ${verifySeconds.toFixed(2)} s |`,
].join('\n');
console.log(body);
await writeBenchSection('audit', 'Audit ledger (`npm run bench:audit`)', body);
await writeBenchSummary('audit', {
  name: 'audit ledger append (2 instances)',
  throughput: two.perSecond,
  unit: 'entries/s',
});
