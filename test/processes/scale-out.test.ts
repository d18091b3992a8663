import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/entry.ts';
import { verifyEntries } from '../../src/audit/verify.ts';
import type { LedgerTable } from '../../src/aws/ledger-table.ts';
import { SignedSlackClient } from '../../src/dev/signed-client.ts';
import { SlackEmulator } from '../../src/dev/slack-emulator/emulator.ts';
import { DiskDynalite } from '../helpers/dynalite-disk.ts';
import { FakeLambda } from '../helpers/fake-lambda.ts';
import { BOT_TOKEN, exampleConfig, SIGNING_SECRET, USERS, waitFor } from '../helpers/harness.ts';
import {
  type BotProcess,
  startBotProcess,
  stopBotProcess,
  uniquePrefix,
  writeConfig,
} from '../helpers/processes.ts';

const ALIASES = Array.from({ length: 10 }, (_, i) => `a${i}`);
const REQUESTS = 200;

/** What issue 9 asks `/metrics` to expose, in every role. */
const METRIC_NAMES = [
  'opsbot_ack_latency_seconds',
  'opsbot_requests_total',
  'opsbot_approvals_pending',
  'opsbot_runs_total',
  'opsbot_run_duration_seconds',
  'opsbot_slack_api_calls_total',
  'opsbot_slack_rate_limited_total',
  'opsbot_incidents_open',
  'opsbot_audit_backlog',
  'opsbot_submissions_waiting',
  'opsbot_process_cpu_seconds_total',
  'opsbot_process_resident_memory_bytes',
  'opsbot_nodejs_eventloop_lag_seconds',
  'opsbot_nodejs_heap_size_used_bytes',
];

const scrape = async (bot: BotProcess) =>
  (await fetch(`http://127.0.0.1:${bot.port}/metrics`)).text();

