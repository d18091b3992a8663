import { randomBytes } from 'node:crypto';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { awsAdapters } from '../../src/aws/adapters.ts';
import { lambdaAdapter } from '../../src/aws/lambda.ts';
import { FakeLambda } from '../../src/dev/sandbox/lambda-api.ts';
import type { DeployEntry, DeployHistoryPort, DeployTarget } from '../../src/sdk/ports/index.ts';
import {
  exampleConfig,
  type Harness,
  messageText,
  startHarness,
  USERS,
  waitFor,
} from '../helpers/harness.ts';
import { jsonEndpoint } from '../helpers/json-endpoint.ts';
import { mockSecrets, type SecretsMock } from '../helpers/secrets-mock.ts';

/**
 * Mission Control playbook 1 through Slack: "always verify the new version in staging before
 * promoting" (on staging now, per deploy history, never; skip only in a break-glass run) and
 * "record in deploy log" (a line in deploy_log_channel; a line appended to a file through the
 * GitHub contents API, here a local server checking the documented GET and PUT).
 */

/** Made per run (a GitHub token's shape), so no token-like string is committed. */
const GITHUB_TOKEN = `ghp_${randomBytes(18).toString('hex')}`;
const LOG_BEFORE =
  '# Deploy log\n- 2026-11-30T10:00:00Z promote mission-control-api:prod 41 → 42\n';

/** Deploy history per function and alias, in memory (Redis holds it in production). */
function deploys(): DeployHistoryPort & { entries: Map<string, DeployEntry[]> } {
  const entries = new Map<string, DeployEntry[]>();
  const key = (t: DeployTarget) => ('service' in t ? t.service : `${t.function}:${t.alias}`);
  return {
    entries,
    record: async (t, entry) => {
      entries.set(key(t), [...(entries.get(key(t)) ?? []), entry]);
    },
    list: async (t, limit = 10) => [...(entries.get(key(t)) ?? [])].reverse().slice(0, limit),
  };
}

/** The GitHub contents API for one file: GET (content base64 + sha) and PUT (new content, sha). */
async function githubContents() {
  const file = { content: LOG_BEFORE, sha: 'sha-1' };
  const endpoint = await jsonEndpoint((req) => {
    const path = '/repos/spaceduck/coordination/contents/DEPLOY-LOG.md';
    if (req.headers.authorization !== `Bearer ${GITHUB_TOKEN}`)
      return { status: 401, json: { message: 'Bad credentials' } };
    if (req.method === 'GET' && req.path === `${path}?ref=main`) {
      return {
        status: 200,
        json: {
          type: 'file',
          encoding: 'base64',
          sha: file.sha,
          path: 'DEPLOY-LOG.md',
          content: Buffer.from(file.content).toString('base64'),
        },
      };
    }
    if (req.method === 'PUT' && req.path === path) {
      const body = JSON.parse(req.body) as { sha?: string; content: string };
      if (body.sha !== file.sha) return { status: 409, json: { message: 'sha mismatch' } };
      file.content = Buffer.from(body.content, 'base64').toString('utf8');
      file.sha = `sha-${Number(file.sha.slice(4)) + 1}`;
      return {
        status: 200,
        json: { content: { sha: file.sha }, commit: { sha: 'c0ffee1234567' } },
      };
    }
    return { status: 404, json: { message: 'Not Found' } };
  });
  return { ...endpoint, file };
}

let h: Harness | undefined;
let lambda: FakeLambda | undefined;
let github: Awaited<ReturnType<typeof githubContents>> | undefined;
let sm: SecretsMock | undefined;

afterEach(async () => {
  await h?.stop();
  await lambda?.stop();
  await github?.close();
  sm?.mock.restore();
  h = lambda = github = sm = undefined;
});

async function start(stagingAt: string, history: DeployEntry[] = [], logChannel = 'C0DEPLOYS') {
  lambda = new FakeLambda();
  lambda.addFunction('mission-control-api', ['41', '42', '43', '44'], {
    prod: '42',
    staging: stagingAt,
  });
  const endpoint = await lambda.start();
  const client = new LambdaClient({
    region: 'us-east-1',
    endpoint,
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret-key' },
  });
  github = await githubContents();
  sm = mockSecrets();
  sm.add('opsbot/github-token', GITHUB_TOKEN);
  const history$ = deploys();
  for (const e of history)
    await history$.record({ function: 'mission-control-api', alias: 'staging' }, e);
  const file = exampleConfig();
  // The staging check is on by default (the playbook requires it); the example leaves it on.
  expect(file.targets.lambda['mission-control-api']!.verify_staging).toBe(true);
  file.targets.deploy_log_channel = logChannel as never;
  file.targets.deploy_log = {
    github: {
      repo: 'spaceduck/coordination',
      path: 'DEPLOY-LOG.md',
      branch: 'main',
      token_secret: 'opsbot/github-token',
      region: 'us-east-1',
      api_url: github.url,
    },
  };
  file.policies.promote = {
    default: { requesters: ['operators'] },
    prod: { approvals: 0, break_glass: true, break_glass_groups: ['break-glass'] },
  };
  h = await startHarness({
    file,
    aws: {
      ...awsAdapters('us-east-1', { deploys: history$ }),
      lambda: lambdaAdapter(() => client),
    },
  });
  h.slack.state.addChannel('C0DEPLOYS', 'deploys');
}

const runMessage = () =>
  h!.slack.state.channelMessages('C0OPS').find((m) => !m.thread_ts && m.text.includes('promote'));

