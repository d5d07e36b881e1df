/**
 * The Lua scripts. Each runs atomically on the Redis server, so a check and the write that
 * depends on it can never interleave with another process.
 *
 * @module
 */

import { lua } from './client.js';

/**
 * Takes the lock if it is free. KEYS: lock. ARGV: owner, ttlMs.
 * Returns `{1, 0}` when taken, `{0, pttl}` when held by someone else.
 */
export const LOCK_ACQUIRE = lua(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {1, 0}
end
return {0, redis.call('PTTL', KEYS[1])}
`);

/** Extends the lock, only for its owner. KEYS: lock. ARGV: owner, ttlMs. Returns 1 or 0. */
export const LOCK_RENEW = lua(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`);

/**
 * Frees the lock, only for its owner: a holder whose lock expired and was taken by another
 * process must not free the new holder's lock. KEYS: lock. ARGV: owner. Returns 1 or 0.
 */
export const LOCK_RELEASE = lua(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);

/** KEYS: tokens. Returns the stored JSON or nil. */
export const TOKENS_GET = lua(`return redis.call('GET', KEYS[1])`);

/** KEYS: tokens. */
export const TOKENS_DELETE = lua(`return redis.call('DEL', KEYS[1])`);

/**
 * Compare-and-set of the token pair. The stored pair is the fence: a write that replaces pair
 * P is accepted only while P (its refresh token) is still the stored one, so a holder whose
 * lock expired cannot overwrite the newer pair of the process that took over.
 *
 * KEYS: tokens. ARGV: json, mode (`any` | `empty` | `match`), previous refresh token,
 * new refresh token.
 * - `any`: no guard (the caller gave no `previous`).
 * - `empty`: only when nothing is stored (`previous: null`).
 * - `match`: only when the stored refresh token is the previous one, or nothing is stored.
 * In every mode, writing the pair that is already stored again succeeds (a retried write whose
 * first reply was lost). Returns 1 when written, 0 when refused.
 */
export const TOKENS_SET = lua(`
local mode = ARGV[2]
if mode ~= 'any' then
  local current = redis.call('GET', KEYS[1])
  if current then
    local ok, parsed = pcall(cjson.decode, current)
    local stored = nil
    if ok and type(parsed) == 'table' and type(parsed['refresh_token']) == 'string' then
      stored = parsed['refresh_token']
    end
    if stored ~= ARGV[4] then
      if mode == 'empty' or stored ~= ARGV[3] then
        return 0
      end
    end
  end
end
redis.call('SET', KEYS[1], ARGV[1])
return 1
`);

/**
 * One attempt to take a rate-limit slot: a sliding-window log per budget (a sorted set scored
 * by the latest moment each start can reach Kommo, see `core/arrival.ts`), a shared cool-down,
 * the account's shared breaker, and a queue of waiting processes served in arrival order.
 *
 * KEYS: cool-down, queue, heartbeats, ticket counter, breaker (open while it lives), breaker
 * half-open mark, probe claim, last grant (for the spacing), log 1, log 2…
 * ARGV: waiter id, staleMs, allowanceMs (a new start's latest arrival until it is reported),
 * probeMs (how long a probe claim lasts), budget count, then limit, windowMs and spacingMs of
 * each budget (the least time between two starts in that budget; 0 for none).
 *
 * Returns `{0, now, probe}` when the slot is taken (the start is logged in every budget; `now`
 * is the grant's time on the Redis clock, `probe` 1 when this start is the probe of a
 * half-open breaker), `{1, ms}` to wait when a budget is full or a cool-down runs, `{-1, 0}`
 * when slots are free but earlier waiters of other processes go first, `{-2, ms}` while the
 * breaker is open and `{-3, ms}` while another process probes a half-open one.
 *
 * Time comes from the Redis server (`TIME`), so clocks of the processes do not matter.
 */
export const LIMITER_ACQUIRE = lua(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local me = ARGV[1]
local staleMs = tonumber(ARGV[2])
local allowance = tonumber(ARGV[3])
local probeMs = tonumber(ARGV[4])
local budgets = tonumber(ARGV[5])

local blocked = redis.call('PTTL', KEYS[5])
if blocked > 0 then
  return {-2, blocked}
end
local probe = 0
if redis.call('EXISTS', KEYS[6]) == 1 then
  local holder = redis.call('GET', KEYS[7])
  if holder and holder ~= me then
    return {-3, math.max(1, redis.call('PTTL', KEYS[7]))}
  end
  redis.call('SET', KEYS[7], me, 'PX', probeMs)
  probe = 1
end

-- Waiters that stopped polling (their process died or gave up) leave the queue.
local stale = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now - staleMs)
for _, member in ipairs(stale) do
  redis.call('ZREM', KEYS[2], member)
  redis.call('ZREM', KEYS[3], member)
