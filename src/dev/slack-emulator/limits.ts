/**
 * Checks Slack applies to Block Kit content (docs.slack.dev/reference/block-kit), with Slack's own
 * error code: `invalid_blocks` for a message's blocks. `surface` is where the blocks go: a message
 * holds at most 50 blocks and no input blocks; a modal holds at most 100.
 */
export function checkBlocks(
  blocks: unknown,
  surface: 'message' | 'modal' = 'message',
): string | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return 'invalid_blocks_format';
  if (blocks.length > (surface === 'modal' ? 100 : 50)) return 'invalid_blocks';
  const blockIds = new Set<string>();
  for (const block of blocks as Json[]) {
    if (!isObject(block) || typeof block.type !== 'string') return 'invalid_blocks';
    if (block.block_id !== undefined) {
      if (!isId(block.block_id) || blockIds.has(block.block_id)) return 'invalid_blocks';
      blockIds.add(block.block_id);
    }
    if (!blockValid(block, surface)) return 'invalid_blocks';
  }
  if (JSON.stringify(blocks).length > 13_000 * 4) return 'msg_blocks_too_long';
  return undefined;
}

/** A modal view as views.open / views.update check it (`invalid_arguments` as Slack answers). */
export function checkView(view: unknown): string | undefined {
  if (!isObject(view) || view.type !== 'modal') return 'invalid_arguments';
  if (!text(view.title, 24, 'plain_text')) return 'invalid_arguments';
  if (view.submit !== undefined && !text(view.submit, 24, 'plain_text')) return 'invalid_arguments';
  if (view.close !== undefined && !text(view.close, 24, 'plain_text')) return 'invalid_arguments';
  if (view.callback_id !== undefined && !isId(view.callback_id)) return 'invalid_arguments';
  if (String(view.private_metadata ?? '').length > 3000) return 'invalid_arguments';
  const blocks = view.blocks;
  const problem = checkBlocks(blocks, 'modal');
  if (problem) return problem;
  if (!Array.isArray(blocks)) return 'invalid_arguments';
  // A modal with input blocks must have a submit button.
  if (view.submit === undefined && (blocks as Json[]).some((b) => b.type === 'input'))
    return 'invalid_arguments';
  return undefined;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** block_id, action_id, callback_id: 1 to 255 characters. */
const isId = (value: unknown): value is string =>
  typeof value === 'string' && value.length >= 1 && value.length <= 255;

/** A text object of `type` (either when unset) holding 1 to `max` characters. */
function text(value: unknown, max: number, type?: 'plain_text' | 'mrkdwn'): boolean {
  if (!isObject(value) || typeof value.text !== 'string') return false;
  if (value.type !== 'plain_text' && value.type !== 'mrkdwn') return false;
  if (type && value.type !== type) return false;
  // `emoji` (and `verbatim` the other way round) belong to one type only.
  if (value.type === 'mrkdwn' && value.emoji !== undefined) return false;
  if (value.type === 'plain_text' && value.verbatim !== undefined) return false;
  return value.text.length >= 1 && value.text.length <= max;
}

function blockValid(block: Json, surface: 'message' | 'modal'): boolean {
  switch (block.type) {
    case 'section': {
      if (block.text === undefined && block.fields === undefined) return false;
      if (block.text !== undefined && !text(block.text, 3000)) return false;
      if (block.fields === undefined) return true;
      const fields = block.fields;
      return (
        Array.isArray(fields) &&
        fields.length >= 1 &&
        fields.length <= 10 &&
        fields.every((f) => text(f, 2000))
      );
    }
    case 'header':
      return text(block.text, 150, 'plain_text');
    case 'context': {
      const elements = block.elements;
      return (
        Array.isArray(elements) &&
        elements.length >= 1 &&
        elements.length <= 10 &&
        elements.every((e) => (isObject(e) && e.type === 'image') || text(e, 3000))
      );
    }
    case 'actions': {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 25) return false;
      const actionIds = new Set<string>();
      for (const element of elements as Json[]) {
        if (!isObject(element)) return false;
        if (element.action_id !== undefined) {
          if (!isId(element.action_id) || actionIds.has(element.action_id)) return false;
          actionIds.add(element.action_id);
        }
        if (element.type === 'button' && !buttonValid(element)) return false;
      }
      return true;
    }
    case 'input':
      return surface === 'modal' && inputValid(block);
    default:
      return true;
  }
}

function buttonValid(button: Json): boolean {
  if (!text(button.text, 75, 'plain_text')) return false;
  if (
    button.value !== undefined &&
    (typeof button.value !== 'string' || button.value.length > 2000)
  )
    return false;
  if (button.url !== undefined && (typeof button.url !== 'string' || button.url.length > 3000))
    return false;
  return button.style === undefined || button.style === 'primary' || button.style === 'danger';
}

function inputValid(block: Json): boolean {
  if (!text(block.label, 2000, 'plain_text')) return false;
  if (block.hint !== undefined && !text(block.hint, 2000, 'plain_text')) return false;
  const element = block.element;
  if (!isObject(element) || !isId(element.action_id)) return false;
  if (element.type !== 'static_select') return true;
  const options = element.options;
  if (!Array.isArray(options) || options.length < 1 || options.length > 100) return false;
  return (options as Json[]).every(
    (o) =>
      isObject(o) &&
      text(o.text, 75, 'plain_text') &&
      typeof o.value === 'string' &&
      o.value.length >= 1 &&
      o.value.length <= 150,
  );
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
