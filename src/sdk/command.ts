import type { z } from 'zod';
import type { FileConfig } from '../config/file.ts';
import type { GuidedRunbooksPort } from './guided.ts';
import type { IncidentsPort } from './incidents.ts';
import type { RichText } from './output.ts';
import type { PolicyDefaults } from './policy.ts';
import type { Ports } from './ports/index.ts';
import type { RunState } from './run-state.ts';

/** What a person asked for, as the worker sees it. Carries no secret. */
export interface RequestInfo {
  id: string;
  command: string;
  requester: string;
  channel: string;
  environment: string;
  /** A break-glass run (`--emergency reason=…`): only the policy's break-glass groups, audited. */
  emergency?: { reason: string };
  /** The thread the request reports into (an incident thread), when it has one. */
  threadTs?: string;
}

/** A read-only preview of what a run will change. `facts` are compared again before running. */
export interface Plan {
  summary: string;
  details?: string[];
  facts: Record<string, string | number | boolean | null>;
  /**
   * Nothing will change (the connection is already revoked): the request runs at once without
   * approval, and the run only reports.
   */
  unchanged?: boolean;
}

export interface PlanContext<A> {
  args: A;
  request: RequestInfo;
  targets: FileConfig['targets'];
  ports: Ports;
}

/** Records a domain event (`deploy.promoted`, `duck.key_rotated`) for the audit trail. */
export type RecordEvent = (event: string, data: Record<string, unknown>) => void;

/** Platform-neutral message parts a step can show; the Slack renderer turns them into blocks. */
export type OutputBlock =
  /** Text with light formatting (`*bold*`, `_italic_`) and inline elements (`mention`, `link`, …). */
  | { type: 'text'; text: RichText }
  | { type: 'code'; text: string }
  | { type: 'fields'; fields: [label: string, value: RichText][] }
  | { type: 'context'; text: RichText }
  /** A compact table: one line per row (monospace), each with an optional link (a run's permalink). */
  | { type: 'rows'; rows: { text: string; link?: { url: string; label: string } }[] }
  | {
      type: 'buttons';
      buttons: (
        | { label: string; action: string; value: string; style?: 'primary' | 'danger' }
        /**
         * A command button: clicking it asks for `command` (`unblock-ip 10.0.0.0/24 target=edge`) again
         * as the person who clicked, through the same validation, policy and approvals as typing it.
         */
        | { label: string; command: string; style?: 'primary' | 'danger' }
      )[];
    };

export interface OutputMessage {
  /** Summary (notifications, screen readers); may hold inline elements like the blocks. */
  text: RichText;
  blocks?: OutputBlock[];
}

/** Where a run shows what it found: the run's thread, or the requester alone. */
export interface RunOutput {
  /** The run's thread (channel and thread ts), so something scheduled later can post in it. */
  readonly thread?: { channel: string; ts: string };
  /** Posts in the run's thread; returns an id to update the message with. */
  post(message: OutputMessage): Promise<{ id: string }>;
  update(id: string, message: OutputMessage): Promise<void>;
  /** Uploads a file into the run's thread (long output). Bytes are sent as they are (UTF-8 text). */
  upload(file: {
    name: string;
    content: string | Uint8Array;
    title?: string;
    comment?: string;
  }): Promise<void>;
  /** A message only the requester sees, such as a key shown once. Never logged or stored. */
  toRequester(message: OutputMessage): Promise<void>;
  /** Posts a top-level message in another channel (a deploy log channel). */
  announce?(channel: string, message: OutputMessage): Promise<void>;
  /** A link to the run's thread (Slack permalink), when one can be made. */
  link?(): Promise<string | undefined>;
}

export interface StepContext<A> extends PlanContext<A> {
  runId: string;
  /** The plan that was shown (and approved), re-read just before the run started. */
  plan: Plan | undefined;
  /** Outputs of the steps that already finished, by step name. */
  results: Record<string, unknown>;
  /** Shows a short note under the running step. */
  progress(note: string): void;
  record: RecordEvent;
  output: RunOutput;
  /** Attempt number of this run, starting at 1. */
  attempt: number;
  /** State kept across attempts, claims and stop requests (long steps such as a follow). */
  state: RunState;
  /** Aborted when the worker stops or loses the run: a long step saves its place and throws. */
  signal: AbortSignal;
  /** The open incidents (read-only). */
  incidents: IncidentsPort;
  /** Guided runbooks (the `runbook` command); absent where they are not wired. */
  guided?: GuidedRunbooksPort;
}

