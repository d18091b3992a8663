import { AppRunnerClient } from '@aws-sdk/client-apprunner';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { STSClient } from '@aws-sdk/client-sts';
import { WAFV2Client } from '@aws-sdk/client-wafv2';
import { fetchHttp } from '../http/fetch-port.ts';
import type { AwsPorts, DeployHistoryPort } from '../sdk/ports.ts';
import { accessKeysAdapter } from './access-keys.ts';
import { regionalClients } from './clients.ts';
import { identityAdapter } from './identity.ts';
import { ipBlocklistsAdapter } from './ip-blocklists.ts';
import { lambdaAdapter } from './lambda.ts';
import { logsAdapter } from './logs.ts';
import { dynamoClients, recordsAdapter } from './records.ts';
import { secretsAdapter } from './secrets.ts';
import { servicesAdapter } from './services.ts';
import { tablesAdapter } from './tables.ts';
import { tfLocksAdapter } from './tf-locks.ts';
import { userPoolsAdapter } from './user-pools.ts';

/** Ports the bot keeps itself (Redis) rather than asking AWS. */
export interface OwnPorts {
  deploys: DeployHistoryPort;
}

/** The real adapters, using the SDK's own credential chain and `AWS_ENDPOINT_URL`. */
export function awsPorts(region: string, own: OwnPorts): AwsPorts {
  const dynamodb = dynamoClients(region);
  return {
    lambda: lambdaAdapter(regionalClients((c) => new LambdaClient(c), region)),
    logs: logsAdapter(regionalClients((c) => new CloudWatchLogsClient(c), region)),
    records: recordsAdapter(dynamodb),
    secrets: secretsAdapter(regionalClients((c) => new SecretsManagerClient(c), region)),
    tables: tablesAdapter({
      dynamodb,
      cloudwatch: regionalClients((c) => new CloudWatchClient(c), region),
    }),
    services: servicesAdapter({
      ecs: regionalClients((c) => new ECSClient(c), region),
      apprunner: regionalClients((c) => new AppRunnerClient(c), region),
    }),
    http: fetchHttp(),
    deploys: own.deploys,
    // Containment. IAM is global (its endpoint is in us-east-1); STS answers in the bot's region.
    accessKeys: accessKeysAdapter(new IAMClient({ region: 'us-east-1', maxAttempts: 3 })),
    identity: identityAdapter(new STSClient({ region, maxAttempts: 3 })),
    ipBlocklists: ipBlocklistsAdapter({
      wafv2: regionalClients((c) => new WAFV2Client(c), region),
      ec2: regionalClients((c) => new EC2Client(c), region),
    }),
    userPools: userPoolsAdapter(
      regionalClients((c) => new CognitoIdentityProviderClient(c), region),
    ),
    tfLocks: tfLocksAdapter(dynamodb),
  };
}
