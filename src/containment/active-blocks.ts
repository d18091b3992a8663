import type { ActiveBlock, ActiveBlocksPort } from '../sdk/ports/active-blocks.ts';
import type { Keys } from '../store/keys.ts';
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

const field = (target: string, cidr: string) => `${target}|${cidr}`;

/** The active blocks in one Redis hash; expiry is handed to `schedule` (a BullMQ delayed job). */
export function redisActiveBlocks(
  redis: Redis,
  keys: Keys,
  schedule: ActiveBlocksPort['scheduleExpiry'],
): ActiveBlocksPort {
  return {
    async list() {
      const all = await redis.hvals(keys.activeBlocks());
      return all
        .map((v) => JSON.parse(v) as ActiveBlock)
        .sort((a, b) => a.target.localeCompare(b.target) || a.at.localeCompare(b.at));
    },
    async set(block) {
      await redis.hset(keys.activeBlocks(), field(block.target, block.cidr), JSON.stringify(block));
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
  };
}
