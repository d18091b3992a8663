import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';
import { deferModule } from '../util/deferred-module.ts';

const require = createRequire(import.meta.url);

/**
 * prom-client, loaded after its `@opentelemetry/api` is deferred: prom-client requires it at load
 * time (51 files, ~5 MB in every role) but reads it only for exemplars, which opsbot does not enable.
 * The stand-in loads the real module on first use (`deferModule`).
 */
function loadPromClient(): typeof PromClient {
  deferModule('@opentelemetry/api', require.resolve('prom-client'));
  return require('prom-client') as typeof PromClient;
}

export const { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } = loadPromClient();
export type Gauge = PromClient.Gauge;
