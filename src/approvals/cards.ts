import type { Logger } from '../log.ts';
import type { SlackWriter } from '../notify/slack-writer.ts';
import { requestCard } from '../slack/blocks/request-card.ts';
import type { RequestStore } from './request-store.ts';

/** Keeps each request card in step with its stored state (the card is always rendered from Redis). */
export class RequestCards {
  constructor(
    private readonly store: RequestStore,
    private readonly writer: SlackWriter,
    private readonly log: Logger,
  ) {}

  /** Re-renders the card from the stored state. Never throws: a failed edit is logged. */
  async refresh(id: string): Promise<void> {
    try {
      const record = await this.store.load(id);
      const card = record?.request.card;
      if (!record || !card) return;
      await this.writer.update(card.channel, card.ts, requestCard(record));
    } catch (error) {
      this.log.warn(
        { request_id: id, err: (error as Error).message },
        'request card update failed',
      );
    }
  }
}
