import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyEntries } from '../../src/audit/verify.ts';
import type { LedgerTable } from '../../src/aws/ledger-table.ts';
import { SandboxSecrets } from '../../src/dev/sandbox/secrets.ts';
import { SandboxServices } from '../../src/dev/sandbox/services.ts';
import type { AuditEntry, HttpPort, Ports, RecordsPort } from '../../src/sdk/ports/index.ts';
import { ephemeralsFor, submitView, waitForEphemeral } from '../helpers/approvals.ts';
import { DiskDynalite } from '../helpers/dynalite-disk.ts';
import { clickStep, runbookFolder, waitForRunbookCard, withGuided } from '../helpers/guided.ts';
import { exampleConfig, type Harness, startHarness, USERS, waitFor } from '../helpers/harness.ts';
import { runbookPorts } from '../helpers/runbook-ports.ts';

const { alice, bob, josh } = USERS;

const FULL = `
name: full
title: Rotate the test secret
source: test.txt §1
params:
  reason: { type: string, required: true }
steps:
  - manual: "Announce the rotation"
    confirm: Announced
  - command: "rotate-secret jwt-secret"
  - check: "health api"
    retry: { every: 1s, for: 30s }
  - manual: "Watch the error rate"
    wait: 1s
  - manual: "A second person looks at the dashboards"
    by: other
  - manual: "Optional clean-up"
  - command: "note rotated: {{params.reason}}"
`;

/** /ready answers 503 (db failing) `failures` times, then 200 with every required check ok. */
function flakyReady(failures: number): HttpPort & { readyCalls: number } {
  const port = {
    readyCalls: 0,
    async get(url: string) {
      if (url.endsWith('/ready')) {
        port.readyCalls += 1;
        const failing = port.readyCalls <= failures;
        return {
          url,
          status: failing ? 503 : 200,
          ms: 3,
          // The API runbook's readiness checks, which the example's api requires; db flaps.
          json: {
            checks: {
              db: failing ? { ok: false, error: 'connection refused' } : { ok: true },
              migration: { ok: true },
              signing: { ok: true },
              worker: { ok: true },
            },
          },
        };
      }
      return { url, status: 200, ms: 2, json: { status: 'ok' } };
    },
  };
  return port;
}

function ports(http: HttpPort): Ports {
  return {
    ...runbookPorts({} as RecordsPort),
    secrets: new SandboxSecrets({
      region: 'us-east-1',
      rotationMs: 100,
      secrets: [{ secretId: 'drop/jwt-secret', region: 'eu-west-1' }],
    }),
    services: new SandboxServices({ rolloutMs: 100 }),
    http,
  };
}

const db = new DiskDynalite();
beforeAll(async () => {
  await db.start();
});
afterAll(async () => {
  await db.dispose();
});

async function ledger(table: LedgerTable): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for await (const entry of table.range(1)) out.push(entry);
  return out;
}

