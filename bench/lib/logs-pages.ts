import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { logsWorld } from '../../test/helpers/logs-harness.ts';

/**
 * Makes the mocked FilterLogEvents answer `total` events paged like the real API (≤ 10,000 per
 * page, an empty page with a token every third call). Pages are made on demand from the offset,
 * so the bench itself holds no events.
 */
export function pageLikeCloudWatch(world: ReturnType<typeof logsWorld>, total: number, t0: number) {
  world.logs.mock
    .on(FilterLogEventsCommand)
    .callsFake((input: { limit?: number; nextToken?: string }) => {
      const [offsetText, pageText] = (input.nextToken ?? '0:0').split(':');
      const offset = Number(offsetText);
      const page = Number(pageText);
      if (page % 3 === 2) return { events: [], nextToken: `${offset}:${page + 1}` };
      const size = Math.min(10_000, input.limit ?? 10_000, total - offset);
      const events = Array.from({ length: size }, (_, i) => {
        const n = offset + i;
        return {
          eventId: `ev-${n}`,
          timestamp: t0 + Math.floor((n * 3_000_000) / total),
          logStreamName: `2026/11/23/[$LATEST]${(n % 7).toString(16).padStart(8, '0')}`,
          message:
            n % 4 === 0
              ? `ERROR request ${n} failed: timeout after ${n % 900} ms token=abc${n}`
              : `INFO GET /api/items/${n} 200 ${n % 300} ms user=u${n % 1000}`,
        };
      });
      const next = offset + size < total ? `${offset + size}:${page + 1}` : undefined;
      return { events, ...(next ? { nextToken: next } : {}) };
    });
}
