//! Online verification: the offline checks of the credential library against this registry's trust list and
//! fresh status lists, then a comparison with the registry record; a QR that is a web address is judged by
//! its domain and recorded as a lead candidate.

use crate::error::AppError;
use crate::registry::Registry;
use certguard_credential::verify::{Check, CheckName, Context, ForeignKind, Outcome, Verdict, Verification};
use certguard_registry::{Serial, Status};
use certguard_sentinel::domains::DomainScorer;
use serde::Serialize;

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

/// What the transparency log says about a credential: a credential the log never recorded was never issued,
/// whatever key signed it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct LogCheck {
    /// The credential's text was logged (its entry verified against the current signed checkpoint).
    pub logged: bool,
    /// The index of the entry that logged it.
    pub index: Option<u64>,
    /// The size of the checkpoint the inclusion proof was checked against.
    pub tree_size: Option<u64>,
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

/// The answer online, where the registry is the authority: a signature alone never makes a certificate
/// valid here. Codes are shared with roster verification.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Signed, current, and valid in the registry.
    Valid,
    /// Valid, inside its review window.
    ReviewDue,
    ReviewOverdue,
    Expired,
    Suspended,
    Revoked,
    Cancelled,
    Pending,
    /// Genuinely signed, but not the certificate's current QR (reviewed, renewed or corrected since, or
    /// re-signed with a stolen key): the registry record counts.
    Superseded,
    /// Signed with a trusted key, yet the registry holds no such certificate: a fake (e.g. a stolen key).
    NotFound,
    /// Signature or content fails: forged or altered.
    Fake,
    /// Genuine signature, no registry answer and no fresh status list.
    StatusUnknown,
    /// The text or photo could not be read as a certificate QR (damaged, cut, re-typed): not a verdict on the
    /// certificate.
    Unreadable,
    /// Another kind of QR (a web address, another system's code).
    NotOurFormat,
}

impl Decision {
    pub fn code(self) -> &'static str {
        match self {
            Decision::Valid => "valid",
            Decision::ReviewDue => "review_due",
            Decision::ReviewOverdue => "review_overdue",
            Decision::Expired => "expired",
            Decision::Suspended => "suspended",
            Decision::Revoked => "revoked",
            Decision::Cancelled => "cancelled",
            Decision::Pending => "pending",
            Decision::Superseded => "superseded",
            Decision::NotFound => "not_found",
            Decision::Fake => "fake",
            Decision::StatusUnknown => "status_unknown",
            Decision::Unreadable => "unreadable",
            Decision::NotOurFormat => "not_our_format",
        }
    }

    /// Whether a holder of this QR may work on it today.
    pub fn is_valid(self) -> bool {
        matches!(self, Decision::Valid | Decision::ReviewDue)
    }

    /// The registry's status, when the signature is genuine and the QR is the certificate's current one.
    fn of_status(status: Status) -> Decision {
        match status {
            Status::Valid => Decision::Valid,
            Status::ReviewDue => Decision::ReviewDue,
            Status::ReviewOverdue => Decision::ReviewOverdue,
            Status::Expired => Decision::Expired,
            Status::Suspended => Decision::Suspended,
            Status::Revoked => Decision::Revoked,
            Status::Cancelled => Decision::Cancelled,
            Status::Pending => Decision::Pending,
        }
    }
}

/// Checks that fail on the text's form rather than its content: the QR was misread or re-typed.
fn is_format_check(check: CheckName) -> bool {
    matches!(check, CheckName::Qr | CheckName::Format | CheckName::Prefix | CheckName::Base45)
}

/// The online decision from the offline verdict, the registry record and the transparency log. Pure, so that
/// every combination is tested without a server.
pub fn decide(offline: &Verdict, registry: Option<&RegistryCheck>, log: Option<&LogCheck>) -> Decision {
    let signature_ok = match offline {
        Verdict::NotOurFormat { kind: ForeignKind::Damaged { .. } } => return Decision::Unreadable,
        Verdict::NotOurFormat { .. } => return Decision::NotOurFormat,
        Verdict::Invalid { check, .. } if is_format_check(*check) => return Decision::Unreadable,
        Verdict::Invalid { check: CheckName::Expiry | CheckName::Status, .. } => true,
        Verdict::Invalid { .. } => return Decision::Fake,
        Verdict::Valid | Verdict::ValidStatusUnknown { .. } => true,
    };
    debug_assert!(signature_ok);
    if log.is_some_and(|l| !l.logged) {
        // Signed with a trusted key, but never logged: made outside the registry (a stolen key).
        return Decision::Fake;
    }
    match registry {
        Some(RegistryCheck { found: false, .. }) => Decision::NotFound,
        Some(RegistryCheck { found: true, status: Some(status), current }) => match Decision::of_status(*status) {
            d if d.is_valid() && !current => Decision::Superseded,
            d => d,
        },
        // No registry answer (a credential of an authority this registry does not keep): the offline verdict.
        _ => match offline {
            Verdict::Valid => Decision::Valid,
            Verdict::Invalid { check: CheckName::Expiry, .. } => Decision::Expired,
            Verdict::Invalid { .. } => Decision::Revoked,
            _ => Decision::StatusUnknown,
        },
    }
}