/** One statement of the bot's least-privilege IAM policy. */
export interface IamStatement {
  actions: string[];
  resources: string[];
  /** Why a resource is `*` (AWS offers no resource-level permission for the action). */
  note?: string;
}

export interface Step<A> {
  name: string;
  title: string;
  /** Returns a JSON-serialisable result that later steps can read. It must not hold a secret. */
  run(ctx: StepContext<A>): Promise<unknown>;
}

/** What a check reads: the plan's context, and the open incidents. */
export interface CheckContext<A> extends PlanContext<A> {
  /** The open incidents; absent where the caller has none (a guided runbook's check step). */
  incidents?: IncidentsPort;
}

/** What a check found: ✓ ok, ⚠ warn, ✗ fail, with one line of reason. Checklists and runbooks read it. */
export interface Verdict {
  status: 'ok' | 'warn' | 'fail';
  /** One line: `db down`, `last snapshot 30 h old (max 24 h)`. */
  reason: string;
  /** Where the details are (a console URL, a run's permalink). */
  link?: string;
  /** Named figures a digest can compare with the previous run (`age_hours: 30`). */
  values?: Record<string, number>;
}

/** Config sections a command owns, merged into the configuration's validation at start. */
export interface CommandConfig {
  /** Sections under `targets:` (`{ databases: z.record(…) }`). */
  targets?: Record<string, z.ZodType>;
  /** Top-level sections (`{ checklists: z.record(…) }`). */
  settings?: Record<string, z.ZodType>;
  /** Kinds of record this command changes: values `holds:` may take on a `targets.tables` entry. */
  recordKinds?: string[];
}

export interface CommandDefinition<S extends z.ZodObject = z.ZodObject> {
  name: string;
  summary: string;
  args: S;
  /**
   * True when a run changes nothing anywhere (health, logs, table-health). Only read-only commands
   * may be scheduled or used as checks.
   */
  readOnly?: boolean;
  /**
   * A read-only verdict for checklists, schedules and runbook check steps. Only on read-only
   * commands; it must not post anything itself.
   */
  check?(ctx: CheckContext<z.output<S>>): Promise<Verdict>;
  /** The config sections this command owns. */
  config?: CommandConfig;
  /** Flags of this command that set a boolean argument: `--safe` is `safe=true`. */
  flags?: (keyof z.output<S> & string)[];
  /** Argument names in the order they may be typed without `key=`. */
  positional?: (keyof z.output<S> & string)[];
  /** The last positional argument takes every further word too (`table-health a b c`), space-joined. */
  variadic?: boolean;
  /**
   * An argument that takes the whole rest of the line as free text, quotes and `=` included
   * (`/ops note the db was restarted by hand`). The command then has no other typed arguments.
   */
  rest?: keyof z.output<S> & string;
  policy: PolicyDefaults;
  /** The environment a request runs in (`prod`, `staging`), used to pick the policy. */
  environment?(args: z.output<S>, targets: FileConfig['targets']): string;
  /** Resources a run holds a lock on, such as `lambda:mission-control-api:prod`. */
  resources?(args: z.output<S>, targets: FileConfig['targets']): string[];
  plan?(ctx: PlanContext<z.output<S>>): Promise<Plan>;
  run:
    | Step<z.output<S>>[]
    | ((args: z.output<S>, targets: FileConfig['targets']) => Step<z.output<S>>[]);
  /**
   * The IAM permissions a run (and its plan) needs for these targets: every AWS call the command's
   * ports make, with ARNs rather than `*` wherever AWS allows. `opsbot iam-policy` prints their union.
   */
  permissions?(targets: FileConfig['targets'], region: string): IamStatement[];
  /**
   * Checks of the targets against the bot's region (env AWS_REGION), which the config file alone
   * cannot make: run when a role that plans and runs commands (worker, all) starts, which refuses
   * to start on any. Returns problems, each naming its setting.
   */
  regionProblems?(targets: FileConfig['targets'], region: string): string[];
  /** Checks that need the configuration, such as a target name that must exist. Returns problems. */
  validate?(
    args: z.output<S>,
    targets: FileConfig['targets'],
  ): { field: string; message: string }[];
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds commands of every argument shape.
export type AnyCommand = CommandDefinition<any>;

export function defineCommand<S extends z.ZodObject>(definition: CommandDefinition<S>) {
  return definition;
}

export function step<A>(name: string, title: string, run: Step<A>['run']): Step<A> {
  return { name, title, run };
}

export function stepsOf(command: AnyCommand, args: unknown, targets: FileConfig['targets']) {
  return typeof command.run === 'function' ? command.run(args, targets) : command.run;
}
