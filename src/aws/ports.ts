import type { AwsPorts } from '../sdk/ports.ts';
import { lambdaAdapter, lambdaClients } from './lambda.ts';
import { logsAdapter, logsClients } from './logs.ts';

/** The real adapters, using the SDK's own credential chain and `AWS_ENDPOINT_URL`. */
export function awsPorts(region: string): AwsPorts {
  return {
    lambda: lambdaAdapter(lambdaClients(region)),
    logs: logsAdapter(logsClients(region)),
  };
}
