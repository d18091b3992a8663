import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  StartLiveTailCommand,
  type StartLiveTailResponseStream,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { logsAdapter } from '../../src/aws/logs.ts';

export interface MockEvent {
  timestamp: number;
  message: string;
  stream?: string;
}

/**
 * CloudWatch Logs through aws-sdk-client-mock, shaped like the real API: FilterLogEvents pages of
 * at most `pageSize` events, with an empty page carrying a nextToken every `emptyEvery` pages, and
 * a StartLiveTail whose response stream the test drives.
 */
export function mockLogs(
  options: {
    events?: () => MockEvent[];
    pageSize?: number;
    emptyEvery?: number;
    accountId?: string;
  } = {},
) {
  const mock = mockClient(CloudWatchLogsClient);
  const client = new CloudWatchLogsClient({ region: 'us-east-1' });
  const pageSize = options.pageSize ?? 10_000;
  mock
    .on(FilterLogEventsCommand)
    .callsFake(
      (input: {
        startTime?: number;
        endTime?: number;
        limit?: number;
        nextToken?: string;
        filterPattern?: string;
      }) => {
        const [offsetText, pageText] = (input.nextToken ?? '0:0').split(':');
        const offset = Number(offsetText);
        const pageNo = Number(pageText);
        if (options.emptyEvery && pageNo % options.emptyEvery === options.emptyEvery - 1) {
          return { events: [], nextToken: `${offset}:${pageNo + 1}`, searchedLogStreams: [] };
        }
        const matching = (options.events?.() ?? []).filter(
          (e) =>
            e.timestamp >= (input.startTime ?? 0) &&
            e.timestamp <= (input.endTime ?? Number.POSITIVE_INFINITY) &&
            (!input.filterPattern || e.message.includes(input.filterPattern.replace(/"/g, ''))),
        );
        const size = Math.min(pageSize, input.limit ?? pageSize);
        const page = matching.slice(offset, offset + size);
        const next = offset + size < matching.length ? `${offset + size}:${pageNo + 1}` : undefined;
        return {
          events: page.map((e, i) => ({
            eventId: `ev-${e.timestamp}-${offset + i}`,
            timestamp: e.timestamp,
            ingestionTime: e.timestamp + 5,
            logStreamName: e.stream ?? '2026/11/23/[$LATEST]abc',
            message: e.message,
          })),
          ...(next ? { nextToken: next } : {}),
        };
      },
    );
  mock.on(DescribeLogGroupsCommand).callsFake((input: { logGroupNamePrefix?: string }) => ({
    logGroups: [
      {
        logGroupName: input.logGroupNamePrefix,
        arn: `arn:aws:logs:us-east-1:${options.accountId ?? '123456789012'}:log-group:${input.logGroupNamePrefix}:*`,
        logGroupArn: `arn:aws:logs:us-east-1:${options.accountId ?? '123456789012'}:log-group:${input.logGroupNamePrefix}`,
      },
    ],
  }));
  const live = liveTailFeed();
  // Like the real SDK, aborting the request's signal ends the response stream.
  const signalOf = () =>
    (
      (mock.commandCalls(StartLiveTailCommand).at(-1)?.args as unknown[] | undefined)?.[1] as
        | { abortSignal?: AbortSignal }
        | undefined
    )?.abortSignal;
  mock.on(StartLiveTailCommand).callsFake(() => ({ responseStream: live.stream(signalOf) }));
  return { mock, client, port: logsAdapter(() => client), live };
}

/** A StartLiveTail response stream the test pushes items into. */
export function liveTailFeed() {
  const queue: (StartLiveTailResponseStream | Error)[] = [];
  let wake: (() => void) | undefined;
  let sessions = 0;
  let open = 0;
  return {
    push(item: StartLiveTailResponseStream | Error) {
      queue.push(item);
      wake?.();
    },
    update(events: MockEvent[], sampled = false) {
      this.push({
        sessionUpdate: {
          sessionMetadata: { sampled },
          sessionResults: events.map((e) => ({
            logStreamName: e.stream ?? '2026/11/23/[$LATEST]abc',
            logGroupIdentifier: 'arn:aws:logs:us-east-1:123456789012:log-group:x',
            message: e.message,
            timestamp: e.timestamp,
            ingestionTime: e.timestamp + 5,
          })),
        },
      });
    },
    get sessions() {
      return sessions;
    },
    /** Sessions whose stream is still being read. */
    get open() {
      return open;
    },
    async *stream(
      signalOf: () => AbortSignal | undefined = () => undefined,
    ): AsyncGenerator<StartLiveTailResponseStream> {
      sessions += 1;
      open += 1;
      try {
        yield { sessionStart: { sessionId: `session-${sessions}`, requestId: 'r' } };
        const signal = signalOf();
        signal?.addEventListener('abort', () => wake?.(), { once: true });
        for (;;) {
          while (queue.length === 0 && !signal?.aborted)
            await new Promise<void>((resolve) => (wake = resolve));
          if (signal?.aborted) return;
          const item = queue.shift()!;
          if (item instanceof Error) throw item;
          yield item;
        }
      } finally {
        open -= 1;
      }
    },
  };
}
