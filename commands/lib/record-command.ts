import { type DataRecord, type FileConfig, type Ports, UserError } from '../../src/sdk/index.ts';
import {
  type RecordTable,
  recordEnvironment,
  recordTableProblems,
  recordTableStatements,
} from './records.ts';

/**
 * What a command acting on one record of a kind (a duckling, a connection, a cert) declares the
 * same way as its siblings: the environment of the table holding that kind (it picks the policy),
 * the validation that such a table is configured, and the record read that refuses a missing one.
 */

type Targets = FileConfig['targets'];

/** `environment` and `validate` for a command on records of `kind`, named by the `idField` argument. */
export function recordCommand<A>(kind: string, idField: string) {
  return {
    environment: (_a: A, targets: Targets) => recordEnvironment(targets, kind),
    validate: (_a: A, targets: Targets) => recordTableProblems(targets, kind, idField),
  };
}

/** IAM for a command that reads and conditionally writes records of `kind` (GetItem, UpdateItem). */
export const readWriteStatements = (kind: string) => (targets: Targets, region: string) =>
  recordTableStatements(targets, kind, region, ['dynamodb:GetItem', 'dynamodb:UpdateItem']);

/** The record `id` of `table`, or the user error `record_not_found` naming what and where. */
export async function existingRecord(
  ports: Ports,
  table: RecordTable,
  noun: string,
  id: string,
): Promise<DataRecord> {
  const record = await ports.records.get(table.ref(id));
  if (!record) throw new UserError('record_not_found', `no ${noun} ${id} in ${table.where}`);
  return record;
}
