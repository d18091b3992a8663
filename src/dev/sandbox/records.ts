import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoClients, recordsAdapter } from '../../aws/records.ts';
import { tablesAdapter } from '../../aws/tables.ts';
import type { RecordsPort, TablesPort } from '../../sdk/ports/index.ts';

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface LocalDynamoPorts {
  /** SANDBOX records: the real records adapter, pointed at the local dynalite. */
  records: RecordsPort;
  /** DescribeTable through the real tables adapter, on the local dynalite. */
  describeTable: TablesPort['describe'];
  stop(): void;
}

type TablesClients = Parameters<typeof tablesAdapter>[0];

/** The ports backed by the local dynalite: the same wire calls as against DynamoDB. */
export function localDynamoPorts(endpoint: string, region: string): LocalDynamoPorts {
  const created = new Set<DynamoDBClient>();
  const base = dynamoClients(region, { endpoint, credentials: LOCAL_CREDENTIALS });
  const clients = (r?: string) => {
    const client = base(r);
    created.add(client);
    return client;
  };
  // Only DescribeTable is used from this adapter; CloudWatch is the tables sandbox's own.
  const noCloudWatch = () => {
    throw new Error('the sandbox answers CloudWatch in memory');
  };
  const tables = tablesAdapter({
    dynamodb: Object.assign(clients, { defaultRegion: region }),
    cloudwatch: Object.assign(noCloudWatch, {
      defaultRegion: region,
    }) as TablesClients['cloudwatch'],
  });
  return {
    records: recordsAdapter(clients),
    describeTable: (input) => tables.describe(input),
    stop() {
      for (const client of created) client.destroy();
    },
  };
}
