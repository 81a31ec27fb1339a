-- GET one fixed path (a list page, a deep page by cursor, a search, the
-- organisation-wide list, an export) with an API token.
-- args: TOKEN PATH
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

function init(args)
   wrk.method = "GET"
   wrk.path = args[2]
   wrk.headers = common.auth_headers(args[1])
end

done = common.done
