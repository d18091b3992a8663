import type { AwsPorts } from '../sdk/ports.ts';
import { lambdaAdapter, lambdaClients } from './lambda.ts';
import { dynamoClients, recordsAdapter } from './records.ts';
import { secretsAdapter, secretsClients } from './secrets.ts';

/** The real adapters, using the SDK's own credential chain and `AWS_ENDPOINT_URL`. */
export function awsPorts(region: string): AwsPorts {
  return {
    lambda: lambdaAdapter(lambdaClients(region)),
    records: recordsAdapter(dynamoClients(region)),
    secrets: secretsAdapter(secretsClients(region)),
  };
}
