//! dgc-testdata conformance harness: walks any directory in that repository's layout
//! (`<CC>/2DCode/raw/*.json`, matched case-insensitively, version folders nested anywhere
//! below), runs each in-scope expectation flag through the HCERT profile and reports, per file
//! and flag, the expected and the obtained result. Where they differ, a reason is **computed
//! from the case** (never looked up by file name); a difference without such a reason is
//! "unexplained" and makes the run fail.

use crate::base45;
use crate::cbor::{self, Value};
use crate::cose::CoseSign1;
use crate::envelope::{inflate, strip_prefix};
use crate::hcert::{HCERT, HcertVerify, SigningCert, dgc_payload, dgc_type, verify_cose};
use crate::verify::CheckName;
use base64::Engine;
use serde::Serialize;
use serde_json::Value as Json;
use std::path::{Path, PathBuf};

/// The flags in scope, in pipeline order.
pub const FLAGS: [&str; 8] =
    ["PICTUREDECODE", "UNPREFIX", "B45DECODE", "COMPRESSION", "VERIFY", "DECODE", "EXPIRATIONCHECK", "KEYUSAGE"];

/// One (file, flag) comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseResult {
    pub file: String,
    pub flag: String,
    pub expected: bool,
    pub got: bool,
    /// Why we differ, computed from the case's data; present only when expected != got.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// When expected != got: whether the reason is a defect of the data itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explained: Option<bool>,
}

impl CaseResult {
    pub fn agrees(&self) -> bool {
        self.expected == self.got
    }
}

/// Totals of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub checks: usize,
    pub agree: usize,
    pub differ: usize,
    pub unexplained: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} checks, {} agree, {} differ", self.checks, self.agree, self.differ)
    }
}

pub fn summarize(results: &[CaseResult]) -> Summary {
    let agree = results.iter().filter(|r| r.agrees()).count();
    Summary {
        checks: results.len(),
        agree,
        differ: results.len() - agree,
        unexplained: results.iter().filter(|r| !r.agrees() && r.explained != Some(true)).count(),
    }
}

/// Is `rel` (relative path, '/'-separated components) a test case file: a `.json` file below a
/// `raw` folder that is below a `2DCode` folder (any case, any folders in between)?
fn is_case_path(rel: &Path) -> bool {
    if rel.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() != Some("json") {
        return false;
    }
    let comps: Vec<String> = rel
        .parent()
        .into_iter()
        .flat_map(|p| p.components())
        .map(|c| c.as_os_str().to_string_lossy().to_ascii_lowercase())
        .collect();
    comps.iter().position(|c| c == "2dcode").is_some_and(|i| comps[i + 1..].iter().any(|c| c == "raw"))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let ft = e.file_type()?;
        if ft.is_dir() {
            walk(&e.path(), out)?;
        } else if ft.is_file() {
            out.push(e.path());
        }
    }
    Ok(())
}

/// Lists the case files under `dir`, sorted.
pub fn case_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut all = Vec::new();
    walk(dir, &mut all)?;
    let mut cases: Vec<PathBuf> = all.into_iter().filter(|p| p.strip_prefix(dir).is_ok_and(is_case_path)).collect();
    cases.sort();
    Ok(cases)
}

/// Runs every case under `dir`.
pub fn dgc_conformance(dir: &Path) -> std::io::Result<Vec<CaseResult>> {
    let mut out = Vec::new();
    for path in case_files(dir)? {
        let rel = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(&path)?;
        out.extend(run_case(&rel, &text));
    }
    Ok(out)
}

fn field<'a>(case: &'a Json, name: &str) -> Option<&'a str> {
    case.get(name).and_then(Json::as_str).filter(|s| !s.is_empty())
}

fn hex_field(case: &Json, name: &str) -> Option<Result<Vec<u8>, String>> {
    field(case, name).map(|s| hex::decode(s.trim()).map_err(|e| format!("{name} is not hex: {e}")))
}

/// Outcome of one flag: result, plus a data-explained reason if it fails for a reason that
/// lies in the data (used only when it disagrees with the expectation).
struct FlagRun {
    got: bool,
    /// Why it failed or passed, for the reason text.
    why: String,
    /// A data defect that explains a disagreement, if one is found.
    data_reason: Option<String>,
}

