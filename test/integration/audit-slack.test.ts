import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyEntries } from '../../src/audit/verify.ts';
import type { LedgerTable } from '../../src/aws/ledger-table.ts';
import type { AuditEntry } from '../../src/sdk/ports/index.ts';
import { DiskDynalite } from '../helpers/dynalite-disk.ts';
import {
  exampleConfig,
  type Harness,
  messageText,
  startHarness,
  USERS,
  waitFor,
} from '../helpers/harness.ts';
import { mockLambda } from '../helpers/lambda-mock.ts';

const db = new DiskDynalite();
beforeAll(async () => {
  await db.start();
});
afterAll(async () => {
  await db.dispose();
});

async function entries(table: LedgerTable): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for await (const entry of table.range(1)) out.push(entry);
  return out;
}

function noApprovalConfig() {
  const file = exampleConfig();
  file.policies.promote = { default: { requesters: ['operators'] }, prod: { approvals: 0 } };
  return file;
}

/** The thread replies of the newest top-level run message whose text includes `command`. */
function threadOf(h: Harness, command: string) {
  const run = h.slack.state
    .channelMessages('C0OPS')
    .filter((m) => !m.thread_ts && m.text.includes(command))
    .at(-1);
  return run ? h.slack.state.channelMessages('C0OPS', run.ts) : [];
}

describe('the audit ledger through Slack', () => {
  let table: LedgerTable;
  const harnesses: Harness[] = [];
  const start = async (options: Parameters<typeof startHarness>[0] = {}) => {
    const h = await startHarness({
      ...options,
      audit: { table: table.name, endpoint: db.endpoint },
    });
    harnesses.push(h);
    return h;
  };
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.stop();
  });

  it('/ops note, a promote, then /ops audit and /ops audit verify, all over signed HTTP', async () => {
    table = await db.table();
    const lambda = mockLambda({ versions: ['42', '43'], current: '42' });
    try {
      const h = await start({ file: noApprovalConfig() });
      const note = await h.client.command('note the db was restarted by hand', USERS.alice);
      expect(note.status).toBe(200);
      const noted = await waitFor('the note in the ledger', async () =>
        (await entries(table)).find((e) => e.action === 'operator.note'),
      );
      expect(noted).toMatchObject({
        actor: USERS.alice.id,
        actor_name: 'alice',
        command: 'note',
        args: { text: 'the db was restarted by hand' },
        data: { text: 'the db was restarted by hand' },
      });

      await h.client.command('promote mission-control-api 43', USERS.bob);
      const deployed = await waitFor('the deploy log entry', async () =>
        (await entries(table)).find((e) => e.action === 'deploy.promoted'),
      );
      expect(deployed).toMatchObject({
        actor: USERS.bob.id,
        command: 'promote',
        data: { function: 'mission-control-api', alias: 'prod', from: '42', to: '43' },
      });
      expect(deployed.permalink).toMatch(/^https:\/\/emulated\.slack\.local\/archives\/C0OPS\//);
      await waitFor('the promote run to be fully written', async () =>
        (await entries(table)).some((e) => e.action === 'run.done' && e.command === 'promote'),
      );

      await h.client.command('audit', USERS.alice);
      const listed = await waitFor('the audit table', () =>
        threadOf(h, 'audit').find((m) => m.text.includes('audit entries')),
      );
      const shown = messageText(listed);
      expect(shown).toContain('operator.note');
      expect(shown).toContain('deploy.promoted');
      expect(shown).toContain('@alice');
      expect(shown).toMatch(
        /<https:\/\/emulated\.slack\.local\/archives\/C0OPS\/p\d+\|run_[0-9a-f]+>/,
      );

      await h.client.command('audit verify', USERS.alice);
      const verified = await waitFor('the verify report', () =>
        h.slack.state.channelMessages('C0OPS').find((m) => m.text.includes('Audit ledger OK')),
      );
      const head = await table.head();
      expect(verified.text).toMatch(/Audit ledger OK: \d+ entries verified \(seq 1–\d+\)/);
      expect(head.seq).toBeGreaterThan(10);
      expect(await verifyEntries(await entries(table), 1)).toMatchObject({ ok: true });
    } finally {
      lambda.mock.restore();
    }
  });

  it('/ops audit export uploads a JSONL file that verifies; wrong arguments are named', async () => {
    table = await db.table();
    const h = await start();
    await h.client.command('note first', USERS.alice);
    // Two notes sent back to back can be handed to the worker together and run side by side, so
    // either could reach the ledger first: send the second once the first is recorded.
    await waitFor('the first note', async () =>
      (await entries(table)).some((e) => e.action === 'operator.note'),
    );
    await h.client.command('note second', USERS.bob);
    await waitFor(
      'both notes',
      async () => (await entries(table)).filter((e) => e.action === 'operator.note').length === 2,
    );
    await h.client.command('audit export since=1h', USERS.alice);
    const upload = await waitFor('the export upload', () =>
      h.slack.state.channelMessages('C0OPS').find((m) => m.files?.length),
    );
    const file = upload.files![0]!;
    expect(file.name).toMatch(/^opsbot-audit-\d{4}-\d{2}-\d{2}\.jsonl$/);
    const lines = file.content
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditEntry);
    expect(lines.filter((e) => e.action === 'operator.note').map((e) => e.args?.text)).toEqual([
      'first',
      'second',
    ]);
    expect(await verifyEntries(lines)).toMatchObject({ ok: true, count: lines.length });

    const wrong = await h.client.command('audit verify last=5', USERS.alice);
    expect(JSON.stringify(wrong.json)).toContain('only for audit list');
    const noSince = await h.client.command('audit export', USERS.alice);
    expect(JSON.stringify(noSince.json)).toContain('required for audit export');
  });

  it('two app instances on one Redis and one table write one gap-free chain', {
    timeout: 90_000,
  }, async () => {
    table = await db.table();
    const [a, b] = [await start(), await start()];
    const sends = [];
    for (let i = 0; i < 8; i++) {
      sends.push(a.client.command(`note from a ${i}`, USERS.alice));
      sends.push(b.client.command(`note from b ${i}`, USERS.bob));
    }
    await Promise.all(sends);
    // Each note is request.created, run.started, operator.note, run.step and run.done.
    // A liveness bound, not a speed check: about 3 s on a quiet machine, over 20 s under load.
    await waitFor(
      'every entry of both instances',
      async () => (await entries(table)).length === 80,
      60_000,
    );
    const all = await entries(table);
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    expect(new Set(all.map((e) => e.entry_id)).size).toBe(80);
    expect(await verifyEntries(all, 1)).toMatchObject({ ok: true, count: 80 });
    const texts = all.filter((e) => e.action === 'operator.note').map((e) => String(e.args?.text));
    expect(texts.filter((t) => t.startsWith('note')).length).toBe(0);
    expect(texts.sort()).toEqual(
      [...Array(8).keys()].flatMap((i) => [`from a ${i}`, `from b ${i}`]).sort(),
    );
  });
});
