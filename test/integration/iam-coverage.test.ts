import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { awsPorts } from '../../src/aws/ports.ts';
import { buildIamPolicy, type IamPolicy } from '../../src/cli/iam-policy.ts';
import type { FileConfig } from '../../src/config/file.ts';
import type { AwsPorts } from '../../src/sdk/ports.ts';
import { redisDeployHistory } from '../../src/store/deploy-history.ts';
import { keys } from '../../src/store/keys.ts';
import { metricAlarm, mockCloudWatch } from '../helpers/cloudwatch-mock.ts';
import { startDynalite } from '../helpers/dynalite.ts';
import { exampleConfig, REDIS_URL } from '../helpers/harness.ts';
import { mockLambda } from '../helpers/lambda-mock.ts';
import { runCommand } from '../helpers/step-context.ts';
import { mockAppRunner, mockEcs } from '../helpers/services-mock.ts';

/**
 * Every AWS call a command makes must be allowed by the policy `opsbot iam-policy` prints, and
 * every action the policy grants must be used. Each command in the registry needs a scenario here
 * that runs it through the real adapters (aws-sdk-client-mock clients, dynalite for DynamoDB);
 * a command without one fails this test.
 */

interface Mocked {
  mock: {
    restore(): void;
    calls(): { args: unknown[]; thisValue: unknown }[];
  };
}

interface World {
  aws: AwsPorts;
  targets: FileConfig['targets'];
  /** Registers an aws-sdk-client-mock mock whose calls count (and restores it afterwards). */
  use<M extends Mocked>(mocked: M): M;
  dynamodb: Awaited<ReturnType<typeof startDynalite>>;
}

const DROP_ARN =
  'arn:aws:apprunner:eu-west-1:123456789012:service/drop/8fe1e10304f84fd2b0df550fe98a71fa';

const SCENARIOS: Record<string, (w: World) => Promise<unknown>> = {
  ping: (w) => runCommand(find('ping'), {}, w),
  promote: async (w) => {
    w.use(mockLambda({ versions: ['42', '43'], current: '42' }));
    await runCommand(find('promote'), { function: 'mission-control-api', version: '43' }, w);
  },
  rollback: async (w) => {
    w.use(mockLambda({ versions: ['42', '43'], current: '42' }));
    await runCommand(find('promote'), { function: 'mission-control-api', version: '43' }, w);
    await runCommand(find('rollback'), { function: 'mission-control-api' }, w);
  },
  restart: async (w) => {
    w.use(mockEcs({ cluster: 'autostack', service: 'autostack-backend' }));
    await runCommand(find('restart'), { service: 'autostack-backend' }, w);
    w.use(mockAppRunner({ serviceArn: DROP_ARN }));
    await runCommand(find('restart'), { service: 'drop' }, w);
  },
  'table-health': async (w) => {
    for (const t of w.targets.table_health.tables) await w.dynamodb.createTable(t);
    w.use(
      mockCloudWatch({ series: () => 1, alarms: [metricAlarm('eggs', 'spaceduck-eggs', 'OK')] }),
    );
    await runCommand(find('table-health'), {}, w);
  },
  health: (w) =>
    runCommand(
      find('health'),
      { service: 'api' },
      {
        ...w,
        aws: { ...w.aws, http: { get: async (url) => ({ url, status: 200, ms: 1 }) } },
      },
    ),
};

function find(name: string) {
  const command = commands.find((c) => c.name === name);
  if (!command) throw new Error(`no command ${name} in the registry`);
  return command;
}

const ACCOUNT = '123456789012';

