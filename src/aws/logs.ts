import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  StartLiveTailCommand,
  type StartLiveTailResponseStream,
} from '@aws-sdk/client-cloudwatch-logs';
import { TransientError } from '../sdk/errors.ts';
import type {
  LiveTailEvent,
  LogEvent,
  LogGroupRef,
  LogSearch,
  LogsPort,
} from '../sdk/ports/index.ts';
import { arnRegion, type ClientFor, type RegionalClients, regionalClients } from './clients.ts';
import { awsCall } from './errors.ts';

type Clients = ClientFor<CloudWatchLogsClient>;

/** FilterLogEvents returns at most 10,000 events per page. */
const PAGE_LIMIT = 10_000;

const where = ({ logGroup, region }: LogGroupRef) =>
  `log group ${logGroup}${region ? ` in ${region}` : ''}`;

const isArn = (name: string) => name.startsWith('arn:');
/** A log group ARN as `logGroupIdentifier(s)` take it: without the `:*` DescribeLogGroups' `arn` has. */
const bareArn = (arn: string) => arn.replace(/:\*$/, '');
/** A log group given by ARN answers only in the ARN's region. */
const regionOf = (ref: LogGroupRef) => arnRegion(ref.logGroup) ?? ref.region;

/**
 * True when the SDK is pointed at a custom endpoint (LocalStack, an emulator) by the environment.
 * The SDK then still prepends the `stream-` host prefix StartLiveTail has on AWS, which names a
 * host that does not exist there.
 */
export function customLogsEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS || env.AWS_ENDPOINT_URL || undefined;
}

/** CloudWatch Logs clients; with a custom endpoint, without the `stream-` host prefix. */
export function logsClients(
  region: string,
  env: NodeJS.ProcessEnv = process.env,
): RegionalClients<CloudWatchLogsClient> {
  const disableHostPrefix = customLogsEndpoint(env) !== undefined;
  return regionalClients((c) => new CloudWatchLogsClient({ ...c, disableHostPrefix }), region);
}

export function logsAdapter(client: Clients): LogsPort {
  return {
    search: (input) => searchEvents(client, input),
    startLiveTail: (input) => liveTail(client, input),
  };
}

/** Pages through FilterLogEvents, one page in memory at a time. */
async function* searchEvents(client: Clients, input: LogSearch): AsyncGenerator<LogEvent> {
  let nextToken: string | undefined;
  let yielded = 0;
  do {
    const page = await awsCall({ action: 'logs:FilterLogEvents', resource: where(input) }, () =>
      client(regionOf(input)).send(
        new FilterLogEventsCommand({
          ...(isArn(input.logGroup)
            ? { logGroupIdentifier: bareArn(input.logGroup) }
            : { logGroupName: input.logGroup }),
          startTime: input.start,
          endTime: input.end,
          ...(input.filter ? { filterPattern: input.filter } : {}),
          limit: Math.min(PAGE_LIMIT, input.limit - yielded),
          nextToken,
        }),
      ),
    );
    for (const e of page.events ?? []) {
      yield {
        id: e.eventId ?? `${e.logStreamName ?? ''}/${e.timestamp ?? 0}/${yielded}`,
        timestamp: e.timestamp ?? 0,
        message: e.message ?? '',
        ...(e.logStreamName ? { stream: e.logStreamName } : {}),
      };
      yielded += 1;
      if (yielded >= input.limit) return;
    }
    nextToken = page.nextToken;
    if (nextToken && input.onPage?.(page.events?.length ?? 0) === false) return;
  } while (nextToken);
}

/**
 * StartLiveTail wants log group ARNs: a name is looked up with DescribeLogGroups, page by page
 * (a prefix can match many groups, `/aws/lambda/api` also matches `/aws/lambda/api-canary`).
 */
async function logGroupArn(client: Clients, ref: LogGroupRef): Promise<string> {
  if (isArn(ref.logGroup)) return bareArn(ref.logGroup);
  let nextToken: string | undefined;
  do {
    const out = await awsCall({ action: 'logs:DescribeLogGroups', resource: where(ref) }, () =>
      client(regionOf(ref)).send(
        new DescribeLogGroupsCommand({ logGroupNamePrefix: ref.logGroup, nextToken }),
      ),
    );
    const found = out.logGroups?.find((g) => g.logGroupName === ref.logGroup);
    const arn = found?.logGroupArn ?? (found?.arn ? bareArn(found.arn) : undefined);
    if (arn) return arn;
    nextToken = out.nextToken;
  } while (nextToken);
  throw new TransientError('aws_not_found', `no such ${where(ref)}`);
}

async function* liveTail(
  client: Clients,
  input: LogGroupRef & { filter?: string; signal: AbortSignal },
): AsyncGenerator<LiveTailEvent> {
  const arn = await logGroupArn(client, input);
  const out = await awsCall({ action: 'logs:StartLiveTail', resource: where(input) }, () =>
    client(regionOf(input)).send(
      new StartLiveTailCommand({
        logGroupIdentifiers: [arn],
        ...(input.filter ? { logEventFilterPattern: input.filter } : {}),
      }),
      { abortSignal: input.signal },
    ),
  );
  if (!out.responseStream) return;
  const items = out.responseStream[Symbol.asyncIterator]();
  const aborted = new Promise<'aborted'>((resolve) => {
    if (input.signal.aborted) resolve('aborted');
    input.signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  try {
    for (;;) {
      const next = await Promise.race([items.next(), aborted]);
      if (next === 'aborted' || next.done) return;
      const event = liveTailEvent(next.value, input);
      if (event) yield event;
    }
  } catch (error) {
    if (input.signal.aborted) return;
    throw error;
  } finally {
    // Ends the session's stream (the request itself is cancelled by the abort signal).
    void items.return?.()?.catch(() => {});
  }
}

function liveTailEvent(
  item: StartLiveTailResponseStream,
  ref: LogGroupRef,
): LiveTailEvent | undefined {
  if (item.sessionStart)
    return { type: 'sessionStart', sessionId: item.sessionStart.sessionId ?? '' };
  if (item.sessionUpdate) {
    const events = (item.sessionUpdate.sessionResults ?? []).map((e, i) => ({
      // Live tail events carry no event id; stream + timestamp + ingestion time + position stands in.
      id: `${e.logStreamName ?? ''}/${e.timestamp ?? 0}/${e.ingestionTime ?? 0}/${i}`,
      timestamp: e.timestamp ?? 0,
      message: e.message ?? '',
      ...(e.logStreamName ? { stream: e.logStreamName } : {}),
    }));
    return {
      type: 'sessionUpdate',
      events,
      sampled: Boolean(item.sessionUpdate.sessionMetadata?.sampled),
    };
  }
  const failure = item.SessionStreamingException ?? item.SessionTimeoutException;
  if (failure) {
    const name = item.SessionTimeoutException
      ? 'SessionTimeoutException'
      : 'SessionStreamingException';
    throw new TransientError(
      'live_tail_ended',
      `the live-tail session on ${where(ref)} ended (${name}${failure.message ? `: ${failure.message.slice(0, 200)}` : ''})`,
    );
  }
  return undefined;
}
