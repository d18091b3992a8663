import { lambdaAdapter, lambdaClients } from '../../src/aws/lambda.ts';
import { secretsAdapter, secretsClients } from '../../src/aws/secrets.ts';
import type { AwsPorts, RecordsPort } from '../../src/sdk/ports.ts';

/**
 * The real adapters for the runbook commands: records on dynalite (see dynalite.ts), Secrets
 * Manager through the SDK (answered by aws-sdk-client-mock, see secrets-mock.ts). Lambda is the
 * real adapter too, unused by these commands.
 */
export function runbookPorts(records: RecordsPort): AwsPorts {
  return {
    lambda: lambdaAdapter(lambdaClients('us-east-1')),
    records,
    secrets: secretsAdapter(secretsClients('us-east-1')),
  };
}
