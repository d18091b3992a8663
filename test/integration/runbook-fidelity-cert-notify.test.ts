import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import expireCert from '../../commands/expire-cert.ts';
import { recordActions } from '../../commands/lib/record-actions.ts';
import type { FileConfig } from '../../src/config/file.ts';
import { type Dynalite, SPACEDUCK_TABLES, startDynalite } from '../helpers/dynalite.ts';
import { exampleConfig } from '../helpers/harness.ts';
import { runbookPorts } from '../helpers/runbook-ports.ts';
import { stepContext } from '../helpers/step-context.ts';

/**
 * Mission Control playbook 5 step 5: "If cert expiry affects a live duckling, notify them via
 * their registered email." A cert expired because its duckling's account was terminated or
 * suspended tells nobody; the run says why.
 */

let db: Dynalite;
let targets: FileConfig['targets'];
const mockSes = () => mockClient(SESv2Client);
let ses: ReturnType<typeof mockSes>;

beforeAll(async () => {
  db = await startDynalite(SPACEDUCK_TABLES);
});
afterAll(() => db.stop());
beforeEach(() => {
  targets = exampleConfig().targets;
  targets.record_actions = {
    ...recordActions(targets),
    notify: {
      via: 'ses',
      from: 'ops@spaceduck.example.com',
      template: 'spaceduck',
      region: 'us-east-1',
      email_attribute: 'email',
    },
  };
  ses = mockSes();
  ses.on(SendEmailCommand).resolves({ MessageId: '0100018c-test-message-id' });
});
afterEach(() => ses.restore());

let n = 0;
const uniqueId = (prefix: string) => `${prefix}_live${Date.now().toString(36)}${n++}`;

async function expireFor(status: string) {
  const duckling = uniqueId('dk');
  await db.put('spaceduck-ducklings', { duckling_id: duckling, status, email: 'ada@example.com' });
  const id = uniqueId('cert');
  await db.put('spaceduck-certs', { cert_id: id, duckling_id: duckling, status: 'VALID' });
  const run = stepContext({
    command: expireCert,
    args: { cert_id: id, duckling, reason: 'account terminated' },
    ports: runbookPorts(db.records),
    targets,
  });
  return { duckling, results: await run.runAll() };
}

describe('expire-cert notifies only a live duckling', () => {
  it('a live (ACTIVE) duckling is told', async () => {
    const { results } = await expireFor('ACTIVE');
    expect(results.notify).toEqual({ notified: 'a***@example.com' });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('a terminated duckling is not, and the run says why', async () => {
    const { duckling, results } = await expireFor('TERMINATED');
    expect(results.notify).toEqual({
      notNotified: `not notified: duckling ${duckling} is TERMINATED, not a live (ACTIVE) account`,
    });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });
});
