import type { AddressInfo } from 'node:net';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DynamoDBClient,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';

/** A DynamoDB server in this process (dynalite, in memory) on a free port. */
export async function startDynalite() {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  /** Every request the server received: the API action (from X-Amz-Target), region and body. */
  const requests: { action: string; region: string; body: Record<string, unknown> }[] = [];
  server.on('request', (req) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const scope = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(String(req.headers.authorization));
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {}
      requests.push({ action: target.split('.')[1] ?? '', region: scope?.[1] ?? '', body });
    });
  });
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return {
    endpoint,
    client,
    requests,
    /** Creates a table keyed on `id`; PAY_PER_REQUEST unless `provisioned`. */
    async createTable(name: string, options: { provisioned?: boolean } = {}) {
      const key: KeySchemaElement[] = [{ AttributeName: 'id', KeyType: 'HASH' }];
      const attributes: AttributeDefinition[] = [{ AttributeName: 'id', AttributeType: 'S' }];
      await client.send(
        new CreateTableCommand({
          TableName: name,
          KeySchema: key,
          AttributeDefinitions: attributes,
          ...(options.provisioned
            ? {
                BillingMode: 'PROVISIONED',
                ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
              }
            : { BillingMode: 'PAY_PER_REQUEST' }),
        }),
      );
    },
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
