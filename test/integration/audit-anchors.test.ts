import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnchorPoster } from '../../src/audit/anchors.ts';
import { toJsonl } from '../../src/audit/jsonl.ts';
import { CHAIN, type LedgerTable } from '../../src/aws/ledger-table.ts';
import { verifyExportFile } from '../../src/cli/audit.ts';
import { createLogger } from '../../src/log.ts';
import { parseFileConfig } from '../../src/registry/load-config.ts';
import type { AuditEntry } from '../../src/sdk/ports/index.ts';
import { keys } from '../../src/store/keys.ts';
import { DiskDynalite } from '../helpers/dynalite-disk.ts';
import { exampleConfig, type Harness, startHarness, USERS, waitFor } from '../helpers/harness.ts';

/**
 * Finding 12 of issue 16: whoever can write the ledger table can drop its newest entries. The
 * bot anchors the head in an audit channel (the Slack emulator here), and `/ops audit verify` and
 * the offline verifier check the chain against the latest anchors. Real Redis, dynalite, signed
 * HTTP to the bot.
 */
const AUDIT_CHANNEL = 'C0AUDIT';
const db = new DiskDynalite();
const dir = mkdtempSync(join(tmpdir(), 'opsbot-anchors-'));
let table: LedgerTable;
let h: Harness;

async function entries(): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for await (const entry of table.range(1)) out.push(entry);
  return out;
}

const anchorPosts = () =>
  h.slack.state
    .channelMessages(AUDIT_CHANNEL)
    .filter((m) => m.user === 'U0OPSBOT' && m.text.includes('opsbot-audit-anchor'));

/** The newest verify report in #ops after `count` earlier ones. */
async function verifyReport(count: number) {
  await h.client.command('audit verify', USERS.alice);
  // A liveness bound, not a speed check: verify reads the whole ledger and the anchor channel,
  // a few seconds on a quiet machine and over 15 s under load (the test allows 90 s).
  const reports = await waitFor(
    'the verify report',
    () => {
      const found = h.slack.state
        .channelMessages('C0OPS')
        .filter((m) => /Audit ledger (OK|BROKEN)/.test(m.text));
      return found.length > count ? found : undefined;
    },
    45_000,
  );
  return reports.at(-1)!.text;
}

