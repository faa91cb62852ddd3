-- SPDX-License-Identifier: Apache-2.0
-- Client traffic for bench/ui.sh: GETs of four routes in turn (discovery, the FHIR capability
-- statement, the JWKS and a 404), each connection waiting DELAY ms after every answer, so that
-- CONNECTIONS × 1000 / (DELAY + latency) requests a second arrive: about the rate asked while the
-- server keeps up, less when it cannot (ui.sh prints the rate that was reached).
--
--   wrk -c CONNECTIONS ... -s bench/ui/paced.lua URL -- DELAY

local paths = { "/api/fhir/.well-known/smart-configuration", "/api/fhir/metadata",
    "/.well-known/jwks.json", "/no/such/path" }
local counter = 0
local pause = 10

function init(args)
    pause = tonumber(args[1] or "10")
end

function request()
    counter = counter + 1
    return wrk.format("GET", paths[(counter % #paths) + 1])
end

function delay()
    return pause
end
