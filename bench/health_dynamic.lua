-- wrk script: GET /healthz built per request by a Lua request() function, exactly as bench/lookup.lua builds its
-- lookups, so that both routes pay the same client-side cost (wrk on the same two cores as the server).
request = function()
  return wrk.format("GET", "/healthz")
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.0f p50_ms=%.3f p99_ms=%.3f errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
