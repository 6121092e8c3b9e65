//! kill -9 of the server during a stream of registry changes, three times over: after each restart no
//! acknowledged change is missing from the log, no event is logged twice, and every checkpoint any client saw
//! is consistent with the final tree (the auditor checks each one).

mod common;

use common::{id_number, run as certguard, spawn, wait_for};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn serve(data: &str, listen: &str) -> common::Server {
    spawn(&["serve", "--data-dir", data, "--listen", listen])
}

#[test]
fn kill_9_during_changes_loses_no_acknowledged_event_and_never_forks_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    assert!(certguard(&["demo", "--data-dir", data, "--count", "20", "--no-serve"]).status.success());
    let token = String::from_utf8(certguard(&["token", "add", "suzhou", "--data-dir", data]).stdout).unwrap();
    let token = token.trim().to_string();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let listen = format!("127.0.0.1:{port}");
    let base = format!("http://{listen}");

    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let checkpoints = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut next_person = 0u32;
    for round in 0..3u64 {
        let mut server = serve(data, &listen);
        wait_for(&format!("{base}/healthz"));
        let stop = Arc::new(AtomicBool::new(false));
        let client = {
            let (stop, acknowledged, checkpoints) = (stop.clone(), acknowledged.clone(), checkpoints.clone());
            let (base, token) = (base.clone(), token.clone());
            let first = next_person;
            std::thread::spawn(move || {
                let mut n = first;
                while !stop.load(Ordering::Relaxed) {
                    let body = serde_json::json!({
                        "name": "赵六", "id_number": id_number(n), "category": "2", "item": "2.1",
                        "valid_from": "2023-03-01", "authority": "CN-320500"
                    });
                    n += 1;
                    let res = ureq::post(&format!("{base}/api/v1/certificates"))
                        .header("authorization", &format!("Bearer {token}"))
                        .header("content-type", "application/json")
                        .send(body.to_string());
                    // 201 is the acknowledgement: the change is stored and in the log.
                    if let Ok(mut r) = res
                        && r.status() == 201
                    {
                        let v: serde_json::Value =
                            serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
                        acknowledged.lock().unwrap().push(v["serial"].as_str().unwrap().to_string());
                    }
                    if let Ok(mut r) = ureq::get(&format!("{base}/log/checkpoint")).call()
                        && let Ok(note) = r.body_mut().read_to_string()
                    {
                        checkpoints.lock().unwrap().push(note);
                    }
                }
                n
            })
        };
        std::thread::sleep(Duration::from_millis(600 + 250 * round));
        server.0.kill().unwrap(); // SIGKILL: no shutdown path runs
        server.0.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        next_person = client.join().unwrap() + 1;
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 3, "the stream made progress: {}", acknowledged.len());
    eprintln!("{} changes acknowledged over 3 kills", acknowledged.len());

    // Restart: whatever was committed but not yet sequenced gets logged now.
    let _server = serve(data, &listen);
    wait_for(&format!("{base}/healthz"));
    let vkey = ureq::get(&format!("{base}/log/vkey")).call().unwrap().body_mut().read_to_string().unwrap();
    let registry_size = {
        let export = dir.path().join("all.csv");
        let out = certguard(&["export", export.to_str().unwrap(), "--data-dir", data]);
        assert!(out.status.success());
        std::fs::read_to_string(&export).unwrap().lines().count() as u64 - 1
    };
    let mut report = serde_json::Value::Null;
    for _ in 0..100 {
        let out = certguard(&["log", "audit", &format!("{base}/log"), "--vkey", vkey.trim()]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        report = serde_json::from_slice(&out.stdout).unwrap();
        let issued =
            report["kinds"].as_array().unwrap().iter().find(|k| k[0] == "issued").map(|k| k[1].as_u64().unwrap());
        if issued == Some(registry_size) {
            break;
        }
        assert!(issued < Some(registry_size), "an event logged twice: {report}");
        std::thread::sleep(Duration::from_millis(100));
    }
    let issued = report["kinds"].as_array().unwrap().iter().find(|k| k[0] == "issued").map(|k| k[1].as_u64().unwrap());
    assert_eq!(issued, Some(registry_size), "each stored certificate logged exactly once: {report}");

    // Every acknowledged change has its entry.
    for serial in &acknowledged {
        let res = ureq::get(&format!("{base}/log/proof/{serial}")).call();
        assert!(res.is_ok_and(|r| r.status() == 200), "acknowledged {serial} is not in the log");
    }
    // Every checkpoint a client saw, before or after a kill, is consistent with the final tree.
    let seen = checkpoints.lock().unwrap().clone();
    assert!(!seen.is_empty());
    let state = dir.path().join("state.json");
    for note in seen.iter().step_by((seen.len() / 10).max(1)) {
        let lines: Vec<&str> = note.lines().collect();
        let s = serde_json::json!({"vkey": vkey.trim(), "checkpoint": {
            "origin": lines[0], "size": lines[1].parse::<u64>().unwrap(), "root": lines[2], "checkpoint": note}});
        std::fs::write(&state, s.to_string()).unwrap();
        let out = certguard(&["log", "audit", &format!("{base}/log"), "--state", state.to_str().unwrap()]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "checkpoint {} forked: {}",
            lines[1],
            String::from_utf8_lossy(&out.stdout)
        );
    }
}
