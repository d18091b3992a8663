import { createHash } from 'node:crypto';
import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';
import { WEBHOOK_MAX_AGE_SECONDS } from './webhook.ts';

/**
 * How long a signature is remembered: a delivery is accepted while its timestamp is within 5
 * minutes either side of now, so the same signature can come back for up to 10 minutes after it
 * was first seen (first seen 5 minutes early, replayed 5 minutes late).
 */
export const WEBHOOK_REPLAY_MEMORY_SECONDS = 2 * WEBHOOK_MAX_AGE_SECONDS;

/** A short, fixed-length name for a signature (the header holds `v0=` + 64 hex). */
const digestOf = (signature: string) =>
  createHash('sha256').update(signature).digest('hex').slice(0, 32);

/**
 * The delivery id of a signed webhook: the same signed delivery (same timestamp and body) always
 * gets the same id, so the incident store's delivery marker (SET NX in Redis) counts it once, on
 * every instance, and a replay can never reopen a resolved incident.
 */
export const webhookDeliveryId = (signature: string) => `webhook-${digestOf(signature)}`;

/**
 * Signatures of generic webhooks already received, in Redis under the bot's prefix (and so its
 * hash tag), for as long as a replay of them could pass the timestamp check. Every instance shares
 * it, so a replay sent to another instance is refused too.
 */
export class WebhookReplays {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Pick<Keys, 'webhookSignature'>,
  ) {}

  /** True the first time a signature is seen within the window; false for a replay. */
  async firstSight(signature: string): Promise<boolean> {
    const key = this.keys.webhookSignature(digestOf(signature));
    return (await this.redis.set(key, '1', 'EX', WEBHOOK_REPLAY_MEMORY_SECONDS, 'NX')) === 'OK';
  }

  /** Forgets a signature whose delivery could not be queued, so the sender's retry is accepted. */
  async forget(signature: string): Promise<void> {
    await this.redis.del(this.keys.webhookSignature(digestOf(signature)));
  }
}
