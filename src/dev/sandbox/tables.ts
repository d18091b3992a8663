import type { TableAlarm, TablesPort } from '../../sdk/ports/index.ts';

/**
 * SANDBOX CloudWatch for table-health: DescribeTable comes from the local dynalite (passed in),
 * metrics are generated in memory (a daily curve per table, stable for a given hour) and alarms
 * are made up: each table has a throttling alarm, OK except on the `alarmingTable`, which is in
 * ALARM so the ✗ path shows.
 */
export interface SandboxTablesOptions {
  describe: TablesPort['describe'];
  /** The table whose alarm is in ALARM (the config's second table-health table by default). */
  alarmingTable?: string;
  now?: () => number;
}

/** A small stable number from a string, so every table gets its own but repeatable curve. */
function seedOf(text: string): number {
  let h = 2166136261;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return (h >>> 0) / 4294967296;
}

/** Sum for one period: a day-shaped curve (busy in the afternoon UTC) with per-table jitter. */
function value(table: string, metric: string, at: number, periodSeconds: number): number {
  if (metric === 'SystemErrors' || metric === 'UserErrors') return 0;
  const hour = new Date(at).getUTCHours();
  const day = 0.55 + 0.45 * Math.sin(((hour - 9) / 24) * 2 * Math.PI);
  const scale = metric.includes('Write') ? 0.3 : 1;
  const jitter = 0.85 + 0.3 * seedOf(`${table}:${metric}:${Math.floor(at / 3_600_000)}`);
  const perSecond = (2 + 40 * seedOf(table)) * scale;
  return Math.round(perSecond * periodSeconds * day * jitter);
}

export function sandboxTables(options: SandboxTablesOptions): TablesPort {
  const now = options.now ?? Date.now;
  return {
    describe: options.describe,
    async metrics({ table, metrics, hours, periodSeconds }) {
      const periodMs = periodSeconds * 1000;
      const end = Math.floor(now() / periodMs) * periodMs;
      const count = Math.round((hours * 3_600_000) / periodMs);
      const start = end - count * periodMs;
      return Object.fromEntries(
        metrics.map((m) => [
          m,
          Array.from({ length: count }, (_, i) =>
            value(table, m, start + i * periodMs, periodSeconds),
          ),
        ]),
      );
    },
    async alarms({ tables }) {
      return Object.fromEntries(
        tables.map((t): [string, TableAlarm[]] => [
          t,
          [
            {
              name: `${t}-read-throttles`,
              state: t === options.alarmingTable ? 'ALARM' : 'OK',
              metric: 'ReadThrottleEvents',
            },
          ],
        ]),
      );
    },
  };
}
