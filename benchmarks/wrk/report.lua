-- Cycles through the paths given after `--` (or wrk's own URL path when none), counts
-- response statuses in every thread, and prints one JSON line wrk's own summary lacks:
-- p95 latency and the statuses, so a redirect to the sign-in page is never mistaken for a page.
local threads = {}
local paths = {}
local next_path = 1
statuses = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   for i = 1, #args do
      paths[i] = args[i]
   end
   next_path = math.random(1, math.max(#paths, 1))
end

function request()
   if #paths == 0 then
      return wrk.format()
   end
   local path = paths[next_path]
   next_path = next_path % #paths + 1
   return wrk.format(nil, path)
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local counted = {}
   for _, thread in ipairs(threads) do
      for status, n in pairs(thread:get("statuses")) do
         counted[status] = (counted[status] or 0) + n
      end
   end
   local parts = {}
   for status, n in pairs(counted) do
      table.insert(parts, string.format('"%d": %d', status, n))
   end
   local errors = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p95_us": %d, ' ..
      '"p99_us": %d, "max_us": %d, "socket_errors": %d, "statuses": {%s}}\n',
      summary.requests, summary.duration,
      latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
      latency.max, errors.connect + errors.read + errors.write + errors.timeout,
      table.concat(parts, ", ")))
end
