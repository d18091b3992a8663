import {
  defineCommand,
  type FileConfig,
  type Plan,
  type PlanContext,
  type StepContext,
  step,
  type TfLockTableRef,
  UserError,
  z,
} from '../src/sdk/index.ts';
import { CONTAINMENT_POLICY, optionalReason, port, YES } from './lib/containment.ts';
import { tfLocks, tfLocksSchema } from './lib/containment-targets.ts';
import {
  formatAge,
  lockAgeMs,
  parseTfLock,
  type TfLockInfo,
  workspaceOf,
  YOUNG_LOCK_MS,
} from './lib/tf-lock.ts';

/**
 * tf-lock (AutoStack scenario 5, "Error acquiring the state lock"):
 * - `tf-lock show [workspace]` reads the lock table and shows who holds each lock, for what
 *   operation, since when, with which Terraform version (Terraform's `Info` JSON);
 * - `tf-lock release <lock id> reason=…` deletes that lock item with a conditional DeleteItem that
 *   holds only while the item still carries that lock (a lock taken meanwhile is never removed),
 *   and refuses a lock younger than 15 minutes without force=true. There is no undo: a released
 *   lock cannot be put back. The runbook's "verify no terraform process runs" stays a human check.
 * `show` changes nothing and needs no approval (its environment is `read-only`).
 */

const args = z.object({
  action: z.enum(['show', 'release']).describe('show the locks, or release one'),
  subject: z
    .string()
    .regex(/^[\w.:/-]{1,200}$/, 'a workspace name (show) or a lock id (release)')
    .optional()
    .describe('show: the workspace (default: all); release: the lock id'),
  table: z
    .string()
    .optional()
    .describe('The lock table target (targets.tf_locks; default: the only one)'),
  reason: optionalReason,
  force: YES.describe('Release a lock younger than 15 minutes'),
});

type Args = z.output<typeof args>;

function lockTable(targets: FileConfig['targets'], name?: string) {
  const all = tfLocks(targets);
  const names = Object.keys(all);
  const chosen = name ?? (names.length === 1 ? names[0] : undefined);
  const found = chosen ? all[chosen] : undefined;
  if (!found || !chosen) {
    throw new UserError(
      'unknown_target',
      name
        ? `no tf_locks target ${name} (configured: ${names.join(', ') || 'none'})`
        : `name the lock table with table=… (configured: ${names.join(', ') || 'none'})`,
    );
  }
  const ref: TfLockTableRef = {
    table: found.table,
    ...(found.region ? { region: found.region } : {}),
  };
  return { name: chosen, ref, config: found };
}

async function readLocks(ctx: PlanContext<Args>) {
  const table = lockTable(ctx.targets, ctx.args.table);
  const items = await port(ctx.ports, 'tfLocks').list(table.ref);
  const locks = items.map(parseTfLock).filter((l): l is TfLockInfo => l !== undefined);
  return { table, locks };
}

/** The lock to release, checked: it exists, and it is old enough unless forced. */
async function releasable(ctx: PlanContext<Args>) {
  const { table, locks } = await readLocks(ctx);
  const lock = locks.find((l) => l.id === ctx.args.subject);
  if (!lock) {
    throw new UserError(
      'lock_not_found',
      `no lock ${ctx.args.subject} in ${table.ref.table} (held now: ${locks.map((l) => l.id).join(', ') || 'none'}); nothing was deleted`,
    );
  }
  const age = lockAgeMs(lock);
  if (!ctx.args.force && (age === undefined || age < YOUNG_LOCK_MS)) {
    throw new UserError(
      'lock_too_young',
      `lock ${lock.id} is ${age === undefined ? 'of unknown age' : `only ${formatAge(age)} old`} (taken by ${lock.who} for ${lock.operation}): a terraform run probably still holds it. Check that no terraform process runs, wait, or add force=true.`,
    );
  }
  return { table, lock, age };
}

function lockLines(lock: TfLockInfo, prefix: string): string {
  const age = lockAgeMs(lock);
  return [
    `ID ${lock.id}`,
    `  ${lock.operation || 'operation ?'} by ${lock.who || '?'} (Terraform ${lock.version || '?'})`,
    `  since ${lock.created}${age !== undefined ? ` (${formatAge(age)} ago)` : ''}, workspace ${workspaceOf(lock, prefix)}`,
    `  ${lock.path}`,
  ].join('\n');
}

