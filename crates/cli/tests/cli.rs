//! The `certguard` binary as a user runs it.

mod common;

use common::wait_for;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn certguard(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_certguard"))
        .args(args)
        .env_remove("CERTGUARD_CONFIG")
        .env("CERTGUARD_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    if let Some(input) = stdin {
        pipe.write_all(input.as_bytes()).unwrap();
    }
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

#[test]
fn demo_import_export_and_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let out = certguard(&["demo", "--data-dir", data, "--count", "200", "--no-serve"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("suzhou") && stdout.contains("demo-issuer-2021") && stdout.contains("try the lookup"));
    // The certificates offered to try: the valid one first, and other statuses after it.
    // Lines "    valid           T... / 姓名  (有效)": (zh, code, number).
    let samples: Vec<(String, String, String)> = stdout
        .lines()
        .filter_map(|l| {
            let (code, rest) = l.trim().split_once(" T")?;
            let zh = rest.rsplit_once('(')?.1.trim_end_matches(')').to_string();
            Some((zh, code.trim().to_string(), format!("T{}", rest.split(" / ").next()?)))
        })
        .collect();
    assert_eq!(samples.first().map(|s| s.1.as_str()), Some("valid"), "{stdout}");
    assert!(samples.iter().any(|s| s.1 == "revoked" || s.1 == "expired" || s.1 == "review_overdue"), "{stdout}");

    let csv = dir.path().join("roster.csv");
    std::fs::write(
        &csv,
        "姓名,身份证号,作业类别,操作项目,有效期开始日期,签发机关\n\
         王五,11010519491231002X,电工作业,低压电工作业,2023-01-01,CN-320500\n\
         坏行,110105194912310021,电工作业,低压电工作业,2023-01-01,CN-320500\n",
    )
    .unwrap();
    let out = certguard(&["import", csv.to_str().unwrap(), "--data-dir", data], None);
    assert_eq!(out.status.code(), Some(2), "rejected rows give exit code 2: {}", text(&out.stderr));
    assert!(text(&out.stdout).contains("added 1"));
    let report = std::fs::read_to_string(dir.path().join("roster.csv.errors.csv")).unwrap();
    assert!(report.contains("3,身份证号") && report.contains("check character"), "{report}");
    // Idempotent.
    let out = certguard(&["import", csv.to_str().unwrap(), "--data-dir", data], None);
    assert!(text(&out.stdout).contains("added 0  already stored 1"), "{}", text(&out.stdout));

    // Imported rows are signed as they are stored: nothing is left for `credentials sign`; `--all` re-signs
    // (after a key rotation) every certificate of the authority: 1 imported + the demo's CN-320500 ones.
    let out = certguard(&["credentials", "sign", "--data-dir", data], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "0 credentials signed");
    let out = certguard(&["credentials", "sign", "--authority", "CN-320500", "--all", "--data-dir", data], None);
    let n: u64 = text(&out.stdout).split_whitespace().next().unwrap().parse().unwrap();
    assert!(n >= 1, "{}", text(&out.stdout));
    // The demo's trust list and a status list make offline verification possible with the CLI.
    assert!(dir.path().join("data/trust-list.cwt").exists() && dir.path().join("data/keys/CN-320500.pem").exists());

    let export = dir.path().join("out.csv");
    let out = certguard(&["export", export.to_str().unwrap(), "--data-dir", data], None);
    assert!(out.status.success());
    let exported = std::fs::read_to_string(&export).unwrap();
    assert_eq!(exported.lines().count(), 202, "header + 200 demo + 1 imported");
    assert!(exported.contains("110105********002X") && !exported.contains("11010519491231002X"));
    // Each sample's status is what the demo printed (the full export shows numbers).
    let out = certguard(&["export", export.to_str().unwrap(), "--full-id", "--data-dir", data], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let exported = std::fs::read_to_string(&export).unwrap();
    for (zh, code, number) in &samples {
        let row = exported.lines().find(|l| l.contains(number.as_str())).unwrap_or_else(|| panic!("{number}"));
        assert!(row.ends_with(&format!(",{zh}")), "{number} should be {code}: {row}");
    }

    let out = certguard(
        &["user", "add", "clerk2", "--role", "issuer", "--authority", "CN-320582", "--data-dir", data],
        Some("a-long-password-1\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = certguard(
        &["user", "add", "clerk3", "--role", "issuer", "--authority", "CN-999999", "--data-dir", data],
        Some("a-long-password-1\n"),
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("unknown authority"));
    let out = certguard(&["user", "list", "--data-dir", data], None);
    assert!(text(&out.stdout).contains("clerk2"));
    let out = certguard(&["token", "add", "clerk2", "--data-dir", data], None);
    assert!(text(&out.stdout).starts_with("cgt_"));
}

#[test]
fn config_default_and_bad_config() {
    let out = certguard(&["config", "default"], None);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("lookup_per_minute = 30"));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("c.toml");
    std::fs::write(&bad, "listn = 1\n").unwrap();
    let out = certguard(&["--config", bad.to_str().unwrap(), "config", "show"], None);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("listn"), "{}", text(&out.stderr));
}

#[test]
fn sentinel_commands_stream_json_lines() {
    let out = certguard(&["scan", "domains"], Some("cx.mem.gov.cn.zscx.top\nyjglj.beijing.gov.cn\n\n"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines[0]["flagged"], true);
    assert_eq!(lines[1]["flagged"], false);
    let out = certguard(&["scan", "ads"], Some("电 工 证 免考包过，加薇 zs8888\n警方提醒：谨防“免考包过”诈骗\n"));
    let lines: Vec<serde_json::Value> = text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!((lines[0]["flagged"].as_bool(), lines[1]["flagged"].as_bool()), (Some(true), Some(false)));
    let out = certguard(&["lookalike", "--mode", "china", "cx.mem.gov.cn"], None);
    assert!(text(&out.stdout).lines().any(|l| l == "cx-mem-gov-cn.com"));
}

#[test]
fn scan_page_exits_non_zero_when_the_page_cannot_be_fetched() {
    // refused (loopback without --allow-private): the JSON error document on stdout, a non-zero exit
    let out = certguard(&["scan", "page", "http://127.0.0.1:9/"], None);
    assert!(!out.status.success(), "exit {:?}", out.status);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["url"], "http://127.0.0.1:9/");
    assert!(v["error"].as_str().unwrap().contains("private"), "{v}");
    // allowed but nothing listens there
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let url = format!("http://{closed}/");
    let out = certguard(&["scan", "page", "--allow-private", "--timeout", "2", &url], None);
    assert!(!out.status.success(), "exit {:?}", out.status);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["error"].is_string(), "{v}");
    assert!(!text(&out.stderr).is_empty());
    // bad URL
    let out = certguard(&["scan", "page", "not a url"], None);
    assert!(!out.status.success());
}

