import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileConfig } from '../../src/config/file.ts';
import { startLocalDynamo } from '../../src/dev/local/dynamo.ts';
import { type Sandbox, sandboxPorts } from '../../src/dev/sandbox/index.ts';
import { ACTION } from '../../src/slack/ids.ts';
import { parentsIn } from '../helpers/alerts.ts';
import {
  exampleConfig,
  type Harness,
  messageText,
  startHarness,
  USERS,
  waitFor,
} from '../helpers/harness.ts';
import { memoryDeploys } from '../helpers/memory-deploys.ts';

/**
 * Local mode, clicked through on the sandbox (nothing calls AWS): the guarded deploy of Drop opens
 * and closes its maintenance window, and the DB password rotation finds drop-db's connection URL.
 */
describe('local mode: deploy drop --safe and rotate-db-password drop-db', () => {
  let h: Harness;
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  let sandbox: Sandbox;
  const file = exampleConfig();
  const t = file.targets as FileConfig['targets'] &
    Record<string, Record<string, Record<string, unknown>>>;
  for (const s of Object.values(t.services)) s.poll_interval_ms = 5;
  t.databases!['drop-db']!.poll_interval_ms = 5;
  t.deploys!.drop!.health_poll_ms = 5;
  beforeAll(async () => {
    dynamo = await startLocalDynamo(undefined, []);
    sandbox = await sandboxPorts({
      file,
      region: 'us-east-1',
      dynamoEndpoint: dynamo.endpoint,
      rolloutMs: 30,
    });
    h = await startHarness({ file, aws: { ...sandbox.ports, deploys: memoryDeploys() } });
  });
  afterAll(async () => {
    await h?.stop();
    await sandbox?.stop();
    await dynamo?.stop();
  });

  /** Types the command as alice, approves it as josh, and waits for the card to say Done. */
  async function approvedRun(line: string, command: string) {
    await h.client.command(line, USERS.alice);
    const card = await waitFor(`the ${command} card`, () =>
      parentsIn(h).find((m) => m.text.includes(`Approval needed: ${command}`)),
    );
    const id = /request (req_[0-9a-f]{16})"/.exec(JSON.stringify(card.blocks))![1]!;
    await waitFor('the card stored', () => h.redis.hget(`${h.prefix}:request:${id}`, 'card_ts'));
    await h.client.clickButton(ACTION.approve, id, USERS.josh, { channel: 'C0OPS', ts: card.ts });
    await waitFor(`${command} done`, () => messageText(card).includes('Done:'), 30_000);
    return card;
  }

  it('deploy drop image=v42 --safe announces the window, deploys, and posts its summary', async () => {
    await approvedRun('deploy drop image=v42 --safe', 'deploy');
    const top = (needle: string) => parentsIn(h).filter((m) => m.text.includes(needle));
    expect(top('Maintenance: drop until')).toHaveLength(1);
    const summary = await waitFor('the summary', () => top('Maintenance of drop over')[0]);
    expect(summary.text).toMatch(/ended by U0ALICE\) after \d+ s: 1 run, 0 alerts muted/);
    expect(messageText(summary)).toContain('deploy · U0ALICE · opened the window');
  }, 60_000);

  it('rotate-db-password drop-db runs to the end on the sandbox secret', async () => {
    const card = await approvedRun('rotate-db-password drop-db', 'rotate-db-password');
    expect(messageText(card)).not.toMatch(/postgres:\/\/|opsbot_sandbox:/);
  }, 60_000);
});
