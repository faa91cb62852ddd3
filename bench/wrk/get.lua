-- SPDX-License-Identifier: Apache-2.0
-- GET PATH, with "Authorization: Bearer TOKEN" when a token is given. run.sh names the row with
-- BENCH_NAME (the FHIR rows: fhir-read, open-fhir-search-20, ...).
-- Usage: wrk ... -s get.lua URL -- PATH [TOKEN]
bench_endpoint = "get"
dofile(debug.getinfo(1, "S").source:sub(2):match("^(.*)/") .. "/common.lua")

function init(args)
    wrk.method = "GET"
    wrk.path = args[1] or error("get.lua needs the path after --")
    wrk.headers["Accept"] = "application/fhir+json"
    if args[2] and args[2] ~= "" then
        wrk.headers["Authorization"] = "Bearer " .. args[2]
    end
end
