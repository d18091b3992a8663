import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendExactlyOnce } from '../../src/audit/append.ts';
import { awsAdapters } from '../../src/aws/adapters.ts';
import { createLedgerTable, dynamoClient, LedgerTable } from '../../src/aws/ledger-table.ts';
import { buildIamPolicy, type IamPolicy } from '../../src/cli/iam-policy.ts';
import { commands, discovered } from '../../src/registry/commands.ts';
import { redisDeployHistory } from '../../src/store/deploy-history.ts';
import { keys } from '../../src/store/keys.ts';
import { startDynalite } from '../helpers/dynalite.ts';
import { exampleConfig, REDIS_URL } from '../helpers/harness.ts';
import {
  commandNamed,
  type IamScenario,
  type IamWorld,
  type MockedClient,
  type ResourceNamer,
} from '../helpers/iam-world.ts';
import { memoryFloors } from '../helpers/memory-floors.ts';
import { runCommand } from '../helpers/step-context.ts';

/**
 * Every AWS call a command makes must be allowed by the policy `opsbot iam-policy` prints, and
 * every action the policy grants must be used. Each command in commands/ needs a scenario beside
 * it (`commands/<name>.iam.ts`, see test/helpers/iam-world.ts) that runs it through the real
 * adapters (aws-sdk-client-mock clients, dynalite for DynamoDB); a command without one fails this
 * test, and a command whose steps call no AWS API says so (`noAwsCalls`) and is run to prove it. The audit ledger's own calls (appends, the audit
 * command's reads) are checked against its statement, printed when `audit.table` is set.
 */

type Mocked = MockedClient & { resourceOf?: ResourceNamer };

const LEDGER_TABLE = 'opsbot-audit';

/** Each discovered command's scenario, from `commands/<name>.iam.ts` beside it (undefined: none). */
const scenarios = new Map<string, IamScenario | undefined>();
for (const { command, file } of discovered) {
  const beside = file.replace(/\.(ts|js)$/, '.iam.$1');
  const found = existsSync(beside)
    ? ((await import(pathToFileURL(beside).href)) as { default?: IamScenario }).default
    : undefined;
  scenarios.set(command.name, found);
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
    case 'ecr':
      return `arn:aws:ecr:${region}:${s('registryId') || ACCOUNT}:repository/${s('repositoryName')}`;
    case 'rds': {
      // IAM checks a snapshot call on the snapshot when one is named, else on the database.
      const snapshot = s('DBSnapshotIdentifier') || s('DBClusterSnapshotIdentifier');
      const cluster = action.includes('Cluster');
      if (snapshot && (action.startsWith('Create') || !s('DBInstanceIdentifier')))
        return `arn:aws:rds:${region}:${ACCOUNT}:${cluster ? 'cluster-snapshot' : 'snapshot'}:${snapshot}`;
      const filter = (input.Filters as { Values: string[] }[] | undefined)?.[0]?.Values[0];
      const db = s('DBInstanceIdentifier') || s('DBClusterIdentifier') || filter || '';
      return `arn:aws:rds:${region}:${ACCOUNT}:${cluster ? 'cluster' : 'db'}:${db}`;
    }
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
      const resource =
        m.resourceOf?.(action, command.input, region) ??
        resourceOf(service, action, region, command.input);
      out.push({ action: `${IAM_PREFIX[service] ?? service}:${action}`, resource });
      out.push(...dependentCalls(service, action, command.input, resource));
    }
  }
  return out;
}

/** What IAM also checks for a call (the Service Authorization Reference's dependent actions). */
function dependentCalls(
  service: string,
  action: string,
  input: Record<string, unknown>,
  resource: string,
) {
  // A snapshot created with tags needs rds:AddTagsToResource on it.
  if (service === 'rds' && action.startsWith('Create') && input.Tags)
    return [{ action: 'rds:AddTagsToResource', resource }];
  // App Runner passes the access role it pulls images with.
  if (service === 'apprunner' && action === 'UpdateService') {
    const source = input.SourceConfiguration as
      | { AuthenticationConfiguration?: { AccessRoleArn?: string } }
      | undefined;
    const role = source?.AuthenticationConfiguration?.AccessRoleArn;
    if (role) return [{ action: 'iam:PassRole', resource: role }];
  }
  return [];
}

/** IAM's service prefix where it is not the SDK client's name. */
const IAM_PREFIX: Record<string, string> = {
  cloudwatchlogs: 'logs',
  cognitoidentityprovider: 'cognito-idp',
};

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
    // Each scenario's keys are under `${prefix}${name}:` (see `callsOf`).
    const found = await redis.keys(`${prefix}*`);
    if (found.length) await redis.del(...found);
    redis.disconnect();
  });

  const file = exampleConfig();
  for (const s of Object.values(file.targets.services)) s.poll_interval_ms = 1;
  file.audit = { table: LEDGER_TABLE };
  const { policy } = buildIamPolicy(commands, file.targets, 'us-east-1', file.audit);

  /** Runs a scenario; returns the AWS calls it made, setup left out. */
  async function callsOf(name: string, scenario: (w: IamWorld) => Promise<unknown>) {
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
    const world: IamWorld = {
      ports: awsAdapters('us-east-1', {
        deploys: redisDeployHistory(redis, keys(`${prefix}${name}`)),
      }),
      targets: file.targets,
      dynamodb,
      use: (m, namer) => {
        mocked.push({ mock: m.mock, resourceOf: namer });
        return m;
      },
      run: (command, args, overrides) =>
        runCommand(commandNamed(command), args, {
          ports: world.ports,
          targets: world.targets,
          ...overrides,
        }),
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
      const scenario = scenarios.get(command.name);
      expect(
        scenario,
        `no IAM scenario for the command ${command.name}: add commands/${command.name}.iam.ts`,
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
      const run = await w.run('note', { text: 'failed over by hand' });
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
