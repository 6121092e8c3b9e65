//! Configuration in layers: defaults -> TOML file -> CERTGUARD_* environment -> command-line flags.
//! Secrets (the database URL may hold a password) are redacted in Debug and can be read from a *_FILE.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where the SQLite database and other state live.
    pub data_dir: PathBuf,
    /// Address the web server listens on.
    pub listen: String,
    /// The address people and verifiers reach the server at (status-list URIs in signed QR codes).
    /// Empty: http://<listen>.
    pub public_url: String,
    /// postgres://... to use PostgreSQL; empty for the embedded SQLite database in `data_dir`.
    pub database_url: String,
    /// Connections in the PostgreSQL pool.
    pub database_pool: usize,
    /// Public lookups per client address per minute.
    pub lookup_per_minute: u32,
    /// Failed-login budget per client address per minute.
    pub login_per_minute: u32,
    /// Largest upload (imports), MiB.
    pub max_upload_mib: usize,
    /// Hours a back-office session lasts.
    pub session_hours: i64,
    /// Mark cookies Secure (set when served over HTTPS).
    pub secure_cookies: bool,
    /// Trust X-Forwarded-For (only behind your own reverse proxy).
    pub trust_forwarded_for: bool,
    /// How many reverse proxies of yours stand in front (each appends to X-Forwarded-For).
    pub proxy_hops: u32,
    /// Bearer token for /metrics; empty turns /metrics off. Secret.
    pub metrics_token: String,
    /// redis://... to share rate limits between several servers; empty: each server limits on its own.
    pub redis_url: String,
    /// The transparency log's origin (its name in checkpoints), fixed for the life of the log.
    /// Empty: `<host of public_url>/certificates/v1`, or `localhost/certificates/v1` without a public_url.
    pub log_origin: String,
    /// Witnesses this log asks for cosignatures, each "URL VKEY" (URL of their add-checkpoint endpoint).
    pub witnesses: Vec<String>,
    /// Make this server a witness of other registries' logs: its cosigning key file (created if missing).
    pub witness_key: String,
    /// This witness's name (default: "<host of public_url>/witness").
    pub witness_name: String,
    /// The verifier keys of the logs this server witnesses (origin = key name).
    pub witness_logs: Vec<String>,
    /// The authority named as the exporter of leads (STIX identity, MISP organisation).
    pub exporter_name: String,
    /// A short stable code for the exporter: export identifiers stay the same across exports.
    pub exporter_code: String,
    /// Certificate Transparency logs (static-ct-api) this server follows for look-alike domains, each
    /// "URL KEY [ORIGIN]" (KEY: the log's public key, base64 DER).
    pub ct_logs: Vec<String>,
    /// Seconds between two reads of each CT log.
    pub ct_poll_seconds: u64,
    /// Feeds the server follows, each "domains|ads NAME PATH-OR-URL": a file is watched for appended lines, a
    /// URL read again whenever its body changes.
    pub feeds: Vec<String>,
    /// Seconds between two looks at each feed.
    pub feed_poll_seconds: u64,
    /// Fetch and judge the page of every flagged domain and address in the background (safe fetcher).
    pub page_worker: bool,
    /// Most page fetches at once.
    pub page_concurrency: usize,
    /// Least seconds between two fetches of one registrable domain.
    pub page_host_interval_seconds: u64,
    /// Time limit of one page fetch, seconds.
    pub page_timeout_seconds: u64,
    /// Attempts before a page fetch or a notification is given up (retries back off: 1, 2, 4 ... minutes).
    pub job_max_attempts: i32,
    /// Where new high-scoring leads are posted (JSON, signed); empty: no notifications.
    pub lead_webhook_url: String,
    /// The HMAC-SHA256 key deliveries are signed with (at least 16 characters). Secret.
    pub lead_webhook_secret: String,
    /// Leads scoring at least this are notified.
    pub lead_webhook_min_score: i32,
    /// Where employers' reminders go (60 and 30 days before a review or expiry; JSON, signed); empty: none.
    pub reminder_webhook_url: String,
    /// The HMAC-SHA256 key reminder deliveries are signed with (at least 16 characters). Secret.
    pub reminder_webhook_secret: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("./certguard-data"),
            listen: "127.0.0.1:8080".into(),
            public_url: String::new(),
            database_url: String::new(),
            database_pool: 16,
            lookup_per_minute: 30,
            login_per_minute: 10,
            max_upload_mib: 64,
            session_hours: 8,
            secure_cookies: false,
            trust_forwarded_for: false,
            proxy_hops: 1,
            metrics_token: String::new(),
            redis_url: String::new(),
            log_origin: String::new(),
            witnesses: Vec::new(),
            witness_key: String::new(),
            witness_name: String::new(),
            witness_logs: Vec::new(),
            exporter_name: "安证卫士 certguard".into(),
            exporter_code: "certguard".into(),
            ct_logs: Vec::new(),
            ct_poll_seconds: 1,
            feeds: Vec::new(),
            feed_poll_seconds: 60,
            page_worker: false,
            page_concurrency: 4,
            page_host_interval_seconds: 10,
            page_timeout_seconds: 10,
            job_max_attempts: 5,
            lead_webhook_url: String::new(),
            lead_webhook_secret: String::new(),
            lead_webhook_min_score: 100,
            reminder_webhook_url: String::new(),
            reminder_webhook_secret: String::new(),
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("listen", &self.listen)
            .field("public_url", &self.public_url)
            .field("database_url", &if self.database_url.is_empty() { "" } else { "<redacted>" })
            .field("database_pool", &self.database_pool)
            .field("lookup_per_minute", &self.lookup_per_minute)
            .field("login_per_minute", &self.login_per_minute)
            .field("max_upload_mib", &self.max_upload_mib)
            .field("session_hours", &self.session_hours)
            .field("secure_cookies", &self.secure_cookies)
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .field("proxy_hops", &self.proxy_hops)
            .field("metrics_token", &if self.metrics_token.is_empty() { "" } else { "<redacted>" })
            .field("redis_url", &if self.redis_url.is_empty() { "" } else { "<redacted>" })
            .field("log_origin", &self.log_origin)
            .field("witnesses", &self.witnesses)
            .field("witness_key", &self.witness_key)
            .field("witness_name", &self.witness_name)
            .field("exporter_name", &self.exporter_name)
            .field("exporter_code", &self.exporter_code)
            .field("ct_logs", &self.ct_logs)
            .field("ct_poll_seconds", &self.ct_poll_seconds)
            .field("witness_logs", &self.witness_logs)
            .field("feeds", &self.feeds)
            .field("feed_poll_seconds", &self.feed_poll_seconds)
            .field("page_worker", &self.page_worker)
            .field("page_concurrency", &self.page_concurrency)
            .field("page_host_interval_seconds", &self.page_host_interval_seconds)
            .field("page_timeout_seconds", &self.page_timeout_seconds)
            .field("job_max_attempts", &self.job_max_attempts)
            .field("lead_webhook_url", &self.lead_webhook_url)
            .field("lead_webhook_secret", &if self.lead_webhook_secret.is_empty() { "" } else { "<redacted>" })
            .field("lead_webhook_min_score", &self.lead_webhook_min_score)
            .field("reminder_webhook_url", &self.reminder_webhook_url)
            .field("reminder_webhook_secret", &if self.reminder_webhook_secret.is_empty() { "" } else { "<redacted>" })
            .finish()
    }
}

