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

function response(status, headers, body)
    if status < 200 or status > 299 then
        non2xx = non2xx + 1
        if first_bad == nil then
            first_bad = tostring(status) .. " " .. string.sub(body or "", 1, 300)
        end
    end
end

local function ms(us)
    return us / 1000.0
end

function done(summary, latency, requests)
    local bad, sample = 0, nil
    for _, thread in ipairs(threads) do
        bad = bad + (thread:get("non2xx") or 0)
        sample = sample or thread:get("first_bad")
    end
    local e = summary.errors
    local socket = e.connect + e.read + e.write + e.timeout
    local seconds = summary.duration / 1e6
    io.write(string.format(
        "BENCH endpoint=%s requests=%d duration_s=%.2f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f "
            .. "p999_ms=%.3f max_ms=%.3f non2xx=%d socket_errors=%d connect=%d read=%d write=%d timeout=%d\n",
        bench_endpoint or "?", summary.requests, seconds, summary.requests / seconds,
        ms(latency:percentile(50)), ms(latency:percentile(90)), ms(latency:percentile(99)),
        ms(latency:percentile(99.9)), ms(latency.max), bad, socket, e.connect, e.read, e.write, e.timeout))
    if sample then
        io.write("BENCH-SAMPLE endpoint=" .. (bench_endpoint or "?") .. " first non-2xx: "
            .. sample:gsub("%s+", " ") .. "\n")
    end
end
