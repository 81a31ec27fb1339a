-- Shared by the benchmark's wrk scripts: the bearer header, reading a
-- list of ticket references, and the summary line tools/bench parses
-- (wrk's own output has no 99.9th percentile).

local common = {}

function common.auth_headers(token)
   local h = { ["Accept"] = "application/json" }
   if token and token ~= "" and token ~= "-" then
      h["Authorization"] = "Bearer " .. token
   end
   return h
end

function common.read_lines(path)
   local lines = {}
   for line in io.lines(path) do
      if line ~= "" then lines[#lines + 1] = line end
   end
   assert(#lines > 0, "no lines in " .. path)
   return lines
end

function common.done(summary, latency, requests)
   local e = summary.errors
   local secs = summary.duration / 1e6
   io.write(string.format(
      "BENCH requests=%d seconds=%.3f rps=%.2f p50_us=%d p99_us=%d p999_us=%d max_us=%d " ..
      "bytes=%d non2xx=%d socket_errors=%d timeouts=%d\n",
      summary.requests, secs, summary.requests / secs,
      latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max,
      summary.bytes, e.status, e.connect + e.read + e.write, e.timeout))
end

return common
