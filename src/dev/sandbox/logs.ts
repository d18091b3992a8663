import { UserError } from '../../sdk/errors.ts';
import type {
  LiveTailEvent,
  LogEvent,
  LogGroupRef,
  LogSearch,
  LogsPort,
} from '../../sdk/ports/index.ts';
import { sleep } from '../../util/sleep.ts';

/**
 * SANDBOX CloudWatch Logs: a generator that writes one made-up Lambda log line per second into
 * every configured log group (the same line for the same second, so searches repeat). Search
 * pages like FilterLogEvents (some pages empty but carrying a token); live tail sends an update
 * every `tickMs`. One line carries a fake secret (`password=hunter2`) to show redaction.
 */
export interface SandboxLogsOptions {
  logGroups: string[];
  /** Most events per search page. */
  pageSize?: number;
  /** Time one search page scans. */
  pageWindowMs?: number;
  tickMs?: number;
  now?: () => number;
}

const LINES = [
  (id: string) => `START RequestId: ${id} Version: 42`,
  () => 'INFO GET /ducklings/dk-ada 200 in 42 ms',
  () => 'INFO POST /eggs 201 in 87 ms',
  () => 'WARN slow query on spaceduck-connections: 912 ms',
  () => 'INFO connecting to db host=db.internal user=mission password=hunter2',
  () => 'ERROR upstream timeout calling the signing service after 3000 ms',
  (id: string) => `END RequestId: ${id}`,
  (id: string) =>
    `REPORT RequestId: ${id} Duration: 45.12 ms Billed Duration: 46 ms Memory Size: 512 MB Max Memory Used: 131 MB`,
];

const requestId = (second: number) =>
  `${(Math.floor(second / LINES.length) * 2654435761).toString(16).padStart(8, '0').slice(-8)}-5e1f-4c2a-9d3b-0c0ffee00042`;

/** The event the generator wrote at this second. */
export function generatedEvent(logGroup: string, second: number): LogEvent {
  const day = new Date(second * 1000).toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    id: `${second}-${logGroup.length}`,
    timestamp: second * 1000,
    message: LINES[second % LINES.length]!(requestId(second)),
    stream: `${day}/[42]0c0ffee00042`,
  };
}

/**
 * A CloudWatch filter pattern on plain text: every term must appear (case-sensitive), `?a ?b`
 * means any of them, `-term` excludes, quotes keep a phrase. JSON patterns match nothing here
 * (the generated lines are not JSON).
 */
export function matchesFilter(message: string, filter?: string): boolean {
  const pattern = filter?.trim();
  if (!pattern) return true;
  if (pattern.startsWith('{')) return false;
  const terms = [...pattern.matchAll(/([?-]?)(?:"([^"]*)"|(\S+))/g)].map((m) => ({
    kind: m[1],
    text: m[2] ?? m[3]!,
  }));
  const any = terms.filter((t) => t.kind === '?');
  if (any.length && !any.some((t) => message.includes(t.text))) return false;
  return terms.every((t) =>
    t.kind === '-' ? !message.includes(t.text) : t.kind === '?' || message.includes(t.text),
  );
}

interface Page {
  events: LogEvent[];
  nextToken?: string;
}

export class SandboxLogs implements LogsPort {
  private readonly groups: Set<string>;
  private readonly pageSize: number;
  private readonly pageWindowMs: number;
  private readonly tickMs: number;
  private readonly now: () => number;

  constructor(options: SandboxLogsOptions) {
    this.groups = new Set(options.logGroups);
    this.pageSize = options.pageSize ?? 100;
    this.pageWindowMs = options.pageWindowMs ?? 5 * 60_000;
    this.tickMs = options.tickMs ?? 1000;
    this.now = options.now ?? Date.now;
  }

  private check(ref: LogGroupRef) {
    if (!this.groups.has(ref.logGroup))
      throw new UserError(
        'aws_not_found',
        `no such log group ${ref.logGroup}${ref.region ? ` in ${ref.region}` : ''}`,
      );
  }

  /**
   * One FilterLogEvents page. The token holds where the scan is and a page counter; every third
   * page comes back empty with a token, as FilterLogEvents does while it scans other streams.
   */
  page(input: LogGroupRef & { start: number; end: number; filter?: string }, token?: string): Page {
    this.check(input);
    const [cursorText, countText] = (token ?? '').split(':');
    const cursor = token ? Number(cursorText) : Math.ceil(input.start / 1000);
    const count = token ? Number(countText) : 0;
    const last = Math.min(Math.floor(input.end / 1000), Math.floor(this.now() / 1000));
    if (cursor > last) return { events: [] };
    if (count % 3 === 1) return { events: [], nextToken: `${cursor}:${count + 1}` };
    const windowEnd = Math.min(last, cursor + Math.floor(this.pageWindowMs / 1000) - 1);
    const events: LogEvent[] = [];
    let second = cursor;
    for (; second <= windowEnd && events.length < this.pageSize; second++) {
      const event = generatedEvent(input.logGroup, second);
      if (matchesFilter(event.message, input.filter)) events.push(event);
    }
    return second > last ? { events } : { events, nextToken: `${second}:${count + 1}` };
  }

  async *search(input: LogSearch) {
    let token: string | undefined;
    let yielded = 0;
    do {
      const page = this.page(input, token);
      for (const event of page.events) {
        yield event;
        yielded += 1;
        if (yielded >= input.limit) return;
      }
      token = page.nextToken;
      if (token && input.onPage?.(page.events.length) === false) return;
    } while (token);
  }

  async *startLiveTail(
    input: LogGroupRef & { filter?: string; signal: AbortSignal },
  ): AsyncGenerator<LiveTailEvent> {
    this.check(input);
    yield { type: 'sessionStart', sessionId: `sandbox-${Math.floor(this.now())}` };
    let from = Math.floor(this.now() / 1000);
    while (!input.signal.aborted) {
      await sleep(this.tickMs, input.signal);
      if (input.signal.aborted) return;
      const to = Math.floor(this.now() / 1000);
      const events: LogEvent[] = [];
      for (let second = from; second < Math.max(to, from + 1); second++) {
        const event = generatedEvent(input.logGroup, second);
        if (matchesFilter(event.message, input.filter)) events.push(event);
      }
      from = Math.max(to, from + 1);
      yield { type: 'sessionUpdate', events, sampled: false };
    }
  }
}
