//! `certguard`: run the registry server, seed the demo, import and export, manage accounts.
//! The only place that reads configuration and picks a storage backend.

mod config;
mod exam_cmd;
mod leads_cmd;
mod log_cmd;
mod roster_cmd;

// The server allocates many small strings per request (JSON, labels); mimalloc measured faster than the
// system allocator on the lookup benchmark (bench/RESULTS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::{Context, Result, bail};
use certguard_access::{AdminGrant, Principal, Role, local_reader};
use certguard_app::accounts::NewAccount;
use certguard_app::export::{ExportFormat, ExportOptions};
use certguard_app::import::ErrorReport;
use certguard_app::{Accounts, Clock, Registry, SystemClock};
use certguard_registry::Catalogue;
use certguard_store::{Authority, Store};
use clap::{Args, Parser, Subcommand};
use config::Config;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "certguard", version, about = "安证卫士 certguard: the work-safety certificate registry")]
struct Cli {
    /// TOML configuration file (see `certguard config default`).
    #[arg(long, global = true, env = "CERTGUARD_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct ServerFlags {
    /// Data directory (SQLite database).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long)]
    listen: Option<String>,
    /// PostgreSQL URL instead of the embedded SQLite database.
    #[arg(long)]
    database_url: Option<String>,
}

