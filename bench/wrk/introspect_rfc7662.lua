-- SPDX-License-Identifier: Apache-2.0
-- POST /oauth/introspect (RFC 7662): a confidential client authenticates with client_secret_basic
-- and asks about one minted access token.
-- Usage: wrk ... -s introspect_rfc7662.lua URL -- ACCESS_TOKEN BASIC_CREDENTIALS
-- (BASIC_CREDENTIALS is base64 of "client_id:client_secret", as in the Authorization header)
bench_endpoint = "introspect-rfc7662"
dofile(debug.getinfo(1, "S").source:sub(2):match("^(.*)/") .. "/common.lua")

function init(args)
    local token = args[1] or error("introspect_rfc7662.lua needs ACCESS_TOKEN BASIC_CREDENTIALS after --")
    local basic = args[2] or error("introspect_rfc7662.lua needs the Basic credentials")
    wrk.method = "POST"
    wrk.path = "/oauth/introspect"
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
    wrk.headers["Authorization"] = "Basic " .. basic
    wrk.body = "token=" .. token
end
