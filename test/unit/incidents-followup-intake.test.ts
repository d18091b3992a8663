import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/alert.ts';
import type { Delivery } from '../../src/alerts/routes.ts';
import { incidentIntake } from '../../src/incidents/intake.ts';
import type { IncidentStore } from '../../src/incidents/store.ts';
import { createLogger } from '../../src/log.ts';

const alert = (key: string): Alert => ({
  source: 'alertmanager',
  key,
  status: 'firing',
  severity: 'warning',
  title: key,
});

describe('incident intake: a group some of whose deliveries cannot be counted', () => {
  it('queues the Slack work of those it counted, then fails so the sender retries', async () => {
    const store = {
      async recordDelivery(id: string) {
        if (id === 'am-2') throw new Error('redis: connection lost');
        return { outcome: 'open', id: `inc_for_${id}`, count: 1, refresh: false };
      },
    } as unknown as IncidentStore;
    const queued: unknown[] = [];
    const intake = incidentIntake({
      store,
      channelFor: () => 'C0OPS',
      queueWork: async (work) => {
        queued.push(...work);
      },
      log: createLogger('silent'),
    });
    const deliveries: Delivery[] = ['am-1', 'am-2', 'am-3'].map((id) => ({
      id,
      alert: alert(`alertmanager:${id}`),
      receivedAt: 0,
    }));
    await expect(intake.enqueueDeliveries(deliveries)).rejects.toThrow(/connection lost/);
    // am-1 and am-3 were counted: their parents are posted now, not only after a restart. The
    // sender's retry brings them again with the same ids, which the store counts as duplicates.
    expect(queued.map((w) => (w as { deliveryId: string }).deliveryId)).toEqual(['am-1', 'am-3']);
  });
});
