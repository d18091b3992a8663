import { AppRunnerClient } from '@aws-sdk/client-apprunner';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { fetchHttp } from '../http/fetch-port.ts';
import type { AwsPorts, DeployHistoryPort } from '../sdk/ports.ts';
import { adminApiAdapter } from './admin-api.ts';
import { regionalClients } from './clients.ts';
import { emailAdapter } from './email.ts';
import { githubContentsAdapter } from './github-contents.ts';
import { lambdaAdapter } from './lambda.ts';
import { logsAdapter, logsClients } from './logs.ts';
import { ecsClients, secretsClients } from './quota-clients.ts';
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
  const secrets = secretsClients(region);
  return {
    lambda: lambdaAdapter(regionalClients((c) => new LambdaClient(c), region)),
    logs: logsAdapter(logsClients(region)),
    records: recordsAdapter(dynamodb),
    secrets: secretsAdapter(secrets),
    adminApi: adminApiAdapter(secrets),
    repoFiles: githubContentsAdapter(secrets),
    email: emailAdapter(regionalClients((c) => new SESv2Client(c), region)),
    tables: tablesAdapter({
      dynamodb,
      cloudwatch: regionalClients((c) => new CloudWatchClient(c), region),
    }),
    services: servicesAdapter({
      ecs: ecsClients(region),
      apprunner: regionalClients((c) => new AppRunnerClient(c), region),
    }),
    http: fetchHttp(),
    deploys: own.deploys,
  };
}
