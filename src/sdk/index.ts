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
export { configSection } from './config-section.ts';
export { PermanentError, TransientError, UserError } from './errors.ts';
export * from './generate.ts';
export type {
  GuidedExecutionSummary,
  GuidedRunbookSummary,
  GuidedRunbooksPort,
} from './guided.ts';
export type { IncidentsPort, OpenIncident } from './incidents.ts';
export type { PolicyDefaults } from './policy.ts';
export type {
  AuditEntry,
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
  Ports,
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
} from './ports/index.ts';
export { requirePort } from './ports/index.ts';
export type { RunState } from './run-state.ts';
export {
  argsProblems,
  endpoint,
  lambdaFunction,
  secret,
  sectionOf,
  service,
  type TargetOptions,
  table,
  target,
  targetName,
  targetOf,
} from './targets.ts';
