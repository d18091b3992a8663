import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerTable } from '../../src/aws/ledger-table.ts';
import type { AuditEntry } from '../../src/sdk/ports/index.ts';
import { DiskDynalite } from '../helpers/dynalite-disk.ts';
import {
  exampleConfig,
  type Harness,
  messageText,
  startHarness,
  USERS,
  waitFor,
} from '../helpers/harness.ts';
import { mockLambda } from '../helpers/lambda-mock.ts';
import { mockEcs } from '../helpers/services-mock.ts';

/**
 * Checklists, schedules and the handoff through the whole bot: signed slash commands, policy, the
 * queue, a worker, the Slack emulator, the incident flow and the audit ledger (dynalite).
 */
describe('schedules and checklists through Slack', () => {
  const db = new DiskDynalite();
  let table: LedgerTable;
  let h: Harness;
  let server: Server;
  let ecs: ReturnType<typeof mockEcs>;

  beforeAll(async () => {
    await db.start();
    table = await db.table();
    ecs = mockEcs({ cluster: 'autostack', service: 'autostack-backend' });
    // /health answers; /ready reports the db down: `health api` is ✗.
    server = createServer((req, res) =>
      res
        .writeHead(req.url === '/health' ? 200 : 503, { 'content-type': 'application/json' })
        .end(
          JSON.stringify(
            req.url === '/health'
              ? { status: 'ok' }
              : { checks: { db: { ok: false, error: 'db down' } } },
          ),
        ),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const file = exampleConfig();
    file.targets.endpoints.api = {
      health_url: `${base}/health`,
      ready_url: `${base}/ready`,
      timeout_ms: 2000,
    };
    file.checklists = {
      e2e: {
        title: 'E2E checks',
        checks: ['health api', 'service-status autostack-backend', 'incidents severity=critical'],
        timeout_seconds: 10,
        open_incident_on: 'fail',
        incident_severity: 'high',
      },
    };
    file.schedules = {
      e2e: {
        cron: '0 8 * * *',
        timezone: 'Europe/Oslo',
        command: 'checklist e2e',
        channel: 'C0INCIDENTS',
        enabled: true,
      },
      shift: { cron: '0 7,19 * * *', timezone: 'UTC', command: 'handoff since=12h', enabled: true },
    };
    h = await startHarness({ file, audit: { table: table.name, endpoint: db.endpoint } });
  });
  afterAll(async () => {
    await h?.stop();
    ecs.mock.restore();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await db.dispose();
  });

  const entries = async () => {
    const out: AuditEntry[] = [];
    for await (const entry of table.range(1)) out.push(entry);
    return out;
  };
  const ephemeralTo = (user: string) =>
    h.slack.state.messages
      .filter((m) => m.visibleTo === user)
      .map((m) => m.text)
      .join('\n');

  it('/ops help lists the new commands', async () => {
    const text = JSON.stringify((await h.client.command('help', USERS.alice)).json);
    for (const name of ['schedule', 'checklist', 'handoff', 'service-status', 'log-errors'])
      expect(text).toContain(name);
  });

  it('a typed checklist posts one digest; a ✗ opens a deduplicated incident', async () => {
    await h.client.command('checklist e2e', USERS.alice);
    const digest = await waitFor('the digest', () =>
      h.slack.state.messages.find((m) => m.text.startsWith('E2E checks:')),
    );
    expect(digest.text).toBe('E2E checks: 2 ✓ · 0 ⚠ · 1 ✗');
    const text = messageText(digest);
    expect(text).toContain('✗ health api — HTTP 503; db: db down');
    expect(text).toContain(
      '✓ service-status autostack-backend — ECS autostack-backend: 2/2 tasks running, steady',
    );
    expect(text).toContain('✓ incidents severity=critical — no open critical incidents');
    expect(text).toContain('First run of this checklist');
    await waitFor('the incident for the ✗', () =>
      h.slack.state.messages.find((m) => m.text.includes('E2E checks: health api ✗')),
    );
  });

  it('/ops schedule run fires a normal request by schedule:<name> in the schedule channel', async () => {
    const before = h.slack.state.messages.filter((m) => m.text.startsWith('E2E checks:')).length;
    await h.client.command('schedule run e2e', USERS.alice);
    const digest = await waitFor(
      'the scheduled digest',
      () => h.slack.state.messages.filter((m) => m.text.startsWith('E2E checks:'))[before],
    );
    expect(digest.channel).toBe('C0INCIDENTS');
    expect(messageText(digest)).toContain('nothing.');
    const created = await waitFor('the scheduled request in the ledger', async () =>
      (await entries()).find((e) => e.action === 'request.created' && e.actor === 'schedule:e2e'),
    );
    expect(created.command).toBe('checklist');
    // `schedule run` records schedule.run after it has submitted the scheduled request, so the
    // ledger can hold the request's request.created a moment before it.
    const asked = await waitFor('the schedule run in the ledger', async () =>
      (await entries()).find((e) => e.action === 'schedule.run'),
    );
    expect(asked).toMatchObject({ actor: USERS.alice.id, data: { schedule: 'e2e' } });
    await waitFor('the run done', async () =>
      (await entries()).find((e) => e.action === 'run.done' && e.request_id === created.request_id),
    );
  });

  it('/ops schedule list shows next and last run with ✓/⚠/✗ and a link', async () => {
    await waitFor('the last result recorded', async () => {
      const last = await h.redis.get(`${h.prefix}:schedule:e2e:last`);
      return last && JSON.parse(last).link;
    });
    await h.client.command('schedule list', USERS.mallory);
    const list = await waitFor('the list', () =>
      h.slack.state.messages.find((m) => m.text === '2 schedules'),
    );
    const text = messageText(list);
    expect(text).toMatch(
      /e2e · 0 8 \* \* \* Europe\/Oslo · checklist e2e · next \d{4}-\d\d-\d\d 0[67]:00 UTC · last: ✗ E2E checks: 2 ✓ · 0 ⚠ · 1 ✗/,
    );
    expect(text).toContain('last run');
    expect(text).toContain('shift · 0 7,19 * * * UTC · handoff since=12h');
    expect(text).toContain('never run');
  });

  it('pause is for operators, audited, and survives a restart', async () => {
    await h.client.command('schedule pause e2e', USERS.mallory);
    await waitFor('the refusal', () =>
      ephemeralTo(USERS.mallory.id).includes('Only members of operators'),
    );
    await h.client.command('schedule pause e2e', USERS.bob);
    await waitFor('the pause in the ledger', async () =>
      (await entries()).find((e) => e.action === 'schedule.paused' && e.actor === USERS.bob.id),
    );
    await h.restartBot();
    await h.client.command('schedule list', USERS.alice);
    const list = await waitFor('the list after the restart', () =>
      h.slack.state.messages.filter((m) => m.text === '2 schedules').at(-1)?.blocks &&
      messageText(h.slack.state.messages.filter((m) => m.text === '2 schedules').at(-1)!).includes(
        'paused',
      )
        ? h.slack.state.messages.filter((m) => m.text === '2 schedules').at(-1)
        : undefined,
    );
    expect(messageText(list)).toContain('e2e · 0 8 * * * Europe/Oslo · checklist e2e · paused');
    await h.client.command('schedule resume e2e', USERS.bob);
    await waitFor('the resume in the ledger', async () =>
      (await entries()).find((e) => e.action === 'schedule.resumed'),
    );
    expect(await h.redis.sismember(`${h.prefix}:schedules:paused`, 'e2e')).toBe(0);
  });

  it('/ops handoff shows the seeded state', async () => {
    await h.client.command('note db failover rehearsed, all good', USERS.jane);
    // A request waiting for approval (promote in prod needs one).
    const lambda = mockLambda({ versions: ['42', '43'], current: '42' });
    await h.client.command('promote mission-control-api 43', USERS.alice);
    // A break-glass run nobody has acknowledged yet.
    await h.client.command(
      'promote mission-control-api 43 --emergency reason="hotfix"',
      USERS.josh,
    );
    await waitFor('the break-glass run', async () =>
      (await entries()).find((e) => e.action === 'breakglass.run'),
    );
    // A run that fails for good (the checklist does not exist).
    await h.client.command('checklist nope', USERS.alice);
    await waitFor('the failed run', async () =>
      (await entries()).find((e) => e.action === 'run.failed'),
    );
    // The handoff lists BullMQ's failed jobs; the job moves to failed only after the run has
    // written run.failed and posted its result.
    await waitFor('the failed job', async () =>
      (await h.bot.queue.getJobs(['failed'])).some((j) => j.data.command === 'checklist'),
    );
    await waitFor(
      'the pending request',
      async () => (await h.redis.zcard(`${h.prefix}:requests:pending`)) === 1,
    );
    await waitFor('the note in the ledger', async () =>
      (await entries()).find((e) => e.action === 'operator.note'),
    );
    await h.client.command('handoff since=1h', USERS.josh);
    const card = await waitFor('the handoff', () =>
      h.slack.state.messages.find((m) => m.text.startsWith('Handoff:')),
    );
    expect(card.text).toBe(
      'Handoff: 1 open incident, 1 unacknowledged break-glass, 1 failed run and 1 awaiting approval (last 1 h)',
    );
    const text = messageText(card);
    expect(text).toMatch(/\[high\] E2E checks: health api ✗ — open \d+ s, not acknowledged/);
    // Members are real mentions and times Slack dates (issue 15: the output elements).
    expect(text).toMatch(
      /checklist by <@U0ALICE> at <!date\^\d+\^\{date_short_pretty\} \{time\}\|\d{4}-\d\d-\d\d \d\d:\d\d UTC> — /,
    );
    expect(text).toContain('unknown_checklist');
    expect(text).toMatch(/promote by <@U0ALICE> since <!date\^\d+\^/);
    expect(text).toMatch(/promote by <@U0JOSH> at <!date\^\d+\^/);
    expect(text).toContain('hotfix');
    expect(text).toMatch(/e2e: ✗ E2E checks: 2 ✓ · 0 ⚠ · 1 ✗/);
    expect(text).toContain('shift: never run');
    expect(text).toMatch(/UTC> jane: db failover rehearsed, all good/);
    expect(text).not.toMatch(/&lt;[@!#]/);
    lambda.mock.restore();
  });
});
