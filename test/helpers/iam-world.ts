import type { LedgerTable } from '../../src/aws/ledger-table.ts';
import type { FileConfig } from '../../src/config/file.ts';
import { commands } from '../../src/registry/commands.ts';
import type { Ports } from '../../src/sdk/ports/index.ts';
import { SPACEDUCK_TABLES, type startDynalite } from './dynalite.ts';
import type { runCommand, StepContextOptions } from './step-context.ts';

/**
 * What an IAM scenario (`commands/<name>.iam.ts`) gets: the real adapters (aws-sdk-client-mock
 * clients, dynalite for DynamoDB), the example config's targets, and ways to set up and run.
 * test/integration/iam-coverage.test.ts runs every command's scenario and checks each AWS call
 * against the policy `opsbot iam-policy` prints.
 */
export interface IamWorld {
  ports: Ports;
  targets: FileConfig['targets'];
  /**
   * Registers an aws-sdk-client-mock mock whose calls count (and restores it afterwards). For a
   * service the coverage test cannot name resources of, pass how (`arn:aws:rds:…:db:<id>`).
   */
  use<M extends MockedClient>(mocked: M, resourceOf?: ResourceNamer): M;
  dynamodb: Awaited<ReturnType<typeof startDynalite>>;
  /** Runs test setup (tables, items): its DynamoDB requests are not the command's. */
  setup(prepare: () => Promise<unknown>): Promise<void>;
  /** The audit ledger table in dynalite (created on first use), as the bot opens it. */
  ledger(): Promise<LedgerTable>;
  /** Runs a discovered command (validate, plan, steps) with these ports and targets. */
  run(
    command: string,
    args: Record<string, string>,
    overrides?: Partial<Omit<StepContextOptions, 'command' | 'args'>>,
  ): ReturnType<typeof runCommand>;
}

/** The IAM resource a call acts on, from its action (`DescribeDBInstances`), input and region. */
export type ResourceNamer = (
  action: string,
  input: Record<string, unknown>,
  region: string,
) => string;

export interface MockedClient {
  mock: {
    restore(): void;
    calls(): { args: unknown[]; thisValue: unknown }[];
  };
}

export type IamScenario = ((w: IamWorld) => Promise<unknown>) & { noAwsCalls?: true };

/** A command's IAM scenario: what it does against the real adapters. */
export const iamScenario = (scenario: (w: IamWorld) => Promise<unknown>): IamScenario => scenario;

/** A command whose steps call no AWS API: it still runs, and must make no call. */
export const noAwsCalls = (scenario: (w: IamWorld) => Promise<unknown>): IamScenario =>
  Object.assign(scenario, { noAwsCalls: true as const });

/** The example config's App Runner service (`drop`). */
export const DROP_ARN =
  'arn:aws:apprunner:eu-west-1:123456789012:service/drop/8fe1e10304f84fd2b0df550fe98a71fa';

/** Creates a table of the example config (with its record key) unless a scenario already did. */
export async function ensureTable(w: IamWorld, table: string) {
  const key = SPACEDUCK_TABLES[table as keyof typeof SPACEDUCK_TABLES];
  await w.dynamodb.createTable(table, { key }).catch((error: Error) => {
    if (error.name !== 'ResourceInUseException') throw error;
  });
}

/** A record table of the example config with these items, as setup. */
export const recordTable = (w: IamWorld, table: keyof typeof SPACEDUCK_TABLES, items: object[]) =>
  w.setup(async () => {
    await ensureTable(w, table);
    for (const item of items) await w.dynamodb.put(table, item as Record<string, unknown>);
  });

/** A discovered command by name. */
export function commandNamed(name: string) {
  const command = commands.find((c) => c.name === name);
  if (!command) throw new Error(`no command ${name} in commands/`);
  return command;
}
