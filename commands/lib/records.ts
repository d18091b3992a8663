import {
  type FileConfig,
  type IamStatement,
  type RecordRef,
  UserError,
  z,
} from '../../src/sdk/index.ts';

/** A kind of record a command changes (`ducklings`), declared in its `config.recordKinds`. */
type RecordKind = string;

/** The configured table that holds one kind of record, resolved for a command. */
export interface RecordTable {
  /** Target name in config. */
  target: string;
  table: string;
  region: string | undefined;
  keyAttribute: string;
  environment: string;
  /** `table spaceduck-certs in us-east-1`, for messages. */
  where: string;
  ref(id: string): RecordRef;
}

function find(targets: FileConfig['targets'], kind: RecordKind) {
  return Object.entries(targets.tables).find(([, t]) => t.holds === kind);
}

/** The table target with `holds: <kind>`; a user error naming the config key when none. */
export function recordTable(targets: FileConfig['targets'], kind: RecordKind): RecordTable {
  const found = find(targets, kind);
  if (!found) throw new UserError('not_configured', missing(kind));
  const [target, t] = found;
  const table = t.table_name ?? target;
  return {
    target,
    table,
    region: t.region,
    keyAttribute: t.key,
    environment: t.environment,
    where: `table ${table}${t.region ? ` in ${t.region}` : ''}`,
    ref: (id) => ({ table, key: { [t.key]: id }, region: t.region }),
  };
}

/** For `validate()`: a problem when no table holds this kind of record. */
export function recordTableProblems(
  targets: FileConfig['targets'],
  kind: RecordKind,
  field: string,
): { field: string; message: string }[] {
  return find(targets, kind) ? [] : [{ field, message: missing(kind) }];
}

function missing(kind: RecordKind) {
  return `no table target holds ${kind} (set \`holds: ${kind}\` on one of targets.tables)`;
}

/**
 * The attribute where a runbook command stores the id of the request that last changed a record.
 * A retried run that finds its own request id there knows its write already happened.
 */
export const LAST_REQUEST = 'last_request_id';

/** The environment of the table holding this kind of record (`prod` when not configured). */
export function recordEnvironment(targets: FileConfig['targets'], kind: RecordKind): string {
  return find(targets, kind)?.[1].environment ?? 'prod';
}

/** The ARN of a table for IAM statements. */
export function tableArn(table: string, region: string) {
  return `arn:aws:dynamodb:${region}:*:table/${table}`;
}

/** An IAM statement for these DynamoDB actions on the table that holds a kind of record. */
export function recordTableStatements(
  targets: FileConfig['targets'],
  kind: RecordKind,
  defaultRegion: string,
  actions: string[],
): IamStatement[] {
  const found = find(targets, kind);
  if (!found) return [];
  const [target, t] = found;
  return [{ actions, resources: [tableArn(t.table_name ?? target, t.region ?? defaultRegion)] }];
}

/** The argument naming a record by its key (`dk_1234`, `conn_1234`, `cert_1234`). */
export const recordId = (example: string, description: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,128}$/, example)
    .describe(description);

/** The operator's reason for a change, kept with the record and in the audit trail. */
export const operatorReason = (description: string) =>
  z.string().trim().min(3, 'a reason of at least 3 characters').max(500).describe(description);
