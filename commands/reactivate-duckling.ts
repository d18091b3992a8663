import {
  defineCommand,
  type FileConfig,
  type StepContext,
  step,
  UserError,
  z,
} from '../src/sdk/index.ts';
import {
  CONTAINMENT_POLICY,
  checkUndoable,
  claimUndo,
  optionalReason,
  port,
  undoArg,
  undoesLine,
} from './lib/containment.ts';
import { existingRecord, readWriteStatements, recordCommand } from './lib/record-command.ts';
import { LAST_REQUEST, recordId, recordTable } from './lib/records.ts';

/**
 * reactivate-duckling: the Undo of suspend-duckling. Puts back the status kept in
 * `status_before_suspension`, only while the duckling is still SUSPENDED. Same policy.
 */

const args = z.object({
  duckling_id: recordId('a duckling id such as dk_1234', 'The duckling (tenant) to reactivate'),
  reason: optionalReason,
  undo: undoArg,
});

type Args = z.output<typeof args>;

const ducklings = (targets: FileConfig['targets']) => recordTable(targets, 'ducklings');

async function reactivate(ctx: StepContext<Args>) {
  const table = ducklings(ctx.targets);
  const id = ctx.args.duckling_id;
  const now = await existingRecord(ctx.ports, table, 'duckling', id);
  if (now[LAST_REQUEST] !== ctx.request.id) {
    if (now.status !== 'SUSPENDED')
      throw new UserError(
        'not_suspended',
        `duckling ${id} is ${String(now.status)}, not SUSPENDED; nothing was changed`,
      );
    const back = String(now.status_before_suspension ?? 'ACTIVE');
    const result = await ctx.ports.records.update({
      ...table.ref(id),
      set: {
        status: back,
        reactivated_at: new Date().toISOString(),
        reactivated_by: ctx.request.requester,
        [LAST_REQUEST]: ctx.request.id,
      },
      remove: ['status_before_suspension'],
      condition: { exists: true, equals: { status: 'SUSPENDED' } },
    });
    if (result.status === 'condition_failed')
      throw new UserError(
        'record_changed',
        `duckling ${id} changed while this ran; nothing was changed`,
      );
  }
  if (ctx.args.undo) await claimUndo(ctx, ctx.args.undo, 'suspend-duckling', id);
  const status = String((await ctx.ports.records.get(table.ref(id)))?.status);
  ctx.record('duck.reactivated', { duckling_id: id, status, undoes: ctx.args.undo ?? null });
  return { status };
}

export default defineCommand({
  name: 'reactivate-duckling',
  summary: 'Reactivate a suspended duckling with the status it had (the Undo of suspend-duckling)',
  args,
  positional: ['duckling_id'],
  policy: CONTAINMENT_POLICY,
  ...recordCommand<Args>('ducklings', 'duckling_id'),
  resources: (a: Args) => [`ducklings:${a.duckling_id}`],
  permissions: readWriteStatements('ducklings'),
  async plan({ args: a, targets, ports }) {
    if (a.undo)
      await checkUndoable(port(ports, 'containment'), a.undo, 'suspend-duckling', a.duckling_id);
    const table = ducklings(targets);
    const record = await existingRecord(ports, table, 'duckling', a.duckling_id);
    if (record.status !== 'SUSPENDED')
      throw new UserError(
        'not_suspended',
        `duckling ${a.duckling_id} is ${String(record.status)}, not SUSPENDED`,
      );
    return {
      summary: `duckling ${a.duckling_id}: SUSPENDED → ${String(record.status_before_suspension ?? 'ACTIVE')}`,
      details: a.undo ? [`undoes ${a.undo}`] : [],
      facts: { status: 'SUSPENDED' },
    };
  },
  run: [
    step<Args>('reactivate', 'Reactivate the duckling', reactivate),
    step<Args>('card', 'Show the result', async (ctx) => {
      const { status } = ctx.results.reactivate as { status: string };
      await ctx.output.post({
        text: `Reactivated duckling ${ctx.args.duckling_id} (${status})`,
        blocks: [
          {
            type: 'text',
            text: `:arrow_forward: *Reactivated* duckling \`${ctx.args.duckling_id}\` (${status})`,
          },
          ...undoesLine(ctx.args.undo),
        ],
      });
      return { posted: true };
    }),
  ],
});