#[derive(Args, Clone)]
struct StoreFlags {
    /// Data directory (SQLite database).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// PostgreSQL URL instead of the embedded SQLite database.
    #[arg(long)]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (public lookup, back office, API).
    Serve(ServerFlags),
    /// Create a data directory with demo authorities, accounts and certificates, then serve it.
    Demo {
        #[command(flatten)]
        server: ServerFlags,
        /// How many demo certificates to create in an empty registry.
        #[arg(long, default_value_t = 10_000)]
        count: usize,
        /// Seed and exit without serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Import certificates from a CSV or XLSX file; rejected rows go to FILE.errors.csv.
    Import {
        file: PathBuf,
        #[command(flatten)]
        store: StoreFlags,
        /// Act as this issuer account (its authority limits the rows); default: the local operator (all authorities).
        #[arg(long = "as")]
        as_user: Option<String>,
    },
    /// Export certificates to CSV or XLSX (ID numbers masked unless --full-id).
    Export {
        file: PathBuf,
        #[command(flatten)]
        store: StoreFlags,
        #[arg(long, value_enum, default_value = "csv")]
        format: FormatArg,
        /// Only this authority's certificates.
        #[arg(long)]
        authority: Option<String>,
        /// Write full ID numbers (for a backup or a transfer); the export is audited either way.
        #[arg(long)]
        full_id: bool,
        /// English column headers.
        #[arg(long)]
        english: bool,
    },
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Manage issuing authorities.
    #[command(subcommand)]
    Authority(AuthorityCommand),
    /// Configuration helpers.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Signed QR credentials of the registry.
    #[command(subcommand)]
    Credentials(CredentialsCommand),
    /// Verify signed QR certificates (AQ1 text, photos, or directories of them) offline; with --log-vkey and
    /// proof files, also that the transparency log recorded them (--require-log refuses any that it did not).
    Verify(log_cmd::VerifyCmd),
    /// Conformance suites of the verifier.
    #[command(subcommand)]
    Conformance(ConformanceCommand),
    /// Trust-list tools (signing happens offline with the trust-anchor key).
    #[command(subcommand, name = "trust-list")]
    TrustList(TrustListCommand),
    /// Create a signing or trust-anchor key file (mode 0600, optionally encrypted).
    Keygen(certguard_credential::cli::KeygenArgs),
    /// Generate look-alike domains of an official site (dnstwist-compatible and China government modes).
    Lookalike(certguard_sentinel::cli::LookalikeArgs),
    /// Sentinel scans: score a stream of domains, judge a page, scan ads for fake-certificate offers.
    #[command(subcommand)]
    Scan(ScanCommand),
    /// The transparency log: proofs, offline proof verification, auditing a log over HTTP.
    #[command(subcommand)]
    Log(log_cmd::LogCommand),
    /// Leads for analysts: exports (STIX 2.1, MISP, CSV) and file feeds of domains and ads.
    #[command(subcommand)]
    Leads(leads_cmd::LeadsCommand),
    /// Follow live sources into leads (Certificate Transparency logs).
    #[command(subcommand)]
    Watch(leads_cmd::WatchCommand),
    /// Exam integrity: simulate an exam with known cheaters, analyse exam-room event streams.
    #[command(subcommand)]
    Exam(exam_cmd::ExamCommand),
    /// Employers: verify a whole roster of workers' certificates and keep the signed receipt; verify a receipt.
    #[command(subcommand)]
    Roster(roster_cmd::RosterCommand),
}

#[derive(Subcommand)]
enum CredentialsCommand {
    /// Sign every certificate that has no QR credential yet (after an import) or one of an older format (after
    /// an upgrade: v1 QR codes carried a commitment from which the ID could be recovered), or all (--all,
    /// after a key rotation), with a progress bar.
    Sign {
        #[arg(long)]
        authority: Option<String>,
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        store: StoreFlags,
    },
}

#[derive(Subcommand)]
enum ConformanceCommand {
    /// Run a folder in the dgc-testdata layout through the HCERT profile of the verifier: one JSON line per
    /// case and flag, then a summary; non-zero exit if a difference has no reason the data explains.
    Dgc(certguard_credential::cli::ConformanceDgcArgs),
}

#[derive(Subcommand)]
enum TrustListCommand {
    /// Sign a trust-list draft (JSON) with the offline trust-anchor key.
    Sign(certguard_credential::cli::TrustListSignArgs),
}

/// Runs a credential command that answers with an exit code.
fn credential_exit(r: Result<i32, certguard_credential::cli::CliError>) -> Result<i32> {
    match r {
        Ok(code) => Ok(code),
        Err(e) => {
            eprintln!("error: {e}");
            Ok(certguard_credential::cli::EXIT_ERROR)
        }
    }
}

#[derive(Subcommand)]
enum ScanCommand {
    /// Score domain names (one per line, or JSON lines with a "domain" field): one JSON line each.
    Domains(certguard_sentinel::cli::ScanDomainsArgs),
    /// Scan ad texts (one per line, or JSON lines with a "text" field) for fake-certificate offers.
    Ads(certguard_sentinel::cli::ScanAdsArgs),
    /// Fetch a page safely and judge whether it impersonates an official query site.
    Page(certguard_sentinel::cli::ScanPageArgs),
}

/// Runs a blocking sentinel command with locked stdin/stdout (no async runtime: these commands start at once).
fn sentinel(run: impl FnOnce(&mut dyn std::io::BufRead, &mut dyn std::io::Write) -> Result<()>) -> Result<()> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    run(&mut input, &mut out)?;
    std::io::Write::flush(&mut out)?;
    Ok(())
}

