import { type LogEvent, redact } from '../../src/sdk/index.ts';
import { clock } from './time.ts';

/** Distinct message shapes counted for the top-5 list; past this, rare ones are dropped (Misra–Gries). */
const MAX_SHAPES = 5_000;
/** The uploaded file is built in UTF-8 chunks of about this many characters. */
const CHUNK_CHARS = 64 * 1024;
const MAX_LINE_CHARS = 4_000;
const EMPTY = Buffer.alloc(0);

/**
 * An event's message with its secrets removed: the only form of it that is ever shown. The line is
 * cut to what is shown *before* redacting, so a 256 KB event costs no more than a 4,000-char one.
 */
export function redactedMessage(event: LogEvent): string {
  const message = event.message.trimEnd();
  return message.length > MAX_LINE_CHARS
    ? `${redact(message.slice(0, MAX_LINE_CHARS))} …`
    : redact(message);
}

/** One event as a line of text, as shown in Slack and in the uploaded file. */
export function eventLine(event: LogEvent, message: string, withStream: boolean): string {
  return `${clock(event.timestamp)}${withStream && event.stream ? `  [${event.stream}]` : ''}  ${message}`;
}

/** A message with numbers and ids folded, so `took 12 ms` and `took 13 ms` count as one. */
export function messageShape(message: string): string {
  return message
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>')
    .replace(/\b(?=[0-9a-f]*\d)[0-9a-f]{12,}\b/gi, '<id>')
    .replace(/\d+/g, '#')
    .trim()
    .slice(0, 200);
}

/**
 * What a search found, gathered one event at a time: the count and time span, the most frequent
 * message shapes, the first lines (for a short result) and the file text in chunks (for a long one).
 * It keeps no event objects.
 */
export class SearchDigest {
  count = 0;
  first = Number.POSITIVE_INFINITY;
  last = Number.NEGATIVE_INFINITY;
  private readonly shapes = new Map<string, { count: number; example: string }>();
  private approximate = false;
  private readonly inline: string[] = [];
  private inlineChars = 0;
  private overflow = false;
  /** The file so far, as UTF-8 bytes: one copy, with no string (or rope of lines) kept alive. */
  private readonly chunks: Buffer[] = [];
  private chunk = '';

  constructor(private readonly inlineLimit: { lines: number; chars: number }) {}

  add(event: LogEvent): void {
    this.count += 1;
    this.first = Math.min(this.first, event.timestamp);
    this.last = Math.max(this.last, event.timestamp);
    const message = redactedMessage(event);
    const line = eventLine(event, message, true);
    this.chunk += `${line}\n`;
    if (this.chunk.length >= CHUNK_CHARS) {
      this.chunks.push(Buffer.from(this.chunk, 'utf8'));
      this.chunk = '';
    }
    if (!this.overflow) {
      const short = eventLine(event, message, false);
      this.inlineChars += short.length + 1;
      if (
        this.inline.length >= this.inlineLimit.lines ||
        this.inlineChars > this.inlineLimit.chars
      ) {
        this.overflow = true;
        this.inline.length = 0;
      } else this.inline.push(short);
    }
    this.countShape(message);
  }

  /** True when the result fits in one message of code blocks. */
  get fitsInline(): boolean {
    return !this.overflow;
  }

  inlineText(): string {
    return this.inline.join('\n');
  }

  /**
   * The file's bytes (UTF-8): a header, then every line. Built once, at the end; the chunks are
   * released as they are copied in, so the file is held once plus one chunk.
   */
  fileBytes(header: string): Buffer {
    const head = Buffer.from(`${header}\n\n`, 'utf8');
    const tail = Buffer.from(this.chunk, 'utf8');
    this.chunk = '';
    const size = this.chunks.reduce((n, c) => n + c.length, head.length + tail.length);
    const file = Buffer.allocUnsafe(size);
    let at = head.copy(file, 0);
    for (let i = 0; i < this.chunks.length; i++) {
      at += this.chunks[i]!.copy(file, at);
      this.chunks[i] = EMPTY;
    }
    tail.copy(file, at);
    this.chunks.length = 0;
    return file;
  }

  /** The five most frequent message shapes, with an example and a count (≈ when rare ones were dropped). */
  top(n = 5): { count: number; example: string; approximate: boolean }[] {
    return [...this.shapes.values()]
      .sort((a, b) => b.count - a.count)
      .slice(0, n)
      .map((s) => ({ ...s, approximate: this.approximate }));
  }

  private countShape(message: string): void {
    const shape = messageShape(message);
    const found = this.shapes.get(shape);
    if (found) {
      found.count += 1;
      return;
    }
    if (this.shapes.size >= MAX_SHAPES) {
      this.approximate = true;
      for (const [key, value] of this.shapes) {
        value.count -= 1;
        if (value.count <= 0) this.shapes.delete(key);
      }
      if (this.shapes.size >= MAX_SHAPES) return;
    }
    this.shapes.set(shape, { count: 1, example: message.replace(/\s+/g, ' ').slice(0, 200) });
  }
}
