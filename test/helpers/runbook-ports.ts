import { awsPorts } from '../../src/aws/ports.ts';
import type { AwsPorts, RecordsPort } from '../../src/sdk/ports.ts';
import { memoryDeploys } from './memory-deploys.ts';

/**
 * The real adapters for the runbook commands, with records on dynalite (see dynalite.ts); Secrets
 * Manager and the rest go through the SDK (answered by aws-sdk-client-mock where a test mocks
 * them).
 */
export function runbookPorts(records: RecordsPort): AwsPorts {
  return { ...awsPorts('us-east-1', { deploys: memoryDeploys() }), records };
}
