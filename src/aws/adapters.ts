import { AppRunnerClient } from '@aws-sdk/client-apprunner';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { fetchHttp } from '../http/fetch-port.ts';
import type { DeployHistoryPort, Ports } from '../sdk/ports/index.ts';
import { regionalClients } from './clients.ts';
import { lambdaAdapter } from './lambda.ts';
import { logsAdapter } from './logs.ts';
import { dynamoClients, recordsAdapter } from './records.ts';
import { secretsAdapter } from './secrets.ts';
import { servicesAdapter } from './services.ts';
import { tablesAdapter } from './tables.ts';

/** Ports the bot keeps itself (Redis) rather than asking AWS. */
export interface OwnPorts {
  deploys: DeployHistoryPort;
}

/** What an adapter is built from: the default region and the DynamoDB clients ports share. */
interface AdapterContext {
  region: string;
  dynamodb: ReturnType<typeof dynamoClients>;
}

/**
 * One entry per port the AWS SDK answers (a new port adds one entry, sorted). The ledger is added
 * by the audit module when `audit.table` is set; deploy history is the bot's own.
 */
const ADAPTERS: {
  [K in Exclude<keyof Ports, 'deploys' | 'ledger'>]-?: (c: AdapterContext) => Ports[K];
} = {
  http: () => fetchHttp(),
  lambda: ({ region }) => lambdaAdapter(regionalClients((c) => new LambdaClient(c), region)),
  logs: ({ region }) => logsAdapter(regionalClients((c) => new CloudWatchLogsClient(c), region)),
  records: ({ dynamodb }) => recordsAdapter(dynamodb),
  secrets: ({ region }) =>
    secretsAdapter(regionalClients((c) => new SecretsManagerClient(c), region)),
  services: ({ region }) =>
    servicesAdapter({
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
  const context: AdapterContext = { region, dynamodb: dynamoClients(region) };
  const built = Object.fromEntries(
    Object.entries(ADAPTERS).map(([name, make]) => [name, make(context)]),
  ) as Omit<Ports, 'deploys' | 'ledger'>;
  return { ...built, deploys: own.deploys };
}
