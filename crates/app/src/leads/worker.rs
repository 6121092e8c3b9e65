//! The leads' background workers, both fed by jobs the store queues in the transaction that stores a lead (so
//! a crash or a restart loses none):
//! - the **page worker** fetches the page of each flagged domain or address through the sentinel's safe
//!   fetcher (public addresses only, redirects checked hop by hop, time and size caps), judges it against every
//!   official profile, and stores the verdict and evidence on the lead, linking leads that serve the same page;
//! - the **notifier** posts each lead that reaches the configured score to a webhook, the body signed with
//!   HMAC-SHA256 so the receiver can tell it came from this server and is not a replay.
//!
//! Both claim jobs with a lease (a worker that dies mid-job leaves it to be claimed again), retry failures with
//! exponential back-off, and give up after a set number of attempts, keeping the last error on the job. The
//! page worker caps concurrent fetches and keeps a minimum gap between two fetches of one registrable domain.

use crate::error::AppError;
use crate::registry::Registry;
use certguard_leads::key::domain_key;
use certguard_leads::{Detection, Evidence, Lead, LeadKind, LeadLink, Reason, Relation};
use certguard_sentinel::fetch::{FetchOptions, Fetched, fetch};
use certguard_sentinel::page::{PageJudgement, Verdict, judge};
use certguard_sentinel::profile::Profile;
use certguard_store::{JobOutcome, LeadBatch, LeadJob, LeadJobKind};
use chrono::{DateTime, Utc};
use hmac::{KeyInit, Mac};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::time::Instant;

/// How the queue is worked, common to both workers.
#[derive(Clone, Debug)]
pub struct QueueOptions {
    /// Attempts before a job is given up.
    pub max_attempts: i32,
    /// Wait before the first retry; doubled at each further one (capped at six hours).
    pub backoff: Duration,
    /// How long a claimed job is the claimer's.
    pub lease: Duration,
    /// Wait between two looks at an empty queue.
    pub idle: Duration,
}

impl Default for QueueOptions {
    fn default() -> Self {
        QueueOptions {
            max_attempts: 5,
            backoff: Duration::from_secs(60),
            lease: Duration::from_secs(600),
            idle: Duration::from_secs(2),
        }
    }
}

/// Wait before the next attempt after `attempts` failed ones.
pub fn backoff(base: Duration, attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1)).unwrap_or(0).min(20);
    base.saturating_mul(1u32 << doublings).min(Duration::from_secs(6 * 3600))
}

fn retry_or_give_up(queue: &QueueOptions, job: &LeadJob, now: DateTime<Utc>, error: String) -> JobOutcome {
    if job.attempts >= queue.max_attempts {
        JobOutcome::Failed(format!("{error} (gave up after {} attempts)", job.attempts))
    } else {
        let wait = chrono::Duration::from_std(backoff(queue.backoff, job.attempts)).unwrap_or(chrono::Duration::MAX);
        JobOutcome::Retry { at: now + wait, error }
    }
}

fn after(now: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// The page worker's settings.
#[derive(Clone, Debug)]
pub struct PageOptions {
    pub queue: QueueOptions,
    /// The safe fetcher's limits (time, size, redirects, addresses).
    pub fetch: FetchOptions,
    /// Most fetches at once.
    pub concurrency: usize,
    /// Least time between two fetches of one registrable domain.
    pub host_interval: Duration,
}

impl Default for PageOptions {
    fn default() -> Self {
        PageOptions {
            queue: QueueOptions::default(),
            fetch: FetchOptions::default(),
            concurrency: 4,
            host_interval: Duration::from_secs(10),
        }
    }
}

/// Per-host politeness: each fetch of a host takes the next free slot, `interval` after the previous one.
#[derive(Default)]
pub struct Politeness {
    next_free: Mutex<HashMap<String, Instant>>,
}

impl Politeness {
    /// Reserves the next slot for `host` and returns when it starts.
    fn reserve(&self, host: &str, interval: Duration) -> Instant {
        let now = Instant::now();
        let mut map = self.next_free.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 10_000 {
            map.retain(|_, t| *t > now);
        }
        let slot = map.get(host).copied().filter(|t| *t > now).unwrap_or(now);
        map.insert(host.to_string(), slot + interval);
        slot
    }
}

fn profiles() -> &'static [Profile] {
    static P: OnceLock<Vec<Profile>> = OnceLock::new();
    P.get_or_init(|| Profile::builtin_names().filter_map(|n| Profile::builtin(n).ok()).collect())
}

