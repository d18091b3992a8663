/** The only module `commands/` may import. */
export { z } from 'zod';
export type { FileConfig } from '../config/file.ts';
export { type LogsSettings, logsSettings } from '../config/logs.ts';
export { redact } from '../redact/index.ts';
export { own } from '../util/own.ts';
export { sleep } from '../util/sleep.ts';
export { timeSpan, utc } from '../util/time-text.ts';
export {
  type AnyCommand,
  type CheckContext,
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
export * from './containment.ts';
export { PermanentError, TransientError, UserError } from './errors.ts';
export * from './generate.ts';
export type {
  GuidedExecutionSummary,
  GuidedRunbookSummary,
  GuidedRunbooksPort,
} from './guided.ts';
export type { IncidentsPort, OpenIncident } from './incidents.ts';
export { maintenanceSchema, maintenanceServices } from './maintenance-config.ts';
export {
  type ChannelRef,
  channel,
  type DateRef,
  date,
  type InlineElement,
  type Link,
  link,
  type Mention,
  mention,
  plainText,
  type RichText,
} from './output.ts';
export { DEFAULT_APPROVER_GROUP, DEFAULT_REQUESTER_GROUP, type PolicyDefaults } from './policy.ts';
export type {
  AdminApiAnswer,
  AdminApiPort,
  AdminApiRef,
  AnchorSummary,
  AuditEntry,
  ChainReport,
  DatabaseRef,
  DataRecord,
  DbSnapshot,
  DeployEntry,
  DeployHistoryPort,
  EmailPort,
  HttpPort,
  HttpResult,
  ImageInfo,
  ImagesPort,
  LambdaAlias,
  LambdaPort,
  LedgerPort,
  LiveTailEvent,
  LogEvent,
  LogGroupRef,
  LogsPort,
  MaintenancePort,
  MaintenanceStart,
  MaintenanceSummary,
  MaintenanceWindow,
  Ports,
  RdsPort,
  RecordCondition,
  RecordRef,
  RecordsPort,
  RecordUpdate,
  Redeploy,
  RepoFileRef,
  RepoFilesPort,
  RepositoryRef,
  Rollout,
  SecretInfo,
  SecretsPort,
  ServiceRef,
  ServiceStatus,
  ServiceStatusPort,
  TableAlarm,
  TableDescription,
} from './ports/index.ts';
export { requirePort } from './ports/index.ts';
export type { RunState } from './run-state.ts';
export {
  botService,
  type ChecklistsPort,
  type HandoffPort,
  type HandoffView,
  type LastRun,
  type ScheduleRow,
  type SchedulesPort,
  type Status,
} from './schedules.ts';
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
