//! The one verifier used by every front end (CLI, web page, JSON API).
//!
//! It records each check it makes, in order, and stops at the first failure. The signature is
//! checked **before** the claims and body are interpreted.

use crate::alg::Algorithm;
use crate::body::{Body, Claims, claims_and_version_from_value};
use crate::cbor;
use crate::cose::CoseSign1;
use crate::envelope::{self, AQ1, EnvelopeError, Profile};
use crate::status_list::{INVALID, SUSPENDED, StatusStore, VALID};
use crate::trust_list::{CLOCK_SKEW, TrustEntry, TrustStore};
use serde::Serialize;

/// The checks, in the order they are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckName {
    /// Finding the QR code in a photo.
    Qr,
    Format,
    Prefix,
    Base45,
    Zlib,
    CoseStructure,
    KidKnown,
    AlgCurve,
    Signature,
    Claims,
    TrustListFresh,
    KeyValidity,
    Issuer,
    Expiry,
    Status,
}

impl CheckName {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckName::Qr => "qr",
            CheckName::Format => "format",
            CheckName::Prefix => "prefix",
            CheckName::Base45 => "base45",
            CheckName::Zlib => "zlib",
            CheckName::CoseStructure => "cose_structure",
            CheckName::KidKnown => "kid_known",
            CheckName::AlgCurve => "alg_curve",
            CheckName::Signature => "signature",
            CheckName::Claims => "claims",
            CheckName::TrustListFresh => "trust_list_fresh",
            CheckName::KeyValidity => "key_validity",
            CheckName::Issuer => "issuer",
            CheckName::Expiry => "expiry",
            CheckName::Status => "status",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Fail,
    /// Could not be decided (e.g. no fresh status list).
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: CheckName,
    pub outcome: Outcome,
    pub detail: String,
}

/// What the QR holds if it is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "value")]
pub enum ForeignKind {
    /// A web address: judge its domain (official / unknown / look-alike) elsewhere.
    Url(String),
    Other,
    /// Text that is not a well-formed certificate text: too large, empty, split by a line
    /// break, an invisible character inside, a lower-case prefix. A format problem (the text
    /// was damaged or is someone else's), never a finding of forgery.
    Damaged {
        /// The check that found it (`format` or `prefix`).
        check: CheckName,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "verdict")]
pub enum Verdict {
    Valid,
    Invalid {
        /// The first failing check.
        check: CheckName,
        reason: String,
    },
    /// Signature and dates valid, but no fresh status list: never plain "valid".
    ValidStatusUnknown {
        /// Issue time of the last status list held, if any (Unix seconds).
        since: Option<i64>,
    },
    NotOurFormat {
        kind: ForeignKind,
    },
}

impl Verdict {
    /// Process exit code for CLIs: 0 valid, 1 invalid, 2 status unknown, 3 not our format (or
    /// damaged text).
    pub fn exit_code(&self) -> i32 {
        match self {
            Verdict::Valid => 0,
            Verdict::Invalid { .. } => 1,
            Verdict::ValidStatusUnknown { .. } => 2,
            Verdict::NotOurFormat { .. } => 3,
        }
    }
}

/// What a verified credential says (present once the signature has passed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Credential {
    pub alg: Algorithm,
    #[serde(with = "hex_kid")]
    pub kid: Vec<u8>,
    pub authority_code: String,
    pub authority_name: String,
    pub claims: Claims,
    pub body: Body,
    /// Body version read: 2, or 1 for a superseded body (its ID salt and commitment dropped).
    pub body_version: u8,
    /// Status value from the list, when known (0 valid, 1 invalid, 2 suspended).
    pub status: Option<u8>,
}

mod hex_kid {
    pub fn serialize<S: serde::Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(b))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub checks: Vec<Check>,
    #[serde(flatten)]
    pub verdict: Verdict,
    pub credential: Option<Credential>,
}

impl Verification {
    pub fn check(&self, name: CheckName) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }
}

