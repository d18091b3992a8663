import {
  type AttributeValue,
  DynamoDBClient,
  type DynamoDBClientConfig,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { RecordCondition, RecordRef, RecordsPort, RecordValue } from '../sdk/ports/index.ts';
import { type ClientFor, type RegionalClients, regionalClients } from './clients.ts';
import { awsCall, explainAwsError } from './errors.ts';

type Clients = ClientFor<DynamoDBClient>;

/** Builds expression attribute names and values with generated placeholders. */
class Expression {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, RecordValue> = {};
  private n = 0;

  name(attribute: string) {
    const placeholder = `#a${this.n++}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  value(value: RecordValue) {
    const placeholder = `:v${this.n++}`;
    this.values[placeholder] = value;
    return placeholder;
  }
}

export function conditionExpression(
  condition: RecordCondition,
  keyAttributes: string[],
  e: Expression,
): string | undefined {
  const parts: string[] = [];
  if (condition.exists) {
    for (const k of keyAttributes) parts.push(`attribute_exists(${e.name(k)})`);
  }
  for (const [attr, value] of Object.entries(condition.equals ?? {})) {
    parts.push(`${e.name(attr)} = ${e.value(value)}`);
  }
  for (const [attr, value] of Object.entries(condition.differs ?? {})) {
    const n = e.name(attr);
    parts.push(`(attribute_not_exists(${n}) OR ${n} <> ${e.value(value)})`);
  }
  for (const attr of condition.absent ?? []) parts.push(`attribute_not_exists(${e.name(attr)})`);
  return parts.length > 0 ? parts.join(' AND ') : undefined;
}

function tableWhere(ref: RecordRef) {
  return `table ${ref.table}${ref.region ? ` in ${ref.region}` : ''}`;
}

export function recordsAdapter(client: Clients): RecordsPort {
  const get: RecordsPort['get'] = async (ref) => {
    const out = await awsCall({ action: 'dynamodb:GetItem', resource: tableWhere(ref) }, () =>
      client(ref.region).send(
        new GetItemCommand({ TableName: ref.table, Key: marshall(ref.key), ConsistentRead: true }),
      ),
    );
    return out.Item ? unmarshall(out.Item) : undefined;
  };
  return {
    get,
    async update({ set, remove = [], condition, ...ref }) {
      const e = new Expression();
      const sets = Object.entries(set).map(([a, v]) => `${e.name(a)} = ${e.value(v)}`);
      const removes = remove.map((a) => e.name(a));
      const update = [
        sets.length ? `SET ${sets.join(', ')}` : '',
        removes.length ? `REMOVE ${removes.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join(' ');
      const conditionText = conditionExpression(condition, Object.keys(ref.key), e);
      const values = Object.keys(e.values).length ? marshall(e.values) : undefined;
      try {
        const out = await client(ref.region).send(
          new UpdateItemCommand({
            TableName: ref.table,
            Key: marshall(ref.key),
            UpdateExpression: update,
            ConditionExpression: conditionText,
            ExpressionAttributeNames: e.names,
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { status: 'updated', record: out.Attributes ? unmarshall(out.Attributes) : {} };
      } catch (error) {
        if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') {
          throw explainAwsError(error, {
            action: 'dynamodb:UpdateItem',
            resource: tableWhere(ref),
          });
        }
        // The item comes with the error on AWS; emulators may omit it, so read it then.
        const item = (error as { Item?: Record<string, AttributeValue> }).Item;
        return { status: 'condition_failed', record: item ? unmarshall(item) : await get(ref) };
      }
    },
  };
}

/** DynamoDB clients per region; `endpoint` and `credentials` point them at an emulator. */
export function dynamoClients(
  defaultRegion: string,
  extra: Omit<DynamoDBClientConfig, 'region'> = {},
): RegionalClients<DynamoDBClient> {
  return regionalClients((config) => new DynamoDBClient({ ...config, ...extra }), defaultRegion);
}
