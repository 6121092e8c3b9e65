//! dgc-testdata through the HCERT profile: every in-scope flag compared.

mod common;

use certguard_credential::conformance::{dgc_conformance, summarize};

#[test]
fn dgc_testdata_conformance() {
    let dir = common::testdata().join("dgc-testdata");
    let results = dgc_conformance(&dir).expect("walk dgc-testdata");
    let s = summarize(&results);
    for r in results.iter().filter(|r| !r.agrees()) {
        println!("{}", serde_json::to_string(r).unwrap());
    }
    println!("{s}");
    let unexplained: Vec<_> = results.iter().filter(|r| !r.agrees() && r.explained != Some(true)).collect();
    assert!(unexplained.is_empty(), "unexplained differences: {unexplained:#?}");
    // 174 cases at the pinned commit; every in-scope flag present is checked.
    assert_eq!(s.to_string(), "925 checks, 899 agree, 26 differ");

    // The known defects of the data (PROVENANCE.md), found by the computed reasons.
    let reason = |file: &str, flag: &str| {
        results.iter().find(|r| r.file == file && r.flag == flag).and_then(|r| r.reason.clone()).unwrap_or_default()
    };
    for n in [401, 402, 403] {
        let r = reason(&format!("ES/2DCode/raw/{n}.json"), "VERIFY");
        assert!(r.starts_with("curve mismatch") && r.contains("P-384"), "{n}: {r}");
    }
    let r = reason("FR/2DCode/raw/test_pcr_ok.json", "DECODE");
    assert!(r.starts_with("JSON times differ from CBOR") && r.contains("-2.0 h"), "{r}");
    // Every other difference is a case without a picture to decode.
    for d in results.iter().filter(|r| !r.agrees()) {
        let ok = d.flag == "PICTUREDECODE"
            || (d.flag == "VERIFY" && d.file.starts_with("ES/"))
            || (d.flag == "DECODE" && d.file.ends_with("test_pcr_ok.json"));
        assert!(ok, "unexpected difference {d:?}");
    }
    // Negative expectations agree: e.g. KEYUSAGE false cases and the broken-compression ones.
    for (file, flag) in [
        ("common/2DCode/raw/CO10.json", "KEYUSAGE"),
        ("common/2DCode/raw/Z2.json", "COMPRESSION"),
        ("common/2DCode/raw/CO22.json", "VERIFY"),
        ("common/2DCode/raw/CO16.json", "EXPIRATIONCHECK"),
        ("common/2DCode/raw/Q1.json", "PICTUREDECODE"),
    ] {
        let r = results.iter().find(|r| r.file == file && r.flag == flag).unwrap();
        assert!(!r.expected && !r.got, "{r:?}");
    }
}

#[test]
fn harness_walks_nested_and_differently_cased_layouts() {
    let src = common::testdata().join("dgc-testdata/common/2DCode/raw/CO1.json");
    let tmp = tempfile::tempdir().unwrap();
    let nested = tmp.path().join("XX/2dcode/Raw/1.3.0");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::copy(&src, nested.join("case.json")).unwrap();
    std::fs::write(tmp.path().join("XX/2dcode/notes.json"), "{}").unwrap();
    let r = dgc_conformance(tmp.path()).unwrap();
    assert!(!r.is_empty());
    assert!(r.iter().all(|c| c.file == "XX/2dcode/Raw/1.3.0/case.json" && c.agrees()), "{r:?}");
}

/// Every case file of the data, parsed, with its path relative to dgc-testdata.
fn cases() -> Vec<(String, serde_json::Value)> {
    let dir = common::testdata().join("dgc-testdata");
    certguard_credential::conformance::case_files(&dir)
        .unwrap()
        .into_iter()
        .filter_map(|p| {
            let rel = p.strip_prefix(&dir).unwrap().to_string_lossy().into_owned();
            serde_json::from_str(&std::fs::read_to_string(&p).ok()?).ok().map(|c| (rel, c))
        })
        .collect()
}

fn cert_of(case: &serde_json::Value) -> Option<certguard_credential::hcert::SigningCert> {
    use base64::Engine;
    let b64 = case["TESTCTX"]["CERTIFICATE"].as_str()?;
    let der = base64::engine::general_purpose::STANDARD.decode(b64.trim()).ok()?;
    certguard_credential::hcert::SigningCert::from_der(&der).ok()
}

