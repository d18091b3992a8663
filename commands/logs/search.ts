import type { LogGroupRef, LogsPort, StepContext } from '../../src/sdk/index.ts';
import { type CapHit, PageCounter, type SearchCaps, withCapNotes } from './caps.ts';
import { SearchDigest } from './digest.ts';
import { inlineResult, noEvents, type SearchScope, summaryResult } from './render.ts';
import { clock } from './time.ts';

/** A short result is posted inline up to this size; past it, it is uploaded as a file. */
export const INLINE_LIMIT = { lines: 60, chars: 9_000 };

/**
 * Searches a log group (FilterLogEvents, page by page, within `caps`) and posts the result in the
 * run's thread: inline code blocks when short, else a summary message and one `.log` file. A cap
 * that stopped the search is named in the result (`spanCapped`: the range was already cut).
 */
export async function searchLogs(
  ctx: Pick<StepContext<unknown>, 'output' | 'progress'>,
  logs: LogsPort,
  target: LogGroupRef & { name: string },
  scope: SearchScope & { spanCapped?: boolean },
  limit: number,
  caps: SearchCaps,
) {
  const digest = new SearchDigest(INLINE_LIMIT);
  const pages = new PageCounter(caps);
  const hits: CapHit[] = scope.spanCapped
    ? [{ cap: 'span', spanMs: scope.end - scope.start, from: scope.start }]
    : [];
  const events = logs.search({
    logGroup: target.logGroup,
    region: target.region,
    start: scope.start,
    end: scope.end,
    filter: scope.filter,
    limit,
    onPage: pages.onPage,
  });
  let bytes = 0;
  for await (const event of events) {
    digest.add(event);
    if (digest.count % 10_000 === 0) ctx.progress(`${digest.count} events so far`);
    bytes += Buffer.byteLength(event.message);
    if (bytes >= caps.maxBytes) {
      hits.push({ cap: 'bytes', bytes });
      break;
    }
  }
  if (pages.hit) hits.push(pages.hit);
  const limited = digest.count >= limit;
  if (digest.count === 0) {
    await ctx.output.post(withCapNotes(noEvents(scope), hits));
    return { events: 0, file: false, caps: hits.map((h) => h.cap) };
  }
  if (digest.fitsInline) {
    await ctx.output.post(withCapNotes(inlineResult(digest, scope, limited), hits));
    return { events: digest.count, file: false, caps: hits.map((h) => h.cap) };
  }
  const fileName = `logs-${target.name.replace(/[^\w.-]+/g, '_').replace(/^_+/, '')}-${new Date(scope.start).toISOString().replace(/[:.]/g, '-')}.log`;
  await ctx.output.post(withCapNotes(summaryResult(digest, scope, limited, fileName), hits));
  const header = `# /ops logs ${target.name}: ${digest.count} events from ${target.logGroup}, ${clock(scope.start)} → ${clock(scope.end)} UTC${scope.filter ? `, filter ${scope.filter}` : ''} (secrets redacted)`;
  await ctx.output.upload({ name: fileName, title: fileName, content: digest.fileBytes(header) });
  return { events: digest.count, file: true, caps: hits.map((h) => h.cap) };
}
