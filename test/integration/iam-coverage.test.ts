import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { type AppendFloors, appendExactlyOnce } from '../../src/audit/append.ts';
import { ledgerPort } from '../../src/audit/ledger-port.ts';
import { createLedgerTable, dynamoClient, LedgerTable } from '../../src/audit/table.ts';
import { awsPorts } from '../../src/aws/ports.ts';
import { buildIamPolicy, type IamPolicy } from '../../src/cli/iam-policy.ts';
import type { FileConfig } from '../../src/config/file.ts';
import { requestToken } from '../../src/sdk/generate.ts';
import { provideIncidents } from '../../src/sdk/incidents.ts';
import type { AwsPorts } from '../../src/sdk/ports.ts';
import { redisDeployHistory } from '../../src/store/deploy-history.ts';
import { keys } from '../../src/store/keys.ts';
import { metricAlarm, mockCloudWatch } from '../helpers/cloudwatch-mock.ts';
import { SPACEDUCK_TABLES, startDynalite } from '../helpers/dynalite.ts';
import { exampleConfig, REDIS_URL } from '../helpers/harness.ts';
import { mockLambda } from '../helpers/lambda-mock.ts';
import { mockLogs } from '../helpers/logs-mock.ts';
import { mockSecrets } from '../helpers/secrets-mock.ts';
import { mockAppRunner, mockEcs } from '../helpers/services-mock.ts';
import { runCommand } from '../helpers/step-context.ts';

/**
 * Every AWS call a command makes must be allowed by the policy `opsbot iam-policy` prints, and
 * every action the policy grants must be used. Each command in the registry needs a scenario here
 * that runs it through the real adapters (aws-sdk-client-mock clients, dynalite for DynamoDB);
 * a command without one fails this test, and a command whose steps call no AWS API says so
 * (`noAwsCalls`) and is run to prove it. The audit ledger's own calls (appends, the audit
 * command's reads) are checked against its statement, printed when `audit.table` is set.
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
  /** Runs test setup (tables, items): its DynamoDB requests are not the command's. */
  setup(prepare: () => Promise<unknown>): Promise<void>;
  /** The audit ledger table in dynalite (created on first use), as the bot opens it. */
  ledger(): Promise<LedgerTable>;
}

type Scenario = ((w: World) => Promise<unknown>) & { noAwsCalls?: true };

/** A command whose steps call no AWS API: it still runs here, and must make no call. */
const noAwsCalls = (scenario: (w: World) => Promise<unknown>): Scenario =>
  Object.assign(scenario, { noAwsCalls: true as const });

const DROP_ARN =
  'arn:aws:apprunner:eu-west-1:123456789012:service/drop/8fe1e10304f84fd2b0df550fe98a71fa';
const LEDGER_TABLE = 'opsbot-audit';

/** Creates a table of the example config (with its record key) unless a scenario already did. */
async function ensureTable(w: World, table: string) {
  const key = SPACEDUCK_TABLES[table as keyof typeof SPACEDUCK_TABLES];
  await w.dynamodb.createTable(table, { key }).catch((error: Error) => {
    if (error.name !== 'ResourceInUseException') throw error;
  });
}

/** A record table of the example config with these items, as setup. */
const recordTable = (w: World, table: keyof typeof SPACEDUCK_TABLES, items: object[]) =>
  w.setup(async () => {
    await ensureTable(w, table);
    for (const item of items) await w.dynamodb.put(table, item as Record<string, unknown>);
  });

