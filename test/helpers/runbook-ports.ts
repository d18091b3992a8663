import { awsAdapters } from '../../src/aws/adapters.ts';
import type { Ports, RecordsPort } from '../../src/sdk/ports/index.ts';
import { memoryDeploys } from './memory-deploys.ts';

/**
 * The real adapters for the runbook commands, with records on dynalite (see dynalite.ts); Secrets
 * Manager and the rest go through the SDK (answered by aws-sdk-client-mock where a test mocks
 * them).
 */
export function runbookPorts(records: RecordsPort): Ports {
  return { ...awsAdapters('us-east-1', { deploys: memoryDeploys() }), records };
}
