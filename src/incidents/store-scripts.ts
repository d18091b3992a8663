/** The incident store's Lua scripts (`store.ts`), each atomic in Redis; KEYS and ARGV as each header says. */

/**
 * Records one delivery atomically: dedupes it by delivery id, counts it, and decides the
 * incident's transition. This is where every firing is counted, whatever Slack is doing.
 *
 * KEYS[1] incident-by-key pointer, KEYS[2] delivery marker, KEYS[3] open-incidents set,
 * KEYS[4] when the last state change counted for the dedup key began
 * ARGV[1] id for a new incident, ARGV[2] now (ms), ARGV[3] firing|resolved|insufficient_data,
 * ARGV[4] reopen window (ms),
 * ARGV[5] delivery marker TTL (s), ARGV[6] incident hash key prefix, ARGV[7] alert JSON,
 * ARGV[8] dedup key, ARGV[9] channel for a new incident, ARGV[10] resolved retention (s),
 * ARGV[11] when this delivery's state began (ms; 0 when the source does not say),
 * ARGV[12] how many alerts of its group the notification left out (Alertmanager's
 * `truncatedAlerts`; '' when the source does not say),
 * ARGV[13] when the firing this delivery belongs to began (ms; 0 when the source does not say)
 * A duplicate renews its marker: a firing Alertmanager keeps re-sending (every `repeat_interval`,
 * with the same id) stays counted once however long it lasts, as long as it comes back within the
 * marker TTL (24 h by default).
 * A delivery whose state began before the last one counted is `stale` (SNS keeps no order and
 * retries for up to an hour: a recovery can arrive before the alarm it ends) and changes nothing.
 * The incident keeps when the firing it holds began (`firing_started_at`, the latest ARGV[13] of its
 * firings): a recovery of a firing that began before it is `superseded` (its own firing's recovery
 * was lost or is late; the newer firing is not over) and changes nothing. Without a start on
 * either side, a recovery resolves as before.
 * `insufficient_data` (the source cannot tell) opens nothing and resolves nothing: on an open
 * incident it is the outcome `insufficient_data`, counting no firing; otherwise `ignored`.
 * Returns { outcome, incident id, count, refresh, cleared ack }: `refresh` is 1 when a repeat found
 * no parent refresh queued (it sets the `refresh_queued` marker to now; the worker clears it when
 * it refreshes, and a marker older than a minute counts as lost), so a storm queues one refresh per
 * parent at a time, not one job per firing. A reopen clears the acknowledgement (`acked_by`,
 * `acked_at`) and returns who had acknowledged (empty when nobody had), for the thread and audit.
 * Last, `truncated changed` is 1 when ARGV[12] changed the incident's `truncated_alerts` (set, or
 * cleared by 0), whatever the outcome (a re-send is a duplicate but still says how many are left out).
 */
