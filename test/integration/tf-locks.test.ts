import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockAgeMs, parseTfLock, workspaceOf } from '../../commands/lib/tf-lock.ts';
import { dynamoClients } from '../../src/aws/records.ts';
import { tfLocksAdapter } from '../../src/aws/tf-locks.ts';
import { type Dynalite, startDynalite } from '../helpers/dynalite.ts';
import { goTime, tfLockInfo, tfLockTable } from '../helpers/tf-lock-table.ts';

let db: Dynalite;
let locks: ReturnType<typeof tfLocksAdapter>;
beforeAll(async () => {
  db = await startDynalite();
  locks = tfLocksAdapter(
    dynamoClients('us-east-1', {
      endpoint: db.endpoint,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret-key' },
    }),
  );
});
afterAll(() => db.stop());

describe('Terraform lock table on dynalite', () => {
  it('lists held locks (not digest items) and reads Terraform’s Info JSON', async () => {
    const created = goTime(Date.parse('2026-12-01T07:00:00Z'));
    const key = await tfLockTable(db, 'locks-list', {
      id: 'a1b2c3d4-0000-4000-8000-000000000001',
      created,
    });
    await db.put('locks-list', {
      LockID: 'autostack-tf-state/env:/staging/autostack/terraform.tfstate',
      Info: tfLockInfo({
        id: 'ws-lock',
        created,
        path: 'autostack-tf-state/env:/staging/autostack/terraform.tfstate',
      }),
    });
    const items = await locks.list({ table: 'locks-list' });
    expect(items.map((i) => i.lockKey).sort()).toEqual([
      key,
      'autostack-tf-state/env:/staging/autostack/terraform.tfstate',
    ]);
    const lock = parseTfLock(items.find((i) => i.lockKey === key)!)!;
    expect(lock).toMatchObject({
      id: 'a1b2c3d4-0000-4000-8000-000000000001',
      operation: 'OperationTypeApply',
      who: 'runner@ci-7f3a',
      version: '1.9.8',
      created,
    });
    expect(lockAgeMs(lock, Date.parse('2026-12-01T07:20:00Z'))).toBe(20 * 60_000);
    expect(workspaceOf(lock)).toBe('default');
    expect(workspaceOf(parseTfLock(items.find((i) => i.lockKey !== key)!)!)).toBe('staging');
  });

  it('a real conditional DeleteItem removes the lock while its Info is unchanged', async () => {
    await tfLockTable(db, 'locks-release', {
      id: 'lock-1',
      created: goTime(Date.now() - 3_600_000),
    });
    const [item] = await locks.list({ table: 'locks-release' });
    expect(await locks.release({ table: 'locks-release' }, item!)).toEqual({ status: 'released' });
    expect(await db.get('locks-release', { LockID: item!.lockKey })).toBeUndefined();
    // The digest item is the state's, not the lock's: it stays.
    expect(await db.get('locks-release', { LockID: `${item!.lockKey}-md5` })).toBeDefined();
    expect(await locks.release({ table: 'locks-release' }, item!)).toEqual({ status: 'changed' });
  });

  it('a lock replaced between show and release (a new ID) is not deleted', async () => {
    await tfLockTable(db, 'locks-replaced', {
      id: 'old-lock',
      created: goTime(Date.now() - 3_600_000),
    });
    const [shown] = await locks.list({ table: 'locks-replaced' });
    // The stuck run's lock goes away and a new terraform apply takes the lock.
    await db.put('locks-replaced', {
      LockID: shown!.lockKey,
      Info: tfLockInfo({ id: 'new-lock', created: goTime(Date.now()) }),
    });
    expect(await locks.release({ table: 'locks-replaced' }, shown!)).toEqual({ status: 'changed' });
    const now = await db.get('locks-replaced', { LockID: shown!.lockKey });
    expect(JSON.parse(String(now?.Info)).ID).toBe('new-lock');
  });
});
