import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAlert } from '../../src/dev/local/demo-alert.ts';
import { type LocalOpsbot, startLocal } from '../../src/dev/local/start-local.ts';
import { exampleConfig, REDIS_URL } from '../helpers/harness.ts';

/**
 * The local console in a real browser (Debian's Chromium, headless): local mode started in-process
 * with its own Redis prefix, a free port and a temporary data directory.
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = 'test/artifacts';
const AWS_VARIABLES =
  /^AWS_(ENDPOINT_URL|ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE|WEB_IDENTITY_TOKEN_FILE|CONTAINER_CREDENTIALS_\w+)$/;

let local: LocalOpsbot;
let context: BrowserContext;
let page: Page;
const prefix = `t${randomUUID().slice(0, 8)}`;
const dataDir = mkdtempSync(join(tmpdir(), 'opsbot-local-data-'));
const profileDir = mkdtempSync(join(tmpdir(), 'opsbot-chromium-'));

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !AWS_VARIABLES.test(name)),
  );
  local = await startLocal({
    env: { ...env, REDIS_URL, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' },
    port: 0,
    host: '127.0.0.1',
    dataDir,
    prefix,
  });
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
  });
  page = await context.newPage();
  await page.goto(`${local.baseUrl}/console`);
}, 60_000);

afterAll(async () => {
  await context?.close();
  await local?.stop();
  const redis = new Redis(REDIS_URL);
  const found = await redis.keys(`${prefix}:*`);
  if (found.length) await redis.del(...found);
  redis.disconnect();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(profileDir, { recursive: true, force: true });
});

async function actAs(userId: string) {
  await page.selectOption('#user', userId);
}

/** The top-level message in the open channel whose text contains `text`. */
const message = (text: string) => page.locator('#messages .message', { hasText: text });

async function send(command: string) {
  await page.fill('#command', command);
  await page.press('#command', 'Enter');
}

