import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness, USERS } from '../helpers/harness.ts';
import { logsConfig, logsWorld, textOf, waitForReply } from '../helpers/logs-harness.ts';

/** Issue 16, finding 7 (c): a search is capped by pages, empty pages, span and bytes, and says so. */
describe('/ops logs search caps', () => {
  let h: Harness;
  let world: ReturnType<typeof logsWorld>;

  afterEach(async () => {
    await h.stop();
    world.logs.mock.restore();
  });

  async function start(
    settings: Parameters<typeof logsConfig>[0],
    pageSize = 10_000,
    emptyEvery = 3,
  ) {
    world = logsWorld(pageSize, emptyEvery);
    h = await startHarness({ file: logsConfig(settings), aws: world.aws });
  }
  const searches = () => world.logs.mock.commandCalls(FilterLogEventsCommand);

  it('finding 7: a search through nothing but empty pages stops at the empty-page cap and says so', async () => {
    // Every page is empty and carries a nextToken: without a cap the search never ends.
    await start({ search_max_empty_pages: 5 }, 10_000, 1);
    await h.client.command('logs mission-control-api since=1h', USERS.alice);
    const reply = await waitForReply(h, 'the result', (m) =>
      m.text.startsWith('No log events found'),
    );
    expect(textOf(reply)).toContain('Stopped after 5 empty pages in a row');
    expect(textOf(reply)).toContain('logs_settings.search_max_empty_pages');
    expect(searches()).toHaveLength(5);
  });

  it('finding 7: a search stops at the page cap and says so', async () => {
    await start({ search_max_pages: 3 }, 10, 0);
    const now = Date.now();
    for (let i = 0; i < 100; i++)
      world.store.push({ timestamp: now - 50 * 60_000 + i, message: `line ${i}` });
    await h.client.command('logs mission-control-api since=1h limit=1000', USERS.alice);
    const reply = await waitForReply(h, 'the result', (m) => m.text.startsWith('30 events'));
    expect(textOf(reply)).toContain('Stopped after 3 pages of results');
    expect(textOf(reply)).toContain('logs_settings.search_max_pages');
    expect(searches()).toHaveLength(3);
  });

  it('finding 7: a search stops at the byte cap and says so', async () => {
    await start({ search_max_megabytes: 0.01 }, 10_000, 0);
    const now = Date.now();
    for (let i = 0; i < 50; i++)
      world.store.push({ timestamp: now - 50 * 60_000 + i, message: `${i} ${'x'.repeat(1000)}` });
    await h.client.command('logs mission-control-api since=1h limit=1000', USERS.alice);
    // 0.01 MB is 10,485 bytes: the eleventh event of 1,002+ bytes passes it.
    const reply = await waitForReply(h, 'the result', (m) => /^11 events/.test(m.text));
    expect(textOf(reply)).toContain('of log text (`logs_settings.search_max_megabytes`)');
  });

  it('finding 7: a range longer than the span cap searches its newest part and says so', async () => {
    await start({ search_max_span_hours: 1 }, 10_000, 0);
    const now = Date.now();
    world.store.push({ timestamp: now - 2 * 3_600_000, message: 'old event' });
    world.store.push({ timestamp: now - 10 * 60_000, message: 'recent event' });
    await h.client.command('logs mission-control-api since=3h', USERS.alice);
    const reply = await waitForReply(h, 'the result', (m) => m.text.startsWith('1 event'));
    expect(textOf(reply)).toContain('recent event');
    expect(textOf(reply)).not.toContain('old event');
    expect(textOf(reply)).toContain('Searched only the newest 1 h');
    expect(textOf(reply)).toContain('logs_settings.search_max_span_hours');
    const input = searches()[0]!.args[0].input;
    expect(input.endTime! - input.startTime!).toBe(3_600_000);
  });
});

describe('/ops logs search caps in configuration', () => {
  it('finding 7: the caps have defaults', () => {
    const settings = logsConfig().targets.logs_settings!;
    expect(settings).toMatchObject({
      search_max_pages: 100,
      search_max_empty_pages: 20,
      search_max_span_hours: 168,
      search_max_megabytes: 32,
    });
  });
});
