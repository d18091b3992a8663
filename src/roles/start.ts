import { startIncidents } from './alerts.ts';
import { createHttp } from './http.ts';
import type { Lifecycle, Opsbot, StartOptions } from './options.ts';
import { buildServices } from './services.ts';
import { stopping } from './stop.ts';

export type { Opsbot, Role, StartOptions } from './options.ts';

/**
 * The composition root: builds the shared services, then starts the parts of the chosen role.
 * The web and worker parts are imported only when the role has them: a web process never loads
 * the run executor, schedules or workers, and a worker never loads Bolt.
 */
export async function startOpsbot(options: StartOptions): Promise<Opsbot> {
  const services = await buildServices(options);
  const lifecycle: Lifecycle = { draining: false };
  const http = createHttp(services, lifecycle);
  const web =
    options.role !== 'worker'
      ? await (await import('./web.ts')).startWeb(services, http, lifecycle)
      : undefined;
  const alerts = await startIncidents(services, http, web);
  const worker =
    options.role !== 'web'
      ? await (await import('./worker.ts')).startWorker(services, alerts)
      : undefined;
  options.routes?.(http);
  const port = await http.listen(options.port ?? services.env.PORT, options.host);
  services.log.info({ port, role: options.role }, 'opsbot listening');
  const { stop, drain } = stopping({ services, http, alerts, web, worker, lifecycle });
  const { log, registry, queue, redis, prefix, auditTrail, guided } = services;
  return {
    port,
    log,
    registry,
    queue,
    redis,
    prefix,
    audit: auditTrail,
    alerts,
    guided,
    stop,
    drain,
  };
}
