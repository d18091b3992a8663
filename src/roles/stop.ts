import type { HttpServer } from '../http/server.ts';
import type { Alerts } from '../incidents/start.ts';
import { CoalescedMessage } from '../notify/coalesced-message.ts';
import type { Lifecycle } from './options.ts';
import type { Services } from './services.ts';
import type { Web } from './web.ts';
import type { WorkerRole } from './worker.ts';

export interface Running {
  services: Services;
  http: HttpServer;
  alerts: Alerts;
  web?: Web;
  worker?: WorkerRole;
  lifecycle: Lifecycle;
}

/** Stops every part in the order that loses nothing: intake first, connections last. */
async function stopAll({ services: s, http, alerts, web, worker }: Running) {
  const workers = worker?.workers ?? [];
  await worker?.heartbeat.stop();
  await worker?.schedules.stop();
  await worker?.submissions.stop();
  await s.requestFlow.stop();
  // Long steps (a follow) watch this signal: they save their place and hand the run back.
  for (const w of workers) w.cancelAllJobs('worker stopping');
  await worker?.blockExpiry?.close();
  await alerts.stop();
  await Promise.all(workers.map((w) => w.close(true)));
  await s.guided.stop();
  s.guidedRedis?.disconnect();
  await CoalescedMessage.settleAll();
  await Promise.race([
    s.outbox.idle(),
    new Promise((resolve) => setTimeout(resolve, 5000).unref()),
  ]);
  s.outbox.close();
  await http.close();
  await web?.stop();
  await s.queue.close();
  await s.containment.close();
  await s.maintenance.close();
  await s.auditTrail.stop();
  s.redis.disconnect();
  worker?.workerRedis.disconnect();
}

/** `stop` (at once, idempotent) and `drain` (finish what is running within the grace time, then stop). */
export function stopping(running: Running) {
  const { services: s, lifecycle } = running;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopAll(running);
  };
  const drain = async () => {
    const workers = running.worker?.workers ?? [];
    lifecycle.draining = true;
    for (const w of workers) w.cancelAllJobs('worker draining');
    s.log.info({ grace_s: s.env.OPSBOT_GRACE_SECONDS }, 'draining');
    const grace = new Promise((resolve) =>
      setTimeout(resolve, s.env.OPSBOT_GRACE_SECONDS * 1000).unref(),
    );
    // Submissions not yet read stay in the stream for another worker.
    await Promise.race([running.worker?.submissions.stop(), grace]);
    await Promise.race([Promise.all(workers.map((w) => w.close(false))), grace]);
    // Then the audit entries still in Redis go to the ledger, within what is left of the grace.
    const flushed = s.auditTrail.flush().catch((error) => {
      s.log.warn(
        { err: (error as Error).message },
        'audit entries left in Redis for another writer',
      );
    });
    await Promise.race([flushed, grace]);
    await stop();
  };
  return { stop, drain };
}