impl FlagRun {
    fn ok(why: impl Into<String>) -> Self {
        FlagRun { got: true, why: why.into(), data_reason: None }
    }
    fn fail(why: impl Into<String>) -> Self {
        FlagRun { got: false, why: why.into(), data_reason: None }
    }
    fn explained(mut self, reason: String) -> Self {
        self.data_reason = Some(reason);
        self
    }
}

/// Runs the in-scope flags of one case file (its JSON text).
pub fn run_case(file: &str, text: &str) -> Vec<CaseResult> {
    let Ok(case) = serde_json::from_str::<Json>(text) else {
        return Vec::new();
    };
    let Some(expected) = case.get("EXPECTEDRESULTS").and_then(Json::as_object) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for flag in FLAGS {
        let Some(exp) = expected.get(&format!("EXPECTED{flag}")).and_then(Json::as_bool) else {
            continue;
        };
        let r = run_flag(flag, &case);
        let (reason, explained) = if r.got == exp {
            (None, None)
        } else {
            match r.data_reason {
                Some(d) => (Some(d), Some(true)),
                None => (Some(format!("unexplained: {}", r.why)), Some(false)),
            }
        };
        out.push(CaseResult {
            file: file.to_owned(),
            flag: flag.to_owned(),
            expected: exp,
            got: r.got,
            reason,
            explained,
        });
    }
    out
}

fn run_flag(flag: &str, case: &Json) -> FlagRun {
    match flag {
        "PICTUREDECODE" => picture(case),
        "UNPREFIX" => unprefix(case),
        "B45DECODE" => b45(case),
        "COMPRESSION" => compression(case),
        "VERIFY" => verify_flag(case, false),
        "DECODE" => decode_flag(case),
        "EXPIRATIONCHECK" => expiration(case),
        "KEYUSAGE" => verify_flag(case, true),
        _ => FlagRun::fail("unknown flag"),
    }
}

fn picture(case: &Json) -> FlagRun {
    let Some(b64) = field(case, "2DCODE") else {
        return FlagRun::fail("no 2DCODE field")
            .explained("the case expects a picture decode but has no 2DCODE picture".into());
    };
    let clean: String = b64.chars().filter(|c| !c.is_whitespace()).collect();
    let png = match base64::engine::general_purpose::STANDARD.decode(clean) {
        Ok(p) => p,
        Err(e) => return FlagRun::fail(format!("2DCODE is not base64: {e}")),
    };
    match crate::qr::decode_image(&png) {
        Err(e) => FlagRun::fail(format!("QR not decoded: {e}")),
        Ok(t) => match field(case, "PREFIX") {
            Some(p) if p.trim() != t.trim() => FlagRun::fail("the QR text differs from PREFIX")
                .explained("the picture holds other text than the PREFIX field".into()),
            _ => FlagRun::ok("decoded"),
        },
    }
}

fn unprefix(case: &Json) -> FlagRun {
    let Some(p) = field(case, "PREFIX") else {
        return FlagRun::fail("no PREFIX field");
    };
    match strip_prefix(p, &HCERT) {
        Err(e) => FlagRun::fail(e.to_string()),
        Ok(b45) => match field(case, "BASE45") {
            Some(b) if b.trim() != b45 => FlagRun::fail("PREFIX without HC1: differs from BASE45")
                .explained("the PREFIX field does not hold the BASE45 field".into()),
            _ => FlagRun::ok("prefix HC1:"),
        },
    }
}

fn b45(case: &Json) -> FlagRun {
    let Some(b) = field(case, "BASE45") else {
        return FlagRun::fail("no BASE45 field");
    };
    match base45::decode(b.trim()) {
        Err(e) => FlagRun::fail(e.to_string()),
        Ok(bytes) => match hex_field(case, "COMPRESSED") {
            Some(Ok(c)) if c != bytes => FlagRun::fail("decoded BASE45 differs from COMPRESSED")
                .explained("the BASE45 field does not encode the COMPRESSED field".into()),
            _ => FlagRun::ok("decoded"),
        },
    }
}

