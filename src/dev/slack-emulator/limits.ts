/** Checks Slack applies to message content, with Slack's own error codes. */
export function checkBlocks(blocks: unknown, max = 50): string | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return 'invalid_blocks_format';
  if (blocks.length > max) return 'invalid_blocks';
  for (const block of blocks as Record<string, unknown>[]) {
    if (typeof block?.type !== 'string') return 'invalid_blocks';
    const text = (block.text as { text?: string } | undefined)?.text;
    if (block.type === 'section') {
      if (text !== undefined && text.length > 3000) return 'invalid_blocks';
      const fields = block.fields as { text?: string }[] | undefined;
      if (fields && (fields.length > 10 || fields.some((f) => (f.text ?? '').length > 2000)))
        return 'invalid_blocks';
      if (text === undefined && !fields) return 'invalid_blocks';
    }
    if (block.type === 'header' && (text === undefined || text.length > 150))
      return 'invalid_blocks';
    if (block.type === 'actions') {
      const elements = block.elements as
        | { text?: { text?: string }; value?: string; action_id?: string }[]
        | undefined;
      if (!elements || elements.length === 0 || elements.length > 25) return 'invalid_blocks';
      for (const e of elements) {
        if (
          (e.text?.text ?? '').length > 75 ||
          (e.value ?? '').length > 2000 ||
          (e.action_id ?? '').length > 255
        ) {
          return 'invalid_blocks';
        }
      }
    }
  }
  if (JSON.stringify(blocks).length > 13_000 * 4) return 'msg_blocks_too_long';
  return undefined;
}

/** A token bucket per key: Slack-like rate limits for the methods that have tight ones. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
  ) {}

  /** Returns 0 when allowed, else the seconds to wait (for `Retry-After`). */
  take(key: string, now = Date.now()): number {
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, at: now };
    bucket.tokens = Math.min(
      this.capacity,
      bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond,
    );
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
  }
}

/** Per-method limits close to Slack's published tiers. `chat.postMessage` is keyed per channel. */
export function slackLikeLimits(): Record<string, RateLimiter> {
  return {
    'chat.postMessage': new RateLimiter(3, 1),
    'chat.update': new RateLimiter(20, 50 / 60),
    'chat.postEphemeral': new RateLimiter(20, 100 / 60),
    'views.open': new RateLimiter(20, 100 / 60),
    'usergroups.users.list': new RateLimiter(5, 20 / 60),
  };
}
