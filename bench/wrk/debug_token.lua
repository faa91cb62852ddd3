-- SPDX-License-Identifier: Apache-2.0
-- POST /oauth/debug/token for daniel-adams / smart-1288992 with one registered client.
-- Usage: wrk ... -s debug_token.lua URL -- CLIENT_ID
bench_endpoint = "debug-token"
dofile(debug.getinfo(1, "S").source:sub(2):match("^(.*)/") .. "/common.lua")

function init(args)
    local client_id = args[1] or error("debug_token.lua needs the client_id after --")
    wrk.method = "POST"
    wrk.path = "/oauth/debug/token"
    wrk.headers["Content-Type"] = "application/json"
    wrk.body = string.format('{"client_id":"%s","username":"daniel-adams","patient_id":"smart-1288992"}', client_id)
end