/// The commented default file `certguard config default` prints.
pub const DEFAULT_TOML: &str = r#"# certguard configuration. Every key can also be set as CERTGUARD_<KEY> in the environment
# (e.g. CERTGUARD_LISTEN=0.0.0.0:8080) and most as command-line flags; flags win, then the
# environment, then this file, then the defaults shown here.

# Where the embedded SQLite database lives.
data_dir = "./certguard-data"

# Address of the web server.
listen = "127.0.0.1:8080"

# The address people and verifiers reach this server at; signed QR codes point their status lists
# here (<public_url>/status/<authority>). Empty: http://<listen>.
public_url = ""

# PostgreSQL for large registries, e.g. "postgres://certguard@127.0.0.1:5432/certguard".
# Empty: the embedded SQLite database in data_dir. Secret: prefer CERTGUARD_DATABASE_URL_FILE.
database_url = ""
database_pool = 16

# Public lookups per client address per minute (stops enumeration of the registry).
lookup_per_minute = 30
# Login attempts per client address per minute.
login_per_minute = 10

# Largest import upload, MiB.
max_upload_mib = 64

# Hours a back-office session lasts.
session_hours = 8

# Set to true when the server is reached over HTTPS (cookies get the Secure flag).
secure_cookies = false
# Set to true only behind your own reverse proxy: the client address is then taken from X-Forwarded-For,
# proxy_hops entries from the right (each proxy of yours appends one; what the client wrote is ignored).
trust_forwarded_for = false
proxy_hops = 1