/** The ARN IAM evaluates for a call, from the service, action and input. */
function resourceOf(
  service: string,
  action: string,
  region: string,
  input: Record<string, unknown>,
): string {
  const s = (k: string) => String(input[k] ?? '');
  switch (service) {
    case 'lambda':
      return `arn:aws:lambda:${region}:${ACCOUNT}:function:${s('FunctionName')}${action.endsWith('Alias') ? `:${s('Name')}` : ''}`;
    case 'ecs':
      return `arn:aws:ecs:${region}:${ACCOUNT}:service/${s('cluster')}/${input.service ?? (input.services as string[])[0]}`;
    case 'apprunner':
      return s('ServiceArn');
    case 'cloudwatch':
      return '*';
    case 'dynamodb':
      return `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${s('TableName')}`;
    case 'secretsmanager':
      return s('SecretId').startsWith('arn:')
        ? s('SecretId')
        : `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${s('SecretId')}-AbCdEf`;
    default:
      throw new Error(`iam-coverage: add how to name the resource of ${service}:${action}`);
  }
}

async function sdkCalls(mocked: Mocked[]) {
  const out: { action: string; resource: string }[] = [];
  for (const m of mocked) {
    for (const call of m.mock.calls()) {
      const command = call.args[0] as {
        constructor: { name: string };
        input: Record<string, unknown>;
      };
      const client = call.thisValue as {
        config: { region(): Promise<string>; serviceId?: string };
      };
      const service = client.constructor.name.replace(/Client$/, '').toLowerCase();
      const action = command.constructor.name.replace(/Command$/, '');
      const region = await client.config.region();
      out.push({
        action: `${service}:${action}`,
        resource: resourceOf(service, action, region, command.input),
      });
    }
  }
  return out;
}

const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );

function allows(policy: IamPolicy, call: { action: string; resource: string }) {
  return policy.Statement.some(
    (s) =>
      s.Action.some((a) => glob(a).test(call.action)) &&
      s.Resource.some((r) => glob(r).test(call.resource)),
  );
}

describe('the printed IAM policy covers exactly the calls commands make', () => {
  const redis = new Redis(REDIS_URL);
  const prefix = `tiam${Math.random().toString(36).slice(2, 10)}`;
  let dynamodb: Awaited<ReturnType<typeof startDynalite>>;
  const used = new Set<string>();
  beforeAll(async () => {
    dynamodb = await startDynalite();
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamodb.endpoint;
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
  });
  afterAll(async () => {
    await dynamodb.stop();
    const found = await redis.keys(`${prefix}:*`);
    if (found.length) await redis.del(...found);
    redis.disconnect();
  });

  const file = exampleConfig();
  for (const s of Object.values(file.targets.services)) s.poll_interval_ms = 1;
  const { policy } = buildIamPolicy(commands, file.targets, 'us-east-1');

  for (const command of commands) {
    it(`${command.name}: every AWS call is allowed by the policy`, async () => {
      const scenario = SCENARIOS[command.name];
      expect(
        scenario,
        `no IAM scenario for the command ${command.name}: add one to SCENARIOS`,
      ).toBeDefined();
      const mocked: Mocked[] = [];
      const seen = dynamodb.requests.length;
      const world: World = {
        aws: awsPorts('us-east-1', {
          deploys: redisDeployHistory(redis, keys(`${prefix}${command.name}`)),
        }),
        targets: file.targets,
        dynamodb,
        use: (m) => {
          mocked.push(m);
          return m;
        },
      };
      try {
        await scenario!(world);
      } finally {
        for (const m of mocked) m.mock.restore();
      }
      const calls = [
        ...(await sdkCalls(mocked)),
        ...dynamodb.requests.slice(seen).map((r) => ({
          action: `dynamodb:${r.action}`,
          resource: resourceOf('dynamodb', r.action, r.region, r.body),
        })),
      ].filter((c) => c.action !== 'dynamodb:CreateTable'); // test setup, not the command
      for (const call of calls) used.add(call.action);
      const ownActions = (command.permissions?.(file.targets, 'us-east-1') ?? []).flatMap(
        (s) => s.actions,
      );
      if (ownActions.length > 0) expect(calls.length).toBeGreaterThan(0);
      else expect(calls).toEqual([]);
      expect(calls.filter((c) => !allows(policy, c))).toEqual([]);
    });
  }

  it('grants no action that no scenario used', () => {
    const granted = new Set(policy.Statement.flatMap((s) => s.Action));
    expect([...granted].filter((a) => !used.has(a))).toEqual([]);
  });
});