/// The page judged against every official profile; the one it resembles most decides.
pub fn judge_all(page: &Fetched) -> Option<PageJudgement> {
    profiles().iter().map(|p| judge(page, p)).max_by_key(|j| j.score)
}

/// The address to fetch for a lead: a domain's home page, an address as it is.
pub fn page_url(lead: &Lead) -> Result<String, String> {
    match lead.kind {
        LeadKind::Domain => Ok(format!("http://{}/", lead.key)),
        LeadKind::Url if lead.key.starts_with("http://") || lead.key.starts_with("https://") => Ok(lead.key.clone()),
        _ => Err(format!("a {} lead has no page", lead.kind.code())),
    }
}

fn verdict_code(v: Verdict) -> &'static str {
    match v {
        Verdict::Impersonates => "impersonates",
        Verdict::Suspicious => "suspicious",
        Verdict::Unrelated => "unrelated",
    }
}

fn page_reason_text(code: &str) -> (&'static str, &'static str) {
    match code {
        "captcha_field" => ("有验证码输入框", "a captcha field"),
        "certificate_query_form" => ("有证书查询表单", "a certificate query form"),
        "filing_numbers" => ("页脚有备案号", "filing numbers in the footer"),
        "gov_site_code" => ("冒用政府网站标识码", "a government site code"),
        "lookalike_host" => ("仿冒域名", "a look-alike host"),
        "official_host" => ("官方域名", "an official host"),
        "official_name" => ("页面使用官方机构名称", "official names on the page"),
        "party_gov_mark" => ("党政机关网站标识", "the party and government site mark"),
        "query_field" => ("要求输入证号或身份证号", "asks for a certificate or ID number"),
        "reference_title" => ("标题与官方查询页相同", "the official query page's title"),
        "text_similarity" => ("正文与官方查询页相似", "text like the official query page"),
        "tlsh" => ("页面指纹与官方查询页相近", "a fingerprint near the official page's"),
        _ => ("其他页面特征", "another page signal"),
    }
}

/// The lead as the page makes it: its detector reasons plus the page's (prefixed `page:`), the page's points
/// added to its score when the page impersonates or looks suspicious, and the fetch as evidence.
pub fn page_detection(lead: &Lead, j: &PageJudgement, text: &str, now: DateTime<Utc>) -> Detection {
    let mut reasons: Vec<Reason> = lead.reasons.iter().filter(|r| !r.code.starts_with("page:")).cloned().collect();
    let verdict = verdict_code(j.verdict);
    let (vzh, ven) = match j.verdict {
        Verdict::Impersonates => ("页面冒充官方查询网站", "the page impersonates the official query site"),
        Verdict::Suspicious => ("页面可疑", "the page is suspicious"),
        Verdict::Unrelated => ("页面与官方网站无关", "the page is unrelated to the official sites"),
    };
    reasons.push(Reason { code: format!("page:{verdict}"), zh: vzh.into(), en: ven.into(), points: j.score });
    for r in &j.reasons {
        let (zh, en) = page_reason_text(r.code);
        let detail: String = r.detail.chars().take(200).collect();
        reasons.push(Reason {
            code: format!("page:{}", r.code),
            zh: format!("{zh}：{detail}"),
            en: format!("{en}: {detail}"),
            points: r.points,
        });
    }
    let score = match j.verdict {
        Verdict::Unrelated => lead.score,
        _ => lead.score.saturating_add(j.score).clamp(0, 1000),
    };
    let mut chain: Vec<String> = j.evidence.redirects.iter().map(|h| h.url.clone()).collect();
    if chain.last() != Some(&j.evidence.final_url) {
        chain.push(j.evidence.final_url.clone());
    }
    let evidence = Evidence {
        snapshot_sha256: Some(j.evidence.body_sha256.clone()),
        redirect_chain: chain,
        page_verdict: Some(verdict.to_string()),
        ..Evidence::default()
    }
    .with_text(text);
    Detection {
        kind: lead.kind,
        key: lead.key.clone(),
        value: lead.value.clone(),
        source: "page_worker".into(),
        seen_at: now,
        score,
        reasons,
        evidence,
        region: None,
    }
}