const SCENARIOS: Record<string, Scenario> = {
  ping: noAwsCalls((w) => runCommand(find('ping'), {}, w)),
  note: noAwsCalls((w) => runCommand(find('note'), { text: 'restarted the db by hand' }, w)),
  // Guided runbooks: the command only reaches the engine (each step's command has its own scenario).
  runbook: noAwsCalls((w) =>
    runCommand(
      find('runbook'),
      { line: 'list' },
      {
        ...w,
        aws: {
          ...w.aws,
          guided: {
            list: () => [],
            active: async () => [],
            start: () => Promise.reject(new Error('not here')),
          },
        },
      },
    ),
  ),
  incidents: noAwsCalls(async (w) => {
    provideIncidents({ listOpen: async () => [] });
    try {
      await runCommand(find('incidents'), {}, w);
    } finally {
      provideIncidents(undefined);
    }
  }),
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
    await w.setup(async () => {
      for (const t of w.targets.table_health.tables) await ensureTable(w, t);
    });
    w.use(
      mockCloudWatch({ series: () => 1, alarms: [metricAlarm('eggs', 'spaceduck-eggs', 'OK')] }),
    );
    await runCommand(find('table-health'), {}, w);
  },
  // GETs over HTTP only (the HTTP port), no AWS API.
  health: noAwsCalls((w) =>
    runCommand(
      find('health'),
      { service: 'api' },
      {
        ...w,
        aws: { ...w.aws, http: { get: async (url) => ({ url, status: 200, ms: 1 }) } },
      },
    ),
  ),
  'rotate-key': async (w) => {
    await recordTable(w, 'spaceduck-ducklings', [
      { duckling_id: 'dk_new', status: 'ACTIVE' },
      { duckling_id: 'dk_existing', status: 'ACTIVE' },
      { duckling_id: 'dk_retry', status: 'ACTIVE' },
    ]);
    const sm = w.use(mockSecrets('us-east-1'));
    sm.add('ducklings/dk_existing/api-key');
    // A retried run whose first attempt staged the key but crashed before activating it.
    sm.add('ducklings/dk_retry/api-key').versions.push({
      id: requestToken('req-test', 'rotate-key'),
      value: 'stored-by-the-first-attempt',
      stages: ['AWSPENDING'],
    });
    // Create; Put (AWSPENDING) then UpdateSecretVersionStage; GetSecretValue then the same.
    for (const id of ['dk_new', 'dk_existing', 'dk_retry'])
      await runCommand(find('rotate-key'), { duckling_id: id }, w);
    expect(sm.current('ducklings/dk_existing/api-key')!.value).not.toBe('initial-value');
    expect(sm.current('ducklings/dk_retry/api-key')!.value).toBe('stored-by-the-first-attempt');
  },
  'revoke-connection': async (w) => {
    await recordTable(w, 'spaceduck-connections', [{ connection_id: 'conn_1', status: 'ACTIVE' }]);
    await runCommand(
      find('revoke-connection'),
      { connection_id: 'conn_1', reason: 'leaked token' },
      w,
    );
  },
  'expire-cert': async (w) => {
    await recordTable(w, 'spaceduck-certs', [
      { cert_id: 'cert_1', status: 'VALID', duckling_id: 'dk_1' },
    ]);
    await runCommand(find('expire-cert'), { cert_id: 'cert_1', reason: 'key compromised' }, w);
  },
  'rotate-secret': async (w) => {
    w.use(mockSecrets('eu-west-1')).add('drop/jwt-secret');
    w.use(mockAppRunner({ serviceArn: DROP_ARN })); // the consumer restarted in the same run
    await runCommand(find('rotate-secret'), { secret: 'jwt-secret' }, w);
  },
  logs: async (w) => {
    const now = Date.now();
    const logs = w.use(mockLogs({ events: () => [{ timestamp: now - 60_000, message: 'ERROR' }] }));
    await runCommand(find('logs'), { target: 'mission-control-api', since: '15m' }, w);
    logs.live.update([{ timestamp: now, message: 'ERROR live' }]);
    await runCommand(find('logs'), { target: 'mission-control-api', follow: '1s' }, w);
  },
  audit: async (w) => {
    const table = await w.ledger();
    await w.setup(async () => {
      for (const id of ['e1', 'e2'])
        await appendExactlyOnce(table, memoryFloors(), {
          id,
          ts: new Date().toISOString(),
          actor: 'U0ALICE',
          action: 'operator.note',
        });
    });
    const aws = { ...w.aws, ledger: ledgerPort(table) };
    await runCommand(find('audit'), {}, { ...w, aws });
    await runCommand(find('audit'), { action: 'verify' }, { ...w, aws });
    await runCommand(find('audit'), { action: 'export', since: '1d' }, { ...w, aws });
  },
};

/** The ledger writer's floors, in memory: the lowest seq tried per entry. */
function memoryFloors(): AppendFloors {
  const floors = new Map<string, number>();
  return {
    async register(id, seq) {
      const floor = Math.min(floors.get(id) ?? seq, seq);
      floors.set(id, floor);
      return floor;
    },
  };
}

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
    case 'secretsmanager': {
      const id = s('SecretId') || s('Name'); // CreateSecret names the secret
      return id.startsWith('arn:')
        ? id
        : `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${id}-AbCdEf`;
    }
    case 'cloudwatchlogs':
      if (action === 'StartLiveTail') return (input.logGroupIdentifiers as string[])[0]!;
      // IAM checks DescribeLogGroups on the region's pseudo stream, never on one log group.
      if (action === 'DescribeLogGroups')
        return `arn:aws:logs:${region}:${ACCOUNT}:log-group::log-stream:`;
      return `arn:aws:logs:${region}:${ACCOUNT}:log-group:${s('logGroupName')}:*`;
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
        action: `${IAM_PREFIX[service] ?? service}:${action}`,
        resource: resourceOf(service, action, region, command.input),
      });
    }
  }
  return out;
}

