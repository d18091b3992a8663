import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { fetchHttp } from '../http/fetch-port.ts';
import type { DeployHistoryPort, Ports } from '../sdk/ports/index.ts';
import type { RegionalClients } from './clients.ts';
import { lazyPort } from './lazy-port.ts';

/** Ports the bot keeps itself (Redis) rather than asking AWS. */
export interface OwnPorts {
  deploys: DeployHistoryPort;
}

/**
 * What an adapter is built from: the default region and the clients ports share (DynamoDB; Secrets
 * Manager with LimitExceededException not retried). Each is loaded on the first port that needs it.
 */
interface AdapterContext {
  region: string;
  dynamodb: () => Promise<RegionalClients<DynamoDBClient>>;
  secrets: () => Promise<RegionalClients<SecretsManagerClient>>;
}

/** The `regionalClients` helper and an SDK package, loaded together on first use. */
async function clientsOf<C>(
  load: () => Promise<new (config: { region: string; maxAttempts: number }) => C>,
  region: string,
) {
  const [{ regionalClients }, Client] = await Promise.all([import('./clients.ts'), load()]);
  return regionalClients((c) => new Client(c), region);
}

const once = <T>(load: () => Promise<T>) => {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
};

/**
 * One entry per port the AWS SDK answers (a new port adds one entry, sorted). The ledger is added
 * by the audit module when `audit.table` is set; deploy history and maintenance windows are the
 * bot's own.
 *
 * Every adapter and its SDK client packages are imported on the port's first call (`lazyPort`),
 * so a process only holds the clients of the services its runs use: the web role holds none.
 */