/// Everything the verifier needs besides the text.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub trust: &'a TrustStore,
    pub status: &'a StatusStore,
    /// Unix seconds.
    pub now: i64,
}

struct Run {
    checks: Vec<Check>,
}

impl Run {
    fn pass(&mut self, name: CheckName, detail: impl Into<String>) {
        self.checks.push(Check { name, outcome: Outcome::Pass, detail: detail.into() });
    }
    /// A format problem: "not our format / damaged text", never "invalid" (forged or altered).
    fn damaged(mut self, check: CheckName, reason: String) -> Verification {
        self.checks.push(Check { name: check, outcome: Outcome::Fail, detail: reason.clone() });
        Verification {
            checks: self.checks,
            verdict: Verdict::NotOurFormat { kind: ForeignKind::Damaged { check, reason } },
            credential: None,
        }
    }
    fn fail(mut self, name: CheckName, detail: impl Into<String>) -> Verification {
        let detail = detail.into();
        self.checks.push(Check { name, outcome: Outcome::Fail, detail: detail.clone() });
        Verification {
            checks: self.checks,
            verdict: Verdict::Invalid { check: name, reason: detail },
            credential: None,
        }
    }
}

/// Looks like a web address (the usual bait of fake "query websites"): a scheme, `www.`, or a
/// bare `host.tld/...` whose host has no ':' (so Base45 text is never taken for one).
pub fn as_url(text: &str) -> Option<String> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.") {
        return Some(t.to_owned());
    }
    if lower.contains(char::is_whitespace) {
        return None;
    }
    let host = lower.split('/').next().unwrap_or_default();
    let labels: Vec<&str> = host.split('.').collect();
    let domain_like = labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    domain_like.then(|| t.to_owned())
}

/// The signer of a COSE_Sign1 found in a trust store, with the checks passed on the way.
#[derive(Debug)]
pub struct SignerFound<'a> {
    pub entry: &'a TrustEntry,
    pub alg: Algorithm,
    pub kid: Vec<u8>,
    pub passed: Vec<(CheckName, String)>,
}

/// Where finding the signer stopped.
#[derive(Debug)]
pub struct SignerFailed {
    pub passed: Vec<(CheckName, String)>,
    pub check: CheckName,
    pub detail: String,
}

/// COSE header, kid lookup (every entry with the kid), algorithm and curve binding, signature.
pub fn find_signer<'a>(cose: &CoseSign1, trust: &'a TrustStore) -> Result<SignerFound<'a>, SignerFailed> {
    let mut passed = Vec::new();
    let fail = |passed, check, detail: String| SignerFailed { passed, check, detail };
    let alg = match cose.alg() {
        Ok((a, _)) => a,
        Err(e) => return Err(fail(passed, CheckName::CoseStructure, e.to_string())),
    };
    let kid = match cose.kid() {
        (Some(k), _) => k.to_vec(),
        (None, _) => {
            return Err(fail(passed, CheckName::CoseStructure, "no kid in the header".into()));
        }
    };
    passed.push((CheckName::CoseStructure, format!("COSE_Sign1, {alg}, kid {}", hex::encode(&kid))));
    // kid known.
    let candidates: Vec<&TrustEntry> = trust.entries_for_kid(&kid).collect();
    if candidates.is_empty() {
        let why = if trust.list().is_none() {
            "no trust list loaded".to_owned()
        } else {
            format!("kid {} is not in the trust list", hex::encode(&kid))
        };
        return Err(fail(passed, CheckName::KidKnown, why));
    }
    let n = candidates.len();
    passed
        .push((CheckName::KidKnown, format!("{n} trust-list entr{} with this kid", if n == 1 { "y" } else { "ies" })));
    // algorithm and curve bound to the entry.
    let matching: Vec<&TrustEntry> =
        candidates.iter().copied().filter(|e| e.alg == alg && e.key.kind() == alg.required_key()).collect();
    if matching.is_empty() {
        let e = candidates[0];
        let detail =
            format!("header says {alg} but the trust list binds this key to {} with a {} key", e.alg, e.key.kind());
        return Err(fail(passed, CheckName::AlgCurve, detail));
    }
    passed.push((CheckName::AlgCurve, format!("{alg} with a {} key", alg.required_key())));
    // signature: try each candidate (kid collisions).
    let tbs = cose.tbs(&[]);
    let Some(entry) = matching.into_iter().find(|e| e.key.verify(alg, &tbs, &cose.signature).is_ok()) else {
        let detail = "signature does not verify with any key of this kid".to_owned();
        return Err(fail(passed, CheckName::Signature, detail));
    };
    passed.push((CheckName::Signature, format!("signed by {} ({})", entry.authority_name, entry.authority_code)));
    Ok(SignerFound { entry, alg, kid, passed })
}

