import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SeedTable } from './seed.ts';

type Dynalite = (options: { path?: string; createTableMs?: number }) => Server;
const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;

export interface LocalDynamo {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * dynalite in-process with the seed tables and records: stored under `dir` (LevelDB), or in memory
 * when no directory is given (tests).
 */
export async function startLocalDynamo(
  dir: string | undefined,
  tables: SeedTable[],
): Promise<LocalDynamo> {
  if (dir) mkdirSync(dir, { recursive: true });
  const owner = dir ? claim(dir) : undefined;
  const server = dynalite({ ...(dir ? { path: dir } : {}), createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await seed(client, tables);
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (owner) rmSync(owner, { force: true });
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** LevelDB allows one process per directory: refuse clearly when another local opsbot has it. */
function claim(dir: string): string {
  const file = join(dir, 'opsbot.pid');
  let pid = 0;
  try {
    pid = Number(readFileSync(file, 'utf8'));
  } catch {}
  if (pid && pid !== process.pid && alive(pid))
    throw new Error(`another local opsbot (pid ${pid}) is using ${dir}; stop it first`);
  writeFileSync(file, String(process.pid));
  return file;
}

/** Creates missing tables and puts each demo record unless one with its key exists already. */
async function seed(client: DynamoDBClient, tables: SeedTable[]) {
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
  const documents = DynamoDBDocumentClient.from(client);
  for (const table of tables) {
    if (!existing.has(table.name)) {
      await client.send(
        new CreateTableCommand({
          TableName: table.name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: table.key, AttributeType: 'S' }],
          KeySchema: [{ AttributeName: table.key, KeyType: 'HASH' }],
        }),
      );
      await waitUntilTableExists(
        { client, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.2 },
        { TableName: table.name },
      );
    }
    for (const item of table.items) {
      await documents
        .send(
          new PutCommand({
            TableName: table.name,
            Item: item,
            ConditionExpression: 'attribute_not_exists(#key)',
            ExpressionAttributeNames: { '#key': table.key },
          }),
        )
        .catch((error) => {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        });
    }
  }
}
