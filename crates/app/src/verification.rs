//! Online verification: the offline checks of the credential library against this registry's trust list and
//! fresh status lists, then a comparison with the registry record; a QR that is a web address is judged by
//! its domain and recorded as a lead candidate.

use crate::error::AppError;
use crate::registry::Registry;
use certguard_credential::verify::{Context, ForeignKind, Verdict, Verification};
use certguard_registry::{Serial, Status};
use certguard_sentinel::domains::DomainScorer;
use certguard_sentinel::profile::Profile;
use certguard_store::AuditRecord;
use serde::Serialize;
use std::sync::OnceLock;

/// What the registry says about a credential that verified.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct RegistryCheck {
    /// The certificate (by the credential's serial) is in the registry.
    pub found: bool,
    /// Its status today, if found.
    pub status: Option<Status>,
    /// The QR is the certificate's current credential (false: superseded by a newer review or correction).
    pub current: bool,
}

/// How a web address in a QR code is judged.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct UrlJudgement {
    pub url: String,
    pub domain: String,
    /// official, look_alike or unknown
    pub verdict: &'static str,
    pub score: i32,
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct OnlineVerification {
    #[serde(flatten)]
    pub verification: Verification,
    pub registry: Option<RegistryCheck>,
    pub url: Option<UrlJudgement>,
}

fn scorer() -> &'static DomainScorer {
    static SCORER: OnceLock<DomainScorer> = OnceLock::new();
    SCORER.get_or_init(|| DomainScorer::new(&Profile::default_profile()))
}

/// Judges the domain of a URL found in a QR code.
pub fn judge_url(url: &str) -> UrlJudgement {
    let host = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .rsplit('@')
        .next()
        .unwrap_or("")
        .split(':')
        .next()
        .unwrap_or("")
        .to_string();
    match scorer().score(&host) {
        Ok(s) => UrlJudgement {
            url: url.to_string(),
            domain: host,
            verdict: if s.official {
                "official"
            } else if s.flagged {
                "look_alike"
            } else {
                "unknown"
            },
            score: s.score,
            reasons: s.reasons.iter().map(|r| format!("{r:?}")).collect(),
        },
        Err(e) => UrlJudgement {
            url: url.to_string(),
            domain: host,
            verdict: "unknown",
            score: 0,
            reasons: vec![e.to_string()],
        },
    }
}

pub enum Input<'a> {
    Text(&'a str),
    Image(&'a [u8]),
}

/// Verifies a QR credential (text or photo) as a verifier on this server would, then asks the registry.
pub async fn verify_online(
    registry: &Registry,
    input: Input<'_>,
    client: Option<&str>,
) -> Result<OnlineVerification, AppError> {
    let creds = registry
        .credentials()
        .ok_or_else(|| AppError::invalid("credentials", "this registry does not sign credentials"))?;
    let now = registry.clock().now().timestamp();
    let trust = creds.trust_store(now).map_err(|e| AppError::invalid("trust_list", e))?;
    let run = |status: &certguard_credential::StatusStore| {
        let ctx = Context { trust: &trust, status, now };
        match input {
            Input::Text(t) => certguard_credential::verify::verify(t, &ctx),
            Input::Image(b) => certguard_credential::verify::verify_image(b, &ctx),
        }
    };
    // First pass without status lists tells which list the credential refers to; the second pass has this
    // registry's fresh list for exactly that reference.
    let mut verification = run(&certguard_credential::StatusStore::new());
    if let Some(c) = &verification.credential
        && let Some(r) = &c.claims.status
        && let Ok(authority) = c.authority_code.parse::<certguard_types::AuthorityCode>()
        && registry.authority_known(&authority)
    {
        let status = creds.status_store(registry.store().as_ref(), &trust, &[(authority, r.uri.clone())], now).await?;
        verification = run(&status);
    }
    let mut url = None;
    if let Verdict::NotOurFormat { kind: ForeignKind::Url(u) } = &verification.verdict {
        let judged = judge_url(u);
        // A QR that sends people to a website is how fake query sites are reached: keep it as a lead.
        registry
            .store()
            .append_audit(&AuditRecord {
                at: registry.clock().now(),
                actor: "public-verifier".into(),
                action: "lead.candidate".into(),
                target: judged.domain.chars().take(253).collect(),
                detail: format!("{} score {} from a scanned QR", judged.verdict, judged.score),
                client: client.map(str::to_string),
            })
            .await?;
        url = Some(judged);
    }
    let registry_check = match &verification.credential {
        Some(c) if c.claims.cti.len() == 16 => {
            let mut serial = [0u8; 16];
            serial.copy_from_slice(&c.claims.cti);
            match registry.store().certificate(&Serial(serial)).await? {
                Some(stored) => {
                    let text_now = stored.certificate.credential.as_ref().map(|c| c.text.clone());
                    let current = match input {
                        Input::Text(t) => text_now.as_deref() == Some(t.trim()),
                        // A photo's text is not kept here: compare the signing time instead.
                        Input::Image(_) => {
                            stored.certificate.credential.as_ref().is_some_and(|s| s.signed_at == c.claims.iat)
                        }
                    };
                    Some(RegistryCheck {
                        found: true,
                        status: Some(stored.certificate.status(registry.clock().today())),
                        current,
                    })
                }
                None => Some(RegistryCheck { found: false, status: None, current: false }),
            }
        }
        _ => None,
    };
    Ok(OnlineVerification { verification, registry: registry_check, url })
}