describe('2 web and 2 worker processes on one Redis', { timeout: 240_000 }, () => {
  const slack = new SlackEmulator({ tokens: [BOT_TOKEN] });
  const lambda = new FakeLambda();
  const dynamo = new DiskDynalite();
  const bots: BotProcess[] = [];
  let ledger: LedgerTable;

  beforeAll(async () => {
    const slackUrl = await slack.start();
    slack.state.addChannel('C0OPS', 'ops');
    for (const u of Object.values(USERS)) slack.state.addUser(u.id, u.name);
    lambda.addFunction(
      'mission-control-api',
      ['42', '43'],
      Object.fromEntries(ALIASES.map((a) => [a, '42'])),
    );
    lambda.updateDelayMs = 20;
    const awsEndpoint = await lambda.start();
    // One audit ledger (dynalite in this process) for all four processes.
    await dynamo.start();
    ledger = await dynamo.table();
    const file = exampleConfig();
    file.audit = { table: ledger.name, endpoint: dynamo.endpoint };
    file.targets.lambda['mission-control-api']!.aliases = Object.fromEntries(
      ALIASES.map((a) => [a, 'staging']),
    );
    file.policies.promote = { default: { requesters: ['operators'], approvals: 0 } };
    // One member sends all 200 requests at once: room for them under the per-member limits
    // (finding 7 of issue 16; run-limits.test.ts covers the limits themselves).
    file.limits = {
      ...file.limits,
      runs_in_flight_per_user: REQUESTS,
      requests_per_minute_per_user: REQUESTS,
    };
    const env = { slackUrl, prefix: uniquePrefix(), configPath: writeConfig(file), awsEndpoint };
    bots.push(
      ...(await Promise.all([
        startBotProcess('web', env),
        startBotProcess('web', env),
        startBotProcess('worker', env),
        startBotProcess('worker', env),
      ])),
    );
  }, 120_000);
  afterAll(async () => {
    await Promise.all(bots.map((b) => stopBotProcess(b)));
    await slack.stop();
    await lambda.stop();
    ledger?.client.destroy();
    await dynamo.dispose();
  }, 60_000);

  it('runs each request exactly once, holds per-alias locks across processes, and never duplicates progress', async () => {
    const [webA, webB] = bots.map(
      (b) => new SignedSlackClient(`http://127.0.0.1:${b.port}`, SIGNING_SECRET),
    );
    const sends: Promise<{ status: number }>[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const text = `promote mission-control-api ${Math.floor(i / ALIASES.length) % 2 === 0 ? 43 : 42} alias=${ALIASES[i % ALIASES.length]}`;
      const triggerId = `scale-${i}`;
      sends.push((i % 2 === 0 ? webA! : webB!).command(text, USERS.alice, { triggerId }));
      // Every fourth request is retried by "Slack" against the other instance.
      if (i % 4 === 0)
        sends.push(
          (i % 2 === 0 ? webB! : webA!).command(text, USERS.alice, {
            triggerId,
            headers: { 'x-slack-retry-num': '1' },
          }),
        );
    }
    const answers = await Promise.all(sends);
    expect(answers.every((a) => a.status === 200)).toBe(true);

    const parents = () => slack.state.channelMessages('C0OPS').filter((m) => !m.thread_ts);
    const finished = () =>
      parents().filter((p) => slack.state.channelMessages('C0OPS', p.ts).length > 0);
    await waitFor('every run to post its result', () => finished().length >= REQUESTS, 200_000);
    const allPostedAt = Date.now();

    // One audit chain: every worker appended to it, gap-free and linked, each entry once.
    const readLedger = async () => {
      const entries: AuditEntry[] = [];
      for await (const entry of ledger.range(1)) entries.push(entry);
      return entries;
    };
    const done = (entries: AuditEntry[]) => entries.filter((e) => e.action === 'run.done');
    // A liveness bound, not a speed check: the ledger lags the Slack results (about 12 of 200
    // run.done written when the last result was posted) and took 60 s to catch up on this loaded
    // machine with the test running alone; with other tests beside it, over 60 s failed.
    await waitFor(
      'every run.done in the ledger',
      async () => done(await readLedger()).length >= REQUESTS,
      150_000,
    );
    await waitFor('the audit backlog to drain', async () =>
      /^opsbot_audit_backlog 0$/m.test(await scrape(bots[2]!)),
    );

    // Exactly one progress message and one result per request, and every run succeeded. Checked
    // at least 2 s after the last result arrived, so a late duplicate would be seen (the ledger
    // wait above usually takes longer than that; the rest is waited out here).
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, allPostedAt + 2000 - Date.now())),
    );
    const requestIds = parents().map(
      (m) => /request (req_[0-9a-f]+)/.exec(JSON.stringify(m.blocks))?.[1],
    );
    expect(new Set(requestIds).size).toBe(REQUESTS);
    expect(parents()).toHaveLength(REQUESTS);
    for (const parent of parents()) {
      const replies = slack.state.channelMessages('C0OPS', parent.ts);
      expect(replies).toHaveLength(1);
      expect(replies[0]!.text).toContain('promote done');
    }
    // The per-alias lock held across both workers: no overlapping updates, no stale revisions.
    expect(lambda.maxConcurrentUpdates).toBe(1);
    expect(lambda.updates.length).toBeGreaterThanOrEqual(ALIASES.length);
    expect(lambda.staleRevisions).toBe(0);

    const entries = await readLedger();
    expect(await verifyEntries(entries, 1)).toMatchObject({ ok: true, count: entries.length });
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    expect(new Set(entries.map((e) => e.entry_id)).size).toBe(entries.length);
    for (const action of ['request.created', 'run.started', 'run.done']) {
      const ids = entries.filter((e) => e.action === action).map((e) => e.request_id);
      expect(ids, action).toHaveLength(REQUESTS);
      expect(new Set(ids).size, action).toBe(REQUESTS);
      expect(new Set(ids)).toEqual(new Set(requestIds));
    }
  });

  it('exposes every metric of issue 9 at /metrics in web and worker processes', async () => {
    for (const bot of bots) {
      const text = await scrape(bot);
      for (const name of METRIC_NAMES)
        expect(text, `${bot.role} :${bot.port}`).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    }
    // Observed values: acks on the web processes; request outcomes and runs on the workers, which
    // turn the submissions the web processes hand over into requests.
    const [webA, webB, workerA, workerB] = await Promise.all(bots.map(scrape));
    const web = `${webA}\n${webB}`;
    const workers = `${workerA}\n${workerB}`;
    expect(web).toMatch(/^opsbot_ack_latency_seconds_count\{kind="slack"\} [1-9]/m);
    expect(workers).toMatch(/^opsbot_requests_total\{command="promote",outcome="queued"\} [1-9]/m);
    expect(web).toMatch(/^opsbot_submissions_waiting 0$/m);
    expect(workers).toMatch(/^opsbot_runs_total\{command="promote",status="done"\} [1-9]/m);
    expect(workers).toMatch(
      /^opsbot_run_duration_seconds_count\{command="promote",status="done"\} [1-9]/m,
    );
    expect(workers).toMatch(
      /^opsbot_slack_api_calls_total\{method="chat\.postMessage",result="ok"\} [1-9]/m,
    );
    expect(web).toMatch(/^opsbot_approvals_pending 0$/m);
    expect(workers).toMatch(/^opsbot_incidents_open 0$/m);
  });
});
