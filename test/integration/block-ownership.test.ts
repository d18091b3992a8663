import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import blockIp from '../../commands/block-ip.ts';
import unblockIp from '../../commands/unblock-ip.ts';
import { redisActiveBlocks } from '../../src/containment/active-blocks.ts';
import { type ExpiryDeps, expireBlock } from '../../src/containment/expiry.ts';
import { redisContainmentLedger } from '../../src/containment/ledger.ts';
import type { BlocklistRef, OutputMessage } from '../../src/sdk/index.ts';
import type { Ports } from '../../src/sdk/ports/index.ts';
import { keys } from '../../src/store/keys.ts';
import { exampleConfig, REDIS_URL } from '../helpers/harness.ts';
import { memoryBlocklists } from '../helpers/memory-blocklists.ts';
import { stepContext } from '../helpers/step-context.ts';

/**
 * Who holds a block, on real Redis: a newer block of the same address takes it over, so the older
 * request's Undo must not lift it; and a manual unblock marks what it lifted undone in one atomic
 * step that a run retried after a crash completes.
 */

const targets = exampleConfig().targets;
const CIDR = '203.0.113.50/32';
/** The example config's `vpc` target (a network ACL, rules 10–49). */
const VPC: BlocklistRef = {
  type: 'nacl',
  networkAclId: 'acl-0a1b2c3d4e5f67890',
  ruleRange: { from: 10, to: 49 },
  region: 'us-east-1',
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * The containment ports on a Redis connection of their own. `crashAfterWrites`: the connection
 * dies right after that many script writes have reached Redis (the write happened, the worker did
 * not live to see the answer), as a worker crash mid-step would.
 */
function world() {
  const prefix = `t${randomUUID().slice(0, 8)}`;
  const k = keys(prefix);
  const admin = new Redis(REDIS_URL);
  const lists = memoryBlocklists();
  cleanups.push(async () => {
    const found = await admin.keys(`${prefix}:*`);
    if (found.length) await admin.del(...found);
    admin.disconnect();
  });
  const ports = (crashAfterWrites?: number) => {
    const redis = new Redis(REDIS_URL);
    cleanups.push(async () => redis.disconnect());
    let writes = 0;
    const crashing = new Proxy(redis, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (name !== 'eval' || crashAfterWrites === undefined) return value;
        return async (...args: unknown[]) => {
          const answer = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          if (++writes >= crashAfterWrites) throw new Error('worker crashed');
          return answer;
        };
      },
    });
    const blocks = redisActiveBlocks(crashing, k, async () => {});
    return {
      ipBlocklists: lists.port,
      containment: redisContainmentLedger(crashing, k),
      blocks,
    } as unknown as Ports;
  };
  return { lists, ports };
}

/** What the expiry worker needs, on these ports; its notes go to `posts`. */
function expiryDeps(
  ports: Ports,
  lists: ReturnType<typeof memoryBlocklists>,
  posts: OutputMessage[],
): ExpiryDeps {
  const redis = new Redis(REDIS_URL);
  const prefix = `t${randomUUID().slice(0, 8)}`;
  cleanups.push(async () => {
    const found = await redis.keys(`${prefix}:*`);
    if (found.length) await redis.del(...found);
    redis.disconnect();
  });
  return {
    redis,
    keys: keys(prefix),
    blocklists: lists.port,
    ledger: ports.containment!,
    blocks: ports.blocks!,
    post: async (_thread, message) => {
      posts.push(message);
    },
    record: () => {},
  };
}

function run(
  command: typeof blockIp | typeof unblockIp,
  args: Record<string, unknown>,
  ports: Ports,
  requestId: string,
) {
  return stepContext({ command, args, ports, targets, requestId, requester: 'U0ALICE' });
}

