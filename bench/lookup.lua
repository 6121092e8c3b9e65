-- wrk script: POST /api/v1/lookup with (number, name) pairs read from lookups.txt (one JSON body per line).
local bodies = {}
local n = 0

init = function(args)
  local path = args[1] or "lookups.txt"
  for line in io.lines(path) do
    n = n + 1
    bodies[n] = line
  end
  math.randomseed(os.time() + math.random(1, 1000000))
end

request = function()
  local body = bodies[math.random(1, n)]
  return wrk.format("POST", "/api/v1/lookup", { ["Content-Type"] = "application/json" }, body)
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.0f p50_ms=%.3f p99_ms=%.3f errors=%d non2xx=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors, summary.errors.status))
end
