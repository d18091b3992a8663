import { createRequire } from 'node:module';
import type * as BullMQ from 'bullmq';

const require = createRequire(import.meta.url);

/**
 * BullMQ's classes, each required from its own file rather than through the package's index, which
 * loads every class and backend BullMQ has (PostgreSQL, Bun, node-redis, Valkey GLIDE, flows,
 * sandboxed processors: about 70 files and 500 KB of source opsbot never runs) into every role.
 * The classes are the very objects the index exports (same files, one require cache). Types come
 * from the package itself (`import type … from 'bullmq'`).
 */
function fromFile<T>(file: string): T {
  return require(`bullmq/dist/cjs/${file}`) as T;
}

export const { Queue } = fromFile<Pick<typeof BullMQ, 'Queue'>>('classes/queue.js');
export const { getNextMillis } = fromFile<Pick<typeof BullMQ, 'getNextMillis'>>(
  'classes/job-scheduler.js',
);

/**
 * BullMQ reads cron patterns with cron-parser, which does its date arithmetic with luxon. Luxon
 * learns the system's locale, the first time it builds a date without one, from
 * `new Intl.DateTimeFormat()`: that loads ICU's date-formatting data, about 6 MB of RSS (file
 * pages of the node binary and ICU's own allocations) that a process formatting no dates keeps for
 * its life. The web role only checks the config's crons (src/config/schedules.ts), so that check
 * was most of what Intl cost it. Cron arithmetic does not depend on the locale (luxon's weeks are
 * ISO weeks unless asked otherwise), so cron-parser's own copy of luxon gets `en-US`, the locale
 * the image (no LANG) resolves to anyway, unless something set one first.
 */
function defaultCronLocale(): void {
  const scheduler = require.resolve('bullmq/dist/cjs/classes/job-scheduler.js');
  const cronParser = createRequire(scheduler).resolve('cron-parser');
  const { Settings } = createRequire(cronParser)('luxon') as {
    Settings: { defaultLocale: string | null | undefined };
  };
  Settings.defaultLocale ??= 'en-US';
}
defaultCronLocale();
export const { ErrorCode } = fromFile<Pick<typeof BullMQ, 'ErrorCode'>>('enums/error-code.js');
export const { UnrecoverableError } = fromFile<Pick<typeof BullMQ, 'UnrecoverableError'>>(
  'classes/errors/unrecoverable-error.js',
);

let worker: typeof BullMQ.Worker | undefined;
/** BullMQ's `Worker` class, required on first use: a web role never builds one. */
export function workerClass(): typeof BullMQ.Worker {
  worker ??= fromFile<Pick<typeof BullMQ, 'Worker'>>('classes/worker.js').Worker;
  return worker;
}
