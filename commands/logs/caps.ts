import { type LogsSettings, type OutputMessage, timeSpan } from '../../src/sdk/index.ts';
import { clock } from './time.ts';

/**
 * What bounds one search (issue 16, finding 7): pages read, empty pages in a row, the time span,
 * and the bytes of log text. A search that hits one stops and says so in its result.
 */
export interface SearchCaps {
  maxPages: number;
  maxEmptyPages: number;
  maxSpanMs: number;
  maxBytes: number;
}

export type CapHit =
  | { cap: 'pages'; pages: number }
  | { cap: 'empty_pages'; pages: number }
  | { cap: 'bytes'; bytes: number }
  | { cap: 'span'; spanMs: number; from: number };

export function searchCaps(settings: LogsSettings): SearchCaps {
  return {
    maxPages: settings.search_max_pages,
    maxEmptyPages: settings.search_max_empty_pages,
    maxSpanMs: settings.search_max_span_hours * 3_600_000,
    maxBytes: Math.floor(settings.search_max_megabytes * 1024 * 1024),
  };
}

/** The newest `maxSpanMs` of [start, end], and whether the range was cut to it. */
export function cappedRange(range: { start: number; end: number }, maxSpanMs: number) {
  if (range.end - range.start <= maxSpanMs) return { ...range, spanCapped: false };
  return { start: range.end - maxSpanMs, end: range.end, spanCapped: true };
}

/** Counts pages as the search reads them; says stop at the page caps. */
export class PageCounter {
  pages = 0;
  private emptyInARow = 0;
  hit: CapHit | undefined;

  constructor(private readonly caps: SearchCaps) {}

  /** For `LogsPort.search`'s `onPage`: false stops the search before the next page. */
  readonly onPage = (events: number): boolean => {
    this.pages += 1;
    this.emptyInARow = events === 0 ? this.emptyInARow + 1 : 0;
    if (this.emptyInARow >= this.caps.maxEmptyPages)
      this.hit = { cap: 'empty_pages', pages: this.emptyInARow };
    else if (this.pages >= this.caps.maxPages) this.hit = { cap: 'pages', pages: this.pages };
    return this.hit === undefined;
  };
}

const megabytes = (bytes: number) =>
  `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 0)} MB`;

/** One sentence per cap hit, naming the setting that set it. */
export function capNote(hit: CapHit): string {
  switch (hit.cap) {
    case 'pages':
      return `Stopped after ${hit.pages} pages of results (\`logs_settings.search_max_pages\`); there may be more: narrow since/until or add filter=.`;
    case 'empty_pages':
      return `Stopped after ${hit.pages} empty pages in a row (\`logs_settings.search_max_empty_pages\`); CloudWatch had not finished scanning the span: narrow since/until.`;
    case 'bytes':
      return `Stopped after ${megabytes(hit.bytes)} of log text (\`logs_settings.search_max_megabytes\`); there may be more: narrow since/until or add filter=.`;
    case 'span':
      return `Searched only the newest ${timeSpan(hit.spanMs)}, from ${clock(hit.from)} UTC (\`logs_settings.search_max_span_hours\`).`;
  }
}

/** The result message with a line saying which caps were hit. */
export function withCapNotes(message: OutputMessage, hits: CapHit[]): OutputMessage {
  if (hits.length === 0) return message;
  const note = `:warning: ${hits.map(capNote).join(' ')}`;
  return {
    ...message,
    text: `${message.text} ${note}`,
    blocks: [...(message.blocks ?? []), { type: 'context', text: note }],
  };
}
