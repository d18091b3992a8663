import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs `script` in a fresh Node process (tsx), so the require cache holds only what it loads. */
function inFreshProcess(script: string): Record<string, unknown> {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      encoding: 'utf8',
    },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

const LOADED = `
const { createRequire } = await import('node:module');
const cache = createRequire(import.meta.url).cache;
const loaded = (part) => Object.keys(cache).some((path) => path.includes(part));
`;
const SLACK_APP = `
const { createSlackApp } = await import('./src/slack/app.ts');
const log = { error() {} };
`;

describe('Bolt in HTTP mode (issue 21: the web role loads no Socket Mode code)', () => {
  it('an HTTP-mode app loads neither Socket Mode, undici, Express, Bolt’s index nor the OAuth installer', () => {
    const result = inFreshProcess(`${LOADED}${SLACK_APP}
const slack = createSlackApp({ botToken: 'xoxb-1', signingSecret: 's', slackApiUrl: 'http://127.0.0.1:9/api/', log });
console.log(JSON.stringify({
  http: 'requestListener' in slack.receiver,
  socketMode: loaded('/@slack/socket-mode/'),
  undici: loaded('/node_modules/undici/'),
  express: loaded('/node_modules/express/'),
  index: loaded('/@slack/bolt/dist/index.js'),
  oauthInstaller: loaded('/@slack/oauth/dist/install-provider.js'),
  jsonwebtoken: loaded('/node_modules/jsonwebtoken/'),
}));`);
    expect(result).toEqual({
      http: true,
      socketMode: false,
      undici: false,
      express: false,
      index: false,
      oauthInstaller: false,
      jsonwebtoken: false,
    });
  });

  it('@slack/oauth, deferred by an HTTP-mode app, is the real module on first use', () => {
    const result = inFreshProcess(`${LOADED}${SLACK_APP}
createSlackApp({ botToken: 'xoxb-1', signingSecret: 's', slackApiUrl: 'http://127.0.0.1:9/api/', log });
const boltRequire = createRequire(createRequire(import.meta.url).resolve('@slack/bolt/dist/receivers/HTTPReceiver.js'));
const before = loaded('/@slack/oauth/dist/install-provider.js');
const oauth = boltRequire('@slack/oauth');
const installer = new oauth.InstallProvider({ clientId: 'c', clientSecret: 's', stateSecret: 'x' });
console.log(JSON.stringify({
  before,
  after: loaded('/@slack/oauth/dist/install-provider.js'),
  installer: installer.constructor.name,
  keys: Object.keys(oauth).includes('InstallProvider'),
  again: boltRequire('@slack/oauth').InstallProvider === oauth.InstallProvider,
}));`);
    expect(result).toEqual({
      before: false,
      after: true,
      installer: 'InstallProvider',
      keys: true,
      again: true,
    });
  });

  it('Socket Mode still works after an HTTP-mode app deferred its receiver, in one process', () => {
    const result = inFreshProcess(`${LOADED}${SLACK_APP}
createSlackApp({ botToken: 'xoxb-1', signingSecret: 's', slackApiUrl: 'http://127.0.0.1:9/api/', log });
const socket = createSlackApp({ botToken: 'xoxb-1', appToken: 'xapp-1', slackApiUrl: 'http://127.0.0.1:9/api/', log });
const bolt = await import('@slack/bolt');
console.log(JSON.stringify({
  receiver: socket.receiver.constructor.name,
  realClass: socket.receiver instanceof bolt.SocketModeReceiver,
  socketMode: loaded('/@slack/socket-mode/'),
}));`);
    expect(result).toEqual({ receiver: 'SocketModeReceiver', realClass: true, socketMode: true });
  });
});
