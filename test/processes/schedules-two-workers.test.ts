import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL } from '../helpers/harness.ts';
import { poll, testRedis } from '../helpers/schedules.ts';

function startWorker(prefix: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/schedule-process.ts'], {
    env: { ...process.env, REDIS_URL, OPSBOT_PREFIX: prefix, SCHEDULE_CRON: '* * * * * *' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('started')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`schedule worker exited with ${code}`)));
  });
}

describe('two worker processes, one schedule', { timeout: 60_000 }, () => {
  const r = testRedis();
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((resolve) => c.once('exit', resolve))));
    await r.cleanup();
  });

  it('each occurrence produces exactly one request, whichever worker takes it', async () => {
    // Both start (and reconcile) at the same moment, as a rolling deploy would.
    children.push(...(await Promise.all([startWorker(r.prefix), startWorker(r.prefix)])));
    const entries = async () =>
      (await r.redis.xrange(r.keys.submissions(), '-', '+')).map(([, fields]) => ({
        submission: JSON.parse(fields[1]!) as { submissionKey: string; requester: string },
        pid: fields[3]!,
      }));
    await poll('eight occurrences', async () => (await entries()).length >= 8, 30_000);
    const all = await entries();
    const keys = all.map((e) => e.submission.submissionKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const e of all) expect(e.submission.requester).toBe('schedule:tick');
    // Each fired occurrence is one BullMQ job, completed once. A job adds its entry before BullMQ
    // marks it completed, so wait for the completions to catch up with the entries read above.
    const completed = () => r.redis.zcard(`${r.prefix}:schedules:completed`);
    await poll('a completed job per entry', async () => (await completed()) >= keys.length, 10_000);
    expect(await completed()).toBeGreaterThanOrEqual(keys.length);
    const occurrences = keys.map((k) => Number(k.split(':').at(-1)));
    expect(occurrences.every((ms) => ms % 1000 === 0)).toBe(true);
  });
});
