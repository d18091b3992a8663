import { AppRunnerClient } from '@aws-sdk/client-apprunner';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { STSClient } from '@aws-sdk/client-sts';
import { WAFV2Client } from '@aws-sdk/client-wafv2';
import { fetchHttp } from '../http/fetch-port.ts';
import type { DeployHistoryPort, Ports } from '../sdk/ports/index.ts';
import { accessKeysAdapter } from './access-keys.ts';
import { adminApiAdapter } from './admin-api.ts';
import { regionalClients } from './clients.ts';
import { emailAdapter } from './email.ts';
import { githubContentsAdapter } from './github-contents.ts';
import { identityAdapter } from './identity.ts';
import { imagesAdapter } from './images.ts';
import { ipBlocklistsAdapter } from './ip-blocklists.ts';
import { lambdaAdapter } from './lambda.ts';
import { logsAdapter, logsClients } from './logs.ts';
import { ecsClients, secretsClients } from './quota-clients.ts';
import { rdsAdapter } from './rds.ts';
import { dynamoClients, recordsAdapter } from './records.ts';
import { secretsAdapter } from './secrets.ts';
import { serviceStatusAdapter } from './service-status.ts';
import { servicesAdapter } from './services.ts';
import { tablesAdapter } from './tables.ts';
import { tfLocksAdapter } from './tf-locks.ts';
import { userPoolsAdapter } from './user-pools.ts';

/** Ports the bot keeps itself (Redis) rather than asking AWS. */
export interface OwnPorts {
  deploys: DeployHistoryPort;
}

/** What an adapter is built from: the default region and the DynamoDB clients ports share. */
interface AdapterContext {
  region: string;
  dynamodb: ReturnType<typeof dynamoClients>;
  /** Secrets Manager clients (LimitExceededException not retried), shared by the ports reading secrets. */
  secrets: ReturnType<typeof secretsClients>;
}

/**
 * One entry per port the AWS SDK answers (a new port adds one entry, sorted). The ledger is added
 * by the audit module when `audit.table` is set; deploy history and maintenance windows are the
 * bot's own.
 */
const ADAPTERS: {
  [K in Exclude<keyof Ports, 'deploys' | 'ledger' | 'containment' | 'blocks' | 'maintenance'>]-?: (
    c: AdapterContext,
  ) => Ports[K];
} = {
  // Containment. IAM is global (its endpoint is in us-east-1); STS answers in the bot's region.
  accessKeys: () => accessKeysAdapter(new IAMClient({ region: 'us-east-1', maxAttempts: 3 })),
  identity: ({ region }) => identityAdapter(new STSClient({ region, maxAttempts: 3 })),
  ipBlocklists: ({ region }) =>
    ipBlocklistsAdapter({
      wafv2: regionalClients((c) => new WAFV2Client(c), region),
      ec2: regionalClients((c) => new EC2Client(c), region),
    }),
  userPools: ({ region }) =>
    userPoolsAdapter(regionalClients((c) => new CognitoIdentityProviderClient(c), region)),
  tfLocks: ({ dynamodb }) => tfLocksAdapter(dynamodb),
  adminApi: ({ secrets }) => adminApiAdapter(secrets),
  email: ({ region }) => emailAdapter(regionalClients((c) => new SESv2Client(c), region)),
  http: () => fetchHttp(),
  images: ({ region }) =>
    imagesAdapter({
      ecr: regionalClients((c) => new ECRClient(c), region),
      ecs: regionalClients((c) => new ECSClient(c), region),
      apprunner: regionalClients((c) => new AppRunnerClient(c), region),
    }),
  lambda: ({ region }) => lambdaAdapter(regionalClients((c) => new LambdaClient(c), region)),
  logs: ({ region }) => logsAdapter(logsClients(region)),
  rds: ({ region }) =>
    rdsAdapter({
      rds: regionalClients((c) => new RDSClient(c), region),
      cloudwatch: regionalClients((c) => new CloudWatchClient(c), region),
    }),
  records: ({ dynamodb }) => recordsAdapter(dynamodb),
  repoFiles: ({ secrets }) => githubContentsAdapter(secrets),
  secrets: ({ secrets }) => secretsAdapter(secrets),
  services: ({ region }) =>
    servicesAdapter({
      ecs: ecsClients(region),
      apprunner: regionalClients((c) => new AppRunnerClient(c), region),
    }),
  serviceStatus: ({ region }) =>
    serviceStatusAdapter({
      ecs: regionalClients((c) => new ECSClient(c), region),
      apprunner: regionalClients((c) => new AppRunnerClient(c), region),
    }),
  tables: ({ region, dynamodb }) =>
    tablesAdapter({
      dynamodb,
      cloudwatch: regionalClients((c) => new CloudWatchClient(c), region),
    }),
};

/** The real adapters, using the SDK's own credential chain and `AWS_ENDPOINT_URL`. */
export function awsAdapters(region: string, own: OwnPorts): Ports {
  const context: AdapterContext = {
    region,
    dynamodb: dynamoClients(region),
    secrets: secretsClients(region),
  };
  const built = Object.fromEntries(
    Object.entries(ADAPTERS).map(([name, make]) => [name, make(context)]),
  ) as unknown as Omit<Ports, 'deploys' | 'ledger'>;
  return { ...built, deploys: own.deploys };
}