export const RECORD_DELIVERY = `
local function record()
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[5]) then
  redis.call('EXPIRE', KEYS[2], ARGV[5])
  return {'duplicate', redis.call('GET', KEYS[1]) or '', 0}
end
local now = tonumber(ARGV[2])
local id = redis.call('GET', KEYS[1])
local changed_at = tonumber(ARGV[11])
if changed_at > 0 then
  if changed_at < tonumber(redis.call('GET', KEYS[4]) or '0') then return {'stale', id or '', 0} end
  redis.call('SET', KEYS[4], ARGV[11], 'EX', ARGV[5])
end
local h = id and (ARGV[6] .. id)
local status = h and redis.call('HGET', h, 'status')
local started = tonumber(ARGV[13])
local function open_new()
  local nh = ARGV[6] .. ARGV[1]
  redis.call('HSET', nh, 'id', ARGV[1], 'key', ARGV[8], 'status', 'open', 'count', 1,
    'first_seen', now, 'last_seen', now, 'alert', ARGV[7], 'channel', ARGV[9], 'summarized', 1,
    'summary_at', now, 'reopened', 0)
  if started > 0 then redis.call('HSET', nh, 'firing_started_at', ARGV[13]) end
  redis.call('SET', KEYS[1], ARGV[1])
  redis.call('SADD', KEYS[3], ARGV[1])
  return {'open', ARGV[1], 1}
end
if ARGV[3] == 'insufficient_data' then
  if status ~= 'open' then return {'ignored', id or '', 0} end
  return {'insufficient_data', id, tonumber(redis.call('HGET', h, 'count'))}
end
if ARGV[3] == 'firing' then
  if not status then return open_new() end
  if status == 'open' then
    local count = redis.call('HINCRBY', h, 'count', 1)
    redis.call('HSET', h, 'last_seen', now, 'alert', ARGV[7])
    if started > tonumber(redis.call('HGET', h, 'firing_started_at') or '0') then
      redis.call('HSET', h, 'firing_started_at', ARGV[13])
    end
    local queued = tonumber(redis.call('HGET', h, 'refresh_queued') or '0')
    if now - queued < 60000 then return {'repeat', id, count, 0} end
    redis.call('HSET', h, 'refresh_queued', now)
    return {'repeat', id, count, 1}
  end
  local resolved_at = tonumber(redis.call('HGET', h, 'resolved_at') or '0')
  if now - resolved_at <= tonumber(ARGV[4]) then
    local count = redis.call('HINCRBY', h, 'count', 1)
    redis.call('HINCRBY', h, 'reopened', 1)
    redis.call('HSET', h, 'status', 'open', 'last_seen', now, 'alert', ARGV[7], 'summarized', count, 'summary_at', now)
    -- A refiring is a new problem: the acknowledgement of the resolved one no longer stands.
    local acked_by = redis.call('HGET', h, 'acked_by') or ''
    redis.call('HDEL', h, 'resolved_at', 'resolved_by', 'acked_by', 'acked_at', 'firing_started_at')
    if started > 0 then redis.call('HSET', h, 'firing_started_at', ARGV[13]) end
    redis.call('PERSIST', h)
    redis.call('PERSIST', KEYS[1])
    redis.call('SADD', KEYS[3], id)
    return {'reopen', id, count, 0, acked_by}
  end
  return open_new()
end
if status ~= 'open' then return {'ignored', id or '', 0} end
if started > 0 and started < tonumber(redis.call('HGET', h, 'firing_started_at') or '0') then
  return {'superseded', id, 0}
end
redis.call('HSET', h, 'status', 'resolved', 'resolved_at', now, 'resolved_by', 'source')
redis.call('EXPIRE', h, ARGV[10])
redis.call('EXPIRE', KEYS[1], ARGV[10])
redis.call('SREM', KEYS[3], id)
return {'resolve', id, tonumber(redis.call('HGET', h, 'count'))}
end
local r = record()
-- How many alerts of its group the notification left out, kept on the incident it names
-- (duplicates included: a re-send still says how many are left out now).
local truncated_changed = 0
if ARGV[12] ~= '' and r[2] ~= '' then
  local th = ARGV[6] .. r[2]
  if redis.call('EXISTS', th) == 1 and (redis.call('HGET', th, 'truncated_alerts') or '0') ~= ARGV[12] then
    if ARGV[12] == '0' then redis.call('HDEL', th, 'truncated_alerts')
    else redis.call('HSET', th, 'truncated_alerts', ARGV[12]) end
    truncated_changed = 1
  end
end
return {r[1], r[2], r[3], r[4] or 0, r[5] or '', truncated_changed}
`;

/**
 * Resolves an open incident by hand. KEYS[1] incident hash, KEYS[2] open set, KEYS[3] pointer.
 * ARGV[1] now, ARGV[2] who, ARGV[3] retention (s). Returns 1 when it was open.
 */
export const RESOLVE_BY_HAND = `
if redis.call('HGET', KEYS[1], 'status') ~= 'open' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'resolved', 'resolved_at', ARGV[1], 'resolved_by', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[3], ARGV[3])
redis.call('SREM', KEYS[2], redis.call('HGET', KEYS[1], 'id'))
return 1
`;

/** Takes the repeats to summarise, if any. KEYS[1] hash; ARGV[1] now. Returns {repeats, since}. */
export const TAKE_SUMMARY = `
local count = tonumber(redis.call('HGET', KEYS[1], 'count') or '0')
local done = tonumber(redis.call('HGET', KEYS[1], 'summarized') or '0')
local since = redis.call('HGET', KEYS[1], 'summary_at') or '0'
redis.call('HDEL', KEYS[1], 'summary_due')
if count <= done then return {0, since, count} end
redis.call('HSET', KEYS[1], 'summarized', count, 'summary_at', ARGV[1])
return {count - done, since, count}
`;

/**
 * Takes the escalation of an incident unless one was taken within the window.
 * KEYS[1] incident hash · ARGV[1] now (ms) · ARGV[2] who · ARGV[3] window (ms)
 * Returns {1} when taken (escalated_by, escalated_at set), else {0, escalated_by, escalated_at}.
 */
export const TAKE_ESCALATION = `
local at = tonumber(redis.call('HGET', KEYS[1], 'escalated_at') or '')
if at and tonumber(ARGV[1]) - at < tonumber(ARGV[3]) then
  return {0, redis.call('HGET', KEYS[1], 'escalated_by') or '', tostring(at)}
end
redis.call('HSET', KEYS[1], 'escalated_by', ARGV[2], 'escalated_at', ARGV[1])
return {1}
`;

/**
 * Takes a lease-like claim over when it is absent or was taken before a cutoff (its holder is
 * taken to be dead); a value that is not a time (the `1` of older claims) counts as old. Several
 * callers racing for one stale claim: the first sets the new time, so the others find it fresh.
 * KEYS[1] incident hash · ARGV[1] field · ARGV[2] cutoff (ms) · ARGV[3] now (ms)
 * Returns {1, old value or ''} when taken over, else {0}.
 */
export const TAKE_STALE_CLAIM = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
local at = tonumber(old or '')
if at and at > 1 and at >= tonumber(ARGV[2]) then return {0} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return {1, old or ''}
`;
