//! Two real `certguard serve` processes on one PostgreSQL database: exactly one sequences the transparency
//! log; kill it (-9) and the other takes over within seconds, and the log stays one consistent tree.

mod common;

use common::{free_port, run as certguard, spawn};
use std::time::{Duration, Instant};

fn serve(data: &str, db: &str, listen: &str) -> common::Server {
    spawn(&["serve", "--data-dir", data, "--database-url", db, "--listen", listen])
}

fn health(base: &str) -> Option<serde_json::Value> {
    let text = ureq::get(&format!("{base}/healthz")).call().ok()?.body_mut().read_to_string().ok()?;
    serde_json::from_str(&text).ok()
}

fn sequencer(base: &str) -> bool {
    health(base).is_some_and(|h| h["log_sequencer"] == true)
}

fn issue(base: &str, token: &str, id: &str) -> (u16, serde_json::Value) {
    let body = serde_json::json!({
        "name": "钱七", "id_number": id, "category": "2", "item": "2.1",
        "valid_from": "2023-03-01", "authority": "CN-320500"
    });
    let mut res = ureq::post(&format!("{base}/api/v1/certificates"))
        .header("authorization", &format!("Bearer {token}"))
        .header("content-type", "application/json")
        .config()
        .http_status_as_error(false)
        .build()
        .send(body.to_string())
        .unwrap();
    let status = res.status().as_u16();
    (status, serde_json::from_str(&res.body_mut().read_to_string().unwrap()).unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_sequencer_at_a_time_and_another_takes_over_when_it_dies() {
    let Some(admin) = certguard_store_tests::pg_url() else {
        eprintln!("CERTGUARD_TEST_PG_URL not set: the scale-out test needs PostgreSQL (CI sets it)");
        return;
    };
    let (store, db) = certguard_store_tests::postgres(&admin).await;
    drop(store);
    let certguard_store_tests::TestDb::Postgres { name, .. } = &db else { unreachable!() };
    let url = certguard_store_tests::with_database(&admin, name);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap().to_string();
    // Both servers share the data directory: the authorities' keys and the log's key.
    let out = certguard(&["demo", "--data-dir", &data, "--database-url", &url, "--count", "20", "--no-serve"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let token =
        String::from_utf8(certguard(&["token", "add", "suzhou", "--data-dir", &data, "--database-url", &url]).stdout)
            .unwrap()
            .trim()
            .to_string();

    let (a, b) = (format!("127.0.0.1:{}", free_port()), format!("127.0.0.1:{}", free_port()));
    let mut servers = [serve(&data, &url, &a), serve(&data, &url, &b)];
    let bases = [format!("http://{a}"), format!("http://{b}")];
    let deadline = Instant::now() + Duration::from_secs(30);
    while !bases.iter().all(|b| health(b).is_some()) {
        assert!(Instant::now() < deadline, "servers did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    // Exactly one holds the role.
    std::thread::sleep(Duration::from_millis(600));
    let leading: Vec<bool> = bases.iter().map(|b| sequencer(b)).collect();
    assert_eq!(leading.iter().filter(|l| **l).count(), 1, "{leading:?}");
    let leader = leading.iter().position(|l| *l).unwrap();
    let other = 1 - leader;

    // A change made through the other server is acknowledged once the leader logged it.
    let (status, v) = issue(&bases[other], &token, "320501198503030012");
    assert_eq!(status, 201, "{v}");
    let before =
        ureq::get(&format!("{}/log/checkpoint", bases[other])).call().unwrap().body_mut().read_to_string().unwrap();
    let lines: Vec<&str> = before.lines().collect();
    let before_size: u64 = lines[1].parse().unwrap();
    let before_state = serde_json::json!({"checkpoint": {
        "origin": lines[0], "size": before_size, "root": lines[2], "checkpoint": before}});

    // kill -9 the leader: its connection, and with it the advisory lock, goes; the other takes over.
    servers[leader].0.kill().unwrap();
    servers[leader].0.wait().unwrap();
    let killed = Instant::now();
    while !sequencer(&bases[other]) {
        assert!(killed.elapsed() < Duration::from_secs(10), "no takeover within 10 s");
        std::thread::sleep(Duration::from_millis(100));
    }
    let took = killed.elapsed();
    eprintln!("takeover after {took:?}");
    let (status, v) = issue(&bases[other], &token, "32050119850404001X");
    assert_eq!(status, 201, "{v}");
    let serial = v["serial"].as_str().unwrap();
    assert_eq!(ureq::get(&format!("{}/log/proof/{serial}", bases[other])).call().unwrap().status(), 200);

    // One tree throughout: the auditor checks the checkpoint seen before the kill against the one after.
    let vkey = ureq::get(&format!("{}/log/vkey", bases[other])).call().unwrap().body_mut().read_to_string().unwrap();
    let state = dir.path().join("state.json");
    std::fs::write(&state, before_state.to_string()).unwrap();
    let out = certguard(&[
        "log",
        "audit",
        &format!("{}/log", bases[other]),
        "--vkey",
        vkey.trim(),
        "--state",
        state.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["size"].as_u64().unwrap() > before_size);
    assert_eq!(report["checked_from"].as_u64(), Some(before_size), "audited from the pre-kill checkpoint on");
    db.cleanup().await;
}