#[derive(clap::ValueEnum, Clone, Copy)]
enum FormatArg {
    Csv,
    Xlsx,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add an account. The password is read from CERTGUARD_NEW_PASSWORD, or --password-file, or asked for.
    Add {
        username: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The issuing authority of an issuer account (e.g. CN-320500).
        #[arg(long)]
        authority: Option<String>,
        #[arg(long)]
        display_name: Option<String>,
        #[arg(long)]
        password_file: Option<PathBuf>,
        #[command(flatten)]
        store: StoreFlags,
    },
    /// List accounts.
    List {
        #[command(flatten)]
        store: StoreFlags,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for an account and print it (shown once).
    Add {
        username: String,
        #[arg(long, default_value = "api")]
        name: String,
        #[command(flatten)]
        store: StoreFlags,
    },
}

#[derive(Subcommand)]
enum AuthorityCommand {
    /// Add or update an issuing authority.
    Add {
        code: String,
        #[arg(long)]
        name_zh: String,
        #[arg(long)]
        name_en: String,
        #[arg(long, default_value = "")]
        region: String,
        #[command(flatten)]
        store: StoreFlags,
    },
    /// List issuing authorities.
    List {
        #[command(flatten)]
        store: StoreFlags,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print a commented default configuration file.
    Default,
    /// Print the configuration in effect (secrets redacted).
    Show,
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::from_code(s).ok_or_else(|| format!("one of: {}", Role::ALL.map(|r| r.code()).join(", ")))
}

fn apply_store_flags(c: &mut Config, data_dir: Option<PathBuf>, database_url: Option<String>) {
    if let Some(d) = data_dir {
        c.data_dir = d;
    }
    if let Some(u) = database_url {
        c.database_url = u;
    }
}

async fn open_store(c: &Config) -> Result<Arc<dyn Store>> {
    if c.database_url.is_empty() {
        std::fs::create_dir_all(&c.data_dir).with_context(|| format!("creating {}", c.data_dir.display()))?;
        let path = c.data_dir.join("certguard.db");
        let store =
            certguard_store_sqlite::SqliteStore::open(&path).with_context(|| format!("opening {}", path.display()))?;
        Ok(Arc::new(store))
    } else {
        let store = certguard_store_postgres::PgStore::connect(&c.database_url, c.database_pool)
            .await
            .context("connecting to PostgreSQL")?;
        Ok(Arc::new(store))
    }
}

struct Services {
    registry: Registry,
    accounts: Accounts,
}

async fn services(c: &Config) -> Result<Services> {
    let store = open_store(c).await?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    std::fs::create_dir_all(&c.data_dir).with_context(|| format!("creating {}", c.data_dir.display()))?;
    let credentials = Arc::new(certguard_app::credentials::Credentials::new(&c.data_dir, &c.public_base()));
    // The transparency log: every process that changes the registry can sequence (a commit only succeeds on
    // the tree it extended), and each change is acknowledged once it is logged.
    let log = Arc::new(
        certguard_app::translog::TransLog::open(store.clone(), &c.data_dir.join("keys"), &c.log_origin())
            .context("opening the transparency log (set log_origin to the origin of the existing log key)")?,
    );
    let backfilled = log.backfill().await?;
    if backfilled > 0 {
        tracing::info!(backfilled, "queued the registry's certificates for the transparency log");
    }
    tokio::spawn(log.clone().run(std::time::Duration::from_millis(200)));
    if backfilled > 0 {
        // Until they are logged, the verifier would call the registry's own certificates fake: finish first.
        log.acknowledge().await?;
        tracing::info!(backfilled, "the registry's certificates are in the transparency log");
    }
    let registry = Registry::new(store.clone(), Catalogue::builtin(), clock.clone())
        .await?
        .with_credentials(credentials)
        .with_receipt_signer(
            certguard_app::translog::key::load_or_create_named(
                &c.data_dir.join("keys"),
                "receipt",
                &c.receipt_key_name(),
            )
            .context("opening the roster receipt key")?,
        )
        .with_log(log)
        // Leads stored by any process (the server, a feed on the command line) queue the jobs the server works.
        .with_lead_jobs(certguard_app::leads::JobSettings {
            pages: c.page_worker,
            notify_at_score: (!c.lead_webhook_url.is_empty()).then_some(c.lead_webhook_min_score),
        });
    // A new trust list takes effect at start-up: log the keys it added or removed.
    let key_events = registry.log_trust_list().await?;
    if key_events > 0 {
        tracing::info!(key_events, "logged the trust list's key changes");
    }
    let accounts = Accounts::new(store, clock, chrono::Duration::hours(c.session_hours));
    Ok(Services { registry, accounts })
}

async fn serve(c: &Config, s: Services) -> Result<()> {
    let web = certguard_web::WebConfig {
        lookup_per_minute: c.lookup_per_minute,
        login_per_minute: c.login_per_minute,
        max_upload_bytes: c.max_upload_mib * 1024 * 1024,
        secure_cookies: c.secure_cookies,
        forwarded_hops: if c.trust_forwarded_for { c.proxy_hops } else { 0 },
        metrics_token: Some(c.metrics_token.clone()).filter(|t| !t.is_empty()),
        exporter_name: c.exporter_name.clone(),
        exporter_code: c.exporter_code.clone(),
    };
    let shared = if c.redis_url.is_empty() {
        None
    } else {
        let limits = certguard_web::shared_limits::SharedLimits::connect(&c.redis_url, "certguard:limit:")
            .await
            .map_err(anyhow::Error::msg)?;
        tracing::info!("rate limits shared through Redis");
        Some(Arc::new(limits))
    };
    // This log's witnesses, asked by the sequencing process for cosignatures every few seconds.
    if let Some(log) = s.registry.log().filter(|_| !c.witnesses.is_empty()) {
        let peers =
            c.witnesses.iter().map(|w| certguard_app::translog::WitnessPeer::parse(w)).collect::<Result<Vec<_>, _>>();
        let peers = peers.map_err(anyhow::Error::msg)?;
        tracing::info!(witnesses = peers.len(), "checkpoints will be sent to witnesses");
        tokio::spawn(log.clone().witness_loop(peers, std::time::Duration::from_secs(2)));
    }
    // This server as a witness of other registries' logs.
    let witness = if c.witness_key.is_empty() {
        None
    } else {
        let cosigner = certguard_app::translog::load_or_create_cosigner(Path::new(&c.witness_key), &c.witness_name())?;
        let logs = c
            .witness_logs
            .iter()
            .map(|k| certguard_tlog::note::VerifierKey::parse(k).map_err(|e| anyhow::anyhow!("{e}")))
            .collect::<Result<Vec<_>>>()?;
        println!("witness {} of {} log(s)", cosigner.verifier(), logs.len());
        let state_dir = c.data_dir.join("witness");
        Some(Arc::new(certguard_app::translog::witness::Witness::new(cosigner, logs, &state_dir)))
    };
    // Certificate Transparency logs followed for look-alike domains.
    for spec in &c.ct_logs {
        let source = certguard_app::leads::ct::parse_source(spec).map_err(anyhow::Error::msg)?;
        tracing::info!(log = %source.url, "following a CT log");
        let interval = std::time::Duration::from_secs(c.ct_poll_seconds);
        tokio::spawn(certguard_app::leads::ct::follow(s.registry.clone(), source, interval));
    }
    // Domain and ad feeds.
    for spec in &c.feeds {
        let feed = certguard_app::leads::feeds::parse_feed(spec).map_err(anyhow::Error::msg)?;
        tracing::info!(feed = %feed.name, "following a feed");
        let interval = std::time::Duration::from_secs(c.feed_poll_seconds);
        tokio::spawn(certguard_app::leads::feeds::follow(s.registry.clone(), feed, interval));
    }
    let queue = certguard_app::leads::worker::QueueOptions {
        max_attempts: c.job_max_attempts,
        ..certguard_app::leads::worker::QueueOptions::default()
    };
    if c.page_worker {
        let timeout = std::time::Duration::from_secs(c.page_timeout_seconds);
        let opts = certguard_app::leads::worker::PageOptions {
            queue: queue.clone(),
            fetch: certguard_sentinel::fetch::FetchOptions {
                timeout,
                connect_timeout: timeout.min(std::time::Duration::from_secs(5)),
                ..certguard_sentinel::fetch::FetchOptions::default()
            },
            concurrency: c.page_concurrency,
            host_interval: std::time::Duration::from_secs(c.page_host_interval_seconds),
        };
        tracing::info!(concurrency = c.page_concurrency, "page worker on");
        tokio::spawn(certguard_app::leads::worker::run_pages(s.registry.clone(), opts));
    }
    if !c.lead_webhook_url.is_empty() {
        let opts = certguard_app::leads::worker::NotifyOptions {
            queue,
            url: c.lead_webhook_url.clone(),
            secret: c.lead_webhook_secret.as_bytes().to_vec(),
            timeout: std::time::Duration::from_secs(10),
        };
        tracing::info!(min_score = c.lead_webhook_min_score, "lead notifications on");
        tokio::spawn(certguard_app::leads::worker::run_notifier(s.registry.clone(), opts));
    }
    if !c.reminder_webhook_url.is_empty() {
        let hook = certguard_app::roster::ReminderHook {
            url: c.reminder_webhook_url.clone(),
            secret: c.reminder_webhook_secret.as_bytes().to_vec(),
            timeout: std::time::Duration::from_secs(10),
        };
        tracing::info!("employer reminders on");
        tokio::spawn(certguard_app::roster::run_reminders(
            s.registry.clone(),
            hook,
            std::time::Duration::from_secs(3600),
        ));
    }
    let state = certguard_web::AppState::with_options(s.registry, s.accounts, web, shared, witness);
    let listener =
        tokio::net::TcpListener::bind(&c.listen).await.with_context(|| format!("listening on {}", c.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, backend = state.registry.store().backend(), "serving");
    println!("certguard is serving on http://{addr}/  (ctrl-c to stop)");
    certguard_web::serve(state, listener).await?;
    Ok(())
}

/// A progress bar counting items (hidden when stderr is not a terminal).
fn progress_count(what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(0);
    pb.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} {per_sec} eta {eta}")
            .expect("template")
            .progress_chars("=> "),
    );
    pb.set_message(what.to_string());
    pb
}

fn progress_bar(total: Option<u64>, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = match total {
        Some(t) => {
            let pb = ProgressBar::new(t);
            pb.set_style(
                ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
                    .expect("template")
                    .progress_chars("=> "),
            );
            pb
        }
        None => {
            let pb = ProgressBar::new_spinner();
            pb.set_style(ProgressStyle::with_template("{spinner} {msg} {pos} rows").expect("template"));
            pb
        }
    };
    pb.set_message(what.to_string());
    pb
}

async fn import(c: &Config, file: &Path, as_user: Option<&str>) -> Result<i32> {
    let s = services(c).await?;
    let principal = match as_user {
        Some(u) => {
            let user = s.registry.store().user_by_name(u).await?.with_context(|| format!("no account {u}"))?;
            certguard_app::accounts::principal_of(&user)
        }
        None => Principal { user_id: 0, username: "cli:import".into(), role: Role::Admin, authority: None },
    };
    let input = std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
    let size = input.metadata()?.len();
    if size > certguard_app::import::MAX_IMPORT_BYTES {
        bail!("{} is larger than {} MiB", file.display(), certguard_app::import::MAX_IMPORT_BYTES >> 20);
    }
    let report_path = PathBuf::from(format!("{}.errors.csv", file.display()));
    let mut report = ErrorReport::new(std::io::BufWriter::new(
        std::fs::File::create(&report_path).with_context(|| format!("creating {}", report_path.display()))?,
    ))?;
    let pb = progress_bar(Some(size), "importing");
    let summary = certguard_app::import::import(
        &s.registry,
        &principal,
        std::io::BufReader::new(input),
        &file.display().to_string(),
        None,
        |e| report.add(e),
        |p| pb.set_position(p.bytes),
    )
    .await;
    pb.finish_and_clear();
    let errors = report.count;
    report.finish()?;
    let summary = summary?;
    println!(
        "rows {}  added {}  already stored {}  rejected {}",
        summary.rows, summary.inserted, summary.unchanged, summary.rejected
    );
    if errors > 0 {
        println!("error report: {} ({errors} problems)", report_path.display());
        Ok(2)
    } else {
        std::fs::remove_file(&report_path).ok();
        Ok(0)
    }
}

async fn export(c: &Config, file: &Path, opts: ExportOptions) -> Result<()> {
    let s = services(c).await?;
    let total = s.registry.store().counts().await?.certificates;
    let out = std::fs::File::create(file).with_context(|| format!("creating {}", file.display()))?;
    let pb = progress_bar(None, "exporting");
    let n = certguard_app::export::export(
        &s.registry,
        &local_reader("export"),
        &opts,
        None,
        std::io::BufWriter::new(out),
        |n| pb.set_position(n),
    )
    .await?;
    pb.finish_and_clear();
    println!("{n} of {total} certificates written to {}", file.display());
    Ok(())
}

fn read_password(file: Option<&Path>) -> Result<String> {
    if let Ok(p) = std::env::var("CERTGUARD_NEW_PASSWORD") {
        return Ok(p);
    }
    if let Some(f) = file {
        return Ok(std::fs::read_to_string(f)
            .with_context(|| format!("reading {}", f.display()))?
            .trim_end()
            .to_string());
    }
    if !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        return Ok(line.trim_end().to_string());
    }
    eprint!("password (input is shown; prefer --password-file): ");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end().to_string())
}

