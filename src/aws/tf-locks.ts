import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import type { TfLockItem, TfLocksPort, TfLockTableRef } from '../sdk/ports/tf-locks.ts';
import type { ClientFor } from './clients.ts';
import { awsCall, explainAwsError } from './errors.ts';

const where = (t: TfLockTableRef) => `lock table ${t.table}${t.region ? ` in ${t.region}` : ''}`;

/** Terraform's lock table: `LockID` (S) is the key; a held lock has `Info`, a digest item `Digest`. */
export function tfLocksAdapter(client: ClientFor<DynamoDBClient>): TfLocksPort {
  return {
    async list(table) {
      const locks: TfLockItem[] = [];
      let start: Record<string, AttributeValue> | undefined;
      do {
        const out = await awsCall({ action: 'dynamodb:Scan', resource: where(table) }, () =>
          client(table.region).send(
            new ScanCommand({
              TableName: table.table,
              ConsistentRead: true,
              FilterExpression: 'attribute_exists(#info)',
              ExpressionAttributeNames: { '#info': 'Info' },
              ExclusiveStartKey: start,
            }),
          ),
        );
        for (const item of out.Items ?? []) {
          const lockKey = item.LockID?.S;
          const info = item.Info?.S;
          if (lockKey !== undefined && info !== undefined) locks.push({ lockKey, info });
        }
        start = out.LastEvaluatedKey;
      } while (start);
      return locks;
    },
    async release(table, lock) {
      try {
        await client(table.region).send(
          new DeleteItemCommand({
            TableName: table.table,
            Key: { LockID: { S: lock.lockKey } },
            ConditionExpression: '#info = :info',
            ExpressionAttributeNames: { '#info': 'Info' },
            ExpressionAttributeValues: { ':info': { S: lock.info } },
          }),
        );
        return { status: 'released' };
      } catch (error) {
        if ((error as { name?: string }).name === 'ConditionalCheckFailedException')
          return { status: 'changed' };
        throw explainAwsError(error, { action: 'dynamodb:DeleteItem', resource: where(table) });
      }
    },
  };
}
