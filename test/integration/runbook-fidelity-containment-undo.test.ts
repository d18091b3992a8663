import { AdminEnableUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import disableAccessKey from '../../commands/disable-access-key.ts';
import enableAccessKey from '../../commands/enable-access-key.ts';
import enableUser from '../../commands/enable-user.ts';
import signoutUser from '../../commands/signout-user.ts';
import { awsAdapters } from '../../src/aws/adapters.ts';
import type { Ports } from '../../src/sdk/ports/index.ts';
import { ACCOUNT, mockCognito, mockIam, mockSts } from '../helpers/containment-mocks.ts';
import { exampleConfig } from '../helpers/harness.ts';
import { memoryContainment } from '../helpers/memory-containment.ts';
import { memoryDeploys } from '../helpers/memory-deploys.ts';
import { stepContext } from '../helpers/step-context.ts';

/**
 * Mantissa Log's containment and its Undo: the Undo puts back what the action changed, and only
 * that. A key that was already Inactive (deactivated by hand, or by an earlier request) stays
 * Inactive when the quarantine is undone; a user who was already disabled stays disabled.
 */

const KEY = 'AKIAIOSFODNN7EXAMPLE';
const POOL = 'us-east-1_AbCdEf123';
const targets = exampleConfig().targets;

let iam: ReturnType<typeof mockIam>;
let cognito: ReturnType<typeof mockCognito>;
let sts: ReturnType<typeof mockSts>;
let ports: Ports;

function setUp(keyStatus: 'Active' | 'Inactive', mallory: boolean) {
  iam = mockIam({ 'ci-deployer': { [KEY]: keyStatus } });
  cognito = mockCognito({ [POOL]: { mallory } });
  sts = mockSts(`arn:aws:iam::${ACCOUNT}:user/opsbot`);
  ports = {
    ...awsAdapters('us-east-1', { deploys: memoryDeploys() }),
    ...memoryContainment().ports,
  };
}
afterEach(() => {
  iam.mock.restore();
  cognito.mock.restore();
  sts.mock.restore();
});

const ctx = (command: Parameters<typeof stepContext>[0]['command'], args: object, id: string) =>
  stepContext({ command, args: { ...args }, ports, targets, requestId: id });

describe('enable-access-key undo=… restores the status the key had', () => {
  beforeEach(() => setUp('Inactive', true));

  it('a key already Inactive before the quarantine stays Inactive; only the policy goes', async () => {
    const action = 'req_00000000000000d1';
    await ctx(
      disableAccessKey,
      { access_key_id: KEY, reason: 'key seen in a public gist', deny_all: 'true' },
      action,
    ).runAll();
    expect(Object.keys(iam.state['ci-deployer']!.policies)).toEqual([
      `opsbot-quarantine-${action}`,
    ]);
    const undo = ctx(enableAccessKey, { access_key_id: KEY, undo: action }, 'req_00000000000000d2');
    await undo.runAll();
    expect(undo.ctx.plan!.summary).toContain('stays Inactive');
    expect(iam.state['ci-deployer']!.keys[KEY]).toBe('Inactive');
    expect(iam.state['ci-deployer']!.policies).toEqual({});
    expect(
      iam.mock
        .commandCalls(UpdateAccessKeyCommand)
        .map((c) => c.args[0].input.Status)
        .filter((s) => s === 'Active'),
    ).toEqual([]);
  });

  it('a key that was Active is reactivated by the Undo, as before', async () => {
    iam.state['ci-deployer']!.keys[KEY] = 'Active';
    const action = 'req_00000000000000d3';
    await ctx(disableAccessKey, { access_key_id: KEY, reason: 'leaked' }, action).runAll();
    expect(iam.state['ci-deployer']!.keys[KEY]).toBe('Inactive');
    await ctx(
      enableAccessKey,
      { access_key_id: KEY, undo: action },
      'req_00000000000000d4',
    ).runAll();
    expect(iam.state['ci-deployer']!.keys[KEY]).toBe('Active');
  });

  it('nothing to undo when the key was already Inactive and no policy was added', async () => {
    const action = 'req_00000000000000d5';
    await ctx(disableAccessKey, { access_key_id: KEY, reason: 'leaked' }, action).runAll();
    const undo = ctx(enableAccessKey, { access_key_id: KEY, undo: action }, 'req_00000000000000d6');
    await expect(enableAccessKey.plan!(undo.ctx)).rejects.toMatchObject({
      code: 'nothing_to_undo',
    });
    expect(iam.state['ci-deployer']!.keys[KEY]).toBe('Inactive');
  });
});

describe('enable-user undo=… does not enable a user who was disabled before', () => {
  beforeEach(() => setUp('Active', false));

  it('refuses to undo a disable that changed nothing', async () => {
    const action = 'req_00000000000000e1';
    await ctx(
      signoutUser,
      { username: 'mallory', pool: 'customers', reason: 'suspicious login', disable: 'true' },
      action,
    ).runAll();
    const undo = ctx(
      enableUser,
      { username: 'mallory', pool: 'customers', undo: action },
      'req_00000000000000e2',
    );
    await expect(enableUser.plan!(undo.ctx)).rejects.toMatchObject({ code: 'nothing_to_undo' });
    expect(cognito.mock.commandCalls(AdminEnableUserCommand)).toHaveLength(0);
    expect(cognito.state.pools[POOL]!.mallory).toBe(false);
  });

  it('a user who was enabled is enabled again by the Undo, as before', async () => {
    cognito.state.pools[POOL]!.mallory = true;
    const action = 'req_00000000000000e3';
    await ctx(
      signoutUser,
      { username: 'mallory', pool: 'customers', reason: 'suspicious login', disable: 'true' },
      action,
    ).runAll();
    expect(cognito.state.pools[POOL]!.mallory).toBe(false);
    await ctx(
      enableUser,
      { username: 'mallory', pool: 'customers', undo: action },
      'req_00000000000000e4',
    ).runAll();
    expect(cognito.state.pools[POOL]!.mallory).toBe(true);
  });
});
