import { Writable } from 'node:stream';
import { createLogger } from '../../src/log.ts';

/** One line the logger wrote: pino's JSON, parsed. */
export type LogLine = { msg?: string; level?: number; [key: string]: unknown };

/** A logger at `level` whose lines a test reads back in `lines`, in the order written. */
export function capturedLog(level: string) {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as LogLine);
      done();
    },
  });
  return { log: createLogger(level, sink), lines };
}