/// The online answer. In JSON, `verdict` is the [`Decision`]; the offline verdict of the credential library
/// is kept under `offline` with its checks and the credential's content.
#[derive(Clone, Debug, Serialize)]
pub struct OnlineVerification {
    #[serde(rename = "verdict")]
    pub decision: Decision,
    #[serde(rename = "offline")]
    pub verification: Verification,
    pub registry: Option<RegistryCheck>,
    /// Absent when this registry keeps no transparency log or the text is not a credential.
    pub log: Option<LogCheck>,
    pub url: Option<UrlJudgement>,
}

fn scorer() -> &'static DomainScorer {
    // Every official query site at once: a fake site may copy any of them.
    crate::leads::detect::domain_scorer()
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
    /// Text pasted or sent as is.
    Text(&'a str),
    /// Text read from a photo or a camera frame (the caller decodes: it bounds the work).
    Scanned(&'a str),
    /// A photo in which no code could be read, and why.
    Unscannable(&'a str),
}

/// Verifies a QR credential (text, or what a photo held) as a verifier on this server would, then asks the
/// registry, whose record decides.
pub async fn verify_online(registry: &Registry, input: Input<'_>) -> Result<OnlineVerification, AppError> {
    let creds = registry
        .credentials()
        .ok_or_else(|| AppError::invalid("credentials", "this registry does not sign credentials"))?;
    let now = registry.clock().now().timestamp();
    let trust = creds.trust_store(now).map_err(|e| AppError::invalid("trust_list", e))?;
    let text = match input {
        Input::Text(t) | Input::Scanned(t) => t,
        Input::Unscannable(reason) => {
            let verification = Verification {
                checks: vec![Check { name: CheckName::Qr, outcome: Outcome::Fail, detail: reason.to_string() }],
                verdict: Verdict::Invalid { check: CheckName::Qr, reason: reason.to_string() },
                credential: None,
            };
            return Ok(OnlineVerification {
                decision: Decision::Unreadable,
                verification,
                registry: None,
                log: None,
                url: None,
            });
        }
    };
    let run = |status: &certguard_credential::StatusStore| {
        let ctx = Context { trust: &trust, status, now };
        let mut v = certguard_credential::verify::verify(text, &ctx);
        if matches!(input, Input::Scanned(_)) {
            v.checks
                .insert(0, Check { name: CheckName::Qr, outcome: Outcome::Pass, detail: "one QR code found".into() });
        }
        v
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
        // A QR that sends people to a website is how fake query sites are reached: keep it as a lead (the
        // address without its query, which may carry a victim's data).
        if let Some(batch) = crate::leads::detect::qr_address(u, judged.score, judged.verdict, registry.clock().now()) {
            crate::leads::record(registry, &batch).await?;
        }
        url = Some(judged);
    }
    let registry_check = match &verification.credential {
        Some(c) if c.claims.cti.len() == 16 => {
            let mut serial = [0u8; 16];
            serial.copy_from_slice(&c.claims.cti);
            match registry.store().certificate(&Serial(serial)).await? {
                Some(stored) => {
                    // Only the exact text the registry signed last is current: a credential made with a
                    // stolen key for a real serial differs from it, whatever its claims say.
                    let current = stored.certificate.credential.as_ref().is_some_and(|s| s.text == text.trim());
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
    let log_check = match (registry.log(), &verification.credential) {
        (Some(log), Some(c)) => match <[u8; 16]>::try_from(c.claims.cti.as_slice()) {
            Ok(serial) => Some(log_check(log, &Serial(serial), text).await?),
            // Not one of our serials: no entry can exist.
            Err(_) => Some(LogCheck { logged: false, index: None, tree_size: None }),
        },
        _ => None,
    };
    let decision = decide(&verification.verdict, registry_check.as_ref(), log_check.as_ref());
    Ok(OnlineVerification { decision, verification, registry: registry_check, log: log_check, url })
}

/// Looks the credential up in the log and checks its inclusion proof against the current signed checkpoint.
async fn log_check(log: &crate::translog::TransLog, serial: &Serial, text: &str) -> Result<LogCheck, AppError> {
    let Some((entry, proof)) = log.find_credential(serial, text).await? else {
        return Ok(LogCheck { logged: false, index: None, tree_size: None });
    };
    let leaf = certguard_tlog::hash::leaf_hash(&entry.encode());
    match proof.verify(&leaf, log.origin(), &log.verifier(), &[], 0) {
        Ok(checkpoint) => Ok(LogCheck { logged: true, index: Some(proof.index), tree_size: Some(checkpoint.size) }),
        Err(e) => Err(AppError::Internal(format!("the log's own proof does not verify: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(status: Status, current: bool) -> RegistryCheck {
        RegistryCheck { found: true, status: Some(status), current }
    }

    #[test]
    fn the_registry_decides_once_the_signature_holds() {
        let valid = Verdict::Valid;
        let unknown = Verdict::ValidStatusUnknown { since: None };
        let listed_revoked = Verdict::Invalid { check: CheckName::Status, reason: "revoked".into() };
        // A stolen key: the signature verifies, the registry has no such certificate.
        let missing = RegistryCheck { found: false, status: None, current: false };
        assert_eq!(decide(&valid, Some(&missing), None), Decision::NotFound);
        // A revoked certificate re-signed with the real key: revoked, not "superseded".
        assert_eq!(decide(&valid, Some(&found(Status::Revoked, false)), None), Decision::Revoked);
        assert_eq!(decide(&unknown, Some(&found(Status::Suspended, true)), None), Decision::Suspended);
        assert_eq!(decide(&valid, Some(&found(Status::Cancelled, true)), None), Decision::Cancelled);
        assert_eq!(decide(&valid, Some(&found(Status::Valid, false)), None), Decision::Superseded);
        assert_eq!(decide(&valid, Some(&found(Status::ReviewDue, true)), None), Decision::ReviewDue);
        assert_eq!(decide(&valid, Some(&found(Status::ReviewOverdue, true)), None), Decision::ReviewOverdue);
        // The registry outranks a stale status list in both directions.
        assert_eq!(decide(&unknown, Some(&found(Status::Valid, true)), None), Decision::Valid);
        assert_eq!(decide(&listed_revoked, Some(&found(Status::Valid, true)), None), Decision::Valid);
        // Without a registry answer, the offline verdict.
        assert_eq!(decide(&unknown, None, None), Decision::StatusUnknown);
        assert_eq!(decide(&listed_revoked, None, None), Decision::Revoked);
    }

    #[test]
    fn a_credential_the_log_never_recorded_is_fake_whatever_signed_it() {
        let not_logged = LogCheck { logged: false, index: None, tree_size: None };
        let logged = LogCheck { logged: true, index: Some(3), tree_size: Some(10) };
        let missing = RegistryCheck { found: false, status: None, current: false };
        // A stolen key signing a serial the registry lacks, or re-signing a real one: fake, not merely "not found".
        assert_eq!(decide(&Verdict::Valid, Some(&missing), Some(&not_logged)), Decision::Fake);
        assert_eq!(decide(&Verdict::Valid, Some(&found(Status::Valid, false)), Some(&not_logged)), Decision::Fake);
        // A certificate recorded in the registry but never logged was issued in secret.
        assert_eq!(decide(&Verdict::Valid, Some(&found(Status::Valid, true)), Some(&not_logged)), Decision::Fake);
        // Logged: the registry decides as before; an older genuine QR is superseded, not fake.
        assert_eq!(decide(&Verdict::Valid, Some(&found(Status::Valid, true)), Some(&logged)), Decision::Valid);
        assert_eq!(decide(&Verdict::Valid, Some(&found(Status::Valid, false)), Some(&logged)), Decision::Superseded);
        // Unreadable text is still unreadable.
        let bad = Verdict::Invalid { check: CheckName::Base45, reason: String::new() };
        assert_eq!(decide(&bad, None, Some(&not_logged)), Decision::Unreadable);
    }

    #[test]
    fn failures_of_form_are_not_called_forgeries() {
        let bad = |check| Verdict::Invalid { check, reason: String::new() };
        for check in [CheckName::Qr, CheckName::Format, CheckName::Prefix, CheckName::Base45] {
            assert_eq!(decide(&bad(check), None, None), Decision::Unreadable, "{check:?}");
        }
        for check in [CheckName::Signature, CheckName::KidKnown, CheckName::Claims, CheckName::CoseStructure] {
            assert_eq!(decide(&bad(check), Some(&found(Status::Valid, true)), None), Decision::Fake, "{check:?}");
        }
        let url = Verdict::NotOurFormat { kind: ForeignKind::Url("https://x.example".into()) };
        assert_eq!(decide(&url, None, None), Decision::NotOurFormat);
        let damaged = Verdict::NotOurFormat {
            kind: ForeignKind::Damaged { check: CheckName::Format, reason: "line break".into() },
        };
        assert_eq!(decide(&damaged, None, None), Decision::Unreadable);
    }
}