/// The zlib data of a case: COMPRESSED, else Base45-decoded BASE45 or PREFIX.
fn case_compressed(case: &Json) -> Result<Vec<u8>, String> {
    if let Some(c) = hex_field(case, "COMPRESSED") {
        return c;
    }
    if let Some(b) = field(case, "BASE45") {
        return base45::decode(b.trim()).map_err(|e| e.to_string());
    }
    if let Some(p) = field(case, "PREFIX") {
        let b = strip_prefix(p, &HCERT).map_err(|e| e.to_string())?;
        return base45::decode(b).map_err(|e| e.to_string());
    }
    Err("no COMPRESSED, BASE45 or PREFIX field".into())
}

fn compression(case: &Json) -> FlagRun {
    let c = match case_compressed(case) {
        Err(e) => return FlagRun::fail(e),
        Ok(c) => c,
    };
    match inflate(&c, HCERT.max_inflated) {
        Err(e) => FlagRun::fail(e.to_string()),
        Ok(cose) => match hex_field(case, "COSE") {
            Some(Ok(expected)) if expected != cose => FlagRun::fail("inflated data differs from COSE")
                .explained("the COMPRESSED field does not inflate to the COSE field".into()),
            _ => FlagRun::ok("inflated"),
        },
    }
}

/// The COSE of a case: the COSE field, else derived from COMPRESSED or the prefixed text.
fn case_cose(case: &Json) -> Result<Vec<u8>, String> {
    if let Some(c) = hex_field(case, "COSE") {
        return c;
    }
    let c = case_compressed(case)?;
    inflate(&c, HCERT.max_inflated).map_err(|e| e.to_string())
}

fn case_cert(case: &Json) -> Result<SigningCert, String> {
    let b64 = case
        .get("TESTCTX")
        .and_then(|t| t.get("CERTIFICATE"))
        .and_then(Json::as_str)
        .ok_or("no TESTCTX.CERTIFICATE")?;
    let clean: String = b64.chars().filter(|c| !c.is_whitespace()).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(clean)
        .map_err(|e| format!("certificate is not base64: {e}"))?;
    SigningCert::from_der(&der).map_err(|e| format!("certificate unreadable: {e}"))
}

fn verify_flag(case: &Json, key_usage: bool) -> FlagRun {
    let cose_bytes = match case_cose(case) {
        Ok(c) => c,
        Err(e) => return FlagRun::fail(e),
    };
    let cose = match CoseSign1::from_slice_lenient(&cose_bytes) {
        Ok(c) => c,
        Err(e) => return FlagRun::fail(format!("not a COSE_Sign1: {e}")),
    };
    let cert = match case_cert(case) {
        Ok(c) => c,
        Err(e) => return FlagRun::fail(e),
    };
    match verify_cose(&cose, &cert) {
        HcertVerify::Failed { check, detail } => {
            let r = FlagRun::fail(format!("{}: {detail}", check.as_str()));
            // The case was signed by another key than the certificate it gives, or names it
            // by another kid: computed from the kids and the signature, never from the file.
            if matches!(check, CheckName::KidKnown | CheckName::CoseStructure)
                && let Some(reason) = kid_reason(&cose, &cert)
            {
                return r.explained(reason);
            }
            // Explain an algorithm/curve mismatch when the signature is otherwise valid.
            if check == CheckName::AlgCurve
                && let Ok((alg, _)) = cose.alg()
                && cert.key.kind() != alg.required_key()
                && cert.key.verify_unbound(alg, &cose.tbs(&[]), &cose.signature).is_ok()
            {
                return r.explained(format!(
                    "curve mismatch: the header says {alg} (P-256) but the signing certificate's key is {}; \
                     the signature verifies only if the algorithm is not bound to its curve",
                    cert.key.kind()
                ));
            }
            r
        }
        HcertVerify::Ok { claims_ok: false } => FlagRun::fail("CWT claims lack the HCERT claim -260/1"),
        HcertVerify::Ok { claims_ok: true } if !key_usage => FlagRun::ok("signature valid"),
        HcertVerify::Ok { claims_ok: true } => {
            let claims = cbor::decode(&cose.payload).unwrap_or(Value::Null);
            let Some(t) = dgc_payload(&claims).and_then(dgc_type) else {
                return FlagRun::fail("payload has no v, t or r entry");
            };
            if cert.allows(t) {
                let r = FlagRun::ok(format!("type {t} allowed by the key usage"));
                if cert.allowed_types().is_empty() {
                    // Explains a case that expects the key usage refused: under the rule, a
                    // certificate restricting no type allows every type.
                    let what = if cert.eku.is_empty() {
                        "has no extended key usage extension".to_owned()
                    } else {
                        format!("has an extended key usage without DGC type OIDs ({})", cert.eku.join(", "))
                    };
                    return r.explained(format!(
                        "the signing certificate {what}, so it may sign any type (here {t}); \
                         the case expects the key usage refused"
                    ));
                }
                r
            } else {
                FlagRun::fail(format!("type {t} not in the certificate's key usage {:?}", cert.allowed_types()))
            }
        }
    }
}

