import type { LogEvent } from '../../src/sdk/index.ts';

/** FNV-1a, 32 bits: a short fingerprint of a message. */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

/**
 * The same event from live tail and from FilterLogEvents (after a restart) carries different ids,
 * so an event is known by its stream, time and message.
 */
export function eventKey(event: LogEvent): string {
  return `${event.stream ?? ''}|${event.timestamp}|${fingerprint(event.message)}`;
}

/**
 * Which events a follow already posted: every key within `windowMs` of the newest one posted.
 * Older events are treated as posted. Saved with the checkpoint, so a restart posts nothing twice.
 */
export class SeenEvents {
  private readonly keys = new Map<string, number>();

  constructor(
    public lastTs: number,
    keys: [string, number][],
    private readonly windowMs: number,
  ) {
    for (const [key, ts] of keys) this.keys.set(key, ts);
  }

  /** Events before this time count as posted. */
  get floor(): number {
    return this.lastTs - this.windowMs;
  }

  isNew(event: LogEvent): boolean {
    return event.timestamp >= this.floor && !this.keys.has(eventKey(event));
  }

  mark(events: LogEvent[]): void {
    for (const e of events) {
      this.keys.set(eventKey(e), e.timestamp);
      this.lastTs = Math.max(this.lastTs, e.timestamp);
    }
    const floor = this.floor;
    for (const [key, ts] of this.keys) if (ts < floor) this.keys.delete(key);
  }

  entries(): [string, number][] {
    return [...this.keys];
  }
}
