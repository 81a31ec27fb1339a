-- GET /api/v1/tickets/REF: one ticket with its timeline, a different
-- ticket each time, drawn from a list spread over the whole data set.
-- args: TOKEN REFS_FILE
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local refs, headers

function init(args)
   headers = common.auth_headers(args[1])
   refs = common.read_lines(args[2])
   math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
   return wrk.format("GET", "/api/v1/tickets/" .. refs[math.random(#refs)], headers)
end

done = common.done
