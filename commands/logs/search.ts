import type { LogGroupRef, LogsPort, StepContext } from '../../src/sdk/index.ts';
import { SearchDigest } from './digest.ts';
import { inlineResult, noEvents, type SearchScope, summaryResult } from './render.ts';
import { clock } from './time.ts';

/** A short result is posted inline up to this size; past it, it is uploaded as a file. */
export const INLINE_LIMIT = { lines: 60, chars: 9_000 };

/**
 * Searches a log group (FilterLogEvents, every page) and posts the result in the run's thread:
 * inline code blocks when short, else a summary message and one `.log` file.
 */
export async function searchLogs(
  ctx: Pick<StepContext<unknown>, 'output' | 'progress'>,
  logs: LogsPort,
  target: LogGroupRef & { name: string },
  scope: SearchScope,
  limit: number,
) {
  const digest = new SearchDigest(INLINE_LIMIT);
  const events = logs.search({
    logGroup: target.logGroup,
    region: target.region,
    start: scope.start,
    end: scope.end,
    filter: scope.filter,
    limit,
  });
  for await (const event of events) {
    digest.add(event);
    if (digest.count % 10_000 === 0) ctx.progress(`${digest.count} events so far`);
  }
  const limited = digest.count >= limit;
  if (digest.count === 0) {
    await ctx.output.post(noEvents(scope));
    return { events: 0, file: false };
  }
  if (digest.fitsInline) {
    await ctx.output.post(inlineResult(digest, scope, limited));
    return { events: digest.count, file: false };
  }
  const fileName = `logs-${target.name.replace(/[^\w.-]+/g, '_').replace(/^_+/, '')}-${new Date(scope.start).toISOString().replace(/[:.]/g, '-')}.log`;
  await ctx.output.post(summaryResult(digest, scope, limited, fileName));
  const header = `# /ops logs ${target.name}: ${digest.count} events from ${target.logGroup}, ${clock(scope.start)} → ${clock(scope.end)} UTC${scope.filter ? `, filter ${scope.filter}` : ''} (secrets redacted)`;
  await ctx.output.upload({ name: fileName, title: fileName, content: digest.fileBytes(header) });
  return { events: digest.count, file: true };
}
