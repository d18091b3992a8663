import { randomUUID } from 'node:crypto';
import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { redisActiveBlocks } from '../../src/containment/active-blocks.ts';
import {
  createExpiryQueue,
  type ExpiryDeps,
  expireBlock,
  scheduleExpiry,
  startExpiryWorker,
} from '../../src/containment/expiry.ts';
import { redisContainmentLedger } from '../../src/containment/ledger.ts';
import type { BlocklistRef, OutputMessage } from '../../src/sdk/index.ts';
import { keys } from '../../src/store/keys.ts';
import { REDIS_URL, waitFor } from '../helpers/harness.ts';
import { memoryBlocklists } from '../helpers/memory-blocklists.ts';

const REF: BlocklistRef = { type: 'waf', name: 'blocked', id: 'set-1', scope: 'REGIONAL' };
const THREAD = { channel: 'C0INCIDENTS', ts: '1764576000.000100' };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** One process's view: its own Redis connections, queue and (optionally) expiry worker. */
function world() {
  const prefix = `t${randomUUID().slice(0, 8)}`;
  const k = keys(prefix);
  const admin = new Redis(REDIS_URL);
  const lists = memoryBlocklists();
  const posts: { thread: typeof THREAD; message: OutputMessage }[] = [];
  const audit: { event: string; data: Record<string, unknown> }[] = [];
  cleanups.push(async () => {
    const found = await admin.keys(`${prefix}:*`);
    if (found.length) await admin.del(...found);
    admin.disconnect();
  });
  /** A process: a queue to schedule on and, when `work`, a worker that fires expiries. */
  const process = (work: boolean) => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = createExpiryQueue(redis, prefix);
    const ledger = redisContainmentLedger(redis, k);
    const blocks = redisActiveBlocks(redis, k, scheduleExpiry(queue));
    const deps: ExpiryDeps = {
      redis,
      keys: k,
      blocklists: lists.port,
      ledger,
      blocks,
      post: async (thread, message) => {
        posts.push({ thread, message });
      },
      record: (event, data) => audit.push({ event, data }),
    };
    const worker: Worker | undefined = work ? startExpiryWorker(redis, prefix, deps) : undefined;
    const stop = async () => {
      await worker?.close();
      await queue.close();
      redis.disconnect();
    };
    cleanups.push(stop);
    return { queue, ledger, blocks, deps, worker, stop };
  };
  return { prefix, lists, posts, audit, process };
}

/** Blocks 203.0.113.7/32 as request `id` would: in the list, the active blocks and the ledger. */
async function block(
  p: ReturnType<ReturnType<typeof world>['process']>,
  lists: ReturnType<typeof memoryBlocklists>,
  id: string,
  inMs: number,
) {
  await lists.port.block(REF, '203.0.113.7/32');
  const at = new Date(Date.now() + inMs).toISOString();
  await p.blocks.set({
    target: 'edge',
    cidr: '203.0.113.7/32',
    requestId: id,
    by: 'U0ALICE',
    reason: 'credential stuffing',
    at: new Date().toISOString(),
    expiresAt: at,
  });
  await p.ledger.record({
    requestId: id,
    command: 'block-ip',
    subject: 'edge:203.0.113.7/32',
    by: 'U0ALICE',
    at: new Date().toISOString(),
    thread: THREAD,
  });
  await p.blocks.scheduleExpiry({
    requestId: id,
    target: 'edge',
    cidr: '203.0.113.7/32',
    ref: REF,
    at,
  });
}

const completed = (p: { queue: ReturnType<typeof createExpiryQueue> }, id: string) => async () =>
  (await p.queue.getJobState(`expire-${id}`)) === 'completed';

