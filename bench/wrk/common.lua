-- SPDX-License-Identifier: Apache-2.0
-- Shared by the bench/wrk/*.lua scripts: counts non-2xx answers in every thread and prints
-- one parseable summary line from done(). A script sets `bench_endpoint` before loading this.
--
--   BENCH endpoint=E requests=N duration_s=S rps=R p50_ms=.. p90_ms=.. p99_ms=.. p999_ms=..
--         max_ms=.. non2xx=N socket_errors=N connect=N read=N write=N timeout=N
--
-- The latency percentiles are wrk's own, and wrk 4 corrects them for coordinated omission before
-- done() sees them (stats_correct: a response that took k times the mean per-connection interval
-- also counts the k-1 requests that would have been sent meanwhile). They are therefore the
-- latencies an open stream of clients at the measured rate would see; a server that stalls now
-- and then shows its stalls in p90/p99 rather than only in max.
--
-- Each wrk thread has its own Lua state; setup() and done() run in a separate one that
-- reaches the threads through thread:get()/thread:set().

-- BENCH_NAME in the environment renames the endpoint in the summary (run.sh uses it for the
-- trivial-server ceiling, which runs baseline.lua).
bench_endpoint = os.getenv("BENCH_NAME") or bench_endpoint

local threads = {}
local next_id = 1

function setup(thread)
    thread:set("thread_id", next_id)
    next_id = next_id + 1
    table.insert(threads, thread)
end

-- Per-thread state (globals, so that done() can read them with thread:get()).
non2xx = 0
first_bad = nil
uncounted = 0 -- answers to filler requests (see pool_ran_out), left out of the BENCH line
bench_note = nil -- printed as a BENCH-NOTE line (e.g. "the pool ran out")

function response(status, headers, body)
    if bench_note and body and body:find('"endpoints":', 1, true) then
        uncounted = uncounted + 1 -- GET / sent by pool_ran_out
        return
    end
    if status < 200 or status > 299 then
        non2xx = non2xx + 1
        if first_bad == nil then
            first_bad = tostring(status) .. " " .. string.sub(body or "", 1, 300)
        end
    end
end

-- The pools of single-use credentials (bench/pool.py writes them, one item a line): returns the
-- lines of PATH that belong to this thread, every THREADS-th line from line `thread_id`, in order.
function pool_lines(path, threads)
    threads = tonumber(threads) or error("pool_lines needs the wrk thread count")
    local file = io.open(path, "r") or error("cannot open the pool " .. path)
    local lines, n = {}, 0
    for line in file:lines() do
        if line ~= "" then
            n = n + 1
            if (n - 1) % threads == (thread_id or 1) - 1 then
                lines[#lines + 1] = line
            end
        end
    end
    file:close()
    return lines
end

-- For request() once this thread's pool is empty: stops the thread (wrk still divides by the whole
-- duration, so req/s then understates the rate) and notes it. request() must return something, so
-- it returns a cheap GET /; should its answer still arrive, response() leaves it out.
local filler = nil
function pool_ran_out(what)
    if bench_note == nil then
        bench_note = "the " .. what .. " pool ran out before the end; req/s is understated (make the pool bigger)"
        wrk.thread:stop()
    end
    filler = filler or wrk.format("GET", "/")
    return filler
end

local function ms(us)
    return us / 1000.0
end

function done(summary, latency, requests)
    local bad, sample, skipped, note = 0, nil, 0, nil
    for _, thread in ipairs(threads) do
        bad = bad + (thread:get("non2xx") or 0)
        sample = sample or thread:get("first_bad")
        skipped = skipped + (thread:get("uncounted") or 0)
        note = note or thread:get("bench_note")
    end
    local e = summary.errors
    local socket = e.connect + e.read + e.write + e.timeout
    local seconds = summary.duration / 1e6
    local counted = math.max(0, summary.requests - skipped)
    io.write(string.format(
        "BENCH endpoint=%s requests=%d duration_s=%.2f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f "
            .. "p999_ms=%.3f max_ms=%.3f non2xx=%d socket_errors=%d connect=%d read=%d write=%d timeout=%d\n",
        bench_endpoint or "?", counted, seconds, counted / seconds,
        ms(latency:percentile(50)), ms(latency:percentile(90)), ms(latency:percentile(99)),
        ms(latency:percentile(99.9)), ms(latency.max), bad, socket, e.connect, e.read, e.write, e.timeout))
    if note then
        io.write("BENCH-NOTE endpoint=" .. (bench_endpoint or "?") .. " " .. note .. "\n")
    end
    if sample then
        io.write("BENCH-SAMPLE endpoint=" .. (bench_endpoint or "?") .. " first non-2xx: "
            .. sample:gsub("%s+", " ") .. "\n")
    end
end
