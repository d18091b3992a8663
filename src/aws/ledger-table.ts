import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type AuditEntry, type ChainHead, EMPTY_HEAD } from '../sdk/ports/ledger.ts';
import { sleep } from '../util/sleep.ts';
import { SeqTaken } from './seq-taken.ts';

/** Every entry lives under one partition key value; `seq` is the sort key. */
export const CHAIN = 'ledger';
const PAGE = 200;

export interface TableSettings {
  table: string;
  region?: string;
  /** DynamoDB endpoint (dynalite, DynamoDB Local); the SDK's own AWS_ENDPOINT_URL otherwise. */
  endpoint?: string;
  /** Per-call timeout, so an outage is noticed and waited out rather than hanging. */
  requestTimeoutMs?: number;
}

export function dynamoClient(settings: TableSettings): DynamoDBClient {
  const local = settings.endpoint !== undefined && !process.env.AWS_ACCESS_KEY_ID;
  return new DynamoDBClient({
    region: settings.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    // An emulator accepts any credentials; real DynamoDB uses the SDK's credential chain.
    ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 2,
    requestHandler: {
      connectionTimeout: 1000,
      requestTimeout: settings.requestTimeoutMs ?? 5000,
    },
  });
}

export { SeqTaken };

/** The ledger table: a conditional put per entry, and ordered reads by seq. */
export class LedgerTable {
  readonly doc: DynamoDBDocumentClient;

  constructor(
    readonly client: DynamoDBClient,
    readonly name: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  async head(): Promise<ChainHead> {
    const result = await this.doc.send(
      new QueryCommand({
        TableName: this.name,
        KeyConditionExpression: 'chain = :c',
        ExpressionAttributeValues: { ':c': CHAIN },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = result.Items?.[0];
    return item ? { seq: Number(item.seq), hash: String(item.hash) } : EMPTY_HEAD;
  }

  /** Writes the entry only if its seq is free; throws `SeqTaken` otherwise. */
  async put(entry: AuditEntry): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.name,
          Item: { chain: CHAIN, ...entry },
          ConditionExpression: 'attribute_not_exists(seq)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new SeqTaken(`seq ${entry.seq}`);
      throw error;
    }
  }

  /** Entries with from ≤ seq ≤ to, in seq order (consistent reads), page by page. */
  async *range(from: number, to = Number.MAX_SAFE_INTEGER): AsyncGenerator<AuditEntry> {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.name,
          KeyConditionExpression: 'chain = :c AND seq BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':c': CHAIN, ':from': from, ':to': to },
          ConsistentRead: true,
          Limit: PAGE,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) yield toEntry(item);
      start = page.LastEvaluatedKey;
    } while (start);
  }

  /** Entries from the head backwards. */
  async *newestFirst(): AsyncGenerator<AuditEntry> {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.name,
          KeyConditionExpression: 'chain = :c',
          ExpressionAttributeValues: { ':c': CHAIN },
          ScanIndexForward: false,
          Limit: PAGE,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) yield toEntry(item);
      start = page.LastEvaluatedKey;
    } while (start);
  }
}

function toEntry(item: Record<string, unknown>): AuditEntry {
  const { chain: _chain, ...entry } = item;
  return entry as unknown as AuditEntry;
}

/** Creates the ledger table (on-demand billing) and waits until it is ACTIVE. Idempotent. */
export async function createLedgerTable(
  client: DynamoDBClient,
  name: string,
  timeoutMs = 120_000,
): Promise<'created' | 'exists'> {
  let outcome: 'created' | 'exists' = 'created';
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'chain', AttributeType: 'S' },
          { AttributeName: 'seq', AttributeType: 'N' },
        ],
        KeySchema: [
          { AttributeName: 'chain', KeyType: 'HASH' },
          { AttributeName: 'seq', KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    outcome = 'exists';
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    const keys = (Table?.KeySchema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`).join(',');
    if (keys !== 'chain:HASH,seq:RANGE') {
      throw new Error(
        `table ${name} exists with another key schema (${keys}); the ledger needs chain (HASH, S) + seq (RANGE, N)`,
      );
    }
    if (Table?.TableStatus === 'ACTIVE') return outcome;
    if (Date.now() > deadline)
      throw new Error(`table ${name} is ${Table?.TableStatus}, not ACTIVE`);
    await sleep(500);
  }
}
