// The storm's load generator, run as its own process (so it does not share the bot's event loop):
// `storm-sender.ts URL SECRET FIRINGS KEYS CONCURRENCY` sends signed webhook firings and prints
// JSON: every request's latency (ms), the non-202 answers and the seconds it took. It uses plain
// keep-alive node:http (fetch costs the sender several times more CPU, stolen from the bot).

import { Agent, request } from 'node:http';
import { signWebhook } from '../../src/alerts/webhook.ts';
import { load } from './stats.ts';

const [url, secret, firings, keys, concurrency] = process.argv.slice(2);
const FIRINGS = Number(firings);
const KEYS = Number(keys);
const SEVERITIES = ['critical', 'high', 'warning', 'info'] as const;
const agent = new Agent({ keepAlive: true, maxSockets: Number(concurrency) });

function post(body: string, timestamp: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url!,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...signWebhook(secret!, body, timestamp),
        },
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

const keyOf = (i: number) => `storm-${String(i % KEYS).padStart(3, '0')}`;
let refused = 0;
const started = performance.now();
const startSecond = Math.floor(Date.now() / 1000);
const samples = await load(FIRINGS, Number(concurrency), async (i) => {
  const key = keyOf(i);
  const body = JSON.stringify({
    source: 'storm',
    key,
    status: 'firing',
    severity: SEVERITIES[(i % KEYS) % SEVERITIES.length],
    summary: `Storm ${key}`,
  });
  // Each repeat of a key is its own delivery, signed at its own second (as a sender's repeats
  // are): the same body signed in the same second is a replay, refused and not counted. Round r of
  // the keys is signed r seconds before the start, so no two rounds share a second.
  const timestamp = startSecond - Math.floor(i / KEYS);
  if ((await post(body, timestamp)) !== 202) refused += 1;
});
const seconds = (performance.now() - started) / 1000;
agent.destroy();
process.stdout.write(JSON.stringify({ samples, refused, seconds }));
