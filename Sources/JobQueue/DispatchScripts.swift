import RedisClient

/// The Lua scripts of Redis dispatch. Each runs atomically; times come from
/// the Redis server's clock (`TIME`), so workers' clocks never matter.
enum DispatchScripts {
    /// KEYS: known, ready, scheduled, attempts. ARGV: triples (id, due ms or 0, attempts so far).
    /// Adds each id not already known (nor earlier in ARGV); returns how
    /// many were new. A thousand jobs at a time with one SMISMEMBER, SADD,
    /// HSET and RPUSH each: a call per job was three quarters of Redis's
    /// time while a batch enqueue ran (Redis 6.2 or later). A job never
    /// tried gets no attempts entry: the claim's HINCRBY counts from zero.
    static let publish = RedisScript("""
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local added = 0
        local seen = {}
        for start = 1, #ARGV, 3000 do
          local ids = {}
          for i = start, math.min(start + 2999, #ARGV), 3 do ids[#ids + 1] = ARGV[i] end
          local known = redis.call('SMISMEMBER', KEYS[1], unpack(ids))
          local fresh, attempts, ready = {}, {}, {}
          for n, id in ipairs(ids) do
            if known[n] == 0 and not seen[id] then
              seen[id] = true
              local i = start + (n - 1) * 3
              fresh[#fresh + 1] = id
              if ARGV[i + 2] ~= '0' then
                attempts[#attempts + 1] = id
                attempts[#attempts + 1] = ARGV[i + 2]
              end
              local due = tonumber(ARGV[i + 1])
              if due > now then
                redis.call('ZADD', KEYS[3], due, id)
              else
                ready[#ready + 1] = id
              end
            end
          end
          if #fresh > 0 then
            redis.call('SADD', KEYS[1], unpack(fresh))
            if #attempts > 0 then redis.call('HSET', KEYS[4], unpack(attempts)) end
            if #ready > 0 then redis.call('RPUSH', KEYS[2], unpack(ready)) end
            added = added + #fresh
          end
        end
        return added
        """)

    /// KEYS: known, ready. ARGV: distinct ids, every one due now and never
    /// tried (the jobs of a commit, rung in the committing process).
    /// `publish` without its per-job time and attempts: a third of the
    /// arguments, and no comparison or bookkeeping per job; Redis spent
    /// ~2.6 µs a job in `publish` and ~2 µs in this. Returns how many were new.
    static let publishReady = RedisScript("""
        local added = 0
        for start = 1, #ARGV, 1000 do
          local stop = math.min(start + 999, #ARGV)
          local known = redis.call('SMISMEMBER', KEYS[1], unpack(ARGV, start, stop))
          local fresh = {}
          for n = 1, stop - start + 1 do
            if known[n] == 0 then fresh[#fresh + 1] = ARGV[start + n - 1] end
          end
          if #fresh > 0 then
            redis.call('SADD', KEYS[1], unpack(fresh))
            redis.call('RPUSH', KEYS[2], unpack(fresh))
            added = added + #fresh
          end
        end
        return added
        """)

    /// KEYS: ready, scheduled, leased, lease, attempts, known, parked.
    /// ARGV: owner, max jobs, lease ms, housekeeping limit.
    /// Moves due retries and expired leases back to ready, then leases up to
    /// `max` jobs (parked ones first) to `owner`, recording owner, attempt
    /// and deadline in the same step. Returns pairs (id, attempt).
    static let claim = RedisScript("""
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local limit = tonumber(ARGV[4])
        for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, limit)) do
          redis.call('ZREM', KEYS[2], id)
          redis.call('RPUSH', KEYS[1], id)
        end
        for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, limit)) do
          redis.call('ZREM', KEYS[3], id)
          redis.call('HDEL', KEYS[4], id)
          redis.call('RPUSH', KEYS[1], id)
        end
        local candidates = redis.call('LRANGE', KEYS[7], 0, -1)
        redis.call('DEL', KEYS[7])
        local want = tonumber(ARGV[2]) - #candidates
        if want > 0 then
          local popped = redis.call('LPOP', KEYS[1], want)
          if popped then
            for _, id in ipairs(popped) do table.insert(candidates, id) end
          end
        end
        local deadline = now + tonumber(ARGV[3])
        local out = {}
        for _, id in ipairs(candidates) do
          -- A stale copy (acked already) or a duplicate (leased already) is dropped.
          if redis.call('SISMEMBER', KEYS[6], id) == 1 and redis.call('HEXISTS', KEYS[4], id) == 0 then
            local attempt = redis.call('HINCRBY', KEYS[5], id, 1)
            redis.call('HSET', KEYS[4], id, ARGV[1] .. '|' .. attempt)
            redis.call('ZADD', KEYS[3], deadline, id)
            table.insert(out, id)
            table.insert(out, attempt)
          end
        end
        return out
        """)

    /// KEYS: leased, lease. ARGV: lease ms, then pairs (id, token).
    /// Extends the leases still held under their token; returns the ids lost.
    static let extend = RedisScript("""
        local t = redis.call('TIME')
        local deadline = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
        local lost = {}
        for i = 2, #ARGV, 2 do
          if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[i + 1] then
            redis.call('ZADD', KEYS[1], deadline, ARGV[i])
          else
            table.insert(lost, ARGV[i])
          end
        end
        return lost
        """)

    /// KEYS: leased, lease, attempts, known. ARGV: pairs (id, token).
    /// Forgets jobs that are finished (succeeded or dead), if still held under
    /// their token; returns how many were.
    static let finish = RedisScript("""
        local done = 0
        for i = 1, #ARGV, 2 do
          if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[i + 1] then
            redis.call('ZREM', KEYS[1], ARGV[i])
            redis.call('HDEL', KEYS[2], ARGV[i])
            redis.call('HDEL', KEYS[3], ARGV[i])
            redis.call('SREM', KEYS[4], ARGV[i])
            done = done + 1
          end
        end
        return done
        """)

    /// KEYS: leased, lease, scheduled. ARGV: id, token, delay ms.
    /// Schedules the next attempt of a job still held under its token.
    static let retry = RedisScript("""
        if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('ZREM', KEYS[1], ARGV[1])
        redis.call('HDEL', KEYS[2], ARGV[1])
        redis.call('ZADD', KEYS[3], now + tonumber(ARGV[3]), ARGV[1])
        return 1
        """)

    /// KEYS: leased, lease, ready. ARGV: pairs (id, token).
    /// Hands jobs back (shutdown) to the front of ready. The attempt number
    /// stays used, so every lease token is unique; the ledger gives the
    /// attempt back (`JobLedger.release`). Returns how many were handed back.
    static let release = RedisScript("""
        local released = 0
        for i = 1, #ARGV, 2 do
          if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[i + 1] then
            redis.call('ZREM', KEYS[1], ARGV[i])
            redis.call('HDEL', KEYS[2], ARGV[i])
            redis.call('LPUSH', KEYS[3], ARGV[i])
            released = released + 1
          end
        end
        return released
        """)

    /// KEYS: parked, ready. Returns a dead worker's parked ids to the front
    /// of ready; returns how many.
    static let unpark = RedisScript("""
        local ids = redis.call('LRANGE', KEYS[1], 0, -1)
        redis.call('DEL', KEYS[1])
        for i = #ids, 1, -1 do redis.call('LPUSH', KEYS[2], ids[i]) end
        return #ids
        """)
}
