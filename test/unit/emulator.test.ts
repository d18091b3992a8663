import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackEmulator } from '../../src/dev/slack-emulator/emulator.ts';
import { outputMessage } from '../../src/slack/blocks/output.ts';
import { createWebClient, webWriter } from '../../src/slack/web-writer.ts';

describe('Slack emulator', () => {
  const slack = new SlackEmulator({ tokens: ['xoxb-good'] });
  let url = '';
  beforeAll(async () => {
    url = await slack.start();
    slack.state.addChannel('C1', 'ops');
  });
  afterAll(() => slack.stop());

  it('rejects a bad token, a missing channel, too many blocks and long section text, in Slack error shape', async () => {
    const bad = createWebClient('xoxb-bad', url);
    await expect(bad.chat.postMessage({ channel: 'C1', text: 'hi' })).rejects.toMatchObject({
      data: { ok: false, error: 'invalid_auth' },
    });
    const good = createWebClient('xoxb-good', url);
    await expect(good.chat.postMessage({ channel: 'C404', text: 'hi' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
    const many = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    await expect(
      good.chat.postMessage({ channel: 'C1', text: 'x', blocks: many }),
    ).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    const long = [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }];
    await expect(
      good.chat.postMessage({ channel: 'C1', text: 'x', blocks: long }),
    ).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    expect(slack.state.channelMessages('C1')).toHaveLength(0);
  });

  it('answers conversations.history newest first, paged by cursor, only to a member', async () => {
    const good = createWebClient('xoxb-good', url);
    slack.state.addChannel('C2', 'audit');
    await good.chat.postMessage({ channel: 'C2', text: 'one' });
    await expect(good.conversations.history({ channel: 'C2' })).rejects.toMatchObject({
      data: { error: 'not_in_channel' },
    });
    slack.state.channels.get('C2')!.members.add('U0OPSBOT');
    const parent = await good.chat.postMessage({ channel: 'C2', text: 'two' });
    await good.chat.postMessage({ channel: 'C2', text: 'reply', thread_ts: parent.ts });
    await good.chat.postMessage({ channel: 'C2', text: 'three' });
    const first = await good.conversations.history({ channel: 'C2', limit: 2 });
    expect(first.messages?.map((m) => m.text)).toEqual(['three', 'two']);
    expect(first.messages?.[0]?.user).toBe('U0OPSBOT');
    expect(first.has_more).toBe(true);
    const next = await good.conversations.history({
      channel: 'C2',
      limit: 2,
      cursor: first.response_metadata?.next_cursor,
    });
    expect(next.messages?.map((m) => m.text)).toEqual(['one']);
    expect(next.has_more).toBe(false);
  });

  it('takes a file upload into a thread: bytes sent raw to the upload URL, then completed', async () => {
    const writer = webWriter(createWebClient('xoxb-good', url));
    const { ts } = await writer.post('C1', { text: 'parent', blocks: [] });
    await writer.upload(
      'C1',
      { name: 'result.log', content: 'line 1\nline 2', comment: '2 lines' },
      ts,
    );
    const reply = slack.state.channelMessages('C1', ts)[0];
    expect(reply?.files?.[0]).toMatchObject({ name: 'result.log', content: 'line 1\nline 2' });
    expect(reply?.text).toBe('2 lines');
    // Raw bytes, not a multipart form (which cost the WebClient two copies of the file).
    const upload = slack.state.uploads.get(reply!.files![0]!.id);
    expect(upload?.contentType).toBe('application/octet-stream');
    // Bytes (a view into a larger buffer) go as they are, UTF-8 included, with their own title.
    const whole = Buffer.from('xxhéllo wörld\nyy', 'utf8');
    const view = whole.subarray(2, whole.length - 2);
    await writer.upload('C1', { name: 'bytes.log', title: 'Bytes', content: view }, ts);
    const second = slack.state.channelMessages('C1', ts)[1];
    expect(second?.files?.[0]).toMatchObject({
      name: 'bytes.log',
      title: 'Bytes',
      content: 'héllo wörld\n',
    });
    const lengthAsked = slack.state.calls.filter(
      (c) => c.method === 'files.getUploadURLExternal' && c.args.filename === 'bytes.log',
    );
    expect(lengthAsked.map((c) => Number(c.args.length))).toEqual([view.byteLength]);
  });

  it('answers a method with a refusal or a lost answer as told, and lists the bot’s channels', async () => {
    // Retries off: each answer is the emulator's own, not the WebClient's next attempt.
    const client = createWebClient('xoxb-good', url);
    const noRetries = new WebClient('xoxb-good', {
      slackApiUrl: url,
      retryConfig: { retries: 0 },
    });
    slack.refuseNext('conversations.create', 1, 'restricted_action');
    await expect(client.conversations.create({ name: 'inc-refused' })).rejects.toMatchObject({
      data: { ok: false, error: 'restricted_action' },
    });
    expect([...slack.state.channels.values()].some((c) => c.name === 'inc-refused')).toBe(false);

    // Taken effect, answer lost (HTTP 500): the channel is there, and asking again says so.
    slack.loseAnswerNext('conversations.create', 1);
    await expect(noRetries.conversations.create({ name: 'inc-lost' })).rejects.toMatchObject({
      code: 'slack_webapi_http_error',
      statusCode: 500,
    });
    const lost = [...slack.state.channels.values()].find((c) => c.name === 'inc-lost');
    expect(lost?.creator).toBe('U0OPSBOT');
    await expect(client.conversations.create({ name: 'inc-lost' })).rejects.toMatchObject({
      data: { ok: false, error: 'name_taken' },
    });

    // users.conversations: the channels the bot made or is in, paged; not those of others.
    slack.state.addChannel('C0PEOPLE', 'people-only', ['U0SOMEONE']);
    const first = await client.users.conversations({ limit: 1 });
    const next = await client.users.conversations({
      limit: 999,
      cursor: first.response_metadata?.next_cursor,
    });
    const names = [...(first.channels ?? []), ...(next.channels ?? [])].map((c) => c.name);
    expect(names).toContain('inc-lost');
    expect(names).toContain('audit');
    expect(names).not.toContain('people-only');
    expect(first.channels).toHaveLength(1);
  });

  it('keeps long code output within Block Kit limits by splitting it', () => {
    // About 10,600 characters: split into sections, all within one message's 12,000 characters of
    // text (longer output is cut to fit and attached as a file: output-size.test.ts).
    const text = Array.from({ length: 250 }, (_, i) => `line ${i} ${'x'.repeat(30)}`).join('\n');
    const content = outputMessage({ text: 'logs', blocks: [{ type: 'code', text }] });
    expect(content.blocks.length).toBeGreaterThan(1);
    for (const block of content.blocks) {
      if (block.type === 'section') expect(block.text!.text.length).toBeLessThanOrEqual(3000);
    }
    const joined = content.blocks
      .map((b) => (b.type === 'section' ? b.text!.text.replace(/```/g, '') : ''))
      .join('\n');
    expect(joined).toContain('line 0 ');
    expect(joined).toContain('line 249 ');
  });
});