end
if not redis.call('ZSCORE', KEYS[2], me) then
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[4]), me)
end
redis.call('ZADD', KEYS[3], now, me)
redis.call('PEXPIRE', KEYS[2], staleMs * 2)
redis.call('PEXPIRE', KEYS[3], staleMs * 2)
redis.call('PEXPIRE', KEYS[4], staleMs * 2)

local cool = redis.call('PTTL', KEYS[1])
if cool > 0 then
  return {1, cool}
end

local free = nil
local wait = 0
for i = 1, budgets do
  local log = KEYS[8 + i]
  local limit = tonumber(ARGV[3 + 3 * i])
  local window = tonumber(ARGV[4 + 3 * i])
  local spacing = tonumber(ARGV[5 + 3 * i])
  -- A start whose latest arrival is one window old no longer counts: the window is (now - window, now].
  redis.call('ZREMRANGEBYSCORE', log, '-inf', now - window)
  local count = redis.call('ZCARD', log)
  local left = limit - count
  if left <= 0 then
    -- The oldest arrivals must leave the window first.
    local entry = redis.call('ZRANGE', log, count - limit, count - limit, 'WITHSCORES')
    local w = tonumber(entry[2]) + window - now
    if w > wait then
      wait = w
    end
  elseif spacing > 0 then
    -- Not a burst: the newest start must be spacing ms old.
    local last = tonumber(redis.call('GET', KEYS[8]) or '0')
    local w = last + spacing - now
    if w > 0 then
      left = 0
      if w > wait then
        wait = w
      end
    end
  end
  if free == nil or left < free then
    free = left
  end
end
if free <= 0 then
  if wait < 1 then
    wait = 1
  end
  return {1, math.ceil(wait)}
end
if redis.call('ZRANK', KEYS[2], me) >= free then
  return {-1, 0}
end
for i = 1, budgets do
  local log = KEYS[8 + i]
  local window = tonumber(ARGV[4 + 3 * i])
  redis.call('ZADD', log, now + allowance, me)
  redis.call('PEXPIRE', log, window + 120000)
end
redis.call('SET', KEYS[8], now, 'PX', 60000)
redis.call('ZREM', KEYS[2], me)
redis.call('ZREM', KEYS[3], me)
return {0, now, probe}
`);

/**
 * Moves a start's latest arrival (a new bound, on the Redis clock), or removes the start (a
 * slot given back unused: score `-`). KEYS: log 1, log 2… ARGV: member, score.
 */
export const LIMITER_SETTLE = lua(`
for i = 1, #KEYS do
  if ARGV[2] == '-' then
    redis.call('ZREM', KEYS[i], ARGV[1])
  elseif redis.call('ZSCORE', KEYS[i], ARGV[1]) then
    redis.call('ZADD', KEYS[i], 'XX', ARGV[2], ARGV[1])
  end
end
return 1
`);

/**
 * Kommo answered 429: its window held more than the limit when the refused request arrived,
 * so each log is filled up to its limit as of that arrival (entries that stay one window).
 * KEYS: log 1, log 2… ARGV: per log, its limit and window; then how many ms before now the
 * request arrived at the latest (0 when absent).
 */
export const LIMITER_FILL = lua(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
now = now - (tonumber(ARGV[2 * #KEYS + 1]) or 0)
for i = 1, #KEYS do
  local limit = tonumber(ARGV[2 * i - 1])
  local window = tonumber(ARGV[2 * i])
  local count = redis.call('ZCOUNT', KEYS[i], '(' .. (now - window), '+inf')
  for n = count + 1, limit do
    redis.call('ZADD', KEYS[i], now, 'refused:' .. now .. ':' .. n)
  end
end
return 1
`);

/** Leaves the queue (a waiter that gave up). KEYS: queue, heartbeats. ARGV: waiter id. */
export const LIMITER_LEAVE = lua(`
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`);

/**
 * Starts or extends the shared cool-down. KEYS: cool-down. ARGV: ms. A shorter cool-down never
 * shortens a longer one already running.
 */
export const LIMITER_PENALIZE = lua(`
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then
  redis.call('SET', KEYS[1], '1', 'PX', ms)
end
return 1
`);

/**
 * Opens the account's shared breaker for the cool-down, then half-open until a probe gets
 * through. KEYS: breaker, half-open mark, probe claim. ARGV: coolDownMs, how long the half-open
 * mark lives. Returns 1 when this call opened it (it was not open or half-open before).
 */
export const BREAKER_OPEN = lua(`
local fresh = redis.call('EXISTS', KEYS[2]) == 0
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
redis.call('DEL', KEYS[3])
if fresh then
  return 1
end
return 0
`);

/** Closes the account's shared breaker. KEYS: breaker, half-open mark, probe claim. */
export const BREAKER_CLOSE = lua(`
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return 1
`);