describe('block ownership: an older block’s Undo never lifts a newer block', () => {
  it('blocked twice: the first Undo is refused naming the newer request; the newer Undo lifts it', async () => {
    const w = world();
    const ports = w.ports();
    await run(
      blockIp,
      { cidr: CIDR, target: 'vpc', reason: 'scanner' },
      ports,
      'req_a000000000000001',
    ).runAll();
    const again = run(
      blockIp,
      { cidr: CIDR, target: 'vpc', reason: 'scanner is back' },
      ports,
      'req_b000000000000002',
    );
    await again.runAll();
    expect(JSON.stringify(again.captured.posts)).toContain(
      'Takes over the block of request req_a000000000000001',
    );

    const undoFirst = run(
      unblockIp,
      { cidr: CIDR, target: 'vpc', undo: 'req_a000000000000001' },
      ports,
      'req_c000000000000003',
    );
    const refused = await undoFirst.runAll().catch((e: Error) => e);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toMatch(
      /request req_a000000000000001 no longer holds the block of 203\.0\.113\.50\/32 on vpc: request req_b000000000000002 \(by U0ALICE at .+\) blocked it again and holds it now.*nothing was changed/,
    );
    expect(w.lists.has(VPC, CIDR)).toBe(true);
    expect(w.lists.calls.unblock).toBe(0);
    expect((await ports.blocks!.list()).map((b) => b.requestId)).toEqual(['req_b000000000000002']);

    await run(
      unblockIp,
      { cidr: CIDR, target: 'vpc', undo: 'req_b000000000000002' },
      ports,
      'req_d000000000000004',
    ).runAll();
    expect(w.lists.has(VPC, CIDR)).toBe(false);
    expect(await ports.blocks!.list()).toEqual([]);
    expect((await ports.containment!.get('req_b000000000000002'))?.undone?.requestId).toBe(
      'req_d000000000000004',
    );
  });

  it('lifted outside opsbot, then blocked again: the first Undo does not remove the rule the second added', async () => {
    const w = world();
    const ports = w.ports();
    await run(
      blockIp,
      { cidr: CIDR, target: 'vpc', reason: 'scanner' },
      ports,
      'req_a000000000000011',
    ).runAll();
    // Someone deletes the deny entry in the console; a later request blocks the address again.
    await w.lists.port.unblock(VPC, CIDR);
    await run(
      blockIp,
      { cidr: CIDR, target: 'vpc', reason: 'back again' },
      ports,
      'req_b000000000000012',
    ).runAll();
    expect(w.lists.has(VPC, CIDR)).toBe(true);
    const before = w.lists.calls.unblock;

    const refused = await run(
      unblockIp,
      { cidr: CIDR, target: 'vpc', undo: 'req_a000000000000011' },
      ports,
      'req_c000000000000013',
    )
      .runAll()
      .catch((e: Error) => e);
    expect((refused as Error).message).toContain('holds it now');
    expect(w.lists.has(VPC, CIDR)).toBe(true);
    expect(w.lists.calls.unblock).toBe(before);
    // The first block's ttl, had it one, leaves the newer block too.
    const outcome = await expireBlock(
      { requestId: 'req_a000000000000011', target: 'vpc', cidr: CIDR, ref: VPC, at: '' },
      expiryDeps(ports, w.lists, []),
    );
    expect(outcome).toBe('superseded');
    expect(w.lists.has(VPC, CIDR)).toBe(true);
  });
});

describe('manual unblock-ip: one atomic step marks the block undone', () => {
  it('a crash right after the first Redis write, then the retry: the block is undone by the unblock, once', async () => {
    const w = world();
    const ports = w.ports();
    await run(
      blockIp,
      { cidr: CIDR, target: 'vpc', reason: 'scanner', ttl: '2h' },
      ports,
      'req_a000000000000021',
    ).runAll();

    // The first attempt: the unblock step finishes (checkpointed), then the worker dies in settle
    // just after its first write to Redis.
    const first = run(unblockIp, { cidr: CIDR, target: 'vpc' }, w.ports(1), 'req_e000000000000022');
    first.ctx.plan = await unblockIp.plan!(first.ctx);
    const unblocked = await first.runStep('unblock');
    await expect(first.runStep('settle')).rejects.toThrow('worker crashed');

    // The retry (a new worker): checkpointed steps are skipped, settle runs again.
    const retry = stepContext({
      command: unblockIp,
      args: { cidr: CIDR, target: 'vpc' },
      ports,
      targets,
      requestId: 'req_e000000000000022',
      requester: 'U0ALICE',
      plan: first.ctx.plan,
      done: { unblock: JSON.parse(JSON.stringify(unblocked)) },
    });
    const results = await retry.runAll();
    expect(results.settle).toEqual({ undoes: 'req_a000000000000021' });
    expect(JSON.stringify(retry.captured.records)).toContain('"undoes":"req_a000000000000021"');
    const known = await ports.containment!.get('req_a000000000000021');
    expect(known?.undone?.requestId).toBe('req_e000000000000022');
    expect(await ports.blocks!.list()).toEqual([]);
    expect(w.lists.has(VPC, CIDR)).toBe(false);
    expect(w.lists.calls.unblock).toBe(1);

    // Its ttl then changes nothing and posts nothing: the unblock is recorded as what undid it.
    const posts: OutputMessage[] = [];
    const outcome = await expireBlock(
      { requestId: 'req_a000000000000021', target: 'vpc', cidr: CIDR, ref: VPC, at: '' },
      expiryDeps(ports, w.lists, posts),
    );
    expect(outcome).toBe('already_undone');
    expect(posts).toEqual([]);
    expect(w.lists.calls.unblock).toBe(1);

    // And the block's own Undo is refused as already undone by the manual unblock.
    const undo = run(
      unblockIp,
      { cidr: CIDR, target: 'vpc', undo: 'req_a000000000000021' },
      ports,
      'req_f000000000000023',
    );
    await expect(undo.runAll()).rejects.toThrow(
      /already undone .* by request req_e000000000000022/,
    );
  });
});
