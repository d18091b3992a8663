import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from './prom-client.ts';

/**
 * Every metric opsbot exposes at `GET /metrics`, in one registry. A leaf module: anything may
 * import it to count, nothing here imports back.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'opsbot_' });

export const metrics = {
  ackLatency: new Histogram({
    name: 'opsbot_ack_latency_seconds',
    help: 'Time from a Slack request arriving to its HTTP answer being sent',
    labelNames: ['kind'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  }),
  requests: new Counter({
    name: 'opsbot_requests_total',
    help: 'Requests by command and outcome (queued, awaiting_approval, invalid, refused, duplicate, unreachable, plan_only)',
    labelNames: ['command', 'outcome'],
    registers: [registry],
  }),
  runs: new Counter({
    name: 'opsbot_runs_total',
    help: 'Finished run attempts by command and status (done, failed, retrying)',
    labelNames: ['command', 'status'],
    registers: [registry],
  }),
  runDuration: new Histogram({
    name: 'opsbot_run_duration_seconds',
    help: 'Duration of finished runs',
    labelNames: ['command', 'status'],
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900],
    registers: [registry],
  }),
  slackCalls: new Counter({
    name: 'opsbot_slack_api_calls_total',
    help: 'Slack Web API calls by method and result (ok, error)',
    labelNames: ['method', 'result'],
    registers: [registry],
  }),
  recoveriesSuperseded: new Counter({
    name: 'opsbot_alert_recoveries_superseded_total',
    help: 'Late recoveries ignored by source: each ends a firing older than the one its incident holds',
    labelNames: ['source'],
    registers: [registry],
  }),
  slackRateLimited: new Counter({
    name: 'opsbot_slack_rate_limited_total',
    help: 'Slack 429 answers (each is retried after Retry-After)',
    registers: [registry],
  }),
};

/** Registers a gauge whose value is read when Prometheus scrapes (approvals pending, incidents open, audit backlog). */
export function gaugeFrom(name: string, help: string, read: () => Promise<number>): Gauge {
  registry.removeSingleMetric(name);
  return new Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      try {
        this.set(await read());
      } catch {
        // Leave the last value; a failed read (Redis down) is visible in /ready.
      }
    },
  });
}

/** `opsbot_approvals_pending`: requests waiting for approval, read from Redis at scrape time. */
export function approvalsPendingGauge(read: () => Promise<number>): Gauge {
  return gaugeFrom('opsbot_approvals_pending', 'Requests waiting for approval', read);
}

/** `opsbot_audit_backlog`: audit entries waiting in Redis for the ledger writer. */
export function auditBacklogGauge(read: () => Promise<number>): Gauge {
  return gaugeFrom('opsbot_audit_backlog', 'Audit entries waiting in Redis for the ledger', read);
}

/** `opsbot_incidents_open`: incidents open now (read from Redis at scrape time). */
export const incidentsOpenGauge = (read: () => Promise<number>) =>
  gaugeFrom('opsbot_incidents_open', 'Incidents open now', read);
