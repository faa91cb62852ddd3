-- SPDX-License-Identifier: Apache-2.0
-- GET / : the cheapest route (no database work), the server's own ceiling through the whole
-- pipeline (routing, headers, request log).
bench_endpoint = "baseline"
dofile(debug.getinfo(1, "S").source:sub(2):match("^(.*)/") .. "/common.lua")

wrk.method = "GET"
wrk.path = "/"
