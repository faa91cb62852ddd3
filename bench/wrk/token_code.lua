-- SPDX-License-Identifier: Apache-2.0
-- POST /oauth/token grant_type=authorization_code: a public client exchanges a code with its PKCE
-- verifier. Each code works once and lives 60 s, so every request takes the next unused code from
-- a pool that bench/pool.py made just before ("CODE VERIFIER" lines; each thread takes every
-- THREADS-th line). If a thread's pool runs out it stops and the summary says so.
-- Usage: wrk ... -s token_code.lua URL -- POOL_FILE THREADS CLIENT_ID REDIRECT_URI
bench_endpoint = "token-code"
dofile(debug.getinfo(1, "S").source:sub(2):match("^(.*)/") .. "/common.lua")

local function form_encode(text)
    return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

local requests, next_request = {}, 1

function init(args)
    local path = args[1] or error("token_code.lua needs POOL_FILE THREADS CLIENT_ID REDIRECT_URI after --")
    local client_id = args[3] or error("token_code.lua needs the client_id")
    local redirect_uri = args[4] or error("token_code.lua needs the redirect_uri")
    local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
    local tail = "&redirect_uri=" .. form_encode(redirect_uri) .. "&client_id=" .. form_encode(client_id)
    -- Built in advance, so that request() costs wrk next to nothing.
    for _, line in ipairs(pool_lines(path, args[2])) do
        local code, verifier = line:match("^(%S+) (%S+)$")
        local body = "grant_type=authorization_code&code=" .. form_encode(code) .. tail .. "&code_verifier=" .. verifier
        requests[#requests + 1] = wrk.format("POST", "/oauth/token", headers, body)
    end
end

function request()
    local r = requests[next_request]
    if r == nil then
        return pool_ran_out("code")
    end
    requests[next_request] = nil
    next_request = next_request + 1
    return r
end