# Bearer token a Prometheus scraper sends to /metrics; empty turns /metrics off.
# Secret: prefer CERTGUARD_METRICS_TOKEN_FILE.
metrics_token = ""

# Several servers on one PostgreSQL: share the rate limits through Redis, e.g. "redis://127.0.0.1:6379/0".
# Empty: each server keeps its own limits. Secret if it holds a password: prefer CERTGUARD_REDIS_URL_FILE.
redis_url = ""

# The transparency log's origin: the name its checkpoints carry, fixed for the life of the log (its key in
# data_dir/keys/log.key is bound to it). Empty: "<host of public_url>/certificates/v1", or
# "localhost/certificates/v1" without a public_url.
log_origin = ""

# Witnesses of this log (c2sp.org/tlog-witness): each "URL VKEY", e.g.
# "https://witness.example/witness/add-checkpoint witness.example/witness+1a2b3c4d+BA...". The sequencer asks
# them to cosign each new checkpoint; verifiers can then require k of n cosignatures.
witnesses = []

# Make this server a witness of other registries' logs: its cosigning key file (created if missing; the
# verifier key is written beside it as .vkey), its name, and the verifier keys of the logs it witnesses.
witness_key = ""
witness_name = ""
witness_logs = []

# Lead exports (STIX 2.1, MISP, CSV) name this authority as their producer; the code keeps export identifiers
# stable across exports (a platform that loads two exports updates its objects instead of duplicating them).
exporter_name = "安证卫士 certguard"
exporter_code = "certguard"

# Certificate Transparency logs (C2SP static-ct-api: Sunlight, Tessera) to follow for look-alike domains of the
# official sites, each "URL KEY [ORIGIN]": the monitoring prefix, the log's public key (base64 DER, as the log
# lists publish it) and the checkpoint origin if it is not the URL without its scheme. Flagged names become
# leads; each log's place is kept in the database, so a restart resumes.
ct_logs = []
# Seconds between two reads of each log's checkpoint (a few hundred bytes; logs publish one about every second):
# with 1, a new entry becomes a lead within about 1 s.
ct_poll_seconds = 1

# Feeds followed for leads, each "domains|ads NAME PATH-OR-URL": newly registered domains or zone diffs (one name
# per line), ads as JSON lines {text, source, url, seen_at, region}. A file is watched for appended lines (a
# truncated or replaced file is read again from its start); a URL is read again whenever its body changes. Each
# feed's place is kept in the database with its leads, so a restart neither skips nor repeats a line.
feeds = []
feed_poll_seconds = 60

# The page worker: fetches the page of every flagged domain and address through the safe fetcher (public
# addresses only, each redirect checked, size and time capped), judges it against the official query sites and
# keeps the verdict and evidence on the lead. Off by default: it makes outgoing requests to suspect sites.
page_worker = false
page_concurrency = 4
# Least seconds between two fetches of one registrable domain (politeness, and less notice taken).
page_host_interval_seconds = 10
page_timeout_seconds = 10
# Attempts before a page fetch or a notification is given up; retries wait 1, 2, 4, 8 ... minutes.
job_max_attempts = 5

# A webhook told of each lead scoring at least lead_webhook_min_score (a flagged domain scores 60 and more; a
# page that impersonates the query site adds its own points). The JSON body is signed: the header
# X-Certguard-Signature is "sha256=" and the hex HMAC-SHA256 of "<X-Certguard-Timestamp>.<body>" under the
# secret (set it as CERTGUARD_LEAD_WEBHOOK_SECRET or _FILE rather than here).
lead_webhook_url = ""
lead_webhook_secret = ""
lead_webhook_min_score = 100

# A webhook told, once each, of the workers on the employers' rosters whose review or expiry is 60 and then 30
# days away (one JSON message per unit, signed like the lead notifications; checked hourly).
reminder_webhook_url = ""
reminder_webhook_secret = ""
"#;

fn env_var(key: &str) -> Result<Option<String>> {
    let name = format!("CERTGUARD_{}", key.to_uppercase());
    if let Ok(v) = std::env::var(&name) {
        return Ok(Some(v));
    }
    if let Ok(path) = std::env::var(format!("{name}_FILE")) {
        let v = std::fs::read_to_string(&path).with_context(|| format!("reading {name}_FILE={path}"))?;
        return Ok(Some(v.trim().to_string()));
    }
    Ok(None)
}

