import {
  defineCommand,
  type FileConfig,
  type StepContext,
  step,
  UserError,
  z,
} from '../src/sdk/index.ts';
import { CONTAINMENT_POLICY, port, undoButton } from './lib/containment.ts';
import { existingRecord, readWriteStatements, recordCommand } from './lib/record-command.ts';
import { LAST_REQUEST, operatorReason, recordId, recordTable } from './lib/records.ts';

/**
 * suspend-duckling (API runbook, tenant abuse or compromise: "disable/suspend tenant"): one
 * conditional UpdateItem sets the duckling SUSPENDED and keeps the status it had in
 * `status_before_suspension`. Undo: reactivate-duckling. Revoking the tenant's keys stays
 * rotate-key's job.
 */

const args = z.object({
  duckling_id: recordId('a duckling id such as dk_1234', 'The duckling (tenant) to suspend'),
  reason: operatorReason('Why (kept on the record and in the audit trail)'),
});

type Args = z.output<typeof args>;

const ducklings = (targets: FileConfig['targets']) => recordTable(targets, 'ducklings');

async function suspend(ctx: StepContext<Args>) {
  const table = ducklings(ctx.targets);
  const id = ctx.args.duckling_id;
  const before = await existingRecord(ctx.ports, table, 'duckling', id);
  // A retried run finds its own write (the request id on the record) and does not write again.
  const ours = before[LAST_REQUEST] === ctx.request.id;
  const prior = String((ours ? before.status_before_suspension : before.status) ?? 'UNKNOWN');
  if (!ours) {
    if (prior === 'SUSPENDED')
      throw new UserError(
        'already_suspended',
        `duckling ${id} is already SUSPENDED; nothing was changed`,
      );
    const result = await ctx.ports.records.update({
      ...table.ref(id),
      set: {
        status: 'SUSPENDED',
        status_before_suspension: prior,
        suspended_at: new Date().toISOString(),
        suspended_by: ctx.request.requester,
        suspension_reason: ctx.args.reason,
        [LAST_REQUEST]: ctx.request.id,
      },
      condition: { exists: true, equals: { status: prior } },
    });
    if (result.status === 'condition_failed') {
      throw new UserError(
        'record_changed',
        `duckling ${id} changed while this ran (now ${String(result.record?.status)}); nothing was changed`,
      );
    }
  }
  await port(ctx.ports, 'containment').record({
    requestId: ctx.request.id,
    command: 'suspend-duckling',
    subject: id,
    by: ctx.request.requester,
    at: new Date().toISOString(),
    reason: ctx.args.reason,
    facts: { prior },
  });
  ctx.record('duck.suspended', { duckling_id: id, prior_status: prior, reason: ctx.args.reason });
  return { prior };
}

export default defineCommand({
  name: 'suspend-duckling',
  summary:
    'Suspend a duckling (tenant) for abuse or compromise, keeping its prior status (Undo: reactivate-duckling)',
  args,
  positional: ['duckling_id'],
  policy: CONTAINMENT_POLICY,
  ...recordCommand<Args>('ducklings', 'duckling_id'),
  resources: (a: Args) => [`ducklings:${a.duckling_id}`],
  permissions: readWriteStatements('ducklings'),
  async plan({ args: a, targets, ports }) {
    const table = ducklings(targets);
    const record = await existingRecord(ports, table, 'duckling', a.duckling_id);
    const status = String(record.status ?? 'unknown');
    if (status === 'SUSPENDED')
      throw new UserError('already_suspended', `duckling ${a.duckling_id} is already SUSPENDED`);
    return {
      summary: `duckling ${a.duckling_id}: ${status} → SUSPENDED`,
      details: [table.where, `reason: ${a.reason}`],
      facts: { status },
    };
  },
  run: [
    step<Args>('suspend', 'Suspend the duckling', suspend),
    step<Args>('card', 'Show the result with Undo', async (ctx) => {
      const { prior } = ctx.results.suspend as { prior: string };
      await ctx.output.post({
        text: `Suspended duckling ${ctx.args.duckling_id} (was ${prior})`,
        blocks: [
          {
            type: 'text',
            text: `:pause_button: *Suspended* duckling \`${ctx.args.duckling_id}\` (was ${prior})`,
          },
          undoButton(`reactivate-duckling ${ctx.args.duckling_id} undo=${ctx.request.id}`),
        ],
      });
      return { posted: true };
    }),
  ],
});