async function show(ctx: StepContext<Args>) {
  const { table, locks } = await readLocks(ctx);
  const prefix = table.config.workspace_key_prefix;
  const shown = ctx.args.subject
    ? locks.filter((l) => workspaceOf(l, prefix) === ctx.args.subject)
    : locks;
  const text = shown.length
    ? `${shown.length} Terraform lock${shown.length === 1 ? '' : 's'} held in ${table.ref.table}`
    : `No Terraform lock held in ${table.ref.table}${ctx.args.subject ? ` for workspace ${ctx.args.subject}` : ''}.`;
  await ctx.output.post({
    text,
    blocks: [
      { type: 'text', text: `*${text}*` },
      ...shown.map((l) => ({ type: 'code' as const, text: lockLines(l, prefix) })),
      ...(shown.length
        ? [
            {
              type: 'context' as const,
              text: 'Release a stale one with `/ops tf-lock release <ID> reason=…` (refused under 15 min without force=true).',
            },
          ]
        : []),
    ],
  });
  return { locks: shown.length };
}

async function release(ctx: StepContext<Args>) {
  const { table, lock, age } = await releasable(ctx);
  const outcome = await port(ctx.ports, 'tfLocks').release(table.ref, {
    lockKey: lock.lockKey,
    info: lock.raw,
  });
  if (outcome.status === 'changed') {
    throw new UserError(
      'lock_changed',
      `lock ${lock.id} changed or went away while this ran (a new lock may have been taken); nothing was deleted`,
    );
  }
  ctx.record('tf_lock.released', {
    table: table.ref.table,
    lock_id: lock.id,
    who: lock.who,
    operation: lock.operation,
    created: lock.created,
    reason: ctx.args.reason ?? null,
    forced: ctx.args.force,
  });
  await ctx.output.post({
    text: `Released Terraform lock ${lock.id} in ${table.ref.table}`,
    blocks: [
      {
        type: 'text',
        text: `:unlock: *Released* Terraform lock \`${lock.id}\` (${lock.operation} by ${lock.who}, ${age !== undefined ? formatAge(age) : '?'} old)`,
      },
      { type: 'code', text: lockLines(lock, table.config.workspace_key_prefix) },
      {
        type: 'context',
        text: 'No undo: a released lock cannot be put back. Run `terraform plan` before the next apply to check the state.',
      },
    ],
  });
  return { released: lock.id };
}

export default defineCommand({
  name: 'tf-lock',
  summary: 'Show Terraform state locks, or release a stale one (no undo)',
  args,
  positional: ['action', 'subject'],
  config: { targets: { tf_locks: tfLocksSchema } },
  policy: CONTAINMENT_POLICY,
  environment: (a: Args, targets) =>
    a.action === 'show'
      ? 'read-only'
      : (tfLocks(targets)[a.table ?? Object.keys(tfLocks(targets))[0] ?? '']?.environment ??
        'prod'),
  resources: (a: Args) => (a.action === 'release' ? [`tf-lock:${a.table ?? 'default'}`] : []),
  permissions: (targets, region) => {
    const tables = Object.values(tfLocks(targets)).map(
      (t) => `arn:aws:dynamodb:${t.region ?? region}:*:table/${t.table}`,
    );
    return tables.length
      ? [{ actions: ['dynamodb:Scan', 'dynamodb:DeleteItem'], resources: tables }]
      : [];
  },
  validate(a: Args, targets) {
    const problems: { field: string; message: string }[] = [];
    if (a.action === 'release' && !a.subject)
      problems.push({ field: 'subject', message: 'the lock id to release' });
    if (a.action === 'release' && !a.reason)
      problems.push({ field: 'reason', message: 'required to release a lock' });
    try {
      lockTable(targets, a.table);
    } catch (error) {
      problems.push({ field: 'table', message: (error as Error).message });
    }
    return problems;
  },
  async plan(ctx): Promise<Plan> {
    if (ctx.args.action === 'show') return { summary: 'read the Terraform lock table', facts: {} };
    const { table, lock, age } = await releasable(ctx);
    return {
      summary: `${table.ref.table}: release lock ${lock.id} (${lock.operation} by ${lock.who}, ${age !== undefined ? formatAge(age) : '?'} old) — no undo`,
      details: [lock.path, `reason: ${ctx.args.reason ?? ''}`],
      facts: { lock_key: lock.lockKey, info: lock.raw },
    };
  },
  run: (a: Args) =>
    a.action === 'show'
      ? [step<Args>('show', 'Read the lock table', show)]
      : [step<Args>('release', 'Release the lock (conditional delete)', release)],
});
