import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import expireCert from '../../commands/expire-cert.ts';
import { recordActions } from '../../commands/lib/record-actions.ts';
import { maskEmail } from '../../commands/records/notify.ts';
import rotateKey from '../../commands/rotate-key.ts';
import type { FileConfig } from '../../src/config/file.ts';
import { type Dynalite, SPACEDUCK_TABLES, startDynalite } from '../helpers/dynalite.ts';
import { exampleConfig } from '../helpers/harness.ts';
import { runbookPorts } from '../helpers/runbook-ports.ts';
import { mockSecrets, type SecretsMock } from '../helpers/secrets-mock.ts';
import { stepContext } from '../helpers/step-context.ts';

/**
 * Playbook 5 step 1 (the cert's owner) and the "notify the duckling" steps of playbooks 2, 3 and
 * 5: records on dynalite, SES v2 through aws-sdk-client-mock with SendEmail's documented input
 * (FromEmailAddress, Destination.ToAddresses, Content.Template.{TemplateName, TemplateData}) and
 * output (MessageId).
 */

const CERTS = 'spaceduck-certs';
const DUCKLINGS = 'spaceduck-ducklings';

let db: Dynalite;
let targets: FileConfig['targets'];
const mockSes = () => mockClient(SESv2Client);
let ses: ReturnType<typeof mockSes>;
let sm: SecretsMock;

beforeAll(async () => {
  db = await startDynalite(SPACEDUCK_TABLES);
});
afterAll(async () => {
  await db.stop();
});
beforeEach(() => {
  targets = exampleConfig().targets;
  ses = mockSes();
  ses.on(SendEmailCommand).resolves({ MessageId: '0100018c-test-message-id' });
  sm = mockSecrets();
});
afterEach(() => {
  ses.restore();
  sm.mock.restore();
});

let n = 0;
const uniqueId = (prefix: string) => `${prefix}_${Date.now().toString(36)}${n++}`;

async function certOf(duckling: string, status = 'VALID', extra: Record<string, unknown> = {}) {
  const id = uniqueId('cert');
  await db.put(CERTS, { cert_id: id, status, duckling_id: duckling, ...extra });
  return id;
}

const expire = (args: Record<string, string>) =>
  stepContext({ command: expireCert, args, ports: runbookPorts(db.records), targets });

function withNotify() {
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
}

describe('expire-cert: the owner (playbook 5 step 1)', () => {
  it('requires duckling=', () => {
    expect(expireCert.args.safeParse({ cert_id: 'cert_1', reason: 'compromised' }).success).toBe(
      false,
    );
  });

  it('shows the owner in the plan', async () => {
    const id = await certOf('dk_owner');
    const run = expire({ cert_id: id, reason: 'issued in error', duckling: 'dk_owner' });
    const plan = await expireCert.plan!(run.ctx);
    expect(plan.summary).toBe(`certificate ${id} of duckling dk_owner: VALID → EXPIRED now`);
    expect(plan.details).toContain(
      'owner on record: duckling dk_owner (matches duckling=dk_owner)',
    );
  });

  it('refuses a mismatch at plan time, naming the real owner, and changes nothing', async () => {
    const id = await certOf('dk_other');
    const run = expire({ cert_id: id, reason: 'issued in error', duckling: 'dk_owner' });
    await expect(expireCert.plan!(run.ctx)).rejects.toMatchObject({
      code: 'cert_owner_mismatch',
      message: `certificate ${id} belongs to duckling dk_other, not dk_owner; nothing was changed`,
    });
    expect(await db.get(CERTS, { cert_id: id })).toMatchObject({ status: 'VALID' });
  });

  it('an already expired cert is a no-op with a note, not EXPIRED → EXPIRED', async () => {
    const id = await certOf('dk_owner', 'EXPIRED', { expires_at: '2026-01-01T00:00:00.000Z' });
    const run = expire({ cert_id: id, reason: 'again', duckling: 'dk_owner' });
    const results = await run.runAll();
    expect(run.ctx.plan!.summary).toBe(
      `certificate ${id} (duckling dk_owner) is already EXPIRED since 2026-01-01T00:00:00.000Z; nothing to change`,
    );
    expect(run.ctx.plan!.summary).not.toContain('EXPIRED → EXPIRED');
    expect(run.ctx.plan).toMatchObject({ unchanged: true });
    expect(results.expire).toMatchObject({ alreadyExpired: true });
    expect((await db.get(CERTS, { cert_id: id }))!.expires_at).toBe('2026-01-01T00:00:00.000Z');
  });
});

describe('notify the duckling (SES v2 SendEmail)', () => {
  it('sends the templated message to the address on record and shows it masked', async () => {
    withNotify();
    const duckling = uniqueId('dk');
    await db.put(DUCKLINGS, { duckling_id: duckling, status: 'ACTIVE', email: 'ada@example.com' });
    const id = await certOf(duckling);
    const run = expire({ cert_id: id, reason: 'issued in error', duckling });
    const results = await run.runAll();
    expect(results.notify).toEqual({ notified: 'a***@example.com' });
    expect(run.captured.progress).toContain('notified a***@example.com');
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input).toEqual({
      FromEmailAddress: 'ops@spaceduck.example.com',
      Destination: { ToAddresses: ['ada@example.com'] },
      Content: {
        Template: {
          TemplateName: 'spaceduck-cert-expired',
          TemplateData: expect.any(String),
        },
      },
    });
    expect(JSON.parse(input.Content!.Template!.TemplateData!)).toEqual({
      duckling_id: duckling,
      cert_id: id,
      expires_at: (results.expire as { expiresAt: string }).expiresAt,
    });
  });

  it('says why nobody was notified when the record has no e-mail', async () => {
    withNotify();
    const duckling = uniqueId('dk');
    await db.put(DUCKLINGS, { duckling_id: duckling, status: 'ACTIVE' });
    const id = await certOf(duckling);
    const results = await expire({ cert_id: id, reason: 'issued in error', duckling }).runAll();
    expect(results.notify).toEqual({
      notNotified: `not notified: no e-mail on record for duckling ${duckling}`,
    });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('after rotate-key the message carries no key (ephemeral delivery)', async () => {
    withNotify();
    targets.rotate_key = { deliver: 'ephemeral' };
    const duckling = uniqueId('dk');
    await db.put(DUCKLINGS, { duckling_id: duckling, status: 'ACTIVE', email: 'bo@example.org' });
    const run = stepContext({
      command: rotateKey,
      args: { duckling_id: duckling },
      ports: runbookPorts(db.records),
      targets,
    });
    await run.runAll();
    const shown = JSON.stringify(run.captured.toRequester);
    const key =
      /```([A-Za-z0-9_-]{43})```/.exec(shown)?.[1] ??
      /"text":"([A-Za-z0-9_-]{43})"/.exec(shown)![1]!;
    const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input.Content!.Template!.TemplateName).toBe('spaceduck-key-rotated');
    expect(JSON.stringify(input)).not.toContain(key);
    expect(Object.keys(JSON.parse(input.Content!.Template!.TemplateData!))).toEqual([
      'duckling_id',
      'rotated_at',
    ]);
  });

  it('masks e-mail addresses', () => {
    expect(maskEmail('ada@example.com')).toBe('a***@example.com');
    expect(maskEmail('not-an-address')).toBe('***');
  });
});
