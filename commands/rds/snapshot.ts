import type { DbSnapshot } from '../../src/sdk/index.ts';
import {
  PermanentError,
  type Step,
  type StepContext,
  step,
  UserError,
} from '../../src/sdk/index.ts';
import { database } from './databases.ts';
import { rdsOf } from './need.ts';

/**
 * The steps of a manual snapshot, shared by `rds-snapshot` and `deploy --safe`: name it once
 * (checkpointed), create it unless this request already did, wait until it is `available`.
 *
 * Exactly once under retries: the name holds the request id, and the snapshot carries the tag
 * `opsbot:request-id`; a retried step first looks for its own snapshot (by name, then by tag), and
 * a `DBSnapshotAlreadyExists` answer is adopted only when the existing snapshot is this request's.
 */

export const REQUEST_TAG = 'opsbot:request-id';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `opsbot-<db>-<utc>-<request id short>`: a valid RDS identifier (letters, digits, single hyphens). */
export function snapshotName(db: string, requestId: string, at: Date) {
  const utc = at.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  const short = requestId
    .replace(/^req_/, '')
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 8);
  const safeDb = db
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `opsbot-${safeDb}-${utc}-${short}`.replace(/-+/g, '-').slice(0, 255);
}

/** RDS tag values allow letters, digits, spaces and `_ . : / = + - @`. */
const tagValue = (text: string) => text.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, ' ').slice(0, 256);

export function snapshotStepNames(prefix = '') {
  return {
    name: `${prefix}snapshot-name`,
    create: `${prefix}create-snapshot`,
    wait: `${prefix}wait-snapshot`,
  };
}

export function snapshotSteps<A>(
  db: string,
  options: { prefix?: string; titlePrefix?: string; reason?: (args: A) => string | undefined } = {},
): Step<A>[] {
  const names = snapshotStepNames(options.prefix);
  const title = (text: string) => `${options.titlePrefix ?? ''}${text}`;
  return [
    step<A>(names.name, title('Name the snapshot'), async ({ request }) => ({
      snapshotId: snapshotName(db, request.id, new Date()),
    })),
    step<A>(names.create, title('Create the snapshot'), async (ctx: StepContext<A>) => {
      const { ports, targets, request, results, progress, record, args } = ctx;
      const rds = rdsOf(ports);
      const target = database(targets, db);
      const { snapshotId } = results[names.name] as { snapshotId: string };
      const ours = (s: DbSnapshot | undefined) => s && s.tags[REQUEST_TAG] === request.id;
      let snapshot = await rds.getSnapshot(target.ref, snapshotId);
      if (snapshot && !ours(snapshot))
        throw new PermanentError(
          'snapshot_name_taken',
          `a snapshot named ${snapshotId} exists and was not made by this request; nothing was created`,
        );
      snapshot ??= await rds.findSnapshotByTag(target.ref, REQUEST_TAG, request.id);
      let adopted = Boolean(snapshot);
      if (!snapshot) {
        const reason = options.reason?.(args);
        const created = await rds.createSnapshot(target.ref, {
          snapshotId,
          tags: {
            [REQUEST_TAG]: request.id,
            'opsbot:requester': tagValue(request.requester),
            ...(reason ? { 'opsbot:reason': tagValue(reason) } : {}),
          },
        });
        if ('exists' in created) {
          if (!ours(created.exists))
            throw new PermanentError(
              'snapshot_name_taken',
              `a snapshot named ${snapshotId} exists and was not made by this request; nothing was created`,
            );
          adopted = true;
          snapshot = created.exists;
        } else snapshot = created.created;
      }
      if (adopted) progress(`found snapshot ${snapshot.id}, started by this request`);
      record('rds.snapshot_started', { db, snapshot: snapshot.id });
      return { snapshotId: snapshot.id, adopted };
    }),
    step<A>(names.wait, title('Wait until the snapshot is available'), async (ctx) => {
      const { ports, targets, results, progress, record, signal } = ctx;
      const rds = rdsOf(ports);
      const target = database(targets, db);
      const { snapshotId } = results[names.create] as { snapshotId: string };
      const deadline = Date.now() + target.timeout_seconds * 1000;
      for (;;) {
        const s = await rds.getSnapshot(target.ref, snapshotId);
        if (!s)
          throw new PermanentError(
            'snapshot_gone',
            `snapshot ${snapshotId} is no longer listed (deleted while it was being made?)`,
          );
        const percent = s.status !== 'available' && s.percentProgress !== undefined;
        progress(`${s.status}${percent ? ` ${s.percentProgress} %` : ''}`);
        if (s.status === 'available') {
          record('rds.snapshot_available', { db, snapshot: snapshotId });
          return { snapshotId, status: s.status, createdAt: s.createdAt ?? null };
        }
        if (!/^(creating|pending|copying|backing-up)$/.test(s.status))
          throw new PermanentError(
            'snapshot_failed',
            `snapshot ${snapshotId} of ${db} is ${s.status}; the database itself is unchanged`,
          );
        if (signal.aborted)
          throw new UserError('stopped', 'stopped while waiting for the snapshot');
        if (Date.now() >= deadline)
          throw new PermanentError(
            'snapshot_timeout',
            `snapshot ${snapshotId} still ${s.status} after ${target.timeout_seconds} s; AWS goes on — check it before retrying`,
          );
        await sleep(Math.min(target.poll_interval_ms, Math.max(0, deadline - Date.now())));
      }
    }),
  ];
}
