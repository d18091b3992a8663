import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisContainmentLedger } from '../../src/containment/ledger.ts';
import { keys } from '../../src/store/keys.ts';
import { REDIS_URL } from '../helpers/harness.ts';

const prefix = `t${randomUUID().slice(0, 8)}`;
const redis = new Redis(REDIS_URL);
const ledger = redisContainmentLedger(redis, keys(prefix));
afterAll(async () => {
  const found = await redis.keys(`${prefix}:*`);
  if (found.length) await redis.del(...found);
  redis.disconnect();
});

const action = {
  requestId: 'req_block00000001',
  command: 'block-ip',
  subject: 'edge:203.0.113.7/32',
  by: 'U0ALICE',
  at: '2026-12-01T08:00:00.000Z',
};
const undo = (requestId: string) => ({ requestId, by: 'U0BOB', at: '2026-12-01T09:00:00.000Z' });

describe('containment ledger: undo state in Redis', () => {
  it('an unknown request, or another command or subject, is not claimed', async () => {
    await ledger.record(action);
    expect(
      await ledger.claimUndo({
        original: 'req_nothing000001',
        command: 'block-ip',
        subject: action.subject,
        undo: undo('req_u1'),
      }),
    ).toEqual({ status: 'unknown' });
    expect(
      (
        await ledger.claimUndo({
          original: action.requestId,
          command: 'block-ip',
          subject: 'edge:203.0.113.8/32',
          undo: undo('req_u1'),
        })
      ).status,
    ).toBe('mismatch');
    expect(
      (
        await ledger.claimUndo({
          original: action.requestId,
          command: 'signout-user',
          subject: action.subject,
          undo: undo('req_u1'),
        })
      ).status,
    ).toBe('mismatch');
    expect((await ledger.get(action.requestId))?.undone).toBeUndefined();
  });

  it('the first undo claims it, the same undo again (a retried run) still holds it, another is refused', async () => {
    const claim = (id: string) =>
      ledger.claimUndo({
        original: action.requestId,
        command: 'block-ip',
        subject: action.subject,
        undo: undo(id),
      });
    expect(await claim('req_undo00000001')).toEqual({ status: 'claimed', action });
    expect((await claim('req_undo00000001')).status).toBe('claimed');
    expect(await claim('req_undo00000002')).toEqual({
      status: 'already_undone',
      action,
      undone: undo('req_undo00000001'),
    });
    // Recording the action again (a retried run) keeps the first record and its undo.
    await ledger.record({ ...action, by: 'U0MALLORY' });
    expect(await ledger.get(action.requestId)).toEqual({
      action,
      undone: undo('req_undo00000001'),
    });
  });

  it('fifty concurrent undo claims: exactly one wins', async () => {
    const original = { ...action, requestId: 'req_block00000002' };
    await ledger.record(original);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        ledger.claimUndo({
          original: original.requestId,
          command: 'block-ip',
          subject: action.subject,
          undo: undo(`req_race${String(i).padStart(8, '0')}`),
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'claimed')).toHaveLength(1);
  });
});