beforeAll(async () => {
  await db.start();
  table = await db.table();
  const file = {
    ...exampleConfig(),
    audit: {
      table: table.name,
      endpoint: db.endpoint,
      anchor_channel: AUDIT_CHANNEL,
      anchor_every: 20,
    },
  };
  h = await startHarness({ file });
  h.slack.state.addChannel(AUDIT_CHANNEL, 'audit', ['U0OPSBOT', USERS.alice.id]);
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await db.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('finding 12: audit head anchors', () => {
  it('validates the anchor settings in the config', () => {
    const yaml = (audit: string) =>
      parseFileConfig(
        `slack: { ops_channel: C0OPS }\ngroups: { operators: { users: [U0ALICE] } }\naudit: ${audit}\n`,
        'opsbot.yml',
      ).problems.join('\n');
    expect(yaml('{ table: opsbot-audit, anchor_channel: "#audit" }')).toMatch(
      /audit\.anchor_channel.*channel id/,
    );
    expect(yaml('{ table: opsbot-audit, anchor_every: 0, anchor_channel: C0AUDIT }')).toMatch(
      /audit\.anchor_every/,
    );
    expect(yaml('{ table: opsbot-audit, anchor_every: 10 }')).toMatch(/need anchor_channel/);
    expect(yaml('{ table: opsbot-audit, anchor_channel: C0AUDIT, anchor_every: 10 }')).toBe('');
  });

  it('posts the head every anchor_every entries; verify matches it and ignores lines others post', async () => {
    // One note at a time, each waited for: every note adds entries, and at most 20 requests
    // (with the two verifies) stay under alice's 30 a minute (`limits.requests_per_minute_per_user`;
    // on a loaded machine, notes sent on a clock while the anchor lagged got verify refused).
    const notesDone = () =>
      h.slack.state.channelMessages('C0OPS').filter((m) => m.text.startsWith('✅ note done'))
        .length;
    for (let i = 0; anchorPosts().length === 0 && i < 20; i += 1) {
      const done = notesDone();
      await h.client.command(`note anchor filler ${i}`, USERS.alice);
      await waitFor(`note ${i} done`, () => notesDone() > done);
    }
    const post = await waitFor('an anchor post', () => anchorPosts()[0], 30_000);
    const [, seq, hash] = /opsbot-audit-anchor seq=(\d+) hash=([0-9a-f]{64})/.exec(post.text)!;
    expect(Number(seq)).toBeGreaterThanOrEqual(20);
    const anchored = (await entries()).find((e) => e.seq === Number(seq))!;
    expect(anchored.hash).toBe(hash);

    // Anyone in the channel can post text that looks like an anchor; only the bot's count.
    h.slack.state.messages.push({
      channel: AUDIT_CHANNEL,
      ts: h.slack.state.nextTs(),
      user: USERS.alice.id,
      text: `opsbot-audit-anchor seq=999999 hash=${'a'.repeat(64)}`,
      edits: 0,
    });
    const text = await verifyReport(0);
    expect(text).toContain('✅ Audit ledger OK');
    const [, matched, latest] = /Matches (\d+) anchors?; the latest is seq (\d+)/.exec(text)!;
    expect(Number(matched)).toBeGreaterThanOrEqual(1);
    expect(Number(latest)).toBeGreaterThanOrEqual(Number(seq));
    expect(text).not.toContain('999999');
  }, 90_000);

  it('reports a tail cut below the latest anchor as truncation, in Slack and offline', async () => {
    // Whoever can write the table drops every entry after seq 2, then the bot starts again.
    await h.bot.stop();
    // The newest anchor (stopping drains the audit list, which may post one more).
    const seq = String(
      Math.max(
        ...anchorPosts().map((m) => Number(/opsbot-audit-anchor seq=(\d+)/.exec(m.text)![1])),
      ),
    );
    for (const entry of await entries())
      if (entry.seq > 2)
        await table.doc.send(
          new DeleteCommand({ TableName: table.name, Key: { chain: CHAIN, seq: entry.seq } }),
        );
    await h.restartBot();

    const text = await verifyReport(1);
    expect(text).toContain('🚨 Audit ledger BROKEN');
    expect(text).toMatch(/truncated: the ledger ends at seq \d+, but the anchor posted \S+ shows/);
    expect(text).toContain(`had reached seq ${seq}`);

    const exportFile = join(dir, 'export.jsonl');
    const anchorsFile = join(dir, 'anchors.txt');
    const left = (await entries()).filter((e) => e.seq < Number(seq));
    writeFileSync(exportFile, toJsonl(left));
    writeFileSync(
      anchorsFile,
      anchorPosts()
        .map((m) => m.text)
        .join('\n'),
    );
    expect(await verifyExportFile(exportFile)).toMatchObject({ ok: true });
    const offline = await verifyExportFile(exportFile, undefined, anchorsFile);
    expect(offline).toMatchObject({ ok: false, problem: 'truncated' });
    if (!offline.ok) expect(offline.reason).toContain(`had reached seq ${seq}`);
  }, 90_000);

  it('anchors by time too: after the interval when entries were added, never twice for one head', async () => {
    const posted: string[] = [];
    const anchors = new AnchorPoster(
      h.redis,
      keys(`${h.prefix}:interval`),
      async (channel, text) => {
        posted.push(`${channel} ${text}`);
      },
      { channel: AUDIT_CHANNEL, every: 1000, intervalMinutes: 60 },
      createLogger('silent'),
    );
    const start = Date.now();
    const head = (seq: number) => ({ seq, hash: seq.toString(16).padStart(64, '0') });
    expect(await anchors.afterAppend(head(1), start)).toBe(false);
    expect(await anchors.afterAppend(head(2), start + 59 * 60_000)).toBe(false);
    expect(await anchors.afterAppend(head(3), start + 61 * 60_000)).toBe(true);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain(`${AUDIT_CHANNEL} Audit ledger anchor: seq 3`);
    expect(posted[0]).toContain(`opsbot-audit-anchor seq=3 hash=${head(3).hash}`);
    // Idle an hour later with the same head: nothing new to anchor.
    expect(await anchors.afterAppend(head(3), start + 125 * 60_000)).toBe(false);
    expect(await h.redis.hget(`${h.prefix}:interval:audit:anchor`, 'seq')).toBe('3');

    // A post Slack refuses is tried again a minute later, not on every append.
    let fail = true;
    const flaky = new AnchorPoster(
      h.redis,
      keys(`${h.prefix}:flaky`),
      async (_channel, text) => {
        if (fail) throw new Error('channel_not_found');
        posted.push(text);
      },
      { channel: AUDIT_CHANNEL, every: 2 },
      createLogger('silent'),
    );
    expect(await flaky.afterAppend(head(2), start)).toBe(false);
    fail = false;
    expect(await flaky.afterAppend(head(3), start + 30_000)).toBe(false);
    expect(await flaky.afterAppend(head(4), start + 61_000)).toBe(true);
    expect(posted.at(-1)).toContain('opsbot-audit-anchor seq=4 ');
  });
});