fn parse_env<T: std::str::FromStr>(key: &str, into: &mut T) -> Result<()>
where
    T::Err: fmt::Display,
{
    if let Some(v) = env_var(key)? {
        *into = v.parse().map_err(|e| anyhow::anyhow!("CERTGUARD_{}={v}: {e}", key.to_uppercase()))?;
    }
    Ok(())
}

impl Config {
    pub fn public_base(&self) -> String {
        if self.public_url.is_empty() { format!("http://{}", self.listen) } else { self.public_url.clone() }
    }

    /// The transparency log's origin: configured, or derived from the public address's host.
    pub fn log_origin(&self) -> String {
        if !self.log_origin.is_empty() {
            return self.log_origin.clone();
        }
        let host = self.log_origin_host().unwrap_or("localhost");
        format!("{host}/certificates/v1")
    }

    /// The name of the key that signs roster verification receipts: "<host of public_url>/roster-receipts/v1".
    pub fn receipt_key_name(&self) -> String {
        format!("{}/roster-receipts/v1", self.log_origin_host().unwrap_or("localhost"))
    }

    /// The witness's name: configured, or "<host of public_url>/witness".
    pub fn witness_name(&self) -> String {
        if !self.witness_name.is_empty() {
            return self.witness_name.clone();
        }
        self.log_origin_host().map_or_else(|| "localhost/witness".into(), |h| format!("{h}/witness"))
    }