/// Most leads a page links to as serving the same page.
const SAME_PAGE_LINKS: u32 = 50;

async fn page_job(
    registry: &Registry,
    opts: &PageOptions,
    politeness: &Politeness,
    permits: &Semaphore,
    job: &LeadJob,
) -> Result<(JobOutcome, Option<String>), AppError> {
    let Some(detail) = registry.store().lead(job.lead_id).await? else {
        return Ok((JobOutcome::Failed("the lead is gone".into()), None));
    };
    let lead = detail.lead;
    let url = match page_url(&lead) {
        Ok(u) => u,
        Err(e) => return Ok((JobOutcome::Failed(e), None)),
    };
    let host = domain_key(url.split('/').nth(2).unwrap_or("")).unwrap_or_else(|_| lead.key.clone());
    tokio::time::sleep_until(politeness.reserve(&host, opts.host_interval)).await;
    let _permit = permits.acquire().await.map_err(|e| AppError::Internal(e.to_string()))?;
    let fetch_opts = opts.fetch.clone();
    let fetched = tokio::task::spawn_blocking(move || fetch(&url, &fetch_opts))
        .await
        .map_err(|e| AppError::Internal(format!("page fetch: {e}")))?;
    let now = registry.clock().now();
    let page = match fetched {
        Ok(p) => p,
        Err(e) => return Ok((retry_or_give_up(&opts.queue, job, now, e.to_string()), None)),
    };
    // A busy or broken server may answer later; any other answer (a 404 too) is what the site serves.
    if page.status == 429 || page.status >= 500 {
        let error = format!("{}: HTTP {}", page.final_url, page.status);
        return Ok((retry_or_give_up(&opts.queue, job, now, error), None));
    }
    let Some(judged) = judge_all(&page) else {
        return Ok((JobOutcome::Failed("no official profile to judge against".into()), None));
    };
    let detection = page_detection(&lead, &judged, &judged.signals.text, now);
    crate::leads::record(registry, &LeadBatch::single(detection)).await?;
    tracing::info!(lead = lead.id, verdict = verdict_code(judged.verdict), score = judged.score, "page judged");
    // Leads serving the same page are linked once this job's result is stored (so of two fetched at once,
    // the later to finish sees the earlier). Not for unrelated pages: parking and error pages are everywhere.
    let same_page = (judged.verdict != Verdict::Unrelated).then(|| page.body_sha256.clone());
    Ok((JobOutcome::Done(page.body_sha256), same_page))
}

/// Links `lead` to every lead whose page had the body hash `sha` (smaller id first, so a pair is one link).
async fn link_same_page(registry: &Registry, lead: i64, sha: &str) -> Result<(), AppError> {
    let others = registry.store().leads_with_job_result(LeadJobKind::Page, sha, SAME_PAGE_LINKS).await?;
    let stored_links: Vec<LeadLink> = others
        .into_iter()
        .filter(|o| *o != lead)
        .map(|o| LeadLink { from: o.min(lead), to: o.max(lead), relation: Relation::SamePage })
        .collect();
    crate::leads::record(registry, &LeadBatch { stored_links, ..LeadBatch::default() }).await?;
    Ok(())
}

/// One round of the page worker: claims due jobs (a few per fetch slot), works them, records each outcome.
/// Returns how many jobs it worked.
pub async fn page_round(registry: &Registry, opts: &PageOptions, politeness: &Politeness) -> Result<usize, AppError> {
    let now = registry.clock().now();
    let claim = u32::try_from(opts.concurrency.max(1) * 4).unwrap_or(64);
    let jobs = registry.store().claim_lead_jobs(LeadJobKind::Page, now, after(now, opts.queue.lease), claim).await?;
    let permits = Semaphore::new(opts.concurrency.max(1));
    let work = jobs.iter().map(|job| {
        let permits = &permits;
        async move {
            let (outcome, same_page) = match page_job(registry, opts, politeness, permits, job).await {
                Ok(o) => o,
                Err(e) => (retry_or_give_up(&opts.queue, job, registry.clock().now(), e.to_string()), None),
            };
            if let JobOutcome::Retry { error, .. } | JobOutcome::Failed(error) = &outcome {
                tracing::warn!(lead = job.lead_id, attempts = job.attempts, %error, "page fetch failed");
            }
            registry.store().finish_lead_job(job.id, &outcome, registry.clock().now()).await?;
            if let Some(sha) = same_page {
                link_same_page(registry, job.lead_id, &sha).await?;
            }
            Ok::<(), AppError>(())
        }
    });
    for r in futures_util::future::join_all(work).await {
        r?;
    }
    Ok(jobs.len())
}

