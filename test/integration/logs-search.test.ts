import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness, USERS, waitFor } from '../helpers/harness.ts';
import { logsConfig, logsWorld, runThread, textOf, waitForReply } from '../helpers/logs-harness.ts';

/** One line per secret type, and the part of it that must never reach Slack. */
const SECRETS: [line: string, secret: string][] = [
  ['deploy key AKIAIOSFODNN7EXAMPLE used', 'AKIAIOSFODNN7EXAMPLE'],
  [
    'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  ],
  ['posting with xoxb-12345-67890-AbCdEfGhIj', 'xoxb-12345-67890-AbCdEfGhIj'],
  ['socket xapp-1-A111-222-abcdef123', 'xapp-1-A111-222-abcdef123'],
  ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.Zm9vYmFyYmF6cXV4cXV1eA', 'eyJzdWIiOiJhbGljZSJ9'],
  ['Authorization: Bearer abcdef0123456789abcdef0123', 'abcdef0123456789abcdef0123'],
  ['login failed password=hunter2hunter2', 'hunter2hunter2'],
  ['callback secret=sq1rrel-s3cret', 'sq1rrel-s3cret'],
  ['retry with token=tkn-998877', 'tkn-998877'],
  ['{"user":"bob","password":"js0n-pass-42"}', 'js0n-pass-42'],
  [
    '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----',
    'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
  ],
];

describe('/ops logs search through Slack, the queue, the worker and CloudWatch Logs', () => {
  let h: Harness;
  let world: ReturnType<typeof logsWorld>;

  afterEach(async () => {
    await h.stop();
    world.logs.mock.restore();
  });

  async function start(pageSize = 10_000, file = logsConfig()) {
    world = logsWorld(pageSize);
    h = await startHarness({ file, aws: world.aws });
  }

  it('posts a short result as code blocks in the run thread, with every secret redacted', async () => {
    await start();
    const now = Date.now();
    for (const [i, [line]] of SECRETS.entries())
      world.store.push({ timestamp: now - 60_000 + i, message: line });
    await h.client.command('logs mission-control-api since=5m', USERS.alice);
    const reply = await waitForReply(h, 'the result', (m) => m.text.includes('11 events'));
    const shown = textOf(reply);
    expect(shown).toContain('/aws/lambda/mission-control-api');
    expect(shown).toContain('```');
    expect(shown).toContain('deploy key');
    for (const [, secret] of SECRETS) expect(shown).not.toContain(secret);
    expect(shown).toContain('[REDACTED');
  });

  it('says when nothing matched, and what was searched', async () => {
    await start();
    await h.client.command('logs mission-control-api since=2h filter="ERROR"', USERS.alice);
    const reply = await waitForReply(h, 'the empty result', (m) =>
      m.text.startsWith('No log events'),
    );
    expect(reply.text).toContain('/aws/lambda/mission-control-api');
    expect(reply.text).toContain('filter `ERROR`');
    expect(reply.text).toContain('(2 h)');
    const call = world.logs.mock.commandCalls(FilterLogEventsCommand)[0]!.args[0].input;
    expect(call.filterPattern).toBe('ERROR');
    expect(call.endTime! - call.startTime!).toBe(2 * 3_600_000);
  });

  it('uploads a long result as one .log file with a summary, redacted in both', async () => {
    await start(200);
    const now = Date.now();
    for (let i = 0; i < 1_000; i++) {
      const [line] = SECRETS[i % SECRETS.length]!;
      const message =
        i % 3 === 0
          ? `GET /health took ${i} ms`
          : i % 5 === 0
            ? `ERROR timeout after ${i} ms`
            : line;
      world.store.push({ timestamp: now - 600_000 + i * 100, message });
    }
    const before = h.slack.state.calls.length;
    await h.client.command('logs mission-control-api since=15m limit=5000', USERS.alice);
    const upload = await waitForReply(h, 'the uploaded file', (m) => Boolean(m.files?.length));
    const summary = await waitForReply(h, 'the summary', (m) => m.text.includes('1000 events'));
    const file = upload.files![0]!;
    expect(file.name).toMatch(/^logs-mission-control-api-.*\.log$/);
    const lines = file.content.split('\n').filter((l) => /^\d{4}-/.test(l));
    expect(lines).toHaveLength(1_000);
    expect(file.content).toContain('GET /health took 999 ms');
    for (const [, secret] of SECRETS) {
      expect(file.content).not.toContain(secret);
      expect(textOf(summary)).not.toContain(secret);
    }
    const shown = textOf(summary);
    expect(shown).toContain('Top 5 messages');
    // Top messages by frequency, numbers folded: 334 health checks, then 133 timeouts.
    expect(shown).toMatch(/334×\s+GET \/health took 0 ms/);
    expect(shown).toMatch(/133×\s+ERROR timeout after 5 ms/);
    expect(shown).toContain('Time span');
    // Pages of 200 with an empty page (carrying a token) every third call: all were read.
    const pages = world.logs.mock.commandCalls(FilterLogEventsCommand);
    expect(pages.length).toBeGreaterThan(5);
    expect(pages.some((p) => p.args[0].input.nextToken !== undefined)).toBe(true);
    // The result itself took three Slack calls: the summary and the two upload calls.
    await waitFor('the run to finish', () =>
      runThread(h)?.replies.some((m) => m.text.includes('logs done')),
    );
    const resultCalls = h.slack.state.calls
      .slice(before)
      .filter(
        (c) =>
          ['files.getUploadURLExternal', 'files.completeUploadExternal'].includes(c.method) ||
          (c.method === 'chat.postMessage' && String(c.args.text).includes('1000 events')),
      );
    expect(resultCalls.map((c) => c.method).sort()).toEqual([
      'chat.postMessage',
      'files.completeUploadExternal',
      'files.getUploadURLExternal',
    ]);
  });

  it('refuses an unknown target and a raw log group unless the config allows raw names', async () => {
    await start();
    const unknown = await h.client.command('logs nope', USERS.alice);
    expect(JSON.stringify(unknown.json)).toContain('no log target named nope');
    const raw = await h.client.command('logs /aws/lambda/other', USERS.alice);
    expect(JSON.stringify(raw.json)).toContain('no log target named /aws/lambda/other');
    const badTime = await h.client.command('logs mission-control-api since=yesterday', USERS.alice);
    expect(JSON.stringify(badTime.json)).toContain('15m, 2h, 1d or an ISO time');
    expect(await h.jobCount()).toBe(0);
  });

  it('searches a raw log group name when allowed', async () => {
    await start(10_000, logsConfig({ allow_raw_log_groups: true }));
    world.store.push({ timestamp: Date.now() - 1000, message: 'hello from other' });
    await h.client.command('logs /aws/lambda/other', USERS.alice);
    const reply = await waitForReply(h, 'the result', (m) => m.text.includes('1 event'));
    expect(textOf(reply)).toContain('hello from other');
    expect(
      world.logs.mock.commandCalls(FilterLogEventsCommand)[0]!.args[0].input.logGroupName,
    ).toBe('/aws/lambda/other');
  });
});