    fn log_origin_host(&self) -> Option<&str> {
        self.public_url
            .split_once("://")
            .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or_default())
            .filter(|h| !h.is_empty())
    }

    /// Defaults, then the file (if given), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Config> {
        let mut c = match file {
            Some(p) => {
                let text =
                    std::fs::read_to_string(p).with_context(|| format!("reading config file {}", p.display()))?;
                toml::from_str(&text).with_context(|| format!("config file {}", p.display()))?
            }
            None => Config::default(),
        };
        let mut data_dir = c.data_dir.display().to_string();
        parse_env("data_dir", &mut data_dir)?;
        c.data_dir = data_dir.into();
        parse_env("listen", &mut c.listen)?;
        parse_env("public_url", &mut c.public_url)?;
        parse_env("database_url", &mut c.database_url)?;
        parse_env("database_pool", &mut c.database_pool)?;
        parse_env("lookup_per_minute", &mut c.lookup_per_minute)?;
        parse_env("login_per_minute", &mut c.login_per_minute)?;
        parse_env("max_upload_mib", &mut c.max_upload_mib)?;
        parse_env("session_hours", &mut c.session_hours)?;
        parse_env("secure_cookies", &mut c.secure_cookies)?;
        parse_env("trust_forwarded_for", &mut c.trust_forwarded_for)?;
        parse_env("proxy_hops", &mut c.proxy_hops)?;
        parse_env("metrics_token", &mut c.metrics_token)?;
        parse_env("redis_url", &mut c.redis_url)?;
        parse_env("log_origin", &mut c.log_origin)?;
        parse_env("exporter_name", &mut c.exporter_name)?;
        parse_env("exporter_code", &mut c.exporter_code)?;
        parse_env("page_worker", &mut c.page_worker)?;
        parse_env("page_concurrency", &mut c.page_concurrency)?;
        parse_env("page_host_interval_seconds", &mut c.page_host_interval_seconds)?;
        parse_env("page_timeout_seconds", &mut c.page_timeout_seconds)?;
        parse_env("job_max_attempts", &mut c.job_max_attempts)?;
        parse_env("lead_webhook_url", &mut c.lead_webhook_url)?;
        parse_env("lead_webhook_secret", &mut c.lead_webhook_secret)?;
        parse_env("lead_webhook_min_score", &mut c.lead_webhook_min_score)?;
        parse_env("reminder_webhook_url", &mut c.reminder_webhook_url)?;
        parse_env("reminder_webhook_secret", &mut c.reminder_webhook_secret)?;
        c.validate()?;
        Ok(c)
    }

    pub fn validate(&self) -> Result<()> {
        if !self.database_url.is_empty()
            && !self.database_url.starts_with("postgres://")
            && !self.database_url.starts_with("postgresql://")
        {
            bail!("database_url must start with postgres:// (or be empty for SQLite)");
        }
        if self.lookup_per_minute == 0 || self.login_per_minute == 0 {
            bail!("rate limits must be at least 1 per minute");
        }
        if self.session_hours <= 0 {
            bail!("session_hours must be positive");
        }
        if self.trust_forwarded_for && self.proxy_hops == 0 {
            bail!("proxy_hops must be at least 1 when trust_forwarded_for is set");
        }
        if !self.redis_url.is_empty()
            && !self.redis_url.starts_with("redis://")
            && !self.redis_url.starts_with("rediss://")
        {
            bail!("redis_url must start with redis:// or rediss:// (or be empty)");
        }
        if self.log_origin.chars().any(|c| c.is_whitespace() || c == '+') {
            bail!("log_origin must not contain spaces or '+' (it names the log's key)");
        }
        for w in &self.witnesses {
            certguard_app::translog::WitnessPeer::parse(w).map_err(|e| anyhow::anyhow!("witnesses: {w:?}: {e}"))?;
        }
        for k in &self.witness_logs {
            certguard_tlog::note::VerifierKey::parse(k).map_err(|e| anyhow::anyhow!("witness_logs: {k:?}: {e}"))?;
        }
        for spec in &self.ct_logs {
            certguard_app::leads::ct::parse_source(spec).map_err(|e| anyhow::anyhow!("ct_logs: {e}"))?;
        }
        if self.ct_poll_seconds == 0 {
            bail!("ct_poll_seconds must be at least 1");
        }
        let mut names = std::collections::HashSet::new();
        for spec in &self.feeds {
            let f = certguard_app::leads::feeds::parse_feed(spec).map_err(|e| anyhow::anyhow!("feeds: {e}"))?;
            if !names.insert(f.name.clone()) {
                bail!("feeds: two feeds named {:?} (the name keeps the feed's place)", f.name);
            }
        }
        if self.feed_poll_seconds == 0 {
            bail!("feed_poll_seconds must be at least 1");
        }
        if self.page_concurrency == 0 || self.page_concurrency > 64 {
            bail!("page_concurrency must be between 1 and 64");
        }
        if self.page_timeout_seconds == 0 || self.page_timeout_seconds > 120 {
            bail!("page_timeout_seconds must be between 1 and 120");
        }
        if !(1..=20).contains(&self.job_max_attempts) {
            bail!("job_max_attempts must be between 1 and 20");
        }
        if !self.lead_webhook_url.is_empty() {
            if !self.lead_webhook_url.starts_with("http://") && !self.lead_webhook_url.starts_with("https://") {
                bail!("lead_webhook_url must start with http:// or https:// (or be empty)");
            }
            if self.lead_webhook_secret.len() < 16 {
                bail!("lead_webhook_url needs lead_webhook_secret of at least 16 characters (to sign the deliveries)");
            }
        }
        if !self.reminder_webhook_url.is_empty() {
            if !self.reminder_webhook_url.starts_with("http://") && !self.reminder_webhook_url.starts_with("https://") {
                bail!("reminder_webhook_url must start with http:// or https:// (or be empty)");
            }
            if self.reminder_webhook_secret.len() < 16 {
                bail!("reminder_webhook_url needs reminder_webhook_secret of at least 16 characters");
            }
        }
        if !self.witness_logs.is_empty() && self.witness_key.is_empty() {
            bail!("witness_logs needs witness_key (the file of this witness's cosigning key)");
        }
        if !self.metrics_token.is_empty() && self.metrics_token.len() < 16 {
            bail!("metrics_token must be at least 16 characters (or empty to turn /metrics off)");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_file_parses_to_the_defaults() {
        let parsed: Config = toml::from_str(DEFAULT_TOML).unwrap();
        let d = Config::default();
        assert_eq!(format!("{parsed:?}"), format!("{d:?}"));
    }

    #[test]
    fn secrets_are_redacted_and_unknown_keys_refused() {
        let c = Config {
            database_url: "postgres://u:hunter2@h/db".into(),
            lead_webhook_secret: "hunter2-hunter2-hunter2".into(),
            metrics_token: "hunter2-metrics-token".into(),
            ..Config::default()
        };
        assert!(!format!("{c:?}").contains("hunter2"));
        let short = Config {
            lead_webhook_url: "https://soc.example/hook".into(),
            lead_webhook_secret: "short".into(),
            ..Config::default()
        };
        assert!(short.validate().unwrap_err().to_string().contains("lead_webhook_secret"));
        let feeds = Config { feeds: vec!["domains a /x".into(), "ads a /y".into()], ..Config::default() };
        assert!(feeds.validate().unwrap_err().to_string().contains("two feeds named"));
        assert!(toml::from_str::<Config>("listn = \"x\"").is_err());
        let bad = Config { database_url: "mysql://x".into(), ..Config::default() };
        assert!(bad.validate().is_err());
    }
}
