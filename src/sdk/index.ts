/** The only module `commands/` may import. */
export { z } from 'zod';
export type { FileConfig } from '../config/file.ts';
export { type LogsSettings, logsSettings } from '../config/logs.ts';
export { redact } from '../redact/index.ts';
export {
  type AnyCommand,
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
} from './command.ts';
export { PermanentError, TransientError, UserError } from './errors.ts';
export type { PolicyDefaults } from './policy.ts';
export type {
  AwsPorts,
  LambdaAlias,
  LambdaPort,
  LiveTailEvent,
  LogEvent,
  LogGroupRef,
  LogsPort,
} from './ports.ts';
export type { RunState } from './run-state.ts';
export { targetName } from './targets.ts';
