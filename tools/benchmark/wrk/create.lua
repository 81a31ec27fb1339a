-- POST /api/v1/tickets: a customer opens a ticket (title and description
-- of ordinary length, different each time).
-- args: TOKEN
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local headers, n = nil, 0
local words = { "printer", "login", "password", "invoice", "laptop", "network",
                "slow", "error", "after", "update", "cannot", "open", "report",
                "mail", "server", "screen", "the", "since", "monday", "again" }

local function text(k)
   local t = {}
   for i = 1, k do t[i] = words[math.random(#words)] end
   return table.concat(t, " ")
end

function init(args)
   headers = common.auth_headers(args[1])
   headers["Content-Type"] = "application/json"
   math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
   n = n + 1
   local body = string.format('{"title":"Bench %d %s","description":"%s."}', n,
                              text(math.random(5, 11)), text(math.random(30, 200)))
   return wrk.format("POST", "/api/v1/tickets", headers, body)
end

done = common.done