/// One certificate of each status to try in the lookup, the valid one first.
async fn print_demo_samples(registry: &Registry) -> Result<()> {
    let today = registry.clock().today();
    println!("  try the lookup (证号 / 姓名):");
    for status in certguard_registry::Status::ALL {
        let query = certguard_store::CertificateQuery {
            authority: None,
            text: None,
            status: Some(status),
            today: Some(today),
            limit: 1,
            offset: 0,
        };
        if let Some(found) = registry.store().search(&query).await?.0.first() {
            let c = &found.certificate;
            // ASCII first so the columns line up whatever the width of the Chinese.
            println!("    {:<15} {} / {}  ({})", status.code(), c.number, c.holder.name, status.zh());
        }
    }
    Ok(())
}

async fn demo(c: &Config, count: usize, no_serve: bool) -> Result<()> {
    let s = services(c).await?;
    let existing = s.registry.store().counts().await?.certificates;
    if existing == 0 {
        eprintln!("seeding {count} demo certificates into {} ...", c.data_dir.display());
        let n = certguard_app::demo::seed(&s.registry, &s.accounts, count).await?;
        eprintln!("{n} demo certificates created");
    } else {
        certguard_app::demo::seed(&s.registry, &s.accounts, 0).await?;
        eprintln!("registry already has {existing} certificates; not seeding more");
    }
    println!();
    println!("安证卫士 certguard demo  (演示数据，非真实证书 / demo data, not real certificates)");
    println!("  web:  http://{}/", c.listen);
    println!("  logins (username / password / role):");
    for (u, p, role, auth, _) in certguard_app::demo::ACCOUNTS {
        println!("    {u:<10} {p:<22} {}{}", role.code(), auth.map(|a| format!(" ({a})")).unwrap_or_default());
    }
    print_demo_samples(&s.registry).await?;
    println!();
    if no_serve {
        return Ok(());
    }
    serve(c, s).await
}

