/** DynamoDB items as records, changed only under a condition (the record runbooks). */

/** Where a DynamoDB record lives: its table, its key (attribute → string value) and region. */
export interface RecordRef {
  table: string;
  key: Record<string, string>;
  region?: string;
}

export type RecordValue = string | number | boolean | null;
export type DataRecord = Record<string, unknown>;

/** What must hold for an update to happen. Every part given must hold (they are joined by AND). */
export interface RecordCondition {
  /** The record exists. */
  exists?: boolean;
  /** These attributes hold exactly these values. */
  equals?: Record<string, RecordValue>;
  /** These attributes are absent or hold another value. */
  differs?: Record<string, RecordValue>;
  /** These attributes are absent. */
  absent?: string[];
}

/** An update that did not happen because its condition failed is an answer, not an error. */
export type RecordUpdate =
  | { status: 'updated'; record: DataRecord }
  | { status: 'condition_failed'; record: DataRecord | undefined };

/** DynamoDB items as records, changed only under a condition. */
export interface RecordsPort {
  /** A strongly consistent read; undefined when the record does not exist. */
  get(ref: RecordRef): Promise<DataRecord | undefined>;
  /**
   * Sets (and removes) attributes in one conditional UpdateItem. When the condition fails, returns
   * the record as it is now (undefined when it does not exist).
   */
  update(
    input: RecordRef & {
      set: Record<string, RecordValue>;
      remove?: string[];
      condition: RecordCondition;
    },
  ): Promise<RecordUpdate>;
}
