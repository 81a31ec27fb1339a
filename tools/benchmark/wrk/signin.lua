-- POST /api/v1/session: a browser sign-in (scrypt check on deskd's hashing
-- threads, a new session written).
-- args: EMAIL PASSWORD
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

function init(args)
   wrk.method = "POST"
   wrk.path = "/api/v1/session"
   wrk.headers = { ["Content-Type"] = "application/json" }
   wrk.body = string.format('{"email":"%s","password":"%s"}', args[1], args[2])
end

done = common.done