async function result() {
  const message = await waitFor('the run message', runMessage);
  const reply = await waitFor(
    'the result reply',
    () => h!.slack.state.channelMessages('C0OPS', message.ts)[0],
  );
  const final = await waitFor('the final progress edit', () => {
    const now = runMessage()!;
    return /^(✅|❌)/.test(now.text) ? now : undefined;
  });
  return { reply: reply.text, progress: messageText(final) };
}

describe('promote: the staging check', () => {
  it('a version on staging now is promoted, and the deploy log gets a line in Slack and in Git', async () => {
    await start('43');
    await h!.client.command('promote mission-control-api 43', USERS.alice);
    const { reply, progress } = await result();
    expect(reply).toContain('promote done');
    expect(progress).toContain('✓ 43 is on staging now');
    // deploy_log_channel: version, operator, UTC time and a link to the request's thread.
    const logged = await waitFor(
      'the deploy log line',
      () => h!.slack.state.channelMessages('C0DEPLOYS')[0],
    );
    const text = messageText(logged);
    expect(text).toMatch(
      /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z promote mission-control-api:prod 42 → 43 by U0ALICE \(request req_/,
    );
    expect(text).toContain('|request>');
    // GitHub contents API: a GET for the sha on the branch, then one PUT with the appended line.
    const calls = github!.received.map((r) => `${r.method} ${r.path}`);
    expect(calls).toEqual([
      'GET /repos/spaceduck/coordination/contents/DEPLOY-LOG.md?ref=main',
      'PUT /repos/spaceduck/coordination/contents/DEPLOY-LOG.md',
    ]);
    const put = JSON.parse(github!.received[1]!.body) as Record<string, string>;
    expect(put.sha).toBe('sha-1');
    expect(put.branch).toBe('main');
    expect(put.message).toMatch(/^deploy log: promote mission-control-api:prod 42 → 43 \(req_/);
    const after = Buffer.from(put.content!, 'base64').toString('utf8');
    expect(after.startsWith(LOG_BEFORE)).toBe(true);
    expect(after.slice(LOG_BEFORE.length)).toMatch(
      /^- \S+Z promote mission-control-api:prod 42 → 43 by U0ALICE .*\n$/,
    );
    expect(github!.received[0]!.headers.accept).toBe('application/vnd.github+json');
    // The token is nowhere in Slack.
    expect(JSON.stringify(h!.slack.state.calls)).not.toContain(GITHUB_TOKEN);
  });

  it('a version that was on staging (per the deploy history) is promoted', async () => {
    await start('44', [
      {
        kind: 'promote',
        runId: 'run_old',
        from: '42',
        to: '43',
        by: 'U0BOB',
        at: '2026-11-30T09:00:00Z',
      },
      {
        kind: 'promote',
        runId: 'run_new',
        from: '43',
        to: '44',
        by: 'U0BOB',
        at: '2026-11-30T12:00:00Z',
      },
    ]);
    await h!.client.command('promote mission-control-api 43', USERS.alice);
    const { reply, progress } = await result();
    expect(reply).toContain('promote done');
    expect(progress).toContain('✓ 43 was on staging (promote by U0BOB at 2026-11-30T09:00:00Z)');
  });

  it('a version never on staging: the plan shows ⚠ and the run refuses, moving nothing', async () => {
    await start('42');
    await h!.client.command('promote mission-control-api 43 --plan', USERS.alice);
    const plan = await waitFor('the plan', () =>
      h!.slack.state.messages.find(
        (m) => m.visibleTo && messageText(m).includes('never been on staging'),
      ),
    );
    expect(messageText(plan)).toContain('⚠ 43 has never been on staging');
    await h!.client.command('promote mission-control-api 43', USERS.alice);
    const { reply } = await result();
    expect(reply).toContain('not_verified_in_staging');
    expect(lambda!.updates).toHaveLength(0);
    expect(h!.slack.state.channelMessages('C0DEPLOYS')).toHaveLength(0);
  });

  it('skip_staging=true is refused outside break-glass, and allowed (audited) in a break-glass run', async () => {
    await start('42');
    await h!.client.command('promote mission-control-api 43 skip_staging=true', USERS.alice);
    const refused = await result();
    expect(refused.reply).toContain('skip_staging_needs_break_glass');
    expect(lambda!.updates).toHaveLength(0);
    // Bob is not in the break-glass group: the policy refuses before anything is queued.
    await h!.client.command(
      'promote mission-control-api 43 skip_staging=true --emergency reason="checkout is down"',
      USERS.bob,
    );
    await waitFor('the refusal', () =>
      h!.slack.state.messages.find(
        (m) => m.visibleTo === USERS.bob.id && /break-glass|emergency/i.test(m.text),
      ),
    );
    await h!.client.command(
      'promote mission-control-api 43 skip_staging=true --emergency reason="checkout is down"',
      USERS.alice,
    );
    await waitFor(
      'the alias update',
      () => (lambda!.updates.length === 1 ? true : undefined),
      20_000,
    );
    expect(lambda!.updates[0]).toMatchObject({ alias: 'prod', from: '42', to: '43' });
  });

  it('a deploy log that cannot be posted is a ⚠ note, not a failed promote (the alias moved)', async () => {
    await start('43', [], 'C0GONE');
    await h!.client.command('promote mission-control-api 43', USERS.alice);
    const { reply, progress } = await result();
    expect(reply).toContain('promote done');
    expect(progress).toContain('⚠ deploy log not written to C0GONE');
    expect(lambda!.updates).toHaveLength(1);
  });
});
