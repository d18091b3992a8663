import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { dynamoClients, recordsAdapter } from '../../src/aws/records.ts';

const dynalite = createRequire(import.meta.url)('dynalite') as (options: {
  createTableMs: number;
}) => Server;

const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret-key' };

/** The example config's record tables: name → partition key. */
export const SPACEDUCK_TABLES = {
  'spaceduck-ducklings': 'duckling_id',
  'spaceduck-connections': 'connection_id',
  'spaceduck-certs': 'cert_id',
};

/**
 * dynalite (a DynamoDB server with real condition semantics) in this process on a free port, with
 * the tables created, and the real records adapter pointed at it.
 */
export async function startDynalite(tables: Record<string, string> = SPACEDUCK_TABLES) {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint, credentials: CREDENTIALS });
  for (const [name, key] of Object.entries(tables)) {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }
  const records = recordsAdapter(
    dynamoClients('us-east-1', { endpoint, credentials: CREDENTIALS }),
  );
  return {
    endpoint,
    records,
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
