/** The only module `commands/` may import. */
export { z } from 'zod';
export type { FileConfig } from '../config/file.ts';
export { type LogsSettings, logsSettings } from '../config/logs.ts';
export { redact } from '../redact/index.ts';
export {
  type AnyCommand,
  type CommandConfig,
  type CommandDefinition,
  defineCommand,
  type IamStatement,
  type OutputBlock,
  type OutputMessage,
  type Plan,
  type PlanContext,
  type RequestInfo,
  type RunOutput,
  type Step,
  type StepContext,
  step,
  type Verdict,
} from './command.ts';
export { PermanentError, TransientError, UserError } from './errors.ts';
export * from './generate.ts';
export type {
  GuidedExecutionSummary,
  GuidedRunbookSummary,
  GuidedRunbooksPort,
} from './guided.ts';
export { type IncidentsPort, incidents, type OpenIncident } from './incidents.ts';
export * from './lambda-targets.ts';
export type { PolicyDefaults } from './policy.ts';
export type {
  AuditEntry,
  AwsPorts,
  ChainReport,
  DataRecord,
  DeployEntry,
  DeployHistoryPort,
  HttpPort,
  HttpResult,
  LambdaAlias,
  LambdaPort,
  LedgerPort,
  LiveTailEvent,
  LogEvent,
  LogGroupRef,
  LogsPort,
  RecordCondition,
  RecordRef,
  RecordsPort,
  RecordUpdate,
  Redeploy,
  Rollout,
  SecretInfo,
  SecretsPort,
  ServiceRef,
  TableAlarm,
  TableDescription,
} from './ports.ts';
export * from './records.ts';
export type { RunState } from './run-state.ts';
export { targetName } from './targets.ts';
