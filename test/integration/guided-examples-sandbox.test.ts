import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type LocalOpsbot, startLocal } from '../../src/dev/local/start-local.ts';
import type { GuidedRunbook } from '../../src/guided/definition.ts';
import { loadGuidedRunbooks } from '../../src/guided/library.ts';
import { createRegistry } from '../../src/intake/validate.ts';
import { commands } from '../../src/registry/commands.ts';
import { exampleConfig, REDIS_URL, waitFor } from '../helpers/harness.ts';

/**
 * Every committed example runbook, started in local mode (the AWS sandbox, the Slack emulator, the
 * console's signed requests) and taken by clicking through its manual steps and approvals until its
 * first automated step (command or check) is done. Drop's production deploy goes first, so Drop's
 * emergency rollback has a deploy to undo.
 */
const AWS_VARIABLES =
  /^AWS_(ENDPOINT_URL|ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE|WEB_IDENTITY_TOKEN_FILE|CONTAINER_CREDENTIALS_\w+)$/;

/** A value for each parameter name the examples use, fitting their patterns. */
const SAMPLE: Record<string, string> = {
  reason: 'sandbox rehearsal',
  version: 'v42', // an image tag the sandbox's ECR holds (services start on v41)
  incoming: 'bob',
  duration: '30m',
  case_id: 'case-1',
  tenant: 'tenant-1',
  lock_id: 'autostack/terraform.tfstate',
  alert_id: 'alert-20240115-001',
  access_key_id: 'AKIAIOSFODNN7EXAMPLE', // the sandbox's demo key
  ip: '203.0.113.7',
  username: 'mallory', // in every sandbox user pool
};

const runbooks = loadGuidedRunbooks(
  ['runbooks'],
  createRegistry(commands),
  exampleConfig().targets,
).list();
const prefix = `t${randomUUID().slice(0, 8)}`;
const dataDir = mkdtempSync(join(tmpdir(), 'opsbot-guided-sandbox-'));
let local: LocalOpsbot;

/** Sets `field` of every entry of `section` (a map of named targets) to `value`. */
function setEach(section: unknown, field: string, value: number) {
  for (const target of Object.values((section ?? {}) as Record<string, Record<string, unknown>>))
    target[field] = value;
}

/**
 * The example config with every wait for a target at its shortest (the sandbox's rollouts and
 * rotations are short too), so a step's wait for its target is not a wait for the next poll:
 * services and databases polled every 50 ms, deploy health every 50 ms, guided runbooks' pending
 * requests every 0.1 s.
 */
function quickPollingConfig(): string {
  const file = parse(readFileSync('opsbot.example.yml', 'utf8'));
  setEach(file.targets.services, 'poll_interval_ms', 50);
  setEach(file.targets.databases, 'poll_interval_ms', 50);
  setEach(file.targets.deploys, 'health_poll_ms', 50);
  file.guided_runbooks = { ...file.guided_runbooks, poll_seconds: 0.1 };
  const path = join(dataDir, 'opsbot.yml');
  writeFileSync(path, stringify(file));
  return path;
}

beforeAll(async () => {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !AWS_VARIABLES.test(name)),
  );
  local = await startLocal({
    env: {
      ...env,
      REDIS_URL,
      OPSBOT_CONFIG: quickPollingConfig(),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    },
    port: 0,
    host: '127.0.0.1',
    dataDir,
    prefix,
    sandbox: { rolloutMs: 200, rotationMs: 200 },
  });
}, 60_000);

afterAll(async () => {
  await local?.stop();
  const redis = new Redis(REDIS_URL);
  const found = await redis.keys(`${prefix}:*`);
  if (found.length) await redis.del(...found);
  redis.disconnect();
  rmSync(dataDir, { recursive: true, force: true });
});

async function consoleApi(path: string, body: Record<string, unknown>) {
  const response = await fetch(`${local.baseUrl}/console/api/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-opsbot-console-token': local.consoleToken },
    body: JSON.stringify({ channel: 'C0OPS', ...body }),
  });
  expect(response.status).toBe(200);
}

type Block = { type: string; block_id?: string; elements?: { action_id: string; value: string }[] };

async function runToFirstAutomatedStep(runbook: GuidedRunbook) {
  const state = local.emulator.state;
  const params = Object.keys(runbook.params)
    .map((name) => `${name}="${SAMPLE[name] ?? 'x'}"`)
    .join(' ');
  await consoleApi('command', {
    user: 'U0ALICE',
    text: `/ops runbook start ${runbook.name} ${params}`,
  });
  const card = await waitFor(`the card of ${runbook.name}`, () =>
    state
      .channelMessages('C0OPS')
      .find((m) => !m.thread_ts && m.text.startsWith(`Runbook ${runbook.title}:`)),
  );
  const first = runbook.steps.findIndex((s) => s.kind !== 'manual') + 1;
  const clicked = new Set<string>();
  await waitFor(
    `${runbook.name}: step ${first} done`,
    async () => {
      const blocks = JSON.stringify(card.blocks);
      if (new RegExp(`✅ \\*${first}\\.\\*`).test(blocks)) return true;
      // Click Done on the current manual step (as josh: a second person where it needs one).
      for (const block of card.blocks as Block[]) {
        const done = block.elements?.find((e) => e.action_id === 'runbook.done');
        if (done && !clicked.has(done.value)) {
          clicked.add(done.value);
          await consoleApi('action', {
            user: 'U0JOSH',
            ts: card.ts,
            actionId: done.action_id,
            value: done.value,
          });
        }
      }
      // Approve a request a command step made (its card is in the runbook card's thread).
      for (const message of state.channelMessages('C0OPS', card.ts)) {
        const approve = (message.blocks as Block[] | undefined)
          ?.flatMap((b) => b.elements ?? [])
          .find((e) => e.action_id === 'request.approve');
        if (approve && !clicked.has(approve.value)) {
          clicked.add(approve.value);
          await consoleApi('action', {
            user: 'U0JOSH',
            ts: message.ts,
            actionId: approve.action_id,
            value: approve.value,
          });
        }
      }
      if (/❌ \*\d+\.\*/.test(blocks)) throw new Error(`${runbook.name} failed: ${blocks}`);
      return false;
    },
    60_000,
  );
}

describe('the example runbooks in local mode’s sandbox', () => {
  it('are all there', () => {
    expect(runbooks.length).toBeGreaterThanOrEqual(15);
  });

  it('each runs through its first automated step', async () => {
    // `rollback drop` undoes the last deploy opsbot made: the production deploy goes first.
    const deployFirst = (r: GuidedRunbook) => r.name === 'drop-production-deploy';
    await Promise.all(
      runbooks.filter(deployFirst).map((runbook) => runToFirstAutomatedStep(runbook)),
    );
    // Started by one member, a few at a time: each start and each command step is one of alice's
    // runs in flight, and the example config allows 10 per member (`limits.runs_in_flight_per_user`).
    const rest = runbooks.filter((r) => !deployFirst(r));
    for (let i = 0; i < rest.length; i += 4)
      await Promise.all(rest.slice(i, i + 4).map((runbook) => runToFirstAutomatedStep(runbook)));
  }, 180_000);
});