/// The page worker for the life of the server.
pub async fn run_pages(registry: Registry, opts: PageOptions) {
    let politeness = Politeness::default();
    loop {
        match page_round(&registry, &opts, &politeness).await {
            Ok(0) => tokio::time::sleep(opts.queue.idle).await,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "page worker round failed");
                tokio::time::sleep(opts.queue.idle).await;
            }
        }
    }
}

/// The notifier's settings.
#[derive(Clone, Debug)]
pub struct NotifyOptions {
    pub queue: QueueOptions,
    /// Where the notifications go (http or https).
    pub url: String,
    /// The HMAC key the body is signed with.
    pub secret: Vec<u8>,
    /// Time limit of one delivery.
    pub timeout: Duration,
}

/// The body a webhook receives.
#[derive(Serialize)]
pub struct Notification<'a> {
    /// Always `lead.high_score`.
    pub event: &'static str,
    /// The job's id: the same on every retry of one notification, so a receiver can drop repeats.
    pub delivery: i64,
    pub lead: NotifiedLead<'a>,
}

/// What a notification tells of a lead (not its evidence text: the receiver reads that on the lead's page).
#[derive(Serialize)]
pub struct NotifiedLead<'a> {
    pub id: i64,
    pub kind: &'static str,
    pub value: &'a str,
    pub score: i32,
    pub status: &'static str,
    pub source: &'a str,
    pub region: Option<&'a str>,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub reasons: Vec<&'a str>,
    pub page_verdict: Option<&'a str>,
}

/// The header names a delivery carries.
pub const SIGNATURE_HEADER: &str = "X-Certguard-Signature";
pub const TIMESTAMP_HEADER: &str = "X-Certguard-Timestamp";
pub const DELIVERY_HEADER: &str = "X-Certguard-Delivery";

/// `sha256=` and the hex HMAC-SHA256 of `"{timestamp}.{body}"` under `secret`.
pub fn sign_delivery(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// What a receiver checks: the signature matches (compared in constant time) and the timestamp is within
/// `tolerance_secs` of `now` (an old delivery replayed is refused).
pub fn verify_delivery(
    secret: &[u8],
    timestamp: i64,
    body: &[u8],
    signature: &str,
    now: i64,
    tolerance_secs: i64,
) -> bool {
    let Some(hex_sig) = signature.strip_prefix("sha256=") else { return false };
    let Ok(sig) = hex::decode(hex_sig) else { return false };
    if (now - timestamp).abs() > tolerance_secs {
        return false;
    }
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&sig).is_ok()
}

fn notification_body(job: &LeadJob, lead: &Lead) -> Vec<u8> {
    let n = Notification {
        event: "lead.high_score",
        delivery: job.id,
        lead: NotifiedLead {
            id: lead.id,
            kind: lead.kind.code(),
            value: &lead.value,
            score: lead.score,
            status: lead.status.code(),
            source: &lead.source,
            region: lead.region.as_deref(),
            first_seen: lead.first_seen,
            last_seen: lead.last_seen,
            reasons: lead.reasons.iter().map(|r| r.zh.as_str()).collect(),
            page_verdict: lead.evidence.page_verdict.as_deref(),
        },
    };
    serde_json::to_vec(&n).expect("a notification serialises")
}

/// Posts one delivery; `Ok(status)` for 2xx, `Err((retryable, reason))` otherwise.
fn deliver(opts: &NotifyOptions, job_id: i64, body: &[u8], now: i64) -> Result<u16, (bool, String)> {
    post_signed(&opts.url, &opts.secret, opts.timeout, &job_id.to_string(), body, now)
}

