import { ModifyDBInstanceCommand } from '@aws-sdk/client-rds';
import { afterEach, describe, expect, it } from 'vitest';
import rotateDbPassword from '../../commands/rotate-db-password.ts';
import { awsAdapters } from '../../src/aws/adapters.ts';
import type { FileConfig } from '../../src/config/file.ts';
import { exampleConfig } from '../helpers/harness.ts';
import { memoryDeploys } from '../helpers/memory-deploys.ts';
import { mockRds } from '../helpers/rds-mock.ts';
import { mockSecrets } from '../helpers/secrets-mock.ts';
import { stepContext } from '../helpers/step-context.ts';

const SECRET = 'drop/production/database-url';
const OLD =
  'postgres://dropuser:old-pass@drop-db.czu2qe4quy4v.eu-west-1.rds.amazonaws.com:5432/dropapp';

function targets(): FileConfig['targets'] {
  const t = exampleConfig().targets as FileConfig['targets'] & Record<string, unknown>;
  t.databases = {
    'drop-db': {
      instance_id: 'drop-db',
      region: 'eu-west-1',
      password_secret: SECRET,
      poll_interval_ms: 5,
      consumers: [],
      environment: 'prod',
      timeout_seconds: 2,
    },
  };
  return t;
}

describe('rotate-db-password: AWSPENDING, ModifyDBInstance, available, AWSCURRENT', () => {
  const mocks: { mock: { restore(): void } }[] = [];
  afterEach(() => {
    for (const m of mocks.splice(0)) m.mock.restore();
  });
  function world() {
    const rds = mockRds({ id: 'drop-db' });
    const sm = mockSecrets('eu-west-1');
    sm.add(SECRET, OLD);
    mocks.push(rds, sm);
    const ports = awsAdapters('eu-west-1', { deploys: memoryDeploys() });
    const run = (done: Record<string, unknown> = {}) =>
      stepContext({
        command: rotateDbPassword,
        args: { db: 'drop-db' },
        ports,
        targets: targets(),
        requestId: 'req_rot0000000000001',
        done,
      });
    const password = (value: string) => decodeURIComponent(new URL(value).password);
    return { rds, sm, run, password };
  }

  it('leaves the database and AWSCURRENT holding the same new password; only the password part changes', async () => {
    const w = world();
    const r = w.run();
    await r.runAll();
    const current = w.sm.current(SECRET)!.value;
    expect(w.rds.state.passwords).toHaveLength(1);
    expect(w.password(current)).toBe(w.rds.state.passwords[0]);
    expect(w.password(current)).not.toBe('old-pass');
    expect(current.replace(/:[^:@/]+@/, ':X@')).toBe(OLD.replace('old-pass', 'X'));
    // The password appears in no step result, progress note or audit record.
    const seen = JSON.stringify([r.ctx.results, r.captured]);
    expect(seen).not.toContain(w.rds.state.passwords[0]);
  });

  it('a failed ModifyDBInstance leaves AWSCURRENT old and says so; the retry applies the staged password, not a second one', async () => {
    const w = world();
    w.rds.state.denyModify = true;
    const first = w.run();
    await first.runStep('stage');
    await expect(first.runStep('apply')).rejects.toThrow(
      /State: the new password is staged AWSPENDING only/,
    );
    expect(w.sm.current(SECRET)!.value).toBe(OLD);
    w.rds.state.denyModify = false;
    const retry = w.run({ stage: first.ctx.results.stage });
    await retry.runAll();
    expect(w.rds.state.passwords).toHaveLength(1);
    expect(w.password(w.sm.current(SECRET)!.value)).toBe(w.rds.state.passwords[0]);
  });

  it('a crash after the password was applied: the retry re-stages nothing and applies the same password', async () => {
    const w = world();
    const first = w.run();
    await first.runStep('stage');
    await first.runStep('apply');
    // Killed before any checkpoint: the retry runs every step again.
    const retry = w.run();
    await retry.runAll();
    expect(retry.ctx.results.stage).toMatchObject({ reused: true });
    expect(new Set(w.rds.state.passwords).size).toBe(1);
    expect(w.password(w.sm.current(SECRET)!.value)).toBe(w.rds.state.passwords[0]);
    expect(w.rds.rds.commandCalls(ModifyDBInstanceCommand)).toHaveLength(2);
  });

  it('a failed make-current says the database has the new password and AWSCURRENT the old; the retry fixes it', async () => {
    const w = world();
    const first = w.run();
    for (const s of ['stage', 'apply', 'wait-available']) await first.runStep(s);
    w.sm.failNext('UpdateSecretVersionStage', w.sm.awsError('InternalServiceError', 'boom'));
    await expect(first.runStep('make-current')).rejects.toThrow(
      /State: the database has the NEW password but AWSCURRENT still holds the old one/,
    );
    const { 'make-current': _x, ...done } = first.ctx.results;
    await w.run(done).runAll();
    expect(w.password(w.sm.current(SECRET)!.value)).toBe(w.rds.state.passwords[0]);
  });
});