describe('block ttl: a BullMQ delayed job lifts the block', () => {
  it('fires once with two workers running: one unblock, one note in the thread, one audit entry', async () => {
    const w = world();
    const a = w.process(true);
    const b = w.process(true);
    await block(a, w.lists, 'req_ttl0000000001', 400);
    // Scheduling again (a retried run, the other process) adds no second job.
    await b.blocks.scheduleExpiry({
      requestId: 'req_ttl0000000001',
      target: 'edge',
      cidr: '203.0.113.7/32',
      ref: REF,
      at: new Date().toISOString(),
    });
    await waitFor('the expiry job to complete', completed(a, 'req_ttl0000000001'));
    expect(w.lists.calls.unblock).toBe(1);
    expect(w.lists.has(REF, '203.0.113.7/32')).toBe(false);
    expect(w.posts).toHaveLength(1);
    expect(w.posts[0]!.thread).toEqual(THREAD);
    expect(w.posts[0]!.message.text).toMatch(/203\.0\.113\.7\/32 on edge expired/);
    expect(w.audit.filter((e) => e.event === 'block.expired')).toHaveLength(1);
    expect(await a.blocks.list()).toEqual([]);
    expect((await a.ledger.get('req_ttl0000000001'))?.undone?.requestId).toBe('ttl');
  });

  it('survives a restart: scheduled by a process that stops, fired by the next one', async () => {
    const w = world();
    const first = w.process(true);
    await block(first, w.lists, 'req_ttl0000000002', 1500);
    await first.stop();
    expect(w.lists.calls.unblock).toBe(0);
    const second = w.process(true);
    await waitFor(
      'the expiry job to complete after the restart',
      completed(second, 'req_ttl0000000002'),
    );
    expect(w.lists.calls.unblock).toBe(1);
    expect(w.posts).toHaveLength(1);
  });

  it('after a manual unblock (the action is undone) it changes nothing and posts nothing', async () => {
    const w = world();
    const p = w.process(false);
    await block(p, w.lists, 'req_ttl0000000003', 60_000);
    await p.blocks.clear({ target: 'edge', cidr: '203.0.113.7/32' });
    await p.ledger.claimUndo({
      original: 'req_ttl0000000003',
      command: 'block-ip',
      subject: 'edge:203.0.113.7/32',
      undo: { requestId: 'req_unblock000001', by: 'U0BOB', at: new Date().toISOString() },
    });
    // A newer block of the same address by someone else must stay.
    await w.lists.port.block(REF, '203.0.113.7/32');
    const calls = w.lists.calls.unblock;
    expect(
      await expireBlock(
        {
          requestId: 'req_ttl0000000003',
          target: 'edge',
          cidr: '203.0.113.7/32',
          ref: REF,
          at: '',
        },
        p.deps,
      ),
    ).toBe('already_undone');
    expect(w.lists.calls.unblock).toBe(calls);
    expect(w.posts).toEqual([]);
  });

  it('a later block of the same CIDR is not lifted by the earlier block’s ttl', async () => {
    const w = world();
    const p = w.process(false);
    await block(p, w.lists, 'req_ttl0000000004', 60_000);
    await block(p, w.lists, 'req_ttl0000000005', 120_000);
    expect(
      await expireBlock(
        {
          requestId: 'req_ttl0000000004',
          target: 'edge',
          cidr: '203.0.113.7/32',
          ref: REF,
          at: '',
        },
        p.deps,
      ),
    ).toBe('superseded');
    expect(w.lists.has(REF, '203.0.113.7/32')).toBe(true);
    expect((await p.blocks.list()).map((b) => b.requestId)).toEqual(['req_ttl0000000005']);
  });

  it('run again after a crash it unblocks and posts once', async () => {
    const w = world();
    const p = w.process(false);
    await block(p, w.lists, 'req_ttl0000000006', 60_000);
    const expiry = {
      requestId: 'req_ttl0000000006',
      target: 'edge',
      cidr: '203.0.113.7/32',
      ref: REF,
      at: '',
    };
    expect(await expireBlock(expiry, p.deps)).toBe('expired');
    expect(await expireBlock(expiry, p.deps)).toBe('expired');
    expect(w.lists.calls.unblock).toBe(1);
    expect(w.posts).toHaveLength(1);
  });
});
