/** The only module `commands/` may import. */
export { z } from 'zod';
export type { FileConfig } from '../config/file.ts';
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
export { type IncidentsPort, incidents, type OpenIncident } from './incidents.ts';
export type { PolicyDefaults } from './policy.ts';
export type { AwsPorts, LambdaAlias, LambdaPort } from './ports.ts';
export { targetName } from './targets.ts';
