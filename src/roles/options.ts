import type { Queue } from 'bullmq';
import type { Audit } from '../audit/start.ts';
import type { WriterOptions } from '../audit/writer.ts';
import type { Config } from '../config/load.ts';
import type { Guided } from '../guided/start.ts';
import type { HttpServer } from '../http/server.ts';
import type { Alerts, AlertsOptions } from '../incidents/start.ts';
import type { Registry } from '../intake/validate.ts';
import type { Logger } from '../log.ts';
import type { RunJob } from '../requests/request.ts';
import type { Ports } from '../sdk/ports/index.ts';
import type { Redis } from '../store/redis.ts';

/** Which parts one process runs: `web` takes Slack and HTTP requests, `worker` runs them. */
export type Role = 'all' | 'web' | 'worker';

export interface StartOptions {
  config: Config;
  role: Role;
  /** Replaces the real AWS adapters (tests, local sandbox); deploy history defaults to Redis. */
  aws?: Omit<Ports, 'deploys'> & Partial<Pick<Ports, 'deploys'>>;
  log?: Logger;
  port?: number;
  host?: string;
  lockWaitMs?: number;
  updateIntervalMs?: number;
  /** Ledger writer timings (tests use short ones). */
  auditWriter?: WriterOptions;
  /** Mounts extra routes before listening (the local console). */
  routes?: (http: HttpServer) => void;
  /** Test-only alert options (SNS certificate host, pacing); never from configuration. */
  alerts?: AlertsOptions;
}

export interface Opsbot {
  port: number;
  log: Logger;
  registry: Registry;
  queue: Queue<RunJob>;
  redis: Redis;
  prefix: string;
  audit: Audit;
  alerts: Alerts;
  guided: Guided;
  stop(): Promise<void>;
  /** Stops taking work, lets active runs finish within the grace time, then stops. */
  drain(): Promise<void>;
}

/** Shared by the HTTP routes (`/ready`, `/slack/events`) and the drain that sets it. */
export interface Lifecycle {
  draining: boolean;
}
