import { awsPorts } from '../../src/aws/ports.ts';
import type { AwsPorts, DeployEntry, RecordsPort } from '../../src/sdk/ports.ts';

/**
 * The real adapters for the runbook commands, with records on dynalite (see dynalite.ts); Secrets
 * Manager and the rest go through the SDK (answered by aws-sdk-client-mock where a test mocks
 * them). Deploy history is kept in memory: these commands never read it.
 */
export function runbookPorts(records: RecordsPort): AwsPorts {
  const deploys: DeployEntry[] = [];
  return {
    ...awsPorts('us-east-1', {
      deploys: {
        record: async (_target, entry) => {
          deploys.push(entry);
        },
        list: async (_target, limit = 10) => deploys.slice(-limit).reverse(),
      },
    }),
    records,
  };
}
