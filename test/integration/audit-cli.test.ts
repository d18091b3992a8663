import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainEntry, EMPTY_HEAD } from '../../src/audit/entry.ts';
import { toJsonl } from '../../src/audit/jsonl.ts';
import { dynamoClient, LedgerTable } from '../../src/aws/ledger-table.ts';
import { DiskDynalite } from '../helpers/dynalite-disk.ts';

const run = promisify(execFile);
const db = new DiskDynalite();
beforeAll(async () => {
  await db.start();
});
afterAll(async () => {
  await db.dispose();
});

async function opsbot(args: string[], env: Record<string, string> = {}) {
  try {
    // node --import tsx, as `npm start` and bin/opsbot.js run it (npx and tsx's own CLI would
    // add two node processes per call).
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: `${e.stdout}${e.stderr}` };
  }
}

// Each test starts the CLI (`node --import tsx src/main.ts`) twice: a few seconds each on a quiet machine,
// over 15 s each under load, so the default 30 s was a speed check. A liveness bound instead.
describe('opsbot setup and opsbot audit verify (CLI)', { timeout: 120_000 }, () => {
  it('setup creates the ledger table in dynalite, and running it again is harmless', async () => {
    const env = { AWS_ENDPOINT_URL: db.endpoint };
    const first = await opsbot(['setup', '--table', 'opsbot-audit-cli'], env);
    expect(first).toMatchObject({ code: 0 });
    expect(first.out).toContain('created the audit ledger table opsbot-audit-cli');
    const again = await opsbot(['setup', '--table', 'opsbot-audit-cli'], env);
    expect(again.out).toContain('already exists and is ACTIVE');
    const table = new LedgerTable(
      dynamoClient({ table: 'opsbot-audit-cli', endpoint: db.endpoint }),
      'opsbot-audit-cli',
    );
    expect(await table.head()).toEqual(EMPTY_HEAD);
  });

  it('verifies an export offline: exit 0 with the head hash, exit 1 naming the broken seq', async () => {
    let head = EMPTY_HEAD;
    const entries = [];
    for (let i = 1; i <= 5; i++) {
      const entry = chainEntry(
        { id: `e${i}`, ts: new Date().toISOString(), actor: 'system', action: 'run.step' },
        head,
      );
      entries.push(entry);
      head = { seq: entry.seq, hash: entry.hash };
    }
    const file = join(mkdtempSync(join(tmpdir(), 'opsbot-cli-')), 'export.jsonl');
    writeFileSync(file, toJsonl(entries));
    const ok = await opsbot(['audit', 'verify', '--file', file, '--head', head.hash]);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(`OK: 5 entries verified (seq 1–5); head hash ${head.hash}`);
    writeFileSync(file, toJsonl(entries).replace('"actor":"system"', '"actor":"U0MALLORY"'));
    const broken = await opsbot(['audit', 'verify', '--file', file]);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain('BROKEN at seq 1: seq 1: hash mismatch');
  });
});
