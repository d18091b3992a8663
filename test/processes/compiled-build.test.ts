import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_ALLOCATOR_ENV, IMAGE_NODE_FLAGS } from '../../bench/lib/child.ts';
import { SignedSlackClient } from '../../src/dev/signed-client.ts';
import { SlackEmulator } from '../../src/dev/slack-emulator/emulator.ts';
import { buildCompiled } from '../helpers/compiled-build.ts';
import { BOT_TOKEN, exampleConfig, SIGNING_SECRET, USERS, waitFor } from '../helpers/harness.ts';
import {
  type BotProcess,
  startBotProcess,
  stopBotProcess,
  uniquePrefix,
  writeConfig,
} from '../helpers/processes.ts';

/**
 * The image's path: `npm run build`, then `node dist/main.js` with production packages only, the
 * image's NODE_OPTIONS and its allocator (jemalloc preloaded: .ci/run installs libjemalloc2).
 */
describe('the compiled build (node dist/main.js)', { timeout: 180_000 }, () => {
  const slack = new SlackEmulator({ tokens: [BOT_TOKEN] });
  let build: ReturnType<typeof buildCompiled>;
  let bot: BotProcess | undefined;

  beforeAll(async () => {
    build = buildCompiled();
    const slackUrl = await slack.start();
    slack.state.addChannel('C0OPS', 'ops');
    for (const u of Object.values(USERS)) slack.state.addUser(u.id, u.name);
    bot = await startBotProcess('all', {
      slackUrl,
      prefix: uniquePrefix(),
      configPath: writeConfig(exampleConfig()),
      entry: { args: ['dist/main.js'], cwd: build.dir },
      extra: {
        NODE_ENV: 'production',
        NODE_OPTIONS: IMAGE_NODE_FLAGS.join(' '),
        ...IMAGE_ALLOCATOR_ENV,
      },
    });
  }, 150_000);
  afterAll(async () => {
    if (bot) await stopBotProcess(bot);
    await slack.stop();
    build?.dispose();
  });

  it('emits JavaScript for src/ and commands/ and the assets tsc does not emit', () => {
    for (const file of [
      'main.js',
      'src/main.js',
      'commands/ping.js',
      'src/dev/console/page.html',
      'src/dev/console/console.css',
      'src/dev/console/app.js',
      'src/dev/console/render-blocks.js',
    ])
      expect(existsSync(join(build.dir, 'dist', file)), file).toBe(true);
    // Neither tsx nor TypeScript is there for the compiled path to lean on.
    expect(existsSync(join(build.dir, 'node_modules/tsx'))).toBe(false);
    expect(existsSync(join(build.dir, 'node_modules/typescript'))).toBe(false);
  });

  it('answers a signed /ops ping end to end: acked, run by the worker, result posted', async () => {
    const client = new SignedSlackClient(`http://127.0.0.1:${bot!.port}`, SIGNING_SECRET);
    const answer = await client.command('ping', USERS.alice);
    expect(answer.status).toBe(200);
    await waitFor('the ping result in the thread', () =>
      slack.state
        .channelMessages('C0OPS')
        .filter((m) => !m.thread_ts)
        .some((parent) =>
          slack.state
            .channelMessages('C0OPS', parent.ts)
            .some((reply) => reply.text.includes('ping done')),
        ),
    );
    const ready = await fetch(`http://127.0.0.1:${bot!.port}/ready`);
    expect(ready.status).toBe(200);
  });

  it("runs on the image's allocator: jemalloc loaded with its settings, nothing refused", () => {
    const maps = readFileSync(`/proc/${bot!.child.pid}/maps`, 'utf8');
    expect(maps, 'libjemalloc2 installed? (apt-get install libjemalloc2)').toMatch(
      /\/libjemalloc\.so\.2\b/,
    );
    // The loader says "cannot be preloaded" for a library it cannot find; jemalloc prints
    // "<jemalloc>: …" for a MALLOC_CONF it does not understand.
    expect(bot!.output.join('')).not.toMatch(/<jemalloc>|cannot be preloaded/);
  });
});
