import type { Logger } from '../log.ts';
import type { RequestNotices } from './request-notices.ts';
import type { RequestStore } from './request-store.ts';

/**
 * Keeps each request card in step with its stored state. A card is always rendered from Redis, and
 * refreshes of one card run one after another, so the last edit shows the latest state.
 */
export class RequestCards {
  private readonly queues = new Map<string, Promise<void>>();
  constructor(
    private readonly store: RequestStore,
    private readonly notices: RequestNotices,
    private readonly log: Logger,
  ) {}

  /** Re-renders the card from the stored state. Never throws: a failed edit is logged. */
  refresh(id: string): Promise<void> {
    const next = (this.queues.get(id) ?? Promise.resolve()).then(() => this.render(id));
    this.queues.set(id, next);
    void next.then(() => {
      if (this.queues.get(id) === next) this.queues.delete(id);
    });
    return next;
  }

  private async render(id: string): Promise<void> {
    try {
      const record = await this.store.load(id);
      const card = record?.request.card;
      if (!record || !card) return;
      await this.notices.updateCard(card, record);
    } catch (error) {
      this.log.warn(
        { request_id: id, err: (error as Error).message },
        'request card update failed',
      );
    }
  }
}
