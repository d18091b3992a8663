import { describe, expect, it } from 'vitest';
import { chainEntry, EMPTY_HEAD, entryHash, type QueuedEntry } from '../../src/audit/entry.ts';
import { parseJsonl, toJsonl } from '../../src/audit/jsonl.ts';
import { isSensitiveKey, redactValue } from '../../src/audit/redact.ts';
import { queuedEntry } from '../../src/audit/redis-sink.ts';
import { describeReport, verifyEntries } from '../../src/audit/verify.ts';
import { fileConfigSchema } from '../../src/config/file.ts';
import { createRegistry, intakeText } from '../../src/intake/validate.ts';
import { commands } from '../../src/registry/commands.ts';
import type { AuditEntry } from '../../src/sdk/ports/index.ts';
import { helpCommand } from '../../src/slack/blocks/help.ts';
import { outputMessage } from '../../src/slack/blocks/output.ts';
import { canonicalJson } from '../../src/util/canonical-json.ts';

const registry = createRegistry(commands);
const targets = fileConfigSchema.parse({ slack: { ops_channel: 'C0OPS' } }).targets;

function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  let head = EMPTY_HEAD;
  for (let i = 1; i <= n; i++) {
    const queued: QueuedEntry = {
      id: `e${i}`,
      ts: `2026-11-23T10:00:0${i % 10}.000Z`,
      actor: 'system',
      action: 'run.step',
    };
    const entry = chainEntry(queued, head);
    out.push(entry);
    head = { seq: entry.seq, hash: entry.hash };
  }
  return out;
}

describe('audit entries', () => {
  it('hash = SHA-256(prev_hash + canonical JSON of the entry without hash)', async () => {
    const [first] = chain(1);
    const { createHash } = await import('node:crypto');
    const { hash, ...rest } = first!;
    expect(hash).toBe(
      createHash('sha256')
        .update(first!.prev_hash + canonicalJson(rest))
        .digest('hex'),
    );
    expect(canonicalJson({ b: 1, a: { d: [1, 'x'], c: null }, u: undefined })).toBe(
      '{"a":{"c":null,"d":[1,"x"]},"b":1}',
    );
    expect(entryHash({ ...rest, args: { a: 1, b: 2 } })).toBe(
      entryHash({ ...rest, args: { b: 2, a: 1 } }),
    );
  });

  it('verify: OK with count and head; the first broken seq and why otherwise', async () => {
    const entries = chain(6);
    const ok = await verifyEntries(entries, 1);
    expect(ok).toEqual({ ok: true, count: 6, first: 1, head: { seq: 6, hash: entries[5]!.hash } });
    expect(describeReport(ok)).toContain(`head hash ${entries[5]!.hash}`);
    expect(await verifyEntries(entries.slice(2))).toMatchObject({ ok: true, count: 4, first: 3 });
    expect(await verifyEntries(entries.slice(2), 1)).toMatchObject({
      ok: false,
      seq: 1,
      problem: 'gap',
    });
    const gap = [...entries.slice(0, 3), ...entries.slice(4)];
    expect(await verifyEntries(gap)).toMatchObject({ ok: false, seq: 4, problem: 'gap', count: 3 });
    const edited = entries.map((e) => (e.seq === 2 ? { ...e, actor: 'U0MALLORY' } : e));
    expect(await verifyEntries(edited)).toMatchObject({ ok: false, seq: 2, problem: 'hash' });
    const relinked = entries.map((e) => (e.seq === 5 ? { ...e, prev_hash: 'f'.repeat(64) } : e));
    expect(await verifyEntries(relinked)).toMatchObject({ ok: false, seq: 5, problem: 'link' });
    const forgedStart = [{ ...entries[0]!, prev_hash: 'a'.repeat(64) }];
    expect(await verifyEntries(forgedStart)).toMatchObject({ ok: false, seq: 1, problem: 'start' });
    expect(describeReport(await verifyEntries(gap))).toMatch(/^BROKEN at seq 4: seq 4: missing/);
  });

  it('JSONL round-trips and names a bad line', () => {
    const entries = chain(3);
    expect([...parseJsonl(toJsonl(entries))]).toEqual(entries);
    expect(() => [...parseJsonl('{"seq":1}\nnot json\n')]).toThrow('line 2: not valid JSON');
  });
});