/// Converts CBOR to JSON (text keys; others stringified).
pub fn cbor_to_json(v: &Value) -> Json {
    match v {
        Value::Int(i) => i64::try_from(*i).map(Json::from).unwrap_or_else(|_| Json::from(*i as f64)),
        Value::Bytes(b) => Json::from(hex::encode(b)),
        Value::Text(t) => Json::from(t.as_str()),
        Value::Array(a) => Json::Array(a.iter().map(cbor_to_json).collect()),
        Value::Map(m) => Json::Object(
            m.iter()
                .map(|(k, v)| {
                    let key = k.as_text().map(str::to_owned).unwrap_or_else(|| k.to_string());
                    (key, cbor_to_json(v))
                })
                .collect(),
        ),
        Value::Tag(_, x) => cbor_to_json(x),
        Value::Bool(b) => Json::from(*b),
        Value::Null | Value::Undefined => Json::Null,
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::Simple(s) => Json::from(*s),
    }
}

/// Parses ISO 8601 date-times as used in the data (Z or offsets, optional fractions).
pub fn parse_datetime(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(d) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(d.timestamp());
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"] {
        if let Ok(d) = chrono::DateTime::parse_from_str(s, fmt) {
            return Some(d.timestamp());
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(d) = chrono::NaiveDateTime::parse_from_str(s, fmt) {
            return Some(d.and_utc().timestamp());
        }
    }
    None
}

fn is_date_time(s: &str) -> bool {
    s.len() > 10 && s.as_bytes().get(10) == Some(&b'T') && parse_datetime(s).is_some()
}

/// A difference between the CBOR and the JSON of a case.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonDiff {
    /// Two date-times naming different instants.
    TimeShift {
        path: String,
        cbor: String,
        json: String,
        seconds: i64,
    },
    Other {
        path: String,
        detail: String,
    },
}

/// Compares CBOR-as-JSON with the case JSON; date-times compare as instants, numbers as f64.
pub fn compare_json(path: &str, cbor: &Json, json: &Json) -> Result<(), JsonDiff> {
    let other = |detail: String| Err(JsonDiff::Other { path: path.to_owned(), detail });
    match (cbor, json) {
        (Json::Object(a), Json::Object(b)) => {
            for k in a.keys().chain(b.keys()) {
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => compare_json(&format!("{path}/{k}"), x, y)?,
                    (Some(_), None) => return other(format!("key {k} only in CBOR")),
                    (None, _) => return other(format!("key {k} only in JSON")),
                }
            }
            Ok(())
        }
        (Json::Array(a), Json::Array(b)) => {
            if a.len() != b.len() {
                return other(format!("array lengths {} vs {}", a.len(), b.len()));
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                compare_json(&format!("{path}/{i}"), x, y)?;
            }
            Ok(())
        }
        (Json::Number(a), Json::Number(b)) => {
            if a.as_f64() == b.as_f64() {
                Ok(())
            } else {
                other(format!("{a} vs {b}"))
            }
        }
        (Json::String(a), Json::String(b)) => {
            if a == b {
                return Ok(());
            }
            if is_date_time(a) && is_date_time(b) {
                let (x, y) = (parse_datetime(a).unwrap_or(0), parse_datetime(b).unwrap_or(0));
                if x == y {
                    return Ok(());
                }
                return Err(JsonDiff::TimeShift {
                    path: path.to_owned(),
                    cbor: a.clone(),
                    json: b.clone(),
                    seconds: y - x,
                });
            }
            other(format!("{a:?} vs {b:?}"))
        }
        (a, b) if a == b => Ok(()),
        (a, b) => other(format!("{a} vs {b}")),
    }
}

