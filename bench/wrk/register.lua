-- SPDX-License-Identifier: Apache-2.0
-- POST /oauth/register with a JSON body; every request registers a new, differently named
-- confidential client (the server also generates its id and secret).
bench_endpoint = "register"
dofile(debug.getinfo(1, "S").source:sub(2):match("^(.*)/") .. "/common.lua")

local counter = 0
local headers = { ["Content-Type"] = "application/json" }
local template = '{"client_name":"bench-%d-%d","redirect_uris":["https://app.example.org/callback"],'
    .. '"scope":"launch/patient patient/*.read openid fhirUser offline_access"}'

function request()
    counter = counter + 1
    return wrk.format("POST", "/oauth/register", headers, template:format(thread_id or 0, counter))
end