/** IAM's service prefix where it is not the SDK client's name. */
const IAM_PREFIX: Record<string, string> = { cloudwatchlogs: 'logs' };

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
  let ledger: LedgerTable | undefined;
  const used = new Set<string>();
  beforeAll(async () => {
    dynamodb = await startDynalite();
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamodb.endpoint;
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
  });
  afterAll(async () => {
    ledger?.client.destroy();
    await dynamodb.stop();
    const found = await redis.keys(`${prefix}:*`);
    if (found.length) await redis.del(...found);
    redis.disconnect();
  });

  const file = exampleConfig();
  for (const s of Object.values(file.targets.services)) s.poll_interval_ms = 1;
  file.audit = { table: LEDGER_TABLE };
  const { policy } = buildIamPolicy(commands, file.targets, 'us-east-1', file.audit);

  /** Runs a scenario; returns the AWS calls it made, setup left out. */
  async function callsOf(name: string, scenario: (w: World) => Promise<unknown>) {
    const mocked: Mocked[] = [];
    const seen = dynamodb.requests.length;
    const setupRequests = new Set<number>();
    const setup = async (prepare: () => Promise<unknown>) => {
      const from = dynamodb.requests.length;
      try {
        await prepare();
      } finally {
        for (let i = from; i < dynamodb.requests.length; i++) setupRequests.add(i);
      }
    };
    const world: World = {
      aws: awsPorts('us-east-1', {
        deploys: redisDeployHistory(redis, keys(`${prefix}${name}`)),
      }),
      targets: file.targets,
      dynamodb,
      use: (m) => {
        mocked.push(m);
        return m;
      },
      setup,
      async ledger() {
        if (!ledger) {
          const client = dynamoClient({ table: LEDGER_TABLE, endpoint: dynamodb.endpoint });
          await setup(() => createLedgerTable(client, LEDGER_TABLE));
          ledger = new LedgerTable(client, LEDGER_TABLE);
        }
        return ledger;
      },
    };
    try {
      await scenario(world);
    } finally {
      for (const m of mocked) m.mock.restore();
    }
    const calls = [
      ...(await sdkCalls(mocked)),
      ...dynamodb.requests
        .map((r, index) => ({ r, index }))
        .filter(({ index }) => index >= seen && !setupRequests.has(index))
        .map(({ r }) => ({
          action: `dynamodb:${r.action}`,
          resource: resourceOf('dynamodb', r.action, r.region, r.body),
        })),
    ];
    for (const call of calls) used.add(call.action);
    return calls;
  }

  for (const command of commands) {
    it(`${command.name}: every AWS call is allowed by the policy`, async () => {
      const scenario = SCENARIOS[command.name];
      expect(
        scenario,
        `no IAM scenario for the command ${command.name}: add one to SCENARIOS`,
      ).toBeDefined();
      const calls = await callsOf(command.name, scenario!);
      const ownActions = (command.permissions?.(file.targets, 'us-east-1') ?? []).flatMap(
        (s) => s.actions,
      );
      if (scenario!.noAwsCalls) {
        expect(ownActions).toEqual([]);
        expect(calls).toEqual([]);
      } else {
        expect(calls.length).toBeGreaterThan(0);
      }
      expect(calls.filter((c) => !allows(policy, c))).toEqual([]);
    });
  }

  it('the audit ledger: appending what a run records is allowed by the policy', async () => {
    const calls = await callsOf('audit-ledger', async (w) => {
      const table = await w.ledger();
      const run = await runCommand(find('note'), { text: 'failed over by hand' }, w);
      expect(run.records).toHaveLength(1);
      for (const [i, r] of run.records.entries()) {
        const queued = {
          id: `note-${i}`,
          ts: new Date().toISOString(),
          actor: 'U0ALICE',
          action: r.event,
          data: r.data,
        };
        expect(await appendExactlyOnce(table, memoryFloors(), queued)).toMatchObject({
          appended: true,
        });
      }
    });
    expect([...new Set(calls.map((c) => c.action))].sort()).toEqual([
      'dynamodb:PutItem',
      'dynamodb:Query',
    ]);
    expect(calls.filter((c) => !allows(policy, c))).toEqual([]);
  });

  it('grants no action that no scenario used', () => {
    const granted = new Set(policy.Statement.flatMap((s) => s.Action));
    expect([...granted].filter((a) => !used.has(a))).toEqual([]);
  });
});
