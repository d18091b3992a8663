import type { AddressInfo } from 'node:net';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  type KeySchemaElement,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import dynalite from 'dynalite';
import { dynamoClients, recordsAdapter } from '../../src/aws/records.ts';
import { sleep } from '../../src/util/sleep.ts';

const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret-key' };

/** The example config's record tables: name → partition key. */
export const SPACEDUCK_TABLES = {
  'spaceduck-ducklings': 'duckling_id',
  'spaceduck-connections': 'connection_id',
  'spaceduck-certs': 'cert_id',
};

/**
 * dynalite (a DynamoDB server with real condition semantics) in this process on a free port, with
 * the given tables (name → partition key) created, and the real records adapter pointed at it.
 */
export async function startDynalite(tables: Record<string, string> = {}) {
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
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint, credentials: CREDENTIALS });
  /** Creates a table keyed on `key` (default `id`); PAY_PER_REQUEST unless `provisioned`. */
  async function createTable(name: string, options: { provisioned?: boolean; key?: string } = {}) {
    const key: KeySchemaElement[] = [{ AttributeName: options.key ?? 'id', KeyType: 'HASH' }];
    const attributes: AttributeDefinition[] = [
      { AttributeName: options.key ?? 'id', AttributeType: 'S' },
    ];
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
    await tableActive(name);
  }
  /**
   * Waits until table `name` is ACTIVE. dynalite, like DynamoDB, creates a table CREATING and
   * refuses writes to it (ResourceNotFoundException) until then; even with `createTableMs: 0` the
   * switch is an asynchronous write of its own, which a write sent at once can overtake.
   */
  async function tableActive(name: string) {
    for (let i = 0; i < 500; i++) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
      if (Table?.TableStatus === 'ACTIVE') return;
      await sleep(10);
    }
    throw new Error(`dynalite table ${name} did not become ACTIVE`);
  }
  for (const [name, key] of Object.entries(tables)) await createTable(name, { key });
  const records = recordsAdapter(
    dynamoClients('us-east-1', { endpoint, credentials: CREDENTIALS }),
  );
  return {
    endpoint,
    client,
    requests,
    records,
    createTable,
    tableActive,
    async put(table: string, item: Record<string, unknown>) {
      await client.send(new PutItemCommand({ TableName: table, Item: marshall(item) }));
    },
    async get(table: string, key: Record<string, string>) {
      const out = await client.send(
        new GetItemCommand({ TableName: table, Key: marshall(key), ConsistentRead: true }),
      );
      return out.Item ? unmarshall(out.Item) : undefined;
    },
    async stop() {
      client.destroy();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Dynalite = Awaited<ReturnType<typeof startDynalite>>;