#[test]
fn commands_without_a_store_read_no_configuration() {
    // lookalike, scan and config default run before (and without) the configuration, logging and the runtime:
    // a configuration that the store commands refuse does not stop them
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_certguard"))
            .args(args)
            .env("CERTGUARD_CONFIG", "/nonexistent/certguard.toml")
            .env("CERTGUARD_DATABASE_URL", "mysql://not-postgres")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let out = run(&["lookalike", "--mode", "dnstwist", "mem.gov.cn"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).lines().count(), 560);
    assert!(run(&["scan", "ads"]).status.success());
    assert!(run(&["config", "default"]).status.success());
    // the commands that need it still read and check it
    let out = run(&["config", "show"]);
    assert!(!out.status.success());
    let out = run(&["user", "list"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("certguard.toml"), "{}", text(&out.stderr));
}

#[test]
fn log_prove_verify_and_audit_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let out = certguard(&["demo", "--data-dir", data, "--count", "60", "--no-serve"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (number, name) = text(&out.stdout)
        .lines()
        .find_map(|l| {
            let (code, rest) = l.trim().split_once(" T")?;
            (code.trim() == "valid").then(|| {
                let (n, rest) = rest.split_once(" / ").unwrap();
                (format!("T{n}"), rest.split("  ").next().unwrap().trim().to_string())
            })
        })
        .expect("a valid sample");

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let listen = format!("127.0.0.1:{port}");
    let mut server = Command::new(env!("CARGO_BIN_EXE_certguard"))
        .args(["serve", "--data-dir", data, "--listen", &listen])
        .env_remove("CERTGUARD_CONFIG")
        .env("CERTGUARD_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://{listen}");
    wait_for(&format!("{base}/healthz"));
    let found = ureq::post(&format!("{base}/api/v1/lookup"))
        .header("content-type", "application/json")
        .send(serde_json::json!({"number": number, "name": name}).to_string())
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let found: serde_json::Value = serde_json::from_str(&found).unwrap();
    let serial = found["certificates"][0]["serial"].as_str().unwrap_or_else(|| panic!("{found}")).to_string();
    let vkey = ureq::get(&format!("{base}/log/vkey")).call().unwrap().body_mut().read_to_string().unwrap();
    assert!(vkey.starts_with("localhost/certificates/v1+"), "{vkey}");

    // The auditor verifies the whole log, keeps the checkpoint, and on the next run checks consistency.
    let state = dir.path().join("audit.json");
    let audit = |extra: &[&str]| {
        let mut args = vec!["log", "audit", "", "--state", state.to_str().unwrap()];
        let url = format!("{base}/log");
        args[2] = &url;
        args.extend_from_slice(extra);
        certguard(&args, None)
    };
    let out = audit(&[]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["size"].as_u64().unwrap() >= 60 && report["anomalies"].as_array().unwrap().is_empty());
    assert!(report["kinds"].to_string().contains("issued"), "{report}");
    let out = audit(&["--vkey", vkey.trim()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let again: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(again["checked_from"], report["size"], "the second run starts where the first ended");
    // A pinned key that is not the log's is refused.
    let other = "other.example/log+9e3ab2d6+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
    assert_ne!(audit(&["--vkey", other]).status.code(), Some(0));
    // Raw mode audits any tiled log without decoding entries.
    let out = certguard(&["log", "audit", &format!("{base}/log"), "--vkey", vkey.trim(), "--raw"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // The trust list the server serves names exactly the keys the log announced.
    let list = dir.path().join("trust-list.cwt");
    std::fs::write(&list, ureq::get(&format!("{base}/trust-list")).call().unwrap().body_mut().read_to_vec().unwrap())
        .unwrap();
    let anchor = Path::new(data).join("trust-anchor.pub.pem");
    let (list, anchor) = (list.to_str().unwrap(), anchor.to_str().unwrap());
    let log_url = format!("{base}/log");
    let with_list = ["log", "audit", &log_url, "--vkey", vkey.trim(), "--trust-list", list, "--anchor", anchor];
    let out = certguard(&with_list, None);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["keys_in_force"].as_u64().unwrap() >= 1, "{report}");
    // A trust list checked against another anchor is not taken.
    let stranger = dir.path().join("stranger.pem");
    let out = certguard(&["keygen", "--alg", "EdDSA", "--out", stranger.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stranger_pub = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_str().unwrap().contains("stranger") && p.to_str().unwrap().contains("pub"))
        .expect("keygen writes the public key");
    let mut wrong = with_list;
    let stranger_pub = stranger_pub.to_str().unwrap().to_string();
    wrong[8] = &stranger_pub;
    assert_ne!(certguard(&wrong, None).status.code(), Some(0));

    // The holder's proof, from the HTTP route and from the CLI, verifies offline against the key alone.
    let proof = dir.path().join("cert.tlog-proof");
    let served = ureq::get(&format!("{base}/log/proof/{serial}")).call().unwrap().body_mut().read_to_string().unwrap();
    let qr = dir.path().join("cert.png");
    std::fs::write(
        &qr,
        ureq::get(&format!("{base}/e/{serial}/qr.png")).call().unwrap().body_mut().read_to_vec().unwrap(),
    )
    .unwrap();
    // Online: no proof file at hand, the proof is fetched for the credential's serial and checked against the
    // log's key (the server is not trusted).
    let (trust, anchor) = (format!("{data}/trust-list.cwt"), format!("{data}/trust-anchor.pub.pem"));
    let verify = |extra: &[&str]| {
        let mut args = vec![
            "verify",
            qr.to_str().unwrap(),
            "--trust-list",
            &trust,
            "--anchor-key",
            &anchor,
            "--log-vkey",
            vkey.trim(),
        ];
        args.extend_from_slice(extra);
        certguard(&args, None)
    };
    let online = |url: &str| verify(&["--log-url", url, "--require-log"]);
    let out = online(&format!("{base}/log"));
    assert!(text(&out.stdout).contains("fetched from"), "{}{}", text(&out.stdout), text(&out.stderr));
    assert_ne!(out.status.code(), Some(1), "{}", text(&out.stdout));
    // A log that answers with nothing (or another log's proof) proves nothing.
    let out = online(&format!("{base}/nowhere"));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    server.kill().unwrap();
    server.wait().unwrap();
    let out = certguard(&["log", "prove", &serial, "--out", proof.to_str().unwrap(), "--data-dir", data], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&proof).unwrap(), served);
    let out = certguard(&["log", "verify-proof", proof.to_str().unwrap(), "--vkey", vkey.trim()], None);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).contains(&serial));
    // `certguard verify` of the QR photo, offline: signature and trust list, and that the log recorded it.
    let out = verify(&["--log-proof", proof.to_str().unwrap(), "--require-log"]);
    assert!(text(&out.stdout).contains("log: recorded as entry"), "{}{}", text(&out.stdout), text(&out.stderr));
    assert_ne!(out.status.code(), Some(1), "{}", text(&out.stdout));
    // Without a proof, --require-log refuses it (a stolen key's credential has none).
    let out = verify(&["--require-log"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("NO verified proof"));
    // Tampered: another index.
    let tampered = served.replacen("index ", "index 1", 1);
    std::fs::write(&proof, tampered).unwrap();
    let out = certguard(&["log", "verify-proof", proof.to_str().unwrap(), "--vkey", vkey.trim()], None);
    assert_ne!(out.status.code(), Some(0), "{}", text(&out.stdout));
}
