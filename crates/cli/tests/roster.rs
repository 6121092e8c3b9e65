//! `certguard roster verify` and `certguard roster receipt` as an employer runs them, on the demo registry:
//! each worker's answer agrees with the registry's own export, the receipt verifies offline and only with the
//! results it covers, the ledger is an XLSX, folders of photos and pasted texts work, bad rosters are refused.

use std::collections::HashMap;
use std::process::{Command, Output};

fn certguard(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_certguard"))
        .args(args)
        .env_remove("CERTGUARD_CONFIG")
        .env("CERTGUARD_LOG", "warn")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

/// The roster answer the registry's printed status implies.
fn expected(status_zh: &str) -> &'static str {
    match status_zh {
        "有效" => "valid",
        "有效(待复审)" => "review_due",
        "逾期未复审" => "review_overdue",
        "已过期" => "expired",
        "暂扣" => "suspended",
        "已撤销" | "已注销" => "revoked",
        "未生效" => "not_found",
        other => panic!("unknown status {other}"),
    }
}

#[test]
fn an_employer_checks_a_roster_against_the_registry_and_keeps_a_receipt() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let out = certguard(&["demo", "--data-dir", data, "--count", "300", "--no-serve"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = certguard(&["export", &path("all.csv"), "--full-id", "--data-dir", data]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // The oracle: the export's status column, for workers with one certificate per (number, item).
    let export = std::fs::read_to_string(path("all.csv")).unwrap();
    let mut rows = export.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (name, number, item, status) = (col("姓名"), col("证号"), col("操作项目"), col("状态"));
    let records: Vec<Vec<&str>> = rows.map(|l| l.split(',').collect()).collect();
    let mut per_item: HashMap<(&str, &str), usize> = HashMap::new();
    for r in &records {
        *per_item.entry((r[number], r[item])).or_default() += 1;
    }
    let mut roster = String::from("证号,姓名,操作项目\n");
    let mut want = Vec::new();
    for r in records.iter().filter(|r| per_item[&(r[number], r[item])] == 1 && !r[item].is_empty()) {
        roster.push_str(&format!("{},{},{}\n", r[number], r[name], r[item]));
        want.push(expected(r[status]).to_string());
    }
    assert!(want.len() > 200, "{}", want.len());
    for s in ["valid", "expired", "review_overdue", "revoked"] {
        assert!(want.iter().any(|w| w == s), "the demo has {s} certificates");
    }
    // Plus what an employer gets wrong: another person's number, a post the certificate does not cover, a
    // number that was never issued, and the same worker twice.
    let first = &records[0];
    roster.push_str(&format!("{},冒名顶替,\n", first[number]));
    let other_item =
        if first[item] == "高压电工作业" { "熔化焊接与热切割作业" } else { "高压电工作业" };
    roster.push_str(&format!("{},{},{other_item}\n", first[number], first[name]));
    roster.push_str("T110105194912310021,王芳,\n");
    roster.push_str(&format!("{},{},\n", first[number], first[name]));
    want.extend(["person_mismatch", "item_mismatch", "fake"].map(String::from));
    std::fs::write(path("roster.csv"), &roster).unwrap();

    let out = certguard(&[
        "roster",
        "verify",
        &path("roster.csv"),
        "--data-dir",
        data,
        "--out",
        &path("results.jsonl"),
        "--receipt",
        &path("receipt.txt"),
        "--employer",
        "91350100M000100Y43",
        "--by",
        "安全科",
    ]);
    assert_eq!(out.status.code(), Some(2), "some workers may not work: {}", text(&out.stderr));
    let results: Vec<serde_json::Value> = std::fs::read_to_string(path("results.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), want.len() + 1);
    for (k, (r, w)) in results.iter().zip(&want).enumerate() {
        assert_eq!(r["row"], k as u64 + 2, "input order");
        assert_eq!(r["result"], w.as_str(), "{r}");
        assert!(!r["number"].as_str().unwrap().is_empty() && r["number"].as_str().unwrap().contains('*'), "{r}");
    }
    let last = results.last().unwrap();
    assert_eq!((last["result"].clone(), last["duplicate_of"].clone()), (results[0]["result"].clone(), 2.into()));
    assert!(
        !std::fs::read_to_string(path("results.jsonl")).unwrap().contains(first[number]),
        "full numbers never leave"
    );

    // The receipt verifies offline with the key, and only with these results.
    let key = format!("{data}/keys/receipt.vkey");
    let out =
        certguard(&["roster", "receipt", &path("receipt.txt"), "--key", &key, "--results", &path("results.jsonl")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["rows"], results.len());
    assert_eq!((r["employer"].as_str(), r["by"].as_str()), (Some("91350100M000100Y43"), Some("cli:安全科")));
    let edited = std::fs::read_to_string(path("results.jsonl")).unwrap().replacen("\"fake\"", "\"valid\"", 1);
    std::fs::write(path("edited.jsonl"), edited).unwrap();
    let out =
        certguard(&["roster", "receipt", &path("receipt.txt"), "--key", &key, "--results", &path("edited.jsonl")]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let receipt = std::fs::read_to_string(path("receipt.txt")).unwrap();
    std::fs::write(path("forged.txt"), receipt.replace("\nfake 1\n", "\nfake 0\n").replace("\nvalid ", "\nvalid 1"))
        .unwrap();
    let out = certguard(&["roster", "receipt", &path("forged.txt"), "--key", &key]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("INVALID"));

    // The ledger as XLSX, with the JSON lines the receipt covers beside it; a roster where everyone may work
    // exits 0.
    let valid_rows: String =
        roster.lines().skip(1).zip(&want).filter(|(_, w)| *w == "valid").map(|(l, _)| format!("{l}\n")).collect();
    std::fs::write(path("ok.csv"), format!("证号,姓名,操作项目\n{valid_rows}")).unwrap();
    let out = certguard(&[
        "roster",
        "verify",
        &path("ok.csv"),
        "--data-dir",
        data,
        "--format",
        "xlsx",
        "--out",
        &path("ledger.xlsx"),
        "--receipt",
        &path("ok.txt"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(std::fs::read(path("ledger.xlsx")).unwrap().starts_with(b"PK"));
    let out = certguard(&["roster", "receipt", &path("ok.txt"), "--key", &key, "--results", &path("ledger.jsonl")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn photos_pasted_texts_and_bad_rosters() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let out = certguard(&["demo", "--data-dir", data, "--count", "20", "--no-serve"]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // A folder of "photos": none holds a QR code (a text file, an empty image, a truncated PNG). Each is
    // answered with the reason, none stops the run.
    let photos = dir.path().join("photos");
    std::fs::create_dir(&photos).unwrap();
    std::fs::write(photos.join("a-notes.txt"), "not a photo").unwrap();
    std::fs::write(photos.join("b-empty.jpg"), b"").unwrap();
    std::fs::write(photos.join("c-cut.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let out = certguard(&["roster", "verify", photos.to_str().unwrap(), "--data-dir", data]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    for (l, file) in lines.iter().zip(["a-notes.txt", "b-empty.jpg", "c-cut.png"]) {
        assert_eq!((l["result"].as_str(), l["source"].as_str()), (Some("not_found"), Some(file)), "{l}");
        assert!(l["reason"].as_str().unwrap().contains("二维码"), "{l}");
    }

    // Pasted QR texts: a damaged one and a web address are not certificates.
    std::fs::write(path("pasted.txt"), "AQ1:6BFOXN*TS0BI$ZD\n\nhttps://example.com/query?id=1\n").unwrap();
    let out = certguard(&["roster", "verify", &path("pasted.txt"), "--data-dir", data]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.iter().map(|l| l["row"].as_u64().unwrap()).collect::<Vec<_>>(), [1, 3]);
    assert!(lines.iter().all(|l| l["result"] == "not_found" || l["result"] == "fake"), "{lines:?}");

    // A roster without the name column, a bad credit code, an image: refused, no receipt.
    std::fs::write(path("noname.csv"), "证号,电话\nT11010519491231002X,1\n").unwrap();
    let out = certguard(&["roster", "verify", &path("noname.csv"), "--data-dir", data, "--receipt", &path("r.txt")]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("姓名"), "{}", text(&out.stderr));
    assert!(!dir.path().join("r.txt").exists());
    let out = certguard(&["roster", "verify", &path("noname.csv"), "--data-dir", data, "--employer", "9135010"]);
    assert!(!out.status.success() && text(&out.stderr).contains("--employer"), "{}", text(&out.stderr));
    std::fs::write(path("img.csv"), b"\x89PNG\r\n\x1a\n\0\0\0\0").unwrap();
    let out = certguard(&["roster", "verify", &path("img.csv"), "--data-dir", data]);
    assert!(!out.status.success() && text(&out.stderr).contains("image"), "{}", text(&out.stderr));
}