fn decode_flag(case: &Json) -> FlagRun {
    let cbor_bytes = match hex_field(case, "CBOR") {
        Some(Ok(b)) => b,
        Some(Err(e)) => return FlagRun::fail(e),
        None => {
            // Fall back to the payload inside the COSE.
            let cose = case_cose(case).and_then(|c| CoseSign1::from_slice_lenient(&c).map_err(|e| e.to_string()));
            match cose.and_then(|c| {
                let claims = cbor::decode(&c.payload).map_err(|e| e.to_string())?;
                dgc_payload(&claims).map(Value::to_vec).ok_or_else(|| "no -260/1 claim".to_owned())
            }) {
                Ok(b) => b,
                Err(e) => return FlagRun::fail(e),
            }
        }
    };
    let value = match cbor::decode(&cbor_bytes) {
        Ok(v) => v,
        Err(e) => return FlagRun::fail(format!("CBOR does not decode: {e}")),
    };
    if value.as_map().is_none() {
        return FlagRun::fail("CBOR is not a map");
    }
    // Some cases put the whole CWT claims in CBOR: compare its DGC payload.
    let value = match dgc_payload(&value) {
        Some(inner) => inner.clone(),
        None => value,
    };
    let Some(json) = case.get("JSON") else {
        return FlagRun::ok("decoded (no JSON to compare)");
    };
    match compare_json("", &cbor_to_json(&value), json) {
        Ok(()) => FlagRun::ok("CBOR equals JSON"),
        Err(JsonDiff::TimeShift { path, cbor, json, seconds }) => {
            FlagRun::fail(format!("{path}: CBOR {cbor} vs JSON {json}")).explained(format!(
                "JSON times differ from CBOR: at {path} the JSON says {json} but the signed CBOR says {cbor} \
             ({:+} s = {:+.1} h, a time-zone shift in the JSON)",
                seconds,
                seconds as f64 / 3600.0
            ))
        }
        Err(JsonDiff::Other { path, detail }) => {
            let where_ = if path.is_empty() { "/".to_owned() } else { path };
            FlagRun::fail(format!("{where_}: {detail}"))
                .explained(format!("the case's JSON disagrees with its CBOR at {where_}: {detail} (CBOR vs JSON)"))
        }
    }
}

/// Why the signer was not found, if the data shows it: the COSE kid is not the given
/// certificate's kid (first 8 bytes of SHA-256 over its DER), or there is no kid. Says whether
/// the signature verifies with the certificate's key all the same: if not, the case was signed
/// by another DSC than the one it gives.
fn kid_reason(cose: &CoseSign1, cert: &SigningCert) -> Option<String> {
    let verifies =
        cose.alg().ok().is_some_and(|(alg, _)| cert.key.verify(alg, &cose.tbs(&[]), &cose.signature).is_ok());
    let given = hex::encode(&cert.kid);
    match cose.kid().0 {
        Some(kid) if kid != cert.kid.as_slice() && !verifies => Some(format!(
            "signed by another DSC: the COSE kid {} is not the kid {given} of TESTCTX.CERTIFICATE, \
             and the signature does not verify with that certificate's key",
            hex::encode(kid)
        )),
        Some(kid) if kid != cert.kid.as_slice() => Some(format!(
            "kid mismatch: the COSE kid {} is not the kid {given} of TESTCTX.CERTIFICATE (SHA-256 of its DER), \
             although the signature verifies with that certificate's key",
            hex::encode(kid)
        )),
        None if verifies => Some(
            "the COSE header has no kid, so no trust-list entry can be found; the signature verifies with \
             TESTCTX.CERTIFICATE's key"
                .to_owned(),
        ),
        _ => None,
    }
}

