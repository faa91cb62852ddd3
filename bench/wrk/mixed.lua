-- SPDX-License-Identifier: Apache-2.0
-- A weighted mix of the portal's requests on every connection (bench/mixed.sh runs it):
--
--   discovery   GET  /.well-known/smart-configuration
--   register    POST /oauth/register (a new confidential client each time)
--   code        POST /oauth/token, authorization_code + PKCE, public client, one code per request
--   refresh     POST /oauth/token, refresh_token with rotation, the same public client
--   introspect  POST /oauth/introspect (RFC 7662), the confidential client with client_secret_basic
--   read        GET  /api/fhir/Patient/PATIENT with a bearer token
--   search      GET  /api/fhir/Observation?patient=PATIENT&_count=10 with a bearer token
--
-- Usage: wrk ... -s mixed.lua URL -- CODE_DIR THREADS PUBLIC_ID REDIRECT_URI REFRESH_POOL
--                                    INTROSPECT_TOKEN BASIC FHIR_TOKEN PATIENT CODE_PATIENT WEIGHTS
--
-- Codes live 60 s and work once, so mixed.sh makes them in batches while wrk runs: CODE_DIR/codes.K
-- (K = 0, 1, ...; "CODE VERIFIER" lines, each thread takes every THREADS-th line). A thread opens
-- codes.K+1 when it has used its share of codes.K and creates CODE_DIR/opened.K+1, which tells the
-- maker to start the next batch. Refresh tokens rotate: each thread keeps a queue seeded from
-- REFRESH_POOL and puts every refresh answer's new token back. When a thread has no code (the next
-- batch is not ready) or no refresh token, it draws another kind of request instead and counts the
-- miss ("skipped"), so the mix shifts a little but the load never stops.
--
-- wrk does not say which request an answer belongs to, so response() tells the kinds apart by the
-- body: a Bundle is a search, a Patient a read, the discovery document has authorization_endpoint,
-- a registration registration_access_token, a token answer access_token (CODE_PATIENT for the code
-- grant, PATIENT for refresh), an introspection "active". Every non-2xx is an error, counted by
-- status with the first body of each status kept.
bench_endpoint = "mixed"
dofile(debug.getinfo(1, "S").source:sub(2):match("^(.*)/") .. "/common.lua")

local kinds = { "discovery", "register", "code", "refresh", "introspect", "read", "search" }

-- Per-thread counters (globals, read by done() with thread:get()).
sent = {}
ok = {}
skipped = {}
bad_status = {}
bad_sample = {}
other_2xx = 0
for _, kind in ipairs(kinds) do
    sent[kind], ok[kind], skipped[kind] = 0, 0, 0
end

local function form_encode(text)
    return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

local weights, total_weight = {}, 0
local code_dir, thread_count, code_tail
local code_queue, code_head, code_file = {}, 1, -1
local refresh_queue, refresh_head, refresh_tail = {}, 1, 0
local patient, code_patient
local fixed = {}
local register_counter = 0
local form_headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
local json_headers = { ["Content-Type"] = "application/json" }
local register_template = '{"client_name":"mixed-%d-%d","redirect_uris":["https://app.example.org/callback"],'
    .. '"scope":"launch/patient patient/*.read openid fhirUser offline_access"}'

