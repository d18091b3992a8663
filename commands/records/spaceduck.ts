import { type DataRecord, type PlanContext, UserError } from '../../src/sdk/index.ts';
import { recordActions } from '../lib/record-actions.ts';
import { recordTable } from '../lib/records.ts';

/**
 * Playbook 3 step 1: the connection is named by its id, or by the spaceduck it belongs to
 * (`spaceduck=<id>`), found through the connections table's index
 * (`targets.record_actions.spaceduck_index`). More than one live connection is refused with
 * their ids; only revoked ones resolve to the newest (the plan then says nothing changes).
 */
export async function resolveConnection(
  ctx: Pick<PlanContext<unknown>, 'targets' | 'ports'>,
  a: { connection_id?: string; spaceduck?: string },
): Promise<{ id: string; record: DataRecord | undefined }> {
  const table = recordTable(ctx.targets, 'connections');
  if (a.connection_id) {
    return { id: a.connection_id, record: await ctx.ports.records.get(table.ref(a.connection_id)) };
  }
  const r = recordActions(ctx.targets);
  if (!a.spaceduck || !r.spaceduck_index) {
    throw new UserError('bad_arguments', 'name the connection or spaceduck=<id>');
  }
  const found = await ctx.ports.records.query({
    table: table.table,
    index: r.spaceduck_index,
    region: table.region,
    key: { [r.spaceduck_attribute]: a.spaceduck },
  });
  if (found.length === 0) {
    throw new UserError(
      'record_not_found',
      `no connection of spaceduck ${a.spaceduck} in ${table.where} (index ${r.spaceduck_index})`,
    );
  }
  const live = found.filter((c) => c.status !== 'REVOKED');
  if (live.length > 1) {
    const ids = live.map((c) => String(c[table.keyAttribute])).join(', ');
    throw new UserError(
      'ambiguous_spaceduck',
      `spaceduck ${a.spaceduck} has ${live.length} live connections (${ids}); name one`,
    );
  }
  const chosen = live[0] ?? found[0]!;
  const id = String(chosen[table.keyAttribute]);
  // The index may lag: read the record itself, consistently.
  return { id, record: await ctx.ports.records.get(table.ref(id)) };
}
