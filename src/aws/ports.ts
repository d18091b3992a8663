import { AppRunnerClient } from '@aws-sdk/client-apprunner';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { fetchHttp } from '../http/fetch-port.ts';
import type { AwsPorts, DeployHistoryPort } from '../sdk/ports.ts';
import { regionalClients } from './clients.ts';
import { imagesAdapter } from './images.ts';
import { lambdaAdapter } from './lambda.ts';
import { logsAdapter } from './logs.ts';
import { rdsAdapter } from './rds.ts';
import { dynamoClients, recordsAdapter } from './records.ts';
import { secretsAdapter } from './secrets.ts';
import { servicesAdapter } from './services.ts';
import { tablesAdapter } from './tables.ts';

/** Ports the bot keeps itself (Redis) rather than asking AWS. */
export interface OwnPorts {
  deploys: DeployHistoryPort;
}

/** The real adapters, using the SDK's own credential chain and `AWS_ENDPOINT_URL`. */
export function awsPorts(region: string, own: OwnPorts): AwsPorts {
  const dynamodb = dynamoClients(region);
  const ecs = regionalClients((c) => new ECSClient(c), region);
  const apprunner = regionalClients((c) => new AppRunnerClient(c), region);
  return {
    lambda: lambdaAdapter(regionalClients((c) => new LambdaClient(c), region)),
    logs: logsAdapter(regionalClients((c) => new CloudWatchLogsClient(c), region)),
    records: recordsAdapter(dynamodb),
    secrets: secretsAdapter(regionalClients((c) => new SecretsManagerClient(c), region)),
    tables: tablesAdapter({
      dynamodb,
      cloudwatch: regionalClients((c) => new CloudWatchClient(c), region),
    }),
    services: servicesAdapter({ ecs, apprunner }),
    images: imagesAdapter({
      ecr: regionalClients((c) => new ECRClient(c), region),
      ecs,
      apprunner,
    }),
    rds: rdsAdapter({
      rds: regionalClients((c) => new RDSClient(c), region),
      cloudwatch: regionalClients((c) => new CloudWatchClient(c), region),
    }),
    http: fetchHttp(),
    deploys: own.deploys,
  };
}
