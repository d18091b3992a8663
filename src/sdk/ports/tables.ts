/** DynamoDB DescribeTable, CloudWatch metrics and alarms (table-health). */

export interface TableDescription {
  name: string;
  /** `ACTIVE`, `CREATING`, `UPDATING`, `DELETING`, … */
  status: string;
  /** `PAY_PER_REQUEST` or `PROVISIONED` (tables created before billing modes existed report none). */
  billingMode: string;
  itemCount: number;
}

export interface TableAlarm {
  name: string;
  /** `OK`, `ALARM` or `INSUFFICIENT_DATA`. */
  state: string;
  metric: string;
}

export interface TablesPort {
  describe(input: { table: string; region?: string }): Promise<TableDescription>;
  /** Sums per period, oldest first, one entry per metric name (missing periods are 0). */
  metrics(input: {
    table: string;
    region?: string;
    metrics: string[];
    hours: number;
    periodSeconds: number;
  }): Promise<Record<string, number[]>>;
  /** Metric alarms whose dimensions name one of these tables, by table. */
  alarms(input: { tables: string[]; region?: string }): Promise<Record<string, TableAlarm[]>>;
}
