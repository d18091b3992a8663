import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackEmulator } from '../../src/dev/slack-emulator/emulator.ts';
import { BOT_TOKEN, exampleConfig, waitFor } from '../helpers/harness.ts';
import {
  type BotProcess,
  startBotProcess,
  stopBotProcess,
  uniquePrefix,
  writeConfig,
} from '../helpers/processes.ts';

/**
 * Issue 21, item 2 (idle memory per role): what a started role has loaded, counted by file, not
 * timed. Each role runs as `src/main.ts <role>` with `bench/lib/memory-probe.js` preloaded, which
 * lists every ES module it loads and, on SIGUSR2, every CommonJS file in the require cache.
 */
async function loadedFiles(bot: BotProcess, out: string): Promise<string[]> {
  bot.child.kill('SIGUSR2');
  const probe = await waitFor('the memory probe', () =>
    existsSync(out)
      ? (JSON.parse(readFileSync(out, 'utf8').split('\n')[0]!) as { cjs: string[] })
      : undefined,
  );
  const esm = readFileSync(`${out}.modules`, 'utf8').trim().split('\n');
  return [...esm, ...probe.cjs];
}

/** The parts of `names` some loaded file's path or URL contains. */
const loadedOf = (files: string[], names: string[]) =>
  names.filter((name) => files.some((file) => file.includes(name)));

/**
 * Code no role uses at idle: prom-client's OpenTelemetry (exemplars only), Bolt's OAuth installer,
 * BullMQ's index (it loads every backend: PostgreSQL, Bun, node-redis, Valkey GLIDE).
 */
const UNUSED_EVERYWHERE = [
  '/@opentelemetry/api/dist/api/',
  '/node_modules/jsonwebtoken/',
  '/bullmq/dist/cjs/index.js',
  '/bullmq/dist/cjs/postgres/',
];

/** What only a worker runs: runs, schedules, the worker's start-up. */
const WORKER_ONLY = [
  '/src/roles/worker.ts',
  '/src/run/run-worker.ts',
  '/src/run/execute.ts',
  '/src/schedules/start.ts',
  '/bullmq/dist/cjs/classes/worker.js',
];

/** What only a role taking Slack requests loads. */
const WEB_ONLY = ['/src/roles/web.ts', '/node_modules/@slack/bolt/', '/src/slack/app.ts'];

describe('modules each role loads at start (issue 21: idle memory)', { timeout: 180_000 }, () => {
  const slack = new SlackEmulator({ tokens: [BOT_TOKEN] });
  const dir = mkdtempSync(join(tmpdir(), 'opsbot-role-modules-'));
  const files = new Map<string, string[]>();

  beforeAll(async () => {
    const slackUrl = await slack.start();
    const configPath = writeConfig(exampleConfig());
    for (const role of ['web', 'worker'] as const) {
      const out = join(dir, `${role}.jsonl`);
      const bot = await startBotProcess(role, {
        slackUrl,
        prefix: uniquePrefix(),
        configPath,
        entry: {
          args: ['--import', 'tsx', '--import', './bench/lib/memory-probe.js', 'src/main.ts'],
          cwd: process.cwd(),
        },
        extra: { MEMORY_PROBE_OUT: out, MEMORY_PROBE_MODULES: '1' },
      });
      try {
        files.set(role, await loadedFiles(bot, out));
      } finally {
        await stopBotProcess(bot);
      }
    }
  }, 170_000);
  afterAll(() => slack.stop());

  it('the web role loads no worker-only module and no unused package', () => {
    const web = files.get('web')!;
    expect(loadedOf(web, ['/src/roles/web.ts', '/src/requests/submission-stream.ts'])).toHaveLength(
      2,
    );
    expect(loadedOf(web, [...WORKER_ONLY, ...UNUSED_EVERYWHERE])).toEqual([]);
  });

  it('the worker role loads no Slack receiver and no unused package', () => {
    const worker = files.get('worker')!;
    expect(loadedOf(worker, ['/src/roles/worker.ts', '/src/run/run-worker.ts'])).toHaveLength(2);
    expect(loadedOf(worker, [...WEB_ONLY, ...UNUSED_EVERYWHERE])).toEqual([]);
  });
});