fn result_of(case: &serde_json::Value, flag: &str) -> certguard_credential::conformance::CaseResult {
    let r = certguard_credential::conformance::run_case("synthetic.json", &case.to_string());
    r.into_iter().find(|r| r.flag == flag).unwrap_or_else(|| panic!("no {flag} result"))
}

fn agrees_on(file: &str, flag: &str, results: &[certguard_credential::conformance::CaseResult]) -> bool {
    results.iter().any(|r| r.file == file && r.flag == flag && r.agrees() && r.expected)
}

/// Kinds of disagreement found in other countries' folders, made from this data by changing
/// one thing: each must get its computed reason (never a file name), and a real disagreement
/// must stay unexplained.
#[test]
fn disagreements_of_each_kind_get_a_computed_reason() {
    let dir = common::testdata().join("dgc-testdata");
    let all = dgc_conformance(&dir).unwrap();
    let cases = cases();
    let verified: Vec<&(String, serde_json::Value)> =
        cases.iter().filter(|(f, _)| agrees_on(f, "VERIFY", &all)).collect();

    // 1. Signed by another DSC than the one the case gives.
    let (_, a) = verified[0];
    let (cert_a, _) = (cert_of(a).unwrap(), ());
    let other = verified.iter().map(|(_, c)| c).find(|c| cert_of(c).is_some_and(|k| k.kid != cert_a.kid)).unwrap();
    let mut case = a.clone();
    case["TESTCTX"]["CERTIFICATE"] = other["TESTCTX"]["CERTIFICATE"].clone();
    case["EXPECTEDRESULTS"] = serde_json::json!({"EXPECTEDVERIFY": true});
    let r = result_of(&case, "VERIFY");
    assert!(!r.got && r.explained == Some(true), "{r:?}");
    assert!(r.reason.as_deref().unwrap().starts_with("signed by another DSC"), "{r:?}");

    // 2. A certificate without extended key usage where the case expects the key usage refused.
    let (_, no_eku) = verified
        .iter()
        .find(|(f, c)| cert_of(c).is_some_and(|k| k.eku.is_empty()) && agrees_on(f, "KEYUSAGE", &all))
        .expect("a case whose certificate has no EKU");
    let mut case = no_eku.clone();
    case["EXPECTEDRESULTS"] = serde_json::json!({"EXPECTEDKEYUSAGE": false});
    let r = result_of(&case, "KEYUSAGE");
    assert!(r.got && r.explained == Some(true), "{r:?}");
    assert!(r.reason.as_deref().unwrap().contains("no extended key usage"), "{r:?}");

    // 3. A case whose JSON disagrees with its CBOR.
    let (_, with_json) = cases
        .iter()
        .find(|(f, c)| c["JSON"]["nam"]["fn"].is_string() && agrees_on(f, "DECODE", &all))
        .expect("a case with JSON that decodes");
    let mut case = with_json.clone();
    case["JSON"]["nam"]["fn"] = serde_json::json!("Someone Else");
    case["EXPECTEDRESULTS"] = serde_json::json!({"EXPECTEDDECODE": true});
    let r = result_of(&case, "DECODE");
    assert!(!r.got && r.explained == Some(true), "{r:?}");
    let reason = r.reason.unwrap();
    assert!(reason.starts_with("the case's JSON disagrees with its CBOR at /nam/fn"), "{reason}");

    // 4. A real disagreement stays unexplained: the given certificate's kid, a broken signature.
    let mut case = a.clone();
    let cose_hex = case["COSE"].as_str().unwrap().trim().to_owned();
    let mut cose = hex::decode(&cose_hex).unwrap();
    let last = cose.len() - 1;
    cose[last] ^= 1;
    for k in ["2DCODE", "PREFIX", "BASE45", "COMPRESSED"] {
        case.as_object_mut().unwrap().remove(k);
    }
    case["COSE"] = serde_json::json!(hex::encode(cose));
    case["EXPECTEDRESULTS"] = serde_json::json!({"EXPECTEDVERIFY": true});
    let r = result_of(&case, "VERIFY");
    assert!(!r.got && r.explained == Some(false), "{r:?}");
    assert!(r.reason.as_deref().unwrap().starts_with("unexplained"), "{r:?}");
}