-- The lines of PATH that belong to this thread, or nil if the file is not there (yet).
local function my_lines(path)
    local file = io.open(path, "r")
    if not file then
        return nil
    end
    local lines, n = {}, 0
    for line in file:lines() do
        if line ~= "" then
            n = n + 1
            if (n - 1) % thread_count == (thread_id or 1) - 1 then
                lines[#lines + 1] = line
            end
        end
    end
    file:close()
    return lines
end

-- Opens the next code batch if it is ready; returns whether it did.
local function next_code_batch()
    local lines = my_lines(string.format("%s/codes.%d", code_dir, code_file + 1))
    if lines == nil then
        return false
    end
    code_file = code_file + 1
    local marker = io.open(string.format("%s/opened.%d", code_dir, code_file), "w")
    if marker then
        marker:close()
    end
    code_queue, code_head = {}, 1
    for _, line in ipairs(lines) do
        local code, verifier = line:match("^(%S+) (%S+)$")
        if code then
            code_queue[#code_queue + 1] = wrk.format("POST", "/oauth/token", form_headers,
                "grant_type=authorization_code&code=" .. form_encode(code) .. code_tail .. "&code_verifier=" .. verifier)
        end
    end
    return true
end

function init(args)
    code_dir = args[1] or error("mixed.lua needs its arguments after -- (see the header)")
    thread_count = tonumber(args[2]) or error("mixed.lua: THREADS")
    local public_id, redirect_uri = args[3], args[4]
    local refresh_pool, introspect_token, basic, fhir_token = args[5], args[6], args[7], args[8]
    patient, code_patient = args[9], args[10]
    local weight_text = args[11] or error("mixed.lua: WEIGHTS")
    for name, value in weight_text:gmatch("([%w]+)=(%d+)") do
        weights[name] = tonumber(value)
    end
    for _, kind in ipairs(kinds) do
        weights[kind] = weights[kind] or 0
        total_weight = total_weight + weights[kind]
    end
    code_tail = "&redirect_uri=" .. form_encode(redirect_uri) .. "&client_id=" .. form_encode(public_id)
    next_code_batch()
    for _, token in ipairs(my_lines(refresh_pool) or error("mixed.lua: no refresh pool " .. refresh_pool)) do
        refresh_tail = refresh_tail + 1
        refresh_queue[refresh_tail] = token
    end
    local fhir = { ["Accept"] = "application/fhir+json", ["Authorization"] = "Bearer " .. fhir_token }
    fixed.discovery = wrk.format("GET", "/.well-known/smart-configuration", {})
    fixed.introspect = wrk.format("POST", "/oauth/introspect", {
        ["Content-Type"] = "application/x-www-form-urlencoded", ["Authorization"] = "Basic " .. basic,
    }, "token=" .. introspect_token)
    fixed.read = wrk.format("GET", "/api/fhir/Patient/" .. patient, fhir)
    fixed.search = wrk.format("GET", "/api/fhir/Observation?patient=" .. patient .. "&_count=10", fhir)
    math.randomseed(os.time() * 10 + (thread_id or 1))
end

-- The request of one kind, or nil when its pool is empty just now.
local function make(kind)
    if kind == "code" then
        if code_queue[code_head] == nil and not next_code_batch() then
            return nil
        end
        local r = code_queue[code_head]
        if r == nil then
            return nil
        end
        code_queue[code_head] = nil
        code_head = code_head + 1
        return r
    elseif kind == "refresh" then
        if refresh_head > refresh_tail then
            return nil
        end
        local token = refresh_queue[refresh_head]
        refresh_queue[refresh_head] = nil
        refresh_head = refresh_head + 1
        return wrk.format("POST", "/oauth/token", form_headers, "grant_type=refresh_token&refresh_token=" .. token)
    elseif kind == "register" then
        register_counter = register_counter + 1
        return wrk.format("POST", "/oauth/register", json_headers,
            register_template:format(thread_id or 0, register_counter))
    end
    return fixed[kind]
end

local function draw()
    local x = math.random() * total_weight
    for _, kind in ipairs(kinds) do
        x = x - weights[kind]
        if x < 0 then
            return kind
        end
    end
    return kinds[#kinds]
end

function request()
    local kind = draw()
    for _ = 1, 20 do
        local r = make(kind)
        if r then
            sent[kind] = sent[kind] + 1
            return r
        end
        skipped[kind] = skipped[kind] + 1
        kind = draw() -- another draw; after 20 misses in a row, a discovery request
    end
    sent.discovery = sent.discovery + 1
    return fixed.discovery
end

local function has(body, text)
    return body ~= nil and body:find(text, 1, true) ~= nil
end

local function classify(body)
    if has(body, '"resourceType":"Bundle"') then
        return "search"
    elseif has(body, '"resourceType":"Patient"') then
        return "read"
    elseif has(body, '"authorization_endpoint"') then
        return "discovery"
    elseif has(body, '"registration_access_token"') then
        return "register"
    elseif has(body, '"access_token"') then
        if has(body, '"patient":"' .. code_patient .. '"') then
            return "code"
        end
        return "refresh"
    elseif has(body, '"active":') then
        return "introspect"
    end
    return nil
end

function response(status, headers, body)
    if status < 200 or status > 299 then
        non2xx = non2xx + 1
        local key = tostring(status)
        bad_status[key] = (bad_status[key] or 0) + 1
        if bad_sample[key] == nil then
            bad_sample[key] = string.sub(body or "", 1, 300)
        end
        return
    end
    local kind = classify(body)
    if kind == nil then
        other_2xx = other_2xx + 1
        return
    end
    ok[kind] = ok[kind] + 1
    if kind == "refresh" then
        local token = body:match('"refresh_token":"([^"]+)"')
        if token then
            refresh_tail = refresh_tail + 1
            refresh_queue[refresh_tail] = token
        end
    end
end

threads_list = {}
local common_setup = setup
function setup(thread)
    common_setup(thread)
    table.insert(threads_list, thread)
end

local common_done = done
function done(summary, latency, requests)
    common_done(summary, latency, requests)
    local total_sent, total_ok, total_skipped, statuses, samples, unknown = {}, {}, {}, {}, {}, 0
    for _, thread in ipairs(threads_list) do
        local s, o, k = thread:get("sent"), thread:get("ok"), thread:get("skipped")
        for _, kind in ipairs(kinds) do
            total_sent[kind] = (total_sent[kind] or 0) + (s[kind] or 0)
            total_ok[kind] = (total_ok[kind] or 0) + (o[kind] or 0)
            total_skipped[kind] = (total_skipped[kind] or 0) + (k[kind] or 0)
        end
        for key, n in pairs(thread:get("bad_status") or {}) do
            statuses[key] = (statuses[key] or 0) + n
        end
        for key, text in pairs(thread:get("bad_sample") or {}) do
            samples[key] = samples[key] or text
        end
        unknown = unknown + (thread:get("other_2xx") or 0)
    end
    for _, kind in ipairs(kinds) do
        io.write(string.format("MIXED kind=%s sent=%d ok_2xx=%d skipped=%d\n", kind, total_sent[kind],
            total_ok[kind], total_skipped[kind]))
    end
    io.write(string.format("MIXED kind=unclassified-2xx ok_2xx=%d\n", unknown))
    for key, n in pairs(statuses) do
        io.write(string.format("MIXED-ERROR status=%s count=%d first=%s\n", key, n, (samples[key] or ""):gsub("%s+", " ")))
    end
end
