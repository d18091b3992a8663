import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import reactivateDuckling from '../../commands/reactivate-duckling.ts';
import suspendDuckling from '../../commands/suspend-duckling.ts';
import type { Ports } from '../../src/sdk/ports/index.ts';
import { type Dynalite, SPACEDUCK_TABLES, startDynalite } from '../helpers/dynalite.ts';
import { exampleConfig } from '../helpers/harness.ts';
import { memoryContainment } from '../helpers/memory-containment.ts';
import { stepContext } from '../helpers/step-context.ts';

/** The API runbook's tenant suspension on dynalite, and its undo. */
let db: Dynalite;
beforeAll(async () => {
  db = await startDynalite(SPACEDUCK_TABLES);
});
afterAll(() => db.stop());

const targets = exampleConfig().targets;

describe('suspend-duckling and its undo', () => {
  it('suspends keeping the prior status; the undo restores it; a second undo is refused', async () => {
    await db.put('spaceduck-ducklings', { duckling_id: 'dk_abuse', status: 'TRIAL' });
    const ports = {
      ...({ records: db.records } as unknown as Ports),
      ...memoryContainment().ports,
    };
    const suspend = stepContext({
      command: suspendDuckling,
      args: { duckling_id: 'dk_abuse', reason: 'scraping' },
      ports,
      targets,
      requestId: 'req_00000000000000a1',
    });
    await suspend.runAll();
    expect(await db.get('spaceduck-ducklings', { duckling_id: 'dk_abuse' })).toMatchObject({
      status: 'SUSPENDED',
      status_before_suspension: 'TRIAL',
    });
    expect(JSON.stringify(suspend.captured.posts)).toContain(
      'reactivate-duckling dk_abuse undo=req_00000000000000a1',
    );

    const undo = () =>
      stepContext({
        command: reactivateDuckling,
        args: { duckling_id: 'dk_abuse', undo: 'req_00000000000000a1' },
        ports,
        targets,
        requestId: 'req_00000000000000b2',
      });
    await undo().runAll();
    const after = await db.get('spaceduck-ducklings', { duckling_id: 'dk_abuse' });
    expect(after?.status).toBe('TRIAL');
    expect(after?.status_before_suspension).toBeUndefined();

    const again = stepContext({
      command: reactivateDuckling,
      args: { duckling_id: 'dk_abuse', undo: 'req_00000000000000a1' },
      ports,
      targets,
      requestId: 'req_00000000000000c3',
    });
    await expect(reactivateDuckling.plan!(again.ctx)).rejects.toMatchObject({
      code: 'already_undone',
      message: expect.stringContaining('by request req_00000000000000b2'),
    });
  });
});