describe('local console in a browser', () => {
  it('shows every AWS port as SANDBOX', async () => {
    // The page fills the badge from an API call after load; wait until it has been written.
    await page.waitForFunction(() => (document.getElementById('aws')?.textContent ?? '') !== '');
    expect(await page.locator('#aws').textContent()).toContain('SANDBOX');
    await page.click('#aws');
    for (const port of [
      'lambda',
      'records',
      'tables',
      'secrets',
      'services',
      'http',
      'logs',
      'ledger',
    ])
      expect(await page.locator(`#aws-ports li[data-port="${port}"]`).textContent()).toContain(
        'SANDBOX',
      );
    await page.screenshot({ path: `${ARTIFACTS}/console-sandbox-ports.png` });
    await page.click('#aws');
  });

  it('runs /ops promote as alice; josh approves (1 approval for prod); the run reaches done', async () => {
    await actAs('U0ALICE');
    await send('/ops promote mission-control-api 43');

    const card = message('Approval needed: promote');
    const approve = card.locator('button[data-action-id]', { hasText: 'Approve' });
    await approve.waitFor({ timeout: 20_000 });
    await page.screenshot({ path: `${ARTIFACTS}/console-promote-requested.png` });
    await actAs('U0JOSH');
    await approve.click();

    await message('Done: promote').waitFor({ timeout: 20_000 });
    await message('Done: promote').locator('.thread-link').click();
    await page
      .locator('#thread-messages', { hasText: 'promote done' })
      .waitFor({ timeout: 10_000 });
    await page.screenshot({ path: `${ARTIFACTS}/console-promote-done.png` });
    const alias = await local.sandbox!.ports.lambda.getAlias({
      functionName: 'mission-control-api',
      alias: 'prod',
    });
    expect(alias.version).toBe('43');
  }, 60_000);

  it('runs /ops table-health against the sandbox and renders its result card with the table in ALARM', async () => {
    await actAs('U0ALICE');
    await send('/ops table-health');
    await message('Done: table-health').waitFor({ timeout: 20_000 });
    await message('Done: table-health').locator('.thread-link').click();
    const result = page.locator('#thread-messages .message', { hasText: 'Table health:' });
    await result.waitFor({ timeout: 10_000 });
    const text = await result.textContent();
    expect(text).toContain('4 ✓ · 0 ⚠ · 1 ✗');
    expect(text).toMatch(/✗ spaceduck-\S+ — ACTIVE · PAY_PER_REQUEST/);
    expect(text).toContain('read-throttles in ALARM');
    await page.screenshot({ path: `${ARTIFACTS}/console-table-health.png` });
  }, 60_000);

  it('fires the demo alert: an incident in #incidents with its buttons; acknowledged, then resolved in its thread', async () => {
    await page.click('#fire-alert');
    await expect
      .poll(() => page.locator('#notice').textContent(), { timeout: 10_000 })
      .toMatch(/Demo alert sent: the bot answered HTTP 2\d\d/);
    const incidents = exampleConfig().slack.incidents_channel!;
    await page.click(`nav .channel[data-channel="${incidents}"]`);
    const summary = demoAlert().summary;
    const root = message(summary);
    await root.waitFor({ timeout: 15_000 });
    const buttons = await root.locator('button[data-action-id]').allTextContents();
    expect(buttons).toEqual([
      'Acknowledge',
      'Resolve',
      'Escalate',
      'Tail logs',
      'Roll back prod',
      'Block IP',
    ]);
    await actAs('U0JOSH');
    await root.locator('button[data-action-id]', { hasText: 'Acknowledge' }).click();
    // Acknowledging edits the parent (no thread reply); resolving also replies in the thread.
    await message('Acknowledged by @josh').waitFor({ timeout: 15_000 });
    expect(await root.locator('button', { hasText: 'Acknowledge' }).count()).toBe(0);
    await root.locator('button[data-action-id]', { hasText: 'Resolve' }).click();
    await root.locator('.thread-link').waitFor({ timeout: 15_000 });
    await root.locator('.thread-link').click();
    await page
      .locator('#thread-messages .message', { hasText: 'Resolved by @josh' })
      .waitFor({ timeout: 10_000 });
    await page.screenshot({ path: `${ARTIFACTS}/console-incident.png` });
  }, 60_000);

  it('starts the Drop JWT rotation runbook and finishes it by clicking (josh approves the rotation)', async () => {
    await page.click(`nav .channel[data-channel="${exampleConfig().slack.ops_channel}"]`);
    await actAs('U0ALICE');
    await send('/ops runbook start drop-jwt-rotation reason="console rehearsal"');
    const card = message("Rotate Drop's JWT secret");
    const button = (label: string) => card.locator('button[data-action-id]', { hasText: label });
    await button('Announcement posted').waitFor({ timeout: 20_000 });
    await button('Announcement posted').click();

    // The rotation is a normal request: its approval card is in the runbook card's thread.
    await card.locator('.thread-link').waitFor({ timeout: 20_000 });
    await card.locator('.thread-link').click();
    const request = page.locator('#thread-messages .message', {
      hasText: 'Approval needed: rotate-secret',
    });
    await request
      .locator('button[data-action-id]', { hasText: 'Approve' })
      .waitFor({ timeout: 20_000 });
    await actAs('U0JOSH');
    await request.locator('button[data-action-id]', { hasText: 'Approve' }).click();

    // The rotation runs (secret, then the App Runner redeploy), the health check passes.
    await button('Alert acknowledged').waitFor({ timeout: 45_000 });
    await page
      .locator('#thread-messages .message', { hasText: '✓ step 3' })
      .waitFor({ timeout: 10_000 });
    await button('Alert acknowledged').click();
    await button('Error rate normal').waitFor({ timeout: 15_000 });
    await button('Error rate normal').click();
    await card.filter({ hasText: 'finished (6/6)' }).waitFor({ timeout: 20_000 });
    expect(await card.locator('button[data-action-id]').count()).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}/console-guided-runbook.png` });
  }, 90_000);

  it('finding 3: a page from another origin in the same browser cannot drive the console', async () => {
    const attack = '/ops promote mission-control-api 41';
    const body = JSON.stringify({ user: 'U0ALICE', channel: 'C0OPS', text: attack });
    // What a hostile page can send without a CORS preflight: a no-cors text/plain fetch and a
    // form post. It also tries a JSON fetch, which needs a preflight the console never grants.
    const evil = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><script>
        const url = ${JSON.stringify(`${local.baseUrl}/console/api/command`)};
        const body = ${JSON.stringify(body)};
        window.done = Promise.allSettled([
          fetch(url, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body }),
          fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }),
        ]);
      </script><form method="post" action="${local.baseUrl}/console/api/command" enctype="text/plain">
        <input name='${body.slice(0, -2)}' value='"}'></form>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const other = await context.newPage();
    try {
      await other.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`);
      await other.evaluate(() => (window as unknown as { done: Promise<unknown> }).done);
      await Promise.all([
        other.waitForEvent('load'),
        other.evaluate(() => document.forms[0]!.submit()),
      ]);
      expect(await other.content()).toContain('refuses requests from another origin');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(local.emulator.state.messages.some((m) => m.text.includes(attack))).toBe(false);
    } finally {
      await other.close();
      evil.close();
    }
  });
});
