//! Rate limits that hold across several servers: the same token buckets as [`crate::security::RateLimiter`],
//! kept in Redis and updated by one script per request, so that all servers draw from one budget per client.
//! Redis's own clock is used, so servers with skewed clocks agree. If Redis cannot be reached, each server
//! falls back to its local buckets (a per-server limit still holds) and says so in the log.

use redis::aio::ConnectionManager;
use std::time::Duration;

/// Takes `cost` tokens (a negative cost refunds) from the bucket at KEYS[1]; answers 1 if allowed.
/// ARGV: tokens per millisecond, burst, cost, expiry in milliseconds.
const BUCKET: &str = r"
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local allowed = 0
if cost <= 0 or tokens >= cost then
  tokens = math.min(burst, tokens - cost)
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return allowed
";

/// How long one call to Redis may take before the local bucket answers instead.
const CALL_TIMEOUT: Duration = Duration::from_millis(250);

pub struct SharedLimits {
    connection: ConnectionManager,
    script: redis::Script,
    prefix: String,
}

impl SharedLimits {
    /// Connects to `url` (e.g. redis://127.0.0.1:6379/0); keys start with `prefix`.
    pub async fn connect(url: &str, prefix: &str) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| format!("redis_url: {e}"))?;
        let connection = tokio::time::timeout(Duration::from_secs(5), client.get_connection_manager())
            .await
            .map_err(|_| format!("redis at {url} did not answer within 5 s"))?
            .map_err(|e| format!("redis at {url}: {e}"))?;
        Ok(SharedLimits { connection, script: redis::Script::new(BUCKET), prefix: prefix.to_string() })
    }

    /// Takes (or, with a negative cost, gives back) tokens; `None` when Redis did not answer in time.
    pub async fn take(&self, limiter: &str, key: &str, per_minute: f64, burst: f64, cost: i32) -> Option<bool> {
        let mut con = self.connection.clone();
        let full_key = format!("{}{limiter}:{key}", self.prefix);
        // A bucket that has refilled is as good as none: let it expire then.
        let expiry_ms = ((burst / per_minute) * 60_000.0).ceil() as u64 + 1000;
        let mut call = self.script.key(full_key);
        call.arg(per_minute / 60_000.0).arg(burst).arg(cost).arg(expiry_ms);
        match tokio::time::timeout(CALL_TIMEOUT, call.invoke_async::<i64>(&mut con)).await {
            Ok(Ok(v)) => Some(v == 1),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "shared rate limit unavailable: using this server's own");
                None
            }
            Err(_) => {
                tracing::warn!("shared rate limit timed out: using this server's own");
                None
            }
        }
    }
}
