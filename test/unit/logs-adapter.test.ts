import { FilterLogEventsCommand, StartLiveTailCommand } from '@aws-sdk/client-cloudwatch-logs';
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveTailEvent, LogEvent } from '../../src/sdk/ports/index.ts';
import { mockLogs } from '../helpers/logs-mock.ts';

const T0 = Date.parse('2026-11-23T09:00:00Z');
const events = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ timestamp: T0 + i * 10, message: `line ${i}` }));

describe('logs adapter: FilterLogEvents', () => {
  let logs: ReturnType<typeof mockLogs>;
  afterEach(() => logs.mock.restore());

  async function all(limit: number, filter?: string) {
    const out: LogEvent[] = [];
    for await (const e of logs.port.search({
      logGroup: '/aws/lambda/api',
      start: T0,
      end: T0 + 3_600_000,
      limit,
      filter,
    }))
      out.push(e);
    return out;
  }

  it('follows every page, through empty pages that carry a nextToken, to the end', async () => {
    logs = mockLogs({ events: () => events(25), pageSize: 10, emptyEvery: 2 });
    const found = await all(1000);
    expect(found.map((e) => e.message)).toEqual(events(25).map((e) => e.message));
    const calls = logs.mock.commandCalls(FilterLogEventsCommand);
    // pages: 10, empty, 10, empty, 5 (no token): five calls, two of them empty pages with a token.
    expect(calls).toHaveLength(5);
    expect(calls.map((c) => c.args[0].input.nextToken)).toEqual([
      undefined,
      '10:1',
      '10:2',
      '20:3',
      '20:4',
    ]);
    expect(calls[0]!.args[0].input).toMatchObject({
      logGroupName: '/aws/lambda/api',
      startTime: T0,
      endTime: T0 + 3_600_000,
    });
    expect(found[0]).toMatchObject({ id: `ev-${T0}-0`, timestamp: T0, stream: expect.any(String) });
  });

  it('stops at the limit and asks for no more than it needs', async () => {
    logs = mockLogs({ events: () => events(25), pageSize: 10 });
    const found = await all(12, 'line');
    expect(found).toHaveLength(12);
    const calls = logs.mock.commandCalls(FilterLogEventsCommand);
    expect(calls.map((c) => c.args[0].input.limit)).toEqual([12, 2]);
    expect(calls[0]!.args[0].input.filterPattern).toBe('line');
  });

  it('turns an access error into a sentence naming the action and log group', async () => {
    logs = mockLogs();
    logs.mock.on(FilterLogEventsCommand).rejects(
      Object.assign(new Error('denied'), {
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    await expect(all(10)).rejects.toMatchObject({
      code: 'aws_access_denied',
      message: expect.stringContaining('logs:FilterLogEvents'),
    });
  });
});

describe('logs adapter: StartLiveTail', () => {
  it('streams sessionStart and updates (marking sampled ones), ends with an error, by log group ARN', async () => {
    const logs = mockLogs();
    const controller = new AbortController();
    const seen: LiveTailEvent[] = [];
    logs.live.update([{ timestamp: T0, message: 'a' }]);
    logs.live.update(
      [
        { timestamp: T0 + 1, message: 'b' },
        { timestamp: T0 + 2, message: 'c' },
      ],
      true,
    );
    logs.live.update([]);
    logs.live.push({
      SessionStreamingException: {
        name: 'SessionStreamingException',
        message: 'internal',
      } as never,
    });
    const run = async () => {
      for await (const item of logs.port.startLiveTail!({
        logGroup: '/aws/lambda/api',
        filter: 'ERROR',
        signal: controller.signal,
      }))
        seen.push(item);
    };
    await expect(run()).rejects.toMatchObject({ code: 'live_tail_ended' });
    expect(seen.map((s) => s.type)).toEqual([
      'sessionStart',
      'sessionUpdate',
      'sessionUpdate',
      'sessionUpdate',
    ]);
    const updates = seen.filter((s) => s.type === 'sessionUpdate');
    expect(updates.map((u) => u.sampled)).toEqual([false, true, false]);
    expect(updates[1]!.events.map((e) => e.message)).toEqual(['b', 'c']);
    const input = logs.mock.commandCalls(StartLiveTailCommand)[0]!.args[0].input;
    expect(input).toEqual({
      logGroupIdentifiers: ['arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/api'],
      logEventFilterPattern: 'ERROR',
    });
    logs.mock.restore();
  });

  it('closes the session when aborted, even while waiting for the next update', async () => {
    const logs = mockLogs();
    const controller = new AbortController();
    const items: LiveTailEvent[] = [];
    const done = (async () => {
      for await (const item of logs.port.startLiveTail!({
        logGroup: 'arn:aws:logs:us-east-1:1:log-group:x:*',
        signal: controller.signal,
      }))
        items.push(item);
    })();
    while (items.length === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    await done;
    const call = logs.mock.commandCalls(StartLiveTailCommand)[0]!;
    expect(call.args[0].input.logGroupIdentifiers).toEqual([
      'arn:aws:logs:us-east-1:1:log-group:x',
    ]);
    expect(((call.args as unknown[])[1] as { abortSignal: AbortSignal }).abortSignal.aborted).toBe(
      true,
    );
    logs.mock.restore();
  });
});