/// The answer for an input too large to read (a front end that caps its input before reading
/// it): not our format, too large.
pub fn too_large(cap_bytes: u64) -> Verification {
    Run { checks: Vec::new() }.damaged(
        CheckName::Format,
        format!(
            "the input is larger than the {cap_bytes}-byte cap: too large to be a certificate text or photo; not read"
        ),
    )
}

/// Finds the QR code in a PNG/JPEG photo, then verifies its text. A photo without a code,
/// with two or more, or unreadable gives `Invalid { check: qr }` with the precise reason.
pub fn verify_image(bytes: &[u8], ctx: &Context<'_>) -> Verification {
    match crate::qr::decode_image(bytes) {
        Ok(text) => {
            let mut v = verify(&text, ctx);
            v.checks
                .insert(0, Check { name: CheckName::Qr, outcome: Outcome::Pass, detail: "one QR code found".into() });
            v
        }
        Err(e) => Run { checks: Vec::new() }.fail(CheckName::Qr, e.to_string()),
    }
}

/// Verifies AQ1 text offline.
pub fn verify(text: &str, ctx: &Context<'_>) -> Verification {
    verify_with_profile(text, ctx, &AQ1)
}

/// Verifies under a profile (AQ1, or another prefix for tests).
pub fn verify_with_profile(text: &str, ctx: &Context<'_>, profile: &Profile) -> Verification {
    let mut run = Run { checks: Vec::new() };
    // 1. format: size and what kind of text this is. Format problems (too long, empty, a line
    // break or an invisible character inside, a mangled prefix) say "not our format / damaged
    // text": they are never reported as a forgery.
    if text.len() > profile.max_text {
        let reason = format!("{} bytes, more than the {}-byte cap: too large", text.len(), profile.max_text);
        return run.damaged(CheckName::Format, reason);
    }
    if let Some(url) = as_url(text) {
        run.checks.push(Check {
            name: CheckName::Format,
            outcome: Outcome::Fail,
            detail: "this QR points to a website, not to a certificate".into(),
        });
        return Verification {
            checks: run.checks,
            verdict: Verdict::NotOurFormat { kind: ForeignKind::Url(url) },
            credential: None,
        };
    }
    let trimmed = match envelope::check_text(text, profile) {
        Ok(t) => t,
        Err(e) => return run.damaged(CheckName::Format, e.to_string()),
    };
    run.pass(CheckName::Format, format!("{} characters of text", trimmed.chars().count()));
    // 2-5. prefix, Base45, zlib, COSE.
    let unwrapped = match envelope::unwrap(trimmed, profile) {
        Ok(u) => u,
        Err(e) => {
            let name = match &e {
                // Caught by check_text above; kept for completeness.
                EnvelopeError::TooLong(_)
                | EnvelopeError::Empty
                | EnvelopeError::EmptyPayload(_)
                | EnvelopeError::StrayCharacter { .. } => return run.damaged(CheckName::Format, e.to_string()),
                EnvelopeError::WrongPrefix { .. } => {
                    run.checks.push(Check { name: CheckName::Prefix, outcome: Outcome::Fail, detail: e.to_string() });
                    return Verification {
                        checks: run.checks,
                        verdict: Verdict::NotOurFormat { kind: ForeignKind::Other },
                        credential: None,
                    };
                }
                // Ours, but mangled (QR alphanumeric mode has no lower case): damaged text.
                EnvelopeError::LowerCasePrefix { .. } => return run.damaged(CheckName::Prefix, e.to_string()),
                EnvelopeError::Base45(_) => CheckName::Base45,
                EnvelopeError::Zlib(_) | EnvelopeError::InflateCap(_) | EnvelopeError::ZlibTrailing(_) => {
                    CheckName::Zlib
                }
                EnvelopeError::Cose(_) => CheckName::CoseStructure,
            };
            // Record the stages that passed before the failing one.
            let order = [CheckName::Prefix, CheckName::Base45, CheckName::Zlib, CheckName::CoseStructure];
            for n in order.iter().take_while(|n| **n != name) {
                run.pass(*n, "ok");
            }
            return run.fail(name, e.to_string());
        }
    };
    run.pass(CheckName::Prefix, profile.prefix);
    run.pass(CheckName::Base45, format!("{} bytes", unwrapped.compressed.len()));
    run.pass(CheckName::Zlib, format!("{} bytes inflated", unwrapped.cose_bytes.len()));
    let cose = &unwrapped.cose;
    let (entry, alg, kid) = match find_signer(cose, ctx.trust) {
        Ok(found) => {
            for (name, detail) in found.passed {
                run.pass(name, detail);
            }
            (found.entry, found.alg, found.kid)
        }
        Err(failed) => {
            for (name, detail) in failed.passed {
                run.pass(name, detail);
            }
            return run.fail(failed.check, failed.detail);
        }
    };
    // 9. Only now interpret the payload.
    let (claims, body, body_version) = match cbor::decode(&cose.payload)
        .map_err(|e| e.to_string())
        .and_then(|v| claims_and_version_from_value(&v).map_err(|e| e.to_string()))
    {
        Ok(cb) => cb,
        Err(e) => return run.fail(CheckName::Claims, e),
    };
    run.pass(
        CheckName::Claims,
        if body_version == 1 {
            "CWT claims and body v1 well-formed (superseded body: its ID salt and commitment are ignored)"
        } else {
            "CWT claims and body v2 well-formed"
        },
    );
    // 10. trust list freshness.
    let list_exp = ctx.trust.list().map_or(i64::MIN, |l| l.exp);
    if ctx.now >= list_exp {
        return run.fail(CheckName::TrustListFresh, format!("the trust list expired at {list_exp}; fetch a new one"));
    }
    run.pass(CheckName::TrustListFresh, format!("trust list valid until {list_exp}"));
    // 11. key validity window: the credential was signed while the key was valid.
    if claims.iat < entry.not_before || claims.iat > entry.not_after {
        return run.fail(
            CheckName::KeyValidity,
            format!("signed at {} outside the key's window {}..{}", claims.iat, entry.not_before, entry.not_after),
        );
    }
    run.pass(CheckName::KeyValidity, format!("key valid {}..{}", entry.not_before, entry.not_after));
    // 12. issuer and scope.
    if claims.iss != entry.authority_code || body.authority_code != entry.authority_code {
        return run.fail(
            CheckName::Issuer,
            format!(
                "issuer {:?} / body authority {:?} is not the key's authority {:?}",
                claims.iss, body.authority_code, entry.authority_code
            ),
        );
    }
    if !entry.scope.allows_category(&body.category) {
        return run.fail(CheckName::Issuer, format!("the key may not sign category {:?}", body.category));
    }
    run.pass(CheckName::Issuer, entry.authority_code.clone());
    // 13. expiry.
    if claims.iat > ctx.now + CLOCK_SKEW {
        return run.fail(CheckName::Expiry, format!("issued in the future ({})", claims.iat));
    }
    if ctx.now >= claims.exp {
        return run.fail(CheckName::Expiry, format!("signature expired at {}", claims.exp));
    }
    run.pass(CheckName::Expiry, format!("valid until {}", claims.exp));
    // 14. status.
    let mut cred = Credential {
        alg,
        kid: kid.clone(),
        authority_code: entry.authority_code.clone(),
        authority_name: entry.authority_name.clone(),
        claims: claims.clone(),
        body,
        body_version,
        status: None,
    };
    let unknown = |mut run: Run, detail: String, since: Option<i64>, cred: Credential| {
        run.checks.push(Check { name: CheckName::Status, outcome: Outcome::Unknown, detail });
        Verification { checks: run.checks, verdict: Verdict::ValidStatusUnknown { since }, credential: Some(cred) }
    };
    let Some(sref) = &claims.status else {
        return unknown(run, "the credential has no status reference".into(), None, cred);
    };
    // Only a list signed by the credential's own authority answers for it.
    let Some(tok) = ctx.status.get(&entry.authority_code, &sref.uri) else {
        return unknown(run, format!("no status list of {} held for {}", entry.authority_code, sref.uri), None, cred);
    };
    if tok.authority_code != entry.authority_code || tok.uri != sref.uri {
        return unknown(run, format!("the status list at {} is signed by another authority", sref.uri), None, cred);
    }
    if let Err(e) = tok.check_times(ctx.now) {
        return unknown(run, format!("the status list held is not usable: {e}"), None, cred);
    }
    if tok.is_stale(ctx.now) {
        return unknown(
            run,
            format!("the status list is older than its ttl (issued {})", tok.iat),
            Some(tok.iat),
            cred,
        );
    }
    let Some(status) = tok.list.get(sref.idx) else {
        let mut v = run.fail(CheckName::Status, format!("index {} is beyond the status list", sref.idx));
        v.credential = Some(cred);
        return v;
    };
    cred.status = Some(status);
    let mut v = match status {
        VALID => {
            run.pass(CheckName::Status, format!("valid (list issued {})", tok.iat));
            Verification { checks: run.checks, verdict: Verdict::Valid, credential: None }
        }
        INVALID => run.fail(CheckName::Status, "revoked or cancelled"),
        SUSPENDED => run.fail(CheckName::Status, "suspended"),
        other => run.fail(CheckName::Status, format!("status value {other}")),
    };
    v.credential = Some(cred);
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alg::Signer;
    use crate::body::{StatusRef, sample_body};
    use crate::keys::SigningKey;
    use crate::status_list::{StatusList, StatusListToken};
    use crate::testutil::TestRng;
    use crate::trust_list::TrustList;

    const NOW: i64 = 1_760_000_000;
    const URI: &str = "https://certguard.example/status/CN-320582/1";

    struct World {
        key: SigningKey,
        trust: TrustStore,
        status: StatusStore,
    }

    fn world(status_of_5: u8) -> World {
        let mut rng = TestRng::new(11);
        let anchor = SigningKey::generate(Algorithm::EdDSA, &mut rng).unwrap();
        let key = SigningKey::generate(Algorithm::ES256, &mut rng).unwrap();
        let mut trust = TrustStore::new(anchor.public_key());
        let list = TrustList {
            issuer: "MEM".into(),
            sequence: 1,
            iat: NOW - 100,
            exp: NOW + 86_400,
            entries: vec![TrustEntry::for_key(
                Algorithm::ES256,
                key.public_key(),
                "CN-320582",
                "张家港市应急管理局",
                NOW - 1000,
                NOW + 1000,
            )],
        };
        trust.update(&list.sign(&anchor), NOW).unwrap();
        let mut l = StatusList::new(2, 131_072).unwrap();
        l.set(5, status_of_5);
        let mut status = StatusStore::new();
        status.insert(&StatusListToken::sign(URI, &l, NOW - 10, None, 3600, &key), &trust, NOW).unwrap();
        World { key, trust, status }
    }

    fn credential(k: &dyn Signer) -> String {
        envelope::issue(
            &sample_body(),
            &Claims {
                iss: "CN-320582".into(),
                iat: NOW - 50,
                exp: NOW + 10_000,
                cti: vec![1; 16],
                status: Some(StatusRef { idx: 5, uri: URI.into() }),
            },
            k,
        )
    }

    #[test]
    fn valid_revoked_suspended_stale() {
        let w = world(VALID);
        let ctx = Context { trust: &w.trust, status: &w.status, now: NOW };
        let text = credential(&w.key);
        let v = verify(&text, &ctx);
        assert_eq!(v.verdict, Verdict::Valid, "{v:#?}");
        assert_eq!(v.checks.len(), 14);
        assert!(v.checks.iter().all(|c| c.outcome == Outcome::Pass));
        assert_eq!(v.credential.as_ref().unwrap().body, sample_body());
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["verdict"], "valid");
        assert_eq!(json["checks"][4]["name"], "cose_structure");

        let w = world(INVALID);
        let v = verify(&text_for(&w), &Context { trust: &w.trust, status: &w.status, now: NOW });
        assert!(
            matches!(v.verdict, Verdict::Invalid { check: CheckName::Status, ref reason } if reason.contains("revoked"))
        );
        let w = world(SUSPENDED);
        let v = verify(&text_for(&w), &Context { trust: &w.trust, status: &w.status, now: NOW });
        assert!(
            matches!(v.verdict, Verdict::Invalid { check: CheckName::Status, ref reason } if reason == "suspended")
        );
        // Stale list: never plain valid.
        let w = world(VALID);
        let v = verify(&text_for(&w), &Context { trust: &w.trust, status: &w.status, now: NOW + 3600 });
        assert_eq!(v.verdict, Verdict::ValidStatusUnknown { since: Some(NOW - 10) });
        // No status list at all.
        let none = StatusStore::new();
        let v = verify(&text_for(&w), &Context { trust: &w.trust, status: &none, now: NOW });
        assert_eq!(v.verdict, Verdict::ValidStatusUnknown { since: None });
    }

    #[test]
    fn another_authoritys_newer_list_cannot_hide_a_revocation() {
        let mut w = world(INVALID);
        // Authority B, also trusted, signs an all-valid list at A's uri with a newer iat.
        let b = SigningKey::generate(Algorithm::ES256, &mut TestRng::new(12)).unwrap();
        let mut rng = TestRng::new(11);
        let anchor = SigningKey::generate(Algorithm::EdDSA, &mut rng).unwrap();
        let mut list = w.trust.list().unwrap().clone();
        list.sequence += 1;
        list.entries.push(TrustEntry::for_key(
            Algorithm::ES256,
            b.public_key(),
            "CN-999999",
            "B",
            NOW - 1000,
            NOW + 1000,
        ));
        w.trust.update(&list.sign(&anchor), NOW).unwrap();
        let clean = StatusList::new(2, 131_072).unwrap();
        w.status.insert(&StatusListToken::sign(URI, &clean, NOW - 1, None, 3600, &b), &w.trust, NOW).unwrap();
        let v = verify(&text_for(&w), &Context { trust: &w.trust, status: &w.status, now: NOW });
        assert!(
            matches!(v.verdict, Verdict::Invalid { check: CheckName::Status, ref reason } if reason.contains("revoked")),
            "{:?}",
            v.verdict
        );
        // B's list alone never answers for A's credential.
        let mut only_b = StatusStore::new();
        only_b.insert(&StatusListToken::sign(URI, &clean, NOW - 1, None, 3600, &b), &w.trust, NOW).unwrap();
        let v = verify(&text_for(&w), &Context { trust: &w.trust, status: &only_b, now: NOW });
        assert_eq!(v.verdict, Verdict::ValidStatusUnknown { since: None });
    }

    #[test]
    fn a_revoked_credential_never_verifies_valid_through_an_endless_old_list() {
        let w = world(INVALID);
        // A genuine list from before the revocation, replayed: ttl 2^62, or no ttl and no exp, or
        // an iat far in the future (so that it would outlive every later list).
        let clean = StatusList::new(2, 131_072).unwrap();
        let mut fresh = StatusStore::new();
        for token in [
            StatusListToken::sign(URI, &clean, NOW - 100, None, 1 << 62, &w.key),
            StatusListToken::sign(URI, &clean, NOW + 86_400 * 365, None, 3600, &w.key),
        ] {
            assert!(fresh.insert(&token, &w.trust, NOW).is_err());
        }
        let endless = CoseSign1::sign(
            &cbor::Value::Map(vec![
                (cbor::Value::Int(2), URI.into()),
                (cbor::Value::Int(6), (NOW - 100).into()),
                (cbor::Value::Int(65533), clean.to_cbor_value()),
            ])
            .to_vec(),
            &w.key,
            vec![(cbor::Value::Int(crate::cose::HDR_TYP), crate::status_list::STATUS_LIST_TYP.into())],
        );
        assert!(fresh.insert(&endless, &w.trust, NOW).is_err());
        assert!(fresh.is_empty());
        // The genuine revoked list still answers.
        let v = verify(&text_for(&w), &Context { trust: &w.trust, status: &w.status, now: NOW });
        assert!(matches!(v.verdict, Verdict::Invalid { check: CheckName::Status, .. }));
    }

    fn text_for(w: &World) -> String {
        credential(&w.key)
    }

    #[test]
    fn foreign_and_broken_inputs() {
        let w = world(VALID);
        let ctx = Context { trust: &w.trust, status: &w.status, now: NOW };
        let v = verify("https://fake-query.example.cn/cert?id=1", &ctx);
        assert!(matches!(v.verdict, Verdict::NotOurFormat { kind: ForeignKind::Url(_) }));
        let v = verify("zhengshu-chaxun.example.cn/q?no=1", &ctx);
        assert!(matches!(v.verdict, Verdict::NotOurFormat { kind: ForeignKind::Url(_) }));
        // Base45 text with dots and slashes is not a URL.
        assert_eq!(as_url("AQ1:ABC.DE/FG"), None);
        let v = verify("HC1:6BFOXN", &ctx);
        assert_eq!(v.verdict, Verdict::NotOurFormat { kind: ForeignKind::Other });
        let text = credential(&w.key);
        let v = verify(&text.to_ascii_lowercase(), &ctx);
        assert!(matches!(
            v.verdict,
            Verdict::NotOurFormat { kind: ForeignKind::Damaged { check: CheckName::Prefix, .. } }
        ));
        let v = verify(&text[..text.len() - 7], &ctx);
        assert!(
            matches!(v.verdict, Verdict::Invalid { check: CheckName::Base45 | CheckName::Zlib, .. }),
            "{:?}",
            v.verdict
        );
        // Expired signature.
        let v = verify(&text, &Context { now: NOW + 20_000, ..ctx });
        assert!(matches!(v.verdict, Verdict::Invalid { check: CheckName::TrustListFresh | CheckName::Expiry, .. }));
        // Unknown key.
        let other = SigningKey::generate(Algorithm::ES256, &mut TestRng::new(99)).unwrap();
        let v = verify(&credential(&other), &ctx);
        assert!(matches!(v.verdict, Verdict::Invalid { check: CheckName::KidKnown, .. }));
    }

    /// "not our format / damaged text" at `check`, with a reason containing `says`.
    fn assert_damaged(v: &Verification, check: CheckName, says: &str) {
        match &v.verdict {
            Verdict::NotOurFormat { kind: ForeignKind::Damaged { check: c, reason } } => {
                assert_eq!(*c, check, "{reason}");
                assert!(reason.contains(says), "{reason:?} does not say {says:?}");
            }
            other => panic!("expected a damaged-text verdict at {check:?}, got {other:?}"),
        }
        assert_eq!(v.verdict.exit_code(), 3);
        assert!(v.credential.is_none());
    }

    #[test]
    fn format_problems_are_not_reported_as_forgery() {
        let w = world(VALID);
        let ctx = Context { trust: &w.trust, status: &w.status, now: NOW };
        let text = credential(&w.key);
        // A genuine text with a BOM and surrounding whitespace (e.g. saved by an editor) verifies.
        for t in [format!("\u{feff}{text}"), format!("\u{feff}{text}\r\n"), format!(" \t{text} \n")] {
            assert_eq!(verify(&t, &ctx).verdict, Verdict::Valid, "{t:?}");
        }
        // A line break inside: damaged text, not a Base45 length error.
        let v = verify(&format!("{}\n{}", &text[..200], &text[200..]), &ctx);
        assert_damaged(&v, CheckName::Format, "line break");
        assert!(!v.checks[0].detail.contains("length"));
        let v = verify(&format!("{}\r\n{}", &text[..4], &text[4..]), &ctx);
        assert_damaged(&v, CheckName::Format, "line break");
        // Empty, with or without the prefix.
        assert_damaged(&verify("AQ1:", &ctx), CheckName::Format, "empty");
        assert_damaged(&verify("", &ctx), CheckName::Format, "empty");
        assert_damaged(&verify("\u{feff}  \n", &ctx), CheckName::Format, "empty");
        // Lower-case prefix: ours but mangled.
        assert_damaged(&verify(&format!("aq1:{}", &text[4..]), &ctx), CheckName::Prefix, "not upper case");
        // Too large.
        assert_damaged(&verify(&format!("AQ1:{}", "0".repeat(5000)), &ctx), CheckName::Format, "too large");
        let json = serde_json::to_value(verify("AQ1:", &ctx)).unwrap();
        assert_eq!(json["verdict"], "not_our_format");
        assert_eq!(json["kind"]["type"], "damaged");
        assert_eq!(json["kind"]["value"]["check"], "format");
    }

    #[test]
    fn duplicate_keys_in_the_signed_payload_are_refused() {
        let w = world(VALID);
        let ctx = Context { trust: &w.trust, status: &w.status, now: NOW };
        // The claims map with iss twice: one reader might take the first, another the last.
        let claims = Claims {
            iss: "CN-320582".into(),
            iat: NOW - 50,
            exp: NOW + 10_000,
            cti: vec![1; 16],
            status: Some(StatusRef { idx: 5, uri: URI.into() }),
        };
        let mut payload = crate::body::claims_to_value(&claims, &sample_body());
        if let cbor::Value::Map(m) = &mut payload {
            m.push((cbor::Value::Int(1), "CN-999999".into()));
        }
        // Encode without the deterministic encoder's help (it would keep both, sorted).
        let bytes = payload.to_vec();
        let text = envelope::wrap(&CoseSign1::sign(&bytes, &w.key, vec![]), &AQ1);
        let v = verify(&text, &ctx);
        assert!(
            matches!(v.verdict, Verdict::Invalid { check: CheckName::Claims, ref reason } if reason.contains("twice")),
            "{:?}",
            v.verdict
        );
        // The same duplicate inside the body map.
        let mut payload = crate::body::claims_to_value(&claims, &sample_body());
        if let cbor::Value::Map(m) = &mut payload {
            for (k, v) in m.iter_mut() {
                if k.as_int() == Some(crate::body::CLAIM_BODY)
                    && let cbor::Value::Map(inner) = v
                    && let cbor::Value::Map(body) = &mut inner[0].1
                {
                    body.push((cbor::Value::Int(3), "王五".into()));
                }
            }
        }
        let text = envelope::wrap(&CoseSign1::sign(&payload.to_vec(), &w.key, vec![]), &AQ1);
        assert!(matches!(verify(&text, &ctx).verdict, Verdict::Invalid { check: CheckName::Claims, .. }));
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(64))]
        #[test]
        fn verify_never_panics(text in "\\PC{0,200}", bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let w = world(VALID);
            let ctx = Context { trust: &w.trust, status: &w.status, now: NOW };
            let v = verify(&text, &ctx);
            proptest::prop_assert!(v.verdict != Verdict::Valid);
            let wrapped = crate::envelope::wrap(&bytes, &AQ1);
            let v = verify(&wrapped, &ctx);
            let invalid = matches!(v.verdict, Verdict::Invalid { .. });
            proptest::prop_assert!(invalid);
        }
    }
}
