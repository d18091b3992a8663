/**
 * The request state machine's atomic steps, as Lua run inside Redis. Each script starts with a
 * header listing its KEYS, ARGV and result, so the operation documents itself where it lives.
 *
 * States: pending → approved | denied | cancelled | expired; approved → running → done | failed.
 */

export const APPROVE = `
-- Records one approval; the approval that reaches the number needed moves the request to approved.
-- KEYS[1] request hash   KEYS[2] approvers set   KEYS[3] pending zset (score = expires_at)
-- KEYS[4] approved zset (score = approved at; the sweeper queues any run that is missing)
-- ARGV[1] approver user id   ARGV[2] now (ms)   ARGV[3] args hash recomputed from the stored request
-- ARGV[4] request id
-- Returns {result, approvals, needed}; result is one of
--   missing | state:<state> | expired | own | changed | again | recorded | approved
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'missing', 0, 0} end
local needed = tonumber(redis.call('HGET', KEYS[1], 'needed'))
local count = redis.call('SCARD', KEYS[2])
if state ~= 'pending' then return {'state:' .. state, count, needed} end
if tonumber(redis.call('HGET', KEYS[1], 'expires_at')) <= tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'state', 'expired', 'updated_at', ARGV[2])
  redis.call('ZREM', KEYS[3], ARGV[4])
  return {'expired', count, needed}
end
if redis.call('HGET', KEYS[1], 'requester') == ARGV[1] then return {'own', count, needed} end
if redis.call('HGET', KEYS[1], 'hash') ~= ARGV[3] then return {'changed', count, needed} end
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return {'again', count, needed} end
redis.call('PEXPIRE', KEYS[2], redis.call('PTTL', KEYS[1]))
count = count + 1
if count >= needed then
  redis.call('HSET', KEYS[1], 'state', 'approved', 'updated_at', ARGV[2])
  redis.call('ZREM', KEYS[3], ARGV[4])
  redis.call('ZADD', KEYS[4], ARGV[2], ARGV[4])
  return {'approved', count, needed}
end
redis.call('HSET', KEYS[1], 'updated_at', ARGV[2])
return {'recorded', count, needed}
`;

export const TRANSITION = `
-- Moves a request from one of the allowed states to a new one, setting extra fields.
-- KEYS[1] request hash   KEYS[2] pending zset
-- ARGV[1] allowed states, comma-separated   ARGV[2] new state   ARGV[3] now (ms)   ARGV[4] request id
-- ARGV[5] expiry mode: 'check' (an expired pending request becomes expired instead),
--         'due' (only when expired: the sweeper), 'none'
-- ARGV[6..] field, value pairs to set with the new state
-- Returns {result, state}; result is one of missing | state | not_due | expired | ok
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'missing', ''} end
local allowed = false
for s in string.gmatch(ARGV[1], '[^,]+') do if s == state then allowed = true end end
if not allowed then return {'state', state} end
if state == 'pending' and ARGV[5] ~= 'none' then
  local expired = tonumber(redis.call('HGET', KEYS[1], 'expires_at')) <= tonumber(ARGV[3])
  if ARGV[5] == 'due' and not expired then return {'not_due', state} end
  if ARGV[5] == 'check' and expired then
    redis.call('HSET', KEYS[1], 'state', 'expired', 'updated_at', ARGV[3])
    redis.call('ZREM', KEYS[2], ARGV[4])
    return {'expired', 'expired'}
  end
end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'updated_at', ARGV[3])
for i = 6, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
if ARGV[2] ~= 'pending' then redis.call('ZREM', KEYS[2], ARGV[4]) end
return {'ok', ARGV[2]}
`;

export const ACKNOWLEDGE = `
-- Records the after-the-fact acknowledgement of an emergency (break-glass) run, once.
-- KEYS[1] request hash   KEYS[2] emergency zset (score = next reminder)
-- ARGV[1] user id   ARGV[2] now (ms)   ARGV[3] request id
-- Returns {result, by}; result is one of missing | not_emergency | own | again | ok
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', ''} end
if redis.call('HGET', KEYS[1], 'emergency') ~= '1' then return {'not_emergency', ''} end
if redis.call('HGET', KEYS[1], 'requester') == ARGV[1] then return {'own', ''} end
local by = redis.call('HGET', KEYS[1], 'acknowledged_by')
if by then return {'again', by} end
redis.call('HSET', KEYS[1], 'acknowledged_by', ARGV[1], 'acknowledged_at', ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[3])
return {'ok', ARGV[1]}
`;

export const CLAIM_REMINDER = `
-- Claims a due emergency reminder, so one instance posts it, and schedules the next one.
-- KEYS[1] emergency zset   ARGV[1] request id   ARGV[2] now (ms)   ARGV[3] next reminder (ms)
-- Returns 1 when this caller should post the reminder, else 0.
local due = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not due or tonumber(due) > tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
`;
