import type { FileConfig, StepContext } from '../../src/sdk/index.ts';
import { recordActions } from '../lib/record-actions.ts';
import { recordTable } from '../lib/records.ts';
import { viaAdminApi } from './admin-api.ts';

/**
 * Playbook 3 step 4: "the spaceduck_id is absent from the bonded list". After the revoke, read the
 * duckling's bonded list (`targets.record_actions.bonded_attribute`, a list of spaceduck ids).
 * `via: dynamodb` removes the spaceduck with a conditional UpdateItem (only while that element
 * still holds it, so a list changed meanwhile is read again). `via: admin_api` leaves that to the
 * app and reports ⚠ if it is still there.
 */

const ATTEMPTS = 3;

export async function checkBondedList(
  ctx: Pick<StepContext<unknown>, 'targets' | 'ports' | 'progress'>,
  revoked: { duckling: string | null; spaceduck: string | null },
): Promise<{ absent: boolean; removed?: boolean; note: string }> {
  const say = (absent: boolean, note: string, removed?: boolean) => {
    ctx.progress(note);
    return { absent, note, ...(removed !== undefined ? { removed } : {}) };
  };
  if (!revoked.duckling || !revoked.spaceduck) {
    return say(false, 'the connection names no duckling or spaceduck; bonded list not checked');
  }
  const targets: FileConfig['targets'] = ctx.targets;
  const ducklings = recordTable(targets, 'ducklings');
  const attribute = recordActions(targets).bonded_attribute;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const record = await ctx.ports.records.get(ducklings.ref(revoked.duckling));
    if (!record) return say(false, `no duckling ${revoked.duckling} in ${ducklings.where}`);
    const list = Array.isArray(record[attribute]) ? (record[attribute] as unknown[]) : [];
    const index = list.indexOf(revoked.spaceduck);
    if (index < 0) {
      return say(
        true,
        `✓ spaceduck ${revoked.spaceduck} is absent from duckling ${revoked.duckling}'s bonded list`,
      );
    }
    if (viaAdminApi(targets)) {
      return say(
        false,
        `⚠ spaceduck ${revoked.spaceduck} is still in duckling ${revoked.duckling}'s bonded list (the app did not remove it)`,
      );
    }
    const result = await ctx.ports.records.update({
      ...ducklings.ref(revoked.duckling),
      set: {},
      removeAt: { attribute, index, equals: revoked.spaceduck },
      condition: { exists: true },
    });
    if (result.status === 'updated') {
      return say(
        true,
        `✓ removed spaceduck ${revoked.spaceduck} from duckling ${revoked.duckling}'s bonded list`,
        true,
      );
    }
  }
  return say(false, `⚠ the bonded list of duckling ${revoked.duckling} kept changing; not removed`);
}
