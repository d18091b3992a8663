import Module, { createRequire } from 'node:module';

type Bolt = typeof import('@slack/bolt');
const require = createRequire(import.meta.url);
const SOCKET_MODE_RECEIVER = '@slack/bolt/dist/receivers/SocketModeReceiver.js';

/**
 * Bolt's `App.js` requires its Socket Mode receiver when it loads, and with it `@slack/socket-mode`,
 * `ws` and `undici` (about 130 files, ~7 MB of a web process), although an app given an
 * `HTTPReceiver` never builds one (`App.js` reads it only when `socketMode` is true). Before loading
 * `App.js` this puts a stand-in for that one module in the require cache: its `default` export
 * requires the real receiver on first read. Bolt's code is unchanged and nothing is patched; the
 * receiver is loaded on use instead of at start. A no-op when the receiver is already loaded.
 */
function deferSocketModeReceiver() {
  const path = require.resolve(SOCKET_MODE_RECEIVER);
  if (require.cache[path]) return;
  const standIn = new Module(path);
  standIn.filename = path;
  standIn.loaded = true;
  standIn.exports = {
    __esModule: true,
    get default() {
      // First use: drop the stand-in and load the real receiver in its place.
      if (require.cache[path] === standIn) delete require.cache[path];
      return require(path).default;
    },
  };
  require.cache[path] = standIn;
}

/**
 * The parts of Bolt an HTTP-mode app uses, without Bolt's index (which also loads the Express, AWS
 * Lambda and Socket Mode receivers): `App` and `LogLevel` from `App.js`, and `HTTPReceiver`.
 */
export function boltForHttp(): Pick<Bolt, 'App' | 'HTTPReceiver' | 'LogLevel'> {
  deferSocketModeReceiver();
  const app = require('@slack/bolt/dist/App.js') as {
    default: Bolt['App'];
    LogLevel: Bolt['LogLevel'];
  };
  const receiver = require('@slack/bolt/dist/receivers/HTTPReceiver.js') as {
    default: Bolt['HTTPReceiver'];
  };
  return { App: app.default, HTTPReceiver: receiver.default, LogLevel: app.LogLevel };
}

/** All of Bolt, for Socket Mode (an app token is set). */
export function boltForSocketMode(): Pick<Bolt, 'App' | 'SocketModeReceiver' | 'LogLevel'> {
  return require('@slack/bolt') as Bolt;
}
