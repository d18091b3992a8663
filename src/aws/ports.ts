import { AppRunnerClient } from '@aws-sdk/client-apprunner';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { fetchHttp } from '../http/fetch-port.ts';
import type { AwsPorts, DeployHistoryPort } from '../sdk/ports.ts';
import { regionalClients } from './clients.ts';
import { lambdaAdapter, lambdaClients } from './lambda.ts';
import { logsAdapter, logsClients } from './logs.ts';
import { dynamoClients, recordsAdapter } from './records.ts';
import { secretsAdapter, secretsClients } from './secrets.ts';
import { servicesAdapter } from './services.ts';
import { tablesAdapter } from './tables.ts';

/** Ports the bot keeps itself (Redis) rather than asking AWS. */
export interface OwnPorts {
  deploys: DeployHistoryPort;
}

/** The real adapters, using the SDK's own credential chain and `AWS_ENDPOINT_URL`. */
export function awsPorts(region: string, own: OwnPorts): AwsPorts {
  return {
    lambda: lambdaAdapter(lambdaClients(region)),
    logs: logsAdapter(logsClients(region)),
    records: recordsAdapter(dynamoClients(region)),
    secrets: secretsAdapter(secretsClients(region)),
    tables: tablesAdapter({
      dynamodb: regionalClients((c) => new DynamoDBClient(c), region),
      cloudwatch: regionalClients((c) => new CloudWatchClient(c), region),
    }),
    services: servicesAdapter({
      ecs: regionalClients((c) => new ECSClient(c), region),
      apprunner: regionalClients((c) => new AppRunnerClient(c), region),
    }),
    http: fetchHttp(),
    deploys: own.deploys,
  };
}