describe('audit redaction', () => {
  it('redacts by key name, keeping ids and ordinary names', () => {
    for (const key of [
      'token',
      'client_secret',
      'new_key',
      'apiKey',
      'password',
      'Authorization',
      'private-key',
      'privateKey',
    ])
      expect(isSensitiveKey(key), key).toBe(true);
    for (const key of ['key_id', 'alias', 'function', 'keyName', 'duckling_id', 'version'])
      expect(isSensitiveKey(key), key).toBe(false);
    expect(redactValue({ a: { secret_value: 'x', ok: 1 }, list: [{ token: 't' }] })).toEqual({
      a: { secret_value: '[REDACTED]', ok: 1 },
      list: [{ token: '[REDACTED]' }],
    });
  });

  it("redacts secret-shaped text in every string of an entry with the bot's one text redaction", () => {
    const text =
      'bot xoxb-123-456-abcdef, aws AKIAIOSFODNN7EXAMPLE, key sk_live_abcdefgh1234 and password=hunter2 ok';
    const redacted =
      'bot [REDACTED:slack-token], aws [REDACTED:aws-access-key-id], key [REDACTED:api-key] and password=[REDACTED] ok';
    const entry = queuedEntry({
      action: 'operator.note',
      actor: 'U0ALICE',
      args: { text },
      data: { lines: [text] },
      result: text,
    });
    expect(entry).toMatchObject({ args: { text: redacted }, data: { lines: [redacted] } });
    expect(entry.result).toBe(redacted);
  });
});

describe('audit and note commands', () => {
  it('/ops note takes the rest of the line as typed, quotes and = included', () => {
    const intake = intakeText(
      `note the db was restarted by hand; don't "retry" timeout=30`,
      registry,
      targets,
    );
    expect(intake).toMatchObject({
      kind: 'valid',
      args: { text: `the db was restarted by hand; don't "retry" timeout=30` },
    });
    expect(intakeText('note', registry, targets)).toMatchObject({ kind: 'incomplete' });
  });

  it('/ops audit: list by default, verify and export as a positional action', () => {
    expect(intakeText('audit', registry, targets)).toMatchObject({
      kind: 'valid',
      args: { action: 'list', last: 20 },
    });
    expect(
      intakeText('audit last=5 actor=@alice command=promote', registry, targets),
    ).toMatchObject({
      kind: 'valid',
      args: { action: 'list', last: 5, actor: '@alice', command: 'promote' },
    });
    expect(intakeText('audit verify from=10', registry, targets)).toMatchObject({
      kind: 'valid',
      args: { action: 'verify', from: 10 },
    });
    const exported = intakeText('audit export since=2026-11-01 until=24h', registry, targets);
    expect(exported).toMatchObject({
      kind: 'valid',
      args: { action: 'export', since: '2026-11-01T00:00:00.000Z' },
    });
    expect(intakeText('audit export since=yesterday', registry, targets)).toMatchObject({
      kind: 'invalid',
      problems: [{ field: 'since' }],
    });
    expect(intakeText('audit verify command=promote', registry, targets)).toMatchObject({
      kind: 'invalid',
      problems: [{ field: 'command', message: 'only for audit list (this is audit verify)' }],
    });
    expect(intakeText('audit delete', registry, targets)).toMatchObject({
      kind: 'invalid',
      problems: [{ field: 'action' }],
    });
  });

  it('help shows the actions of /ops audit', () => {
    const help = helpCommand(registry.find('audit')!, {}).text;
    expect(help).toContain('/ops audit [<action>]');
    expect(help).toContain('list | verify | export');
    expect(helpCommand(registry.find('note')!, {}).text).toContain('/ops note <text>');
  });

  it('renders rows as one monospace line each, with a safe link', () => {
    const message = outputMessage({
      text: 't',
      blocks: [
        {
          type: 'rows',
          rows: [
            {
              text: '#1 <b> note',
              link: { url: 'https://x.slack.com/archives/C1/p1', label: 'run_1' },
            },
            { text: '#2', link: { url: 'javascript:alert(1)', label: 'bad' } },
          ],
        },
      ],
    });
    expect(JSON.stringify(message.blocks)).toContain(
      '`#1 &lt;b&gt; note` <https://x.slack.com/archives/C1/p1|run_1>\\n`#2`',
    );
  });
});
