import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAlert } from '../../src/dev/local/demo-alert.ts';
import { type LocalOpsbot, startLocal } from '../../src/dev/local/start-local.ts';
import { REDIS_URL, waitFor } from '../helpers/harness.ts';

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

describe('local console in a browser', () => {
  it('runs /ops promote as alice, approved by josh when approval is asked, to done', async () => {
    expect(await page.locator('#aws').textContent()).toContain('SANDBOX');
    await actAs('U0ALICE');
    await page.fill('#command', '/ops promote mission-control-api 43');
    await page.press('#command', 'Enter');

    const done = page.locator('#messages .bk-header', { hasText: 'Done: promote' });
    const approve = page.locator('#messages button[data-action-id]', { hasText: 'Approve' });
    await done.or(approve).first().waitFor({ timeout: 20_000 });
    await page.screenshot({ path: `${ARTIFACTS}/console-promote-requested.png` });
    if ((await done.count()) === 0) {
      await actAs('U0JOSH');
      await approve.first().click();
    }
    await done.waitFor({ timeout: 20_000 });

    await page.locator('#messages .thread-link').first().click();
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

  it('fires the demo alert and shows its incident thread in #incidents', async () => {
    await page.click('#fire-alert');
    await expect
      .poll(() => page.locator('#notice').textContent(), { timeout: 10_000 })
      .toMatch(/Demo alert sent: the bot answered HTTP 2\d\d/);
    const summary = demoAlert().summary;
    const incident = await waitFor('an incident message about the demo alert', () =>
      local.emulator.state.messages.find(
        (m) =>
          !m.visibleTo && !m.thread_ts && `${m.text}${JSON.stringify(m.blocks)}`.includes(summary),
      ),
    );
    await page.click(`nav .channel[data-channel="${incident.channel}"]`);
    const root = page.locator(`#messages .message[data-ts="${incident.ts}"]`);
    await root.waitFor({ timeout: 10_000 });
    expect(await root.textContent()).toContain(summary);
    await root.locator('.thread-link').click();
    await page.locator('#thread-messages .message').nth(1).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: `${ARTIFACTS}/console-incident.png` });
  }, 60_000);
});
