-- SPDX-License-Identifier: Apache-2.0
-- POST /oauth/token grant_type=client_credentials: a confidential backend client authenticates
-- with client_secret_basic (the sandbox allows a secret here, with a finding, instead of
-- private_key_jwt) and gets a new system-scoped access token on every request.
-- Usage: wrk ... -s client_credentials.lua URL -- BASIC_CREDENTIALS
bench_endpoint = "token-client-credentials"
dofile(debug.getinfo(1, "S").source:sub(2):match("^(.*)/") .. "/common.lua")

function init(args)
    local basic = args[1] or error("client_credentials.lua needs the Basic credentials after --")
    wrk.method = "POST"
    wrk.path = "/oauth/token"
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
    wrk.headers["Authorization"] = "Basic " .. basic
    wrk.body = "grant_type=client_credentials"
end
