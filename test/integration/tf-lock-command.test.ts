import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import tfLock from '../../commands/tf-lock.ts';
import { dynamoClients } from '../../src/aws/records.ts';
import { tfLocksAdapter } from '../../src/aws/tf-locks.ts';
import type { FileConfig } from '../../src/config/file.ts';
import type { Ports } from '../../src/sdk/ports/index.ts';
import { type Dynalite, startDynalite } from '../helpers/dynalite.ts';
import { exampleConfig } from '../helpers/harness.ts';
import { stepContext } from '../helpers/step-context.ts';
import { goTime, tfLockInfo, tfLockTable } from '../helpers/tf-lock-table.ts';

/** tf-lock on dynalite (a real DynamoDB wire protocol and condition semantics). */
let db: Dynalite;
let ports: Ports;
let n = 0;
beforeAll(async () => {
  db = await startDynalite();
  ports = {
    tfLocks: tfLocksAdapter(
      dynamoClients('us-east-1', {
        endpoint: db.endpoint,
        credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret-key' },
      }),
    ),
  } as unknown as Ports;
});
afterAll(() => db.stop());

/** A fresh lock table (its own target) holding one lock taken `ageMs` ago. */
async function table(ageMs: number) {
  const name = `autostack-tf-locks-${n++}`;
  const key = await tfLockTable(db, name, { id: `lock-${n}`, created: goTime(Date.now() - ageMs) });
  const targets = {
    ...exampleConfig().targets,
    tf_locks: { autostack: { table: name, region: 'us-east-1' } },
  } as FileConfig['targets'];
  return { name, key, id: `lock-${n}`, targets };
}

const release = (targets: FileConfig['targets'], id: string, extra: Record<string, unknown> = {}) =>
  stepContext({
    command: tfLock,
    args: { action: 'release', subject: id, reason: 'runner died mid-apply', ...extra },
    ports,
    targets,
  });

describe('tf-lock', () => {
  it('show: who holds the lock, what operation, since when, which version', async () => {
    const t = await table(3 * 3_600_000);
    const run = stepContext({
      command: tfLock,
      args: { action: 'show' },
      ports,
      targets: t.targets,
    });
    await run.runAll();
    const text = JSON.stringify(run.captured.posts);
    expect(text).toContain(`ID ${t.id}`);
    expect(text).toContain('OperationTypeApply by runner@ci-7f3a (Terraform 1.9.8)');
    expect(text).toMatch(/\(3 h 0 min ago\), workspace default/);
    expect(tfLock.environment?.({ action: 'show', force: false }, t.targets)).toBe('read-only');
  });

  it('release: a lock older than 15 minutes is deleted; the card says there is no undo', async () => {
    const t = await table(40 * 60_000);
    const run = release(t.targets, t.id);
    await run.runAll();
    expect(await db.get(t.name, { LockID: t.key })).toBeUndefined();
    const card = JSON.stringify(run.captured.posts);
    expect(card).toContain('No undo: a released lock cannot be put back');
    expect(card).not.toContain('"Undo"');
    expect(run.captured.records.map((r) => r.event)).toEqual(['tf_lock.released']);
  });

  it('release refuses a lock younger than 15 minutes and says why; force=true releases it', async () => {
    const t = await table(5 * 60_000);
    await expect(tfLock.plan!(release(t.targets, t.id).ctx)).rejects.toMatchObject({
      code: 'lock_too_young',
      message: expect.stringMatching(
        /only 5 min old .* a terraform run probably still holds it.*force=true/,
      ),
    });
    expect(await db.get(t.name, { LockID: t.key })).toBeDefined();
    await release(t.targets, t.id, { force: 'true' }).runAll();
    expect(await db.get(t.name, { LockID: t.key })).toBeUndefined();
  });

  it('a lock replaced after the plan is not deleted: the approved plan drifts, the delete condition fails', async () => {
    const t = await table(60 * 60_000);
    const run = release(t.targets, t.id);
    const plan = await tfLock.plan!(run.ctx);
    // Terraform's stuck run goes away and a new apply takes the lock under the same LockID.
    await db.put(t.name, {
      LockID: t.key,
      Info: tfLockInfo({ id: t.id, created: goTime(Date.now()), who: 'someone@laptop' }),
    });
    const fresh = await tfLock.plan!(run.ctx).catch((e: Error) => e);
    // Same ID but a new Info: the run refuses on drift (facts differ) or on age.
    expect(fresh instanceof Error || fresh.facts.info !== plan.facts.info).toBe(true);
    // Even a step that read before the change deletes nothing: the condition is the exact Info.
    const stale = { lockKey: t.key, info: String(plan.facts.info) };
    expect(await ports.tfLocks!.release({ table: t.name, region: 'us-east-1' }, stale)).toEqual({
      status: 'changed',
    });
    expect(JSON.parse(String((await db.get(t.name, { LockID: t.key }))?.Info)).Who).toBe(
      'someone@laptop',
    );
  });

  it('an unknown lock id names the locks held, nothing deleted', async () => {
    const t = await table(60 * 60_000);
    await expect(tfLock.plan!(release(t.targets, 'not-a-lock').ctx)).rejects.toMatchObject({
      code: 'lock_not_found',
      message: expect.stringContaining(`held now: ${t.id}`),
    });
  });
});
