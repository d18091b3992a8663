import type { ActiveBlock, ActiveBlocksPort, Lifted } from '../sdk/ports/active-blocks.ts';
import { type Keys, RUN_STATE_TTL_SECONDS } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';

/**
 * KEYS[1] the active-blocks hash; ARGV[1] field `<target>|<cidr>`, ARGV[2] request id or ''.
 * Deletes the field (only when that request made the block, if one is given); returns its JSON.
 */
const CLEAR = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return false end
if ARGV[2] ~= '' and cjson.decode(v).requestId ~= ARGV[2] then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
return v
`;

/**
 * KEYS[1] the active-blocks hash, KEYS[2] the ledger hash of the holder read before (or any key)
 * ARGV[1] field, ARGV[2] the block (JSON), ARGV[3] the holder read before ('' none),
 * ARGV[4] the superseded mark (JSON)
 * Returns 'moved' when the holder changed since it was read (read again), else the replaced block
 * (JSON) or ''. A holder other than this request, recorded and not undone, is marked superseded.
 */
const SET = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
local holder = ''
if v then holder = cjson.decode(v).requestId end
if holder ~= ARGV[3] then return 'moved' end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if holder == '' or holder == cjson.decode(ARGV[2]).requestId then return '' end
if redis.call('HEXISTS', KEYS[2], 'action') == 1 and redis.call('HEXISTS', KEYS[2], 'undone') == 0 then
  redis.call('HSETNX', KEYS[2], 'superseded', ARGV[4])
end
return v
`;

/**
 * KEYS[1] the active-blocks hash, KEYS[2] the unblock's lift record, KEYS[3] the ledger hash of
 * the request to mark undone (or KEYS[2] when there is none)
 * ARGV[1] field, ARGV[2] the holder read before ('' none), ARGV[3] the Undo's original ('' for a
 * manual unblock), ARGV[4] the undo mark (JSON), ARGV[5] the unblock's request id, ARGV[6] ttl s
 * Returns the lift record (JSON): the one already kept for this unblock (a retry), else marks the
 * request undone and removes its active block in one step and keeps the record. 'moved' when the
 * holder changed since it was read.
 */
const LIFT = `
local done = redis.call('GET', KEYS[2])
if done then return done end
local v = redis.call('HGET', KEYS[1], ARGV[1])
local holder = ''
if v then holder = cjson.decode(v).requestId end
if holder ~= ARGV[2] then return 'moved' end
local undoes = ARGV[3]
if undoes == '' then undoes = holder end
local out = { cleared = false }
if undoes ~= '' then
  out.undoes = undoes
  if redis.call('HEXISTS', KEYS[3], 'action') == 1 then
    local undone = redis.call('HGET', KEYS[3], 'undone')
    if undone and cjson.decode(undone).requestId ~= ARGV[5] then
      out.alreadyUndone = cjson.decode(undone)
    else
      redis.call('HSET', KEYS[3], 'undone', ARGV[4])
    end
  end
  if holder == undoes then
    redis.call('HDEL', KEYS[1], ARGV[1])
    out.cleared = true
  end
end
local record = cjson.encode(out)
redis.call('SET', KEYS[2], record, 'EX', ARGV[6])
return record
`;

const field = (target: string, cidr: string) => `${target}|${cidr}`;

/** How often a write reads the holder again when it changed in between (a concurrent expiry). */
const ATTEMPTS = 5;

/** The active blocks in one Redis hash; expiry is handed to `schedule` (a BullMQ delayed job). */
export function redisActiveBlocks(
  redis: Redis,
  keys: Keys,
  schedule: ActiveBlocksPort['scheduleExpiry'],
): ActiveBlocksPort {
  const get = async (target: string, cidr: string) => {
    const v = await redis.hget(keys.activeBlocks(), field(target, cidr));
    return v ? (JSON.parse(v) as ActiveBlock) : undefined;
  };
  /** Runs a script that needs the current holder, reading it again while it moves. */
  async function withHolder(
    target: string,
    cidr: string,
    script: (holder: string) => Promise<string>,
  ): Promise<string> {
    for (let i = 0; i < ATTEMPTS; i++) {
      const answer = await script((await get(target, cidr))?.requestId ?? '');
      if (answer !== 'moved') return answer;
    }
    throw new Error(`the block of ${cidr} on ${target} kept changing; try again`);
  }
  return {
    async list() {
      const all = await redis.hvals(keys.activeBlocks());
      return all
        .map((v) => JSON.parse(v) as ActiveBlock)
        .sort((a, b) => a.target.localeCompare(b.target) || a.at.localeCompare(b.at));
    },
    get,
    async set(block) {
      const mark = JSON.stringify({ requestId: block.requestId, by: block.by, at: block.at });
      const replaced = await withHolder(
        block.target,
        block.cidr,
        async (holder) =>
          (await redis.eval(
            SET,
            2,
            keys.activeBlocks(),
            keys.containmentAction(holder || block.requestId),
            field(block.target, block.cidr),
            JSON.stringify(block),
            holder,
            mark,
          )) as string,
      );
      return replaced ? { replaced: JSON.parse(replaced) as ActiveBlock } : {};
    },
    async clear({ target, cidr, requestId }) {
      const v = (await redis.eval(
        CLEAR,
        1,
        keys.activeBlocks(),
        field(target, cidr),
        requestId ?? '',
      )) as string | null;
      return v ? (JSON.parse(v) as ActiveBlock) : undefined;
    },
    scheduleExpiry: schedule,
    async lift({ target, cidr, undo, original }) {
      const record = keys.blockLift(undo.requestId);
      const answer = await withHolder(target, cidr, async (holder) => {
        const undoes = original ?? holder;
        return (await redis.eval(
          LIFT,
          3,
          keys.activeBlocks(),
          record,
          undoes ? keys.containmentAction(undoes) : record,
          field(target, cidr),
          holder,
          original ?? '',
          JSON.stringify(undo),
          undo.requestId,
          RUN_STATE_TTL_SECONDS,
        )) as string;
      });
      return JSON.parse(answer) as Lifted;
    },
  };
}