/// A NumericDate: an integer, or a finite float (truncated).
pub fn as_time(v: &Value) -> Option<i64> {
    v.as_numeric_date()
}

fn expiration(case: &Json) -> FlagRun {
    let Some(clock) =
        case.get("TESTCTX").and_then(|t| t.get("VALIDATIONCLOCK")).and_then(Json::as_str).and_then(parse_datetime)
    else {
        return FlagRun::fail("no readable TESTCTX.VALIDATIONCLOCK");
    };
    let cose = match case_cose(case).and_then(|c| CoseSign1::from_slice_lenient(&c).map_err(|e| e.to_string())) {
        Ok(c) => c,
        Err(e) => return FlagRun::fail(e),
    };
    let claims = match cbor::decode(&cose.payload) {
        Ok(v) => v,
        Err(e) => return FlagRun::fail(format!("claims: {e}")),
    };
    // Lenient: some issuers write the times as floats.
    let (Some(iat), Some(exp)) = (claims.get_int(6).and_then(as_time), claims.get_int(4).and_then(as_time)) else {
        return FlagRun::fail("no iat or exp claim");
    };
    if clock < iat {
        return FlagRun::fail(format!("validation clock {clock} before iat {iat}"));
    }
    if clock > exp {
        return FlagRun::fail(format!("validation clock {clock} after exp {exp}"));
    }
    // The design also bounds the CWT by the signing certificate's validity.
    if let Ok(cert) = case_cert(case) {
        if iat < cert.not_before {
            return FlagRun::fail(format!("iat {iat} before the certificate's not-before {}", cert.not_before))
                .explained("the CWT was issued before its signing certificate became valid".into());
        }
        if exp > cert.not_after {
            return FlagRun::fail(format!("exp {exp} after the certificate's not-after {}", cert.not_after))
                .explained("the CWT expires after its signing certificate (exp > certificate not-after)".into());
        }
    }
    FlagRun::ok("iat <= clock <= exp")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_paths() {
        assert!(is_case_path(Path::new("ES/2DCode/raw/1.json")));
        assert!(is_case_path(Path::new("IT/2DCode/Raw/1.json")));
        assert!(is_case_path(Path::new("NL/2DCode/raw/1.3.0/x.JSON")));
        assert!(is_case_path(Path::new("XX/1.0.0/2dcode/raw/x.json")));
        assert!(!is_case_path(Path::new("ES/2DCode/png/1.json")));
        assert!(!is_case_path(Path::new("README.json")));
        assert!(!is_case_path(Path::new("ES/2DCode/raw/1.png")));
    }

    #[test]
    fn time_shift_is_recognised() {
        let a = serde_json::json!({"t": [{"sc": "2021-05-20T10:00:00Z", "n": 1}]});
        let b = serde_json::json!({"t": [{"sc": "2021-05-20T12:00:00Z", "n": 1.0}]});
        assert!(matches!(compare_json("", &a, &b), Err(JsonDiff::TimeShift { seconds: 7200, .. })));
        let c = serde_json::json!({"t": [{"sc": "2021-05-20T12:00:00+02:00", "n": 1}]});
        assert_eq!(compare_json("", &a, &c), Ok(()));
        let d = serde_json::json!({"t": [{"sc": "2021-05-20T10:00:00Z", "n": 2}]});
        assert!(matches!(compare_json("", &a, &d), Err(JsonDiff::Other { .. })));
    }

    #[test]
    fn garbage_case_files_yield_nothing() {
        assert!(run_case("x", "not json").is_empty());
        assert!(run_case("x", "[1,2]").is_empty());
        let r = run_case("x", r#"{"EXPECTEDRESULTS": {"EXPECTEDVERIFY": true, "EXPECTEDSCHEMAVALIDATION": true}}"#);
        assert_eq!(r.len(), 1);
        assert!(!r[0].got);
        assert_eq!(r[0].explained, Some(false));
    }
}
