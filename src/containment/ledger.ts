import type {
  ContainmentAction,
  ContainmentLedgerPort,
  SupersededMark,
  UndoClaim,
  UndoMark,
} from '../sdk/ports/containment-ledger.ts';
import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';

/** How long opsbot remembers a containment action (an Undo older than this is refused as unknown). */
export const CONTAINMENT_TTL_SECONDS = 90 * 24 * 3600;

/**
 * KEYS[1] the action's hash (fields `action`, `undone`, `superseded`, JSON)
 * ARGV[1] command, ARGV[2] subject, ARGV[3] undo mark (JSON), ARGV[4] undo request id
 * Returns {status, action?, undone?}: `claimed` (also for the same undo request again), `unknown`,
 * `mismatch` (another command or subject), `already_undone` (by another request).
 */
const CLAIM_UNDO = `
local action = redis.call('HGET', KEYS[1], 'action')
if not action then return {'unknown'} end
local a = cjson.decode(action)
if a.command ~= ARGV[1] or a.subject ~= ARGV[2] then return {'mismatch', action} end
local undone = redis.call('HGET', KEYS[1], 'undone')
if undone then
  if cjson.decode(undone).requestId == ARGV[4] then return {'claimed', action} end
  return {'already_undone', action, undone}
end
redis.call('HSET', KEYS[1], 'undone', ARGV[3])
return {'claimed', action}
`;

/** The containment ledger in Redis: one hash per action, undo claimed by a Lua script. */
export function redisContainmentLedger(redis: Redis, keys: Keys): ContainmentLedgerPort {
  return {
    async record(action) {
      const key = keys.containmentAction(action.requestId);
      await redis
        .multi()
        .hsetnx(key, 'action', JSON.stringify(action))
        .expire(key, CONTAINMENT_TTL_SECONDS)
        .exec();
    },
    async get(requestId) {
      const [action, undone, superseded] = await redis.hmget(
        keys.containmentAction(requestId),
        'action',
        'undone',
        'superseded',
      );
      if (!action) return undefined;
      return {
        action: JSON.parse(action) as ContainmentAction,
        ...(undone ? { undone: JSON.parse(undone) as UndoMark } : {}),
        ...(superseded ? { superseded: JSON.parse(superseded) as SupersededMark } : {}),
      };
    },
    async claimUndo({ original, command, subject, undo }): Promise<UndoClaim> {
      const [status, action, undone] = (await redis.eval(
        CLAIM_UNDO,
        1,
        keys.containmentAction(original),
        command,
        subject,
        JSON.stringify(undo),
        undo.requestId,
      )) as [UndoClaim['status'], string?, string?];
      if (status === 'unknown') return { status };
      const parsed = JSON.parse(action!) as ContainmentAction;
      if (status === 'already_undone')
        return { status, action: parsed, undone: JSON.parse(undone!) as UndoMark };
      return { status, action: parsed };
    },
  };
}