const ADAPTERS: {
  [K in Exclude<keyof Ports, 'deploys' | 'ledger' | 'containment' | 'blocks' | 'maintenance'>]-?: (
    c: AdapterContext,
  ) => Ports[K];
} = {
  // Containment. IAM is global per partition: the SDK maps the bot's region to its partition's IAM
  // endpoint (iam.amazonaws.com, iam.cn-north-1.amazonaws.com.cn, iam.us-gov.amazonaws.com), so the
  // region is never pinned to us-east-1. STS answers in the bot's region.
  accessKeys: ({ region }) =>
    lazyPort(
      async () => {
        const [{ IAMClient }, { accessKeysAdapter }] = await Promise.all([
          import('@aws-sdk/client-iam'),
          import('./access-keys.ts'),
        ]);
        return accessKeysAdapter(new IAMClient({ region, maxAttempts: 3 }));
      },
      {
        lastUsed: 'promise',
        status: 'promise',
        setStatus: 'promise',
        putDenyAll: 'promise',
        removeInlinePolicy: 'promise',
      },
    ),
  identity: ({ region }) =>
    lazyPort(
      async () => {
        const [{ STSClient }, { identityAdapter }] = await Promise.all([
          import('@aws-sdk/client-sts'),
          import('./identity.ts'),
        ]);
        return identityAdapter(new STSClient({ region, maxAttempts: 3 }));
      },
      { whoAmI: 'promise' },
    ),
  ipBlocklists: ({ region }) =>
    lazyPort(
      async () => {
        const [wafv2, ec2, { ipBlocklistsAdapter }] = await Promise.all([
          clientsOf(async () => (await import('@aws-sdk/client-wafv2')).WAFV2Client, region),
          clientsOf(async () => (await import('@aws-sdk/client-ec2')).EC2Client, region),
          import('./ip-blocklists.ts'),
        ]);
        return ipBlocklistsAdapter({ wafv2, ec2 });
      },
      { list: 'promise', block: 'promise', unblock: 'promise' },
    ),
  userPools: ({ region }) =>
    lazyPort(
      async () => {
        const [clients, { userPoolsAdapter }] = await Promise.all([
          clientsOf(
            async () =>
              (await import('@aws-sdk/client-cognito-identity-provider'))
                .CognitoIdentityProviderClient,
            region,
          ),
          import('./user-pools.ts'),
        ]);
        return userPoolsAdapter(clients);
      },
      { get: 'promise', globalSignOut: 'promise', disable: 'promise', enable: 'promise' },
    ),
  tfLocks: ({ dynamodb }) =>
    lazyPort(
      async () => {
        const [clients, { tfLocksAdapter }] = await Promise.all([
          dynamodb(),
          import('./tf-locks.ts'),
        ]);
        return tfLocksAdapter(clients);
      },
      { list: 'promise', release: 'promise' },
    ),
  adminApi: ({ secrets }) =>
    lazyPort(
      async () => {
        const [clients, { adminApiAdapter }] = await Promise.all([
          secrets(),
          import('./admin-api.ts'),
        ]);
        return adminApiAdapter(clients);
      },
      { post: 'promise' },
    ),
  email: ({ region }) =>
    lazyPort(
      async () => {
        const [clients, { emailAdapter }] = await Promise.all([
          clientsOf(async () => (await import('@aws-sdk/client-sesv2')).SESv2Client, region),
          import('./email.ts'),
        ]);
        return emailAdapter(clients);
      },
      { sendTemplated: 'promise' },
    ),
  http: () => fetchHttp(),
  images: ({ region }) =>
    lazyPort(
      async () => {
        const [ecr, ecs, apprunner, { imagesAdapter }] = await Promise.all([
          clientsOf(async () => (await import('@aws-sdk/client-ecr')).ECRClient, region),
          clientsOf(async () => (await import('@aws-sdk/client-ecs')).ECSClient, region),
          clientsOf(
            async () => (await import('@aws-sdk/client-apprunner')).AppRunnerClient,
            region,
          ),
          import('./images.ts'),
        ]);
        return imagesAdapter({ ecr, ecs, apprunner });
      },
      {
        resolve: 'promise',
        currentImage: 'promise',
        deployImage: 'promise',
        deploySince: 'promise',
      },
    ),
  lambda: ({ region }) =>
    lazyPort(
      async () => {
        const [clients, { lambdaAdapter }] = await Promise.all([
          clientsOf(async () => (await import('@aws-sdk/client-lambda')).LambdaClient, region),
          import('./lambda.ts'),
        ]);
        return lambdaAdapter(clients);
      },
      { getAlias: 'promise', hasVersion: 'promise', updateAlias: 'promise' },
    ),
  logs: ({ region }) =>
    lazyPort(
      async () => {
        const { logsAdapter, logsClients } = await import('./logs.ts');
        return logsAdapter(logsClients(region));
      },
      { search: 'stream', startLiveTail: 'stream' },
    ),
  rds: ({ region }) =>
    lazyPort(
      async () => {
        const [rds, cloudwatch, { rdsAdapter }] = await Promise.all([
          clientsOf(async () => (await import('@aws-sdk/client-rds')).RDSClient, region),
          clientsOf(
            async () => (await import('@aws-sdk/client-cloudwatch')).CloudWatchClient,
            region,
          ),
          import('./rds.ts'),
        ]);
        return rdsAdapter({ rds, cloudwatch });
      },
      {
        describe: 'promise',
        pendingMaintenance: 'promise',
        metrics: 'promise',
        latestSnapshot: 'promise',
        getSnapshot: 'promise',
        findSnapshotByTag: 'promise',
        createSnapshot: 'promise',
        setMasterPassword: 'promise',
      },
    ),
  records: ({ dynamodb }) =>
    lazyPort(
      async () => {
        const [clients, { recordsAdapter }] = await Promise.all([
          dynamodb(),
          import('./records.ts'),
        ]);
        return recordsAdapter(clients);
      },
      { get: 'promise', update: 'promise', query: 'promise' },
    ),
  repoFiles: ({ secrets }) =>
    lazyPort(
      async () => {
        const [clients, { githubContentsAdapter }] = await Promise.all([
          secrets(),
          import('./github-contents.ts'),
        ]);
        return githubContentsAdapter(clients);
      },
      { appendLine: 'promise' },
    ),
  secrets: ({ secrets }) =>
    lazyPort(
      async () => {
        const [clients, { secretsAdapter }] = await Promise.all([
          secrets(),
          import('./secrets.ts'),
        ]);
        return secretsAdapter(clients);
      },
      {
        describe: 'promise',
        putValue: 'promise',
        moveStage: 'promise',
        readVersion: 'promise',
        rotate: 'promise',
      },
    ),
  services: ({ region }) =>
    lazyPort(
      async () => {
        const [{ ecsClients }, apprunner, { servicesAdapter }] = await Promise.all([
          import('./quota-clients.ts'),
          clientsOf(
            async () => (await import('@aws-sdk/client-apprunner')).AppRunnerClient,
            region,
          ),
          import('./services.ts'),
        ]);
        return servicesAdapter({ ecs: ecsClients(region), apprunner });
      },
      { startRedeploy: 'promise', redeploySince: 'promise', rollout: 'promise' },
    ),
  serviceStatus: ({ region }) =>
    lazyPort(
      async () => {
        const [ecs, apprunner, { serviceStatusAdapter }] = await Promise.all([
          clientsOf(async () => (await import('@aws-sdk/client-ecs')).ECSClient, region),
          clientsOf(
            async () => (await import('@aws-sdk/client-apprunner')).AppRunnerClient,
            region,
          ),
          import('./service-status.ts'),
        ]);
        return serviceStatusAdapter({ ecs, apprunner });
      },
      { describe: 'promise' },
    ),
  tables: ({ region, dynamodb }) =>
    lazyPort(
      async () => {
        const [clients, cloudwatch, { tablesAdapter }] = await Promise.all([
          dynamodb(),
          clientsOf(
            async () => (await import('@aws-sdk/client-cloudwatch')).CloudWatchClient,
            region,
          ),
          import('./tables.ts'),
        ]);
        return tablesAdapter({ dynamodb: clients, cloudwatch });
      },
      { describe: 'promise', metrics: 'promise', alarms: 'promise' },
    ),
};

/** The real adapters, using the SDK's own credential chain and `AWS_ENDPOINT_URL`. */
export function awsAdapters(region: string, own: OwnPorts): Ports {
  const context: AdapterContext = {
    region,
    dynamodb: once(async () => (await import('./records.ts')).dynamoClients(region)),
    secrets: once(async () => (await import('./quota-clients.ts')).secretsClients(region)),
  };
  const built = Object.fromEntries(
    Object.entries(ADAPTERS).map(([name, make]) => [name, make(context)]),
  ) as unknown as Omit<Ports, 'deploys' | 'ledger'>;
  return { ...built, deploys: own.deploys };
}
