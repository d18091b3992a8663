import { createRequire } from 'node:module';
import { deferModule } from '../util/deferred-module.ts';

type Bolt = typeof import('@slack/bolt');
const require = createRequire(import.meta.url);
const SOCKET_MODE_RECEIVER = '@slack/bolt/dist/receivers/SocketModeReceiver.js';
const HTTP_RECEIVER = '@slack/bolt/dist/receivers/HTTPReceiver.js';

/**
 * Bolt's `App.js` requires its Socket Mode receiver when it loads, and with it `@slack/socket-mode`,
 * `ws` and `undici` (about 130 files, ~7 MB of a web process), although an app given an
 * `HTTPReceiver` never builds one (`App.js` reads it only when `socketMode` is true). Its
 * `HTTPReceiver.js` requires `@slack/oauth` (with `jsonwebtoken`, about 150 files, ~5 MB), used only
 * to build an `InstallProvider` for an app given OAuth settings, which opsbot never gives. Both
 * become stand-ins that load the real module on first use (`deferModule`): Bolt's code is unchanged
 * and nothing is patched. A no-op for a module already loaded.
 */
function deferUnusedModules() {
  deferModule(SOCKET_MODE_RECEIVER, import.meta.url, { esModule: true });
  deferModule('@slack/oauth', require.resolve(HTTP_RECEIVER));
}

/**
 * The parts of Bolt an HTTP-mode app uses, without Bolt's index (which also loads the Express, AWS
 * Lambda and Socket Mode receivers): `App` and `LogLevel` from `App.js`, and `HTTPReceiver`.
 */
export function boltForHttp(): Pick<Bolt, 'App' | 'HTTPReceiver' | 'LogLevel'> {
  deferUnusedModules();
  const app = require('@slack/bolt/dist/App.js') as {
    default: Bolt['App'];
    LogLevel: Bolt['LogLevel'];
  };
  const receiver = require(HTTP_RECEIVER) as {
    default: Bolt['HTTPReceiver'];
  };
  return { App: app.default, HTTPReceiver: receiver.default, LogLevel: app.LogLevel };
}

/** All of Bolt, for Socket Mode (an app token is set). */
export function boltForSocketMode(): Pick<Bolt, 'App' | 'SocketModeReceiver' | 'LogLevel'> {
  return require('@slack/bolt') as Bolt;
}