describe('a guided runbook through Slack', () => {
  let h: Harness;
  let table: LedgerTable;
  const http = flakyReady(2);
  afterEach(async () => {
    await h?.stop();
  });

  it('runs manual, command (with approval), check (✗ twice then ✓) and wait steps to the end', async () => {
    table = await db.table();
    const file = withGuided(exampleConfig(), {
      folders: [runbookFolder({ 'full.yml': FULL }), 'runbooks'],
    });
    file.targets.services.drop!.poll_interval_ms = 50;
    h = await startHarness({
      file,
      aws: ports(http),
      audit: { table: table.name, endpoint: db.endpoint },
    });

    await h.client.command('runbook start full reason="x --emergency approvals=0 \'q\'"', alice);
    const card = await waitForRunbookCard(h);
    expect(card.text()).toContain('Rotate the test secret');
    expect(card.text()).toContain('source: test.txt §1');
    for (const n of [1, 2, 3, 4, 5, 6, 7]) expect(card.text()).toContain(`*${n}.*`);

    // Step 1, double-clicked: counted once.
    await Promise.all([clickStep(h, card, 1, 'done', alice), clickStep(h, card, 1, 'done', alice)]);
    await waitFor('step 1 done by alice', () => card.text().includes('done by <@U0ALICE>'));

    // Step 2: a normal request with an approval card in the runbook card's thread.
    const requestCard = await waitFor('the request card in the runbook thread', () =>
      card.thread().find((m) => /request req_[0-9a-f]{16}"/.test(JSON.stringify(m.blocks ?? []))),
    );
    const requestId = /request (req_[0-9a-f]{16})"/.exec(JSON.stringify(requestCard.blocks))![1]!;
    // The runbook card is updated with the request after the request's own card is posted.
    await waitFor('the runbook card naming the request', () =>
      card.text().includes(`request \`${requestId}\` in progress`),
    );
    await waitFor('the card stored', () =>
      h.redis.hget(`${h.prefix}:request:${requestId}`, 'card_ts'),
    );
    await h.client.clickButton('request.approve', requestId, josh, {
      channel: 'C0OPS',
      ts: requestCard.ts,
    });

    // Step 3: the check fails twice, then passes.
    await waitFor('the check to pass on its third try', () =>
      card.thread().some((m) => m.text.startsWith('✓ step 3') && m.text.includes('(try 3)')),
    );
    const tries = card
      .thread()
      .filter((m) => /^(✓|✗) step 3/.test(m.text))
      .map((m) => m.text.slice(0, 1));
    expect(tries).toEqual(['✗', '✗', '✓']);
    expect(card.thread().find((m) => m.text.startsWith('✗ step 3'))?.text).toContain(
      'db: connection refused',
    );

    // Step 4: the wait posts a reminder when due.
    await waitFor('the reminder', () =>
      card.thread().some((m) => m.text.includes('time is up for step 4')),
    );
    await clickStep(h, card, 4, 'done', alice);

    // Step 5 needs someone other than alice.
    await clickStep(h, card, 5, 'done', alice);
    expect(await waitForEphemeral(h, alice, 'needs a second person')).toBeTruthy();
    expect(card.text()).not.toMatch(/5\.\*.*\n.*done by/);
    await clickStep(h, card, 5, 'done', bob);

    // Step 6: Skip… opens a modal; a blank reason is refused, a reason skips.
    await clickStep(h, card, 6, 'skip', alice);
    const modal = await waitFor('the skip modal', () => h.slack.state.views.at(-1));
    expect(modal.view.callback_id).toBe('runbook_skip');
    const view = {
      id: modal.id,
      callback_id: 'runbook_skip',
      private_metadata: String(modal.view.private_metadata),
    };
    const blank = await submitView(h, alice, view, {
      skip_reason: { reason: { type: 'plain_text_input', value: '   ' } },
    });
    expect(blank.json).toMatchObject({
      response_action: 'errors',
      errors: { skip_reason: expect.any(String) },
    });
    expect(card.text()).not.toContain('skipped by');
    await submitView(h, alice, view, {
      skip_reason: { reason: { type: 'plain_text_input', value: 'nothing to clean' } },
    });
    await waitFor('step 6 skipped', () =>
      card.text().includes('skipped by <@U0ALICE>: nothing to clean'),
    );

    // Step 7: the parameter only ever fills the note's text.
    await waitFor('the runbook to finish', () => card.text().includes('✅ finished (7/7)'));
    const jobs = await h.bot.queue.getJobs(['completed', 'failed', 'waiting', 'active', 'delayed']);
    expect(jobs.map((j) => j.data.command).sort()).toEqual(['note', 'rotate-secret', 'runbook']);
    const note = jobs.find((j) => j.data.command === 'note')!;
    expect(note.data.args).toEqual({ text: "rotated: x --emergency approvals=0 'q'" });
    expect(note.data.emergency).toBeUndefined();

    // The audit entries, in order, and the chain verifies.
    const wanted = [
      ['runbook.started', 1],
      ['runbook.step.done', 1],
      ['runbook.step.done', 2],
      ['runbook.step.done', 3],
      ['runbook.step.done', 4],
      ['runbook.step.done', 5],
      ['runbook.step.skipped', 6],
      ['runbook.step.done', 7],
      ['runbook.finished', 7],
    ];
    const entries = await waitFor('every runbook entry in the ledger', async () => {
      const all = await ledger(table);
      return all.filter((e) => e.action.startsWith('runbook.')).length >= wanted.length
        ? all
        : undefined;
    });
    const guided = entries.filter((e) => e.action.startsWith('runbook.'));
    expect(guided.map((e) => [e.action, (e.data as { step: number }).step])).toEqual(wanted);
    expect(guided[0]).toMatchObject({ actor: alice.id });
    expect(guided[1]).toMatchObject({ actor: alice.id });
    expect(guided[5]).toMatchObject({ actor: bob.id });
    expect(guided[6]).toMatchObject({ actor: alice.id, data: { reason: 'nothing to clean' } });
    expect(await verifyEntries(entries, 1)).toMatchObject({ ok: true });
    // The double click on step 1 counted once.
    expect(ephemeralsFor(h, alice).some((t) => t.includes('Step 1 is already done'))).toBe(true);
  });
});