fn main() {
    match run() {
        Ok(code) => std::process::exit(code),
        // A closed pipe (`certguard lookalike x | head`) is the reader's choice, not an error.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            std::process::exit(0)
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::exit(1);
        }
    }
}

/// Commands that need neither a store nor a server run at once, without configuration, logging or an async
/// runtime (`certguard lookalike` is a short-lived filter); the others run on a tokio runtime built for them.
fn run() -> Result<i32> {
    let cli = Cli::parse();
    match cli.command {
        Command::Config(ConfigCommand::Default) => print!("{}", config::DEFAULT_TOML),
        Command::Config(ConfigCommand::Show) => println!("{:#?}", Config::load(cli.config.as_deref())?),
        Command::Verify(cmd) => {
            let now = chrono::Utc::now().timestamp();
            let code = {
                let stdout = std::io::stdout();
                let mut out = stdout.lock();
                credential_exit(certguard_credential::cli::run_verify(&cmd.base, now, &mut out))?
            };
            // A credential the log never recorded is invalid (exit 1), whatever the signature said.
            return Ok(if log_cmd::check_logged(&cmd)? == 1 { 1 } else { code });
        }
        Command::Conformance(ConformanceCommand::Dgc(args)) => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            return credential_exit(certguard_credential::cli::run_conformance_dgc(&args, &mut out));
        }
        Command::TrustList(TrustListCommand::Sign(args)) => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            return credential_exit(certguard_credential::cli::run_trust_list_sign(&args, &mut out));
        }
        Command::Keygen(args) => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            return credential_exit(certguard_credential::cli::run_keygen(&args, &mut rand::rng(), &mut out));
        }
        Command::Lookalike(args) => sentinel(move |_, out| certguard_sentinel::cli::run_lookalike(&args, out))?,
        Command::Scan(ScanCommand::Domains(args)) => {
            sentinel(move |input, out| certguard_sentinel::cli::run_scan_domains(&args, input, out))?
        }
        Command::Scan(ScanCommand::Ads(args)) => {
            sentinel(move |input, out| certguard_sentinel::cli::run_scan_ads(&args, input, out))?
        }
        Command::Scan(ScanCommand::Page(args)) => {
            sentinel(move |_, out| certguard_sentinel::cli::run_scan_page(&args, out))?
        }
        Command::Log(log_cmd::LogCommand::VerifyProof(args)) => return log_cmd::verify_proof(&args),
        Command::Log(log_cmd::LogCommand::Audit(args)) => return log_cmd::audit_log(&args),
        command => {
            let c = Config::load(cli.config.as_deref())?;
            init_tracing();
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .context("starting the async runtime")?;
            return runtime.block_on(run_async(c, command));
        }
    }
    Ok(0)
}

