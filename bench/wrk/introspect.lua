-- SPDX-License-Identifier: Apache-2.0
-- GET /oauth/debug/introspect?token=T with one minted access token.
-- Usage: wrk ... -s introspect.lua URL -- ACCESS_TOKEN
bench_endpoint = "introspect"
dofile(debug.getinfo(1, "S").source:sub(2):match("^(.*)/") .. "/common.lua")

function init(args)
    local token = args[1] or error("introspect.lua needs the access token after --")
    wrk.method = "GET"
    wrk.path = "/oauth/debug/introspect?token=" .. token
end
