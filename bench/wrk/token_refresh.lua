-- SPDX-License-Identifier: Apache-2.0
-- POST /oauth/token grant_type=refresh_token with rotation: each refresh token works once and the
-- answer carries the next one. Every thread keeps a queue of live refresh tokens, seeded from a
-- file of minted ones (bench/pool.py refresh; each thread takes every THREADS-th line), takes one
-- per request and puts the answer's new refresh_token back. A failed refresh loses its token; if
-- a thread's queue runs dry it stops and the summary says so. The client is public (no secret).
-- Usage: wrk ... -s token_refresh.lua URL -- POOL_FILE THREADS
bench_endpoint = "token-refresh"
dofile(debug.getinfo(1, "S").source:sub(2):match("^(.*)/") .. "/common.lua")

local queue, head, tail = {}, 1, 0
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }

function init(args)
    local path = args[1] or error("token_refresh.lua needs POOL_FILE THREADS after --")
    for _, token in ipairs(pool_lines(path, args[2])) do
        tail = tail + 1
        queue[tail] = token
    end
end

function request()
    if head > tail then
        return pool_ran_out("refresh token")
    end
    local token = queue[head]
    queue[head] = nil
    head = head + 1
    return wrk.format("POST", "/oauth/token", headers, "grant_type=refresh_token&refresh_token=" .. token)
end

local count_status = response
function response(status, response_headers, body)
    count_status(status, response_headers, body)
    if status == 200 then
        local token = body:match('"refresh_token":"([^"]+)"')
        if token then
            tail = tail + 1
            queue[tail] = token
        end
    end
end