fn init_tracing() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CERTGUARD_LOG").unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
}

/// The commands that open a store or serve, on the tokio runtime.
async fn run_async(mut c: Config, command: Command) -> Result<i32> {
    match command {
        Command::Leads(cmd) => return leads_cmd::run(c, cmd).await,
        Command::Exam(cmd) => return exam_cmd::run(c, cmd).await,
        Command::Roster(cmd) => return roster_cmd::run(c, cmd).await,
        Command::Watch(cmd) => return leads_cmd::watch(c, cmd).await,
        Command::Serve(f) => {
            apply_store_flags(&mut c, f.data_dir, f.database_url);
            if let Some(l) = f.listen {
                c.listen = l;
            }
            let s = services(&c).await?;
            serve(&c, s).await?;
        }
        Command::Demo { server, count, no_serve } => {
            apply_store_flags(&mut c, server.data_dir, server.database_url);
            if let Some(l) = server.listen {
                c.listen = l;
            }
            demo(&c, count, no_serve).await?;
        }
        Command::Import { file, store, as_user } => {
            apply_store_flags(&mut c, store.data_dir, store.database_url);
            return import(&c, &file, as_user.as_deref()).await;
        }
        Command::Export { file, store, format, authority, full_id, english } => {
            apply_store_flags(&mut c, store.data_dir, store.database_url);
            let opts = ExportOptions {
                format: match format {
                    FormatArg::Csv => ExportFormat::Csv,
                    FormatArg::Xlsx => ExportFormat::Xlsx,
                },
                authority: authority.map(|a| a.parse()).transpose().map_err(|e| anyhow::anyhow!("--authority: {e}"))?,
                full_id,
                english_headers: english,
            };
            export(&c, &file, opts).await?;
        }
        Command::User(UserCommand::Add { username, role, authority, display_name, password_file, store }) => {
            apply_store_flags(&mut c, store.data_dir, store.database_url);
            let s = services(&c).await?;
            let password = read_password(password_file.as_deref())?;
            let authority =
                authority.map(|a| a.parse()).transpose().map_err(|e| anyhow::anyhow!("--authority: {e}"))?;
            if let Some(a) = &authority
                && !s.registry.authority_known(a)
            {
                bail!("unknown authority {a}: add it first with `certguard authority add`");
            }
            let id = s
                .accounts
                .create_user(
                    &AdminGrant::local_operator("user-add"),
                    NewAccount {
                        display_name: display_name.unwrap_or_else(|| username.clone()),
                        username,
                        password,
                        role,
                        authority,
                    },
                    None,
                )
                .await?;
            println!("account {id} created");
        }
        Command::User(UserCommand::List { store }) => {
            apply_store_flags(&mut c, store.data_dir, store.database_url);
            let s = services(&c).await?;
            for u in s.registry.store().users().await? {
                println!(
                    "{:<4} {:<16} {:<10} {:<10} {}",
                    u.id,
                    u.username,
                    u.role.code(),
                    u.authority.map(|a| a.to_string()).unwrap_or_default(),
                    u.display_name
                );
            }
        }
        Command::Token(TokenCommand::Add { username, name, store }) => {
            apply_store_flags(&mut c, store.data_dir, store.database_url);
            let s = services(&c).await?;
            let user =
                s.registry.store().user_by_name(&username).await?.with_context(|| format!("no account {username}"))?;
            let token = s.accounts.create_api_token(&certguard_app::accounts::principal_of(&user), &name, None).await?;
            println!("{token}");
        }
        Command::Authority(AuthorityCommand::Add { code, name_zh, name_en, region, store }) => {
            apply_store_flags(&mut c, store.data_dir, store.database_url);
            let s = services(&c).await?;
            let code = code.parse().map_err(|e| anyhow::anyhow!("authority code: {e}"))?;
            s.registry.put_authority(Authority { code, name_zh, name_en, region }).await?;
            println!("saved");
        }
        Command::Authority(AuthorityCommand::List { store }) => {
            apply_store_flags(&mut c, store.data_dir, store.database_url);
            let s = services(&c).await?;
            for a in s.registry.store().authorities().await? {
                println!("{:<12} {}  {}  {}", a.code, a.name_zh, a.name_en, a.region);
            }
        }
        Command::Credentials(CredentialsCommand::Sign { authority, all, store }) => {
            apply_store_flags(&mut c, store.data_dir, store.database_url);
            let s = services(&c).await?;
            let authority =
                authority.map(|a| a.parse()).transpose().map_err(|e| anyhow::anyhow!("--authority: {e}"))?;
            let pb = progress_bar(None, "signing");
            let n =
                s.registry.sign_credentials(authority.as_ref(), all, "cli:credentials", |n| pb.set_position(n)).await?;
            pb.finish_and_clear();
            println!("{n} credentials signed");
        }
        Command::Log(log_cmd::LogCommand::Mirror { dir, store }) => {
            apply_store_flags(&mut c, store.data_dir, store.database_url);
            let s = services(&c).await?;
            let log = s.registry.log().context("this registry keeps no log")?;
            let report = certguard_app::translog::mirror::mirror(log, &dir).await?;
            println!("{}", serde_json::to_string(&report)?);
            eprintln!(
                "mirrored {} entries to {}: {} files written, {} already there",
                report.size,
                dir.display(),
                report.written,
                report.kept
            );
        }
        Command::Log(log_cmd::LogCommand::Prove { serial, out, store }) => {
            apply_store_flags(&mut c, store.data_dir, store.database_url);
            let s = services(&c).await?;
            let log = s.registry.log().context("this registry keeps no log")?;
            let serial = certguard_registry::Serial::from_hex(&serial).context("a serial is 32 hex digits")?;
            let Some(latest) = log.prove_latest(&serial).await? else {
                bail!("the log has no entry for certificate {serial}")
            };
            let text = latest.proof.to_text();
            match out {
                Some(path) => std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?,
                None => print!("{text}"),
            }
            eprintln!(
                "proof of entry {} ({}) of certificate {serial} written",
                latest.leaf.index,
                latest.entry.kind.code()
            );
        }
        // every other command ran in `run`, without the runtime
        _ => unreachable!("command without the async runtime"),
    }
    Ok(0)
}