/// Posts a JSON body signed with `secret` (the [`SIGNATURE_HEADER`] scheme) to an operator's webhook; `delivery`
/// stays the same across retries of one message. `Ok(status)` for 2xx, `Err((retryable, reason))` otherwise.
pub fn post_signed(
    url: &str,
    secret: &[u8],
    timeout: Duration,
    delivery: &str,
    body: &[u8],
    now: i64,
) -> Result<u16, (bool, String)> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent("certguard-notifier")
        .build()
        .into();
    let res = agent
        .post(url)
        .header("Content-Type", "application/json")
        .header(TIMESTAMP_HEADER, now.to_string())
        .header(DELIVERY_HEADER, delivery)
        .header(SIGNATURE_HEADER, sign_delivery(secret, now, body))
        .send(body)
        .map_err(|e| (true, e.to_string()))?;
    let status = res.status().as_u16();
    match status {
        200..=299 => Ok(status),
        408 | 425 | 429 | 500..=599 => Err((true, format!("HTTP {status}"))),
        _ => Err((false, format!("HTTP {status}"))),
    }
}

/// One round of the notifier. Returns how many jobs it worked.
pub async fn notify_round(registry: &Registry, opts: &NotifyOptions) -> Result<usize, AppError> {
    let now = registry.clock().now();
    let jobs = registry.store().claim_lead_jobs(LeadJobKind::Notify, now, after(now, opts.queue.lease), 32).await?;
    for job in &jobs {
        let outcome = match registry.store().lead(job.lead_id).await? {
            None => JobOutcome::Failed("the lead is gone".into()),
            Some(detail) => {
                let body = notification_body(job, &detail.lead);
                let (o, id, at) = (opts.clone(), job.id, registry.clock().now().timestamp());
                let sent = tokio::task::spawn_blocking(move || deliver(&o, id, &body, at))
                    .await
                    .map_err(|e| AppError::Internal(format!("notification: {e}")))?;
                match sent {
                    Ok(status) => JobOutcome::Done(status.to_string()),
                    Err((true, e)) => retry_or_give_up(&opts.queue, job, registry.clock().now(), e),
                    Err((false, e)) => JobOutcome::Failed(format!("{e}: the receiver refused it")),
                }
            }
        };
        if let JobOutcome::Retry { error, .. } | JobOutcome::Failed(error) = &outcome {
            tracing::warn!(lead = job.lead_id, attempts = job.attempts, %error, "lead notification failed");
        }
        registry.store().finish_lead_job(job.id, &outcome, registry.clock().now()).await?;
    }
    Ok(jobs.len())
}

/// The notifier for the life of the server.
pub async fn run_notifier(registry: Registry, opts: NotifyOptions) {
    let opts = Arc::new(opts);
    loop {
        match notify_round(&registry, &opts).await {
            Ok(0) => tokio::time::sleep(opts.queue.idle).await,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "notifier round failed");
                tokio::time::sleep(opts.queue.idle).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let b = Duration::from_secs(60);
        assert_eq!(backoff(b, 1), Duration::from_secs(60));
        assert_eq!(backoff(b, 3), Duration::from_secs(240));
        assert_eq!(backoff(b, 40), Duration::from_secs(6 * 3600));
        assert_eq!(backoff(b, 0), Duration::from_secs(60));
    }

    #[test]
    fn signatures_verify_and_refuse_tampering_and_replay() {
        let body = br#"{"event":"lead.high_score"}"#;
        let sig = sign_delivery(b"k1", 1000, body);
        assert!(verify_delivery(b"k1", 1000, body, &sig, 1010, 300));
        assert!(!verify_delivery(b"k2", 1000, body, &sig, 1010, 300), "another key");
        assert!(!verify_delivery(b"k1", 1000, b"{}", &sig, 1010, 300), "another body");
        assert!(!verify_delivery(b"k1", 1001, body, &sig, 1010, 300), "another timestamp");
        assert!(!verify_delivery(b"k1", 1000, body, &sig, 2000, 300), "too old: a replay");
        assert!(!verify_delivery(b"k1", 1000, body, "sha256=zz", 1010, 300));
    }

    #[test]
    fn politeness_spaces_fetches_of_one_host() {
        let p = Politeness::default();
        let gap = Duration::from_secs(5);
        let a = p.reserve("x.cn", gap);
        let b = p.reserve("x.cn", gap);
        let c = p.reserve("y.cn", gap);
        assert_eq!(b - a, gap);
        assert!(c <= a + Duration::from_millis(50), "another host does not wait");
    }
}
