-- POST /api/v1/tickets/REF/comments: a customer adds a public comment to
-- one of their open tickets.
-- args: TOKEN REFS_FILE
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local refs, headers

function init(args)
   headers = common.auth_headers(args[1])
   headers["Content-Type"] = "application/json"
   refs = common.read_lines(args[2])
   math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
   local body = '{"body":"Any news on this? It still happens here, every morning ' ..
                'after we sign in, on both laptops."}'
   return wrk.format("POST", "/api/v1/tickets/" .. refs[math.random(#refs)] .. "/comments",
                     headers, body)
end

done = common.done
