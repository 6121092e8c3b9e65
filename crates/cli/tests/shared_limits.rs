//! Two real `certguard serve` processes share one rate limit through Redis: a client that alternates
//! between them gets one budget, not one per server.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// The Redis to use: CERTGUARD_TEST_REDIS_URL (CI sets it); without it the test is skipped, except in CI.
fn redis_url() -> Option<String> {
    match std::env::var("CERTGUARD_TEST_REDIS_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => panic!("CI must set CERTGUARD_TEST_REDIS_URL"),
        _ => None,
    }
}

struct Server {
    child: Child,
    addr: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(redis: &str) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_certguard"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir", dir.path().to_str().unwrap()])
        .env_remove("CERTGUARD_CONFIG")
        .env("CERTGUARD_LOG", "warn")
        .env("CERTGUARD_REDIS_URL", redis)
        .env("CERTGUARD_LOOKUP_PER_MINUTE", "20")
        .env("CERTGUARD_TRUST_FORWARDED_FOR", "true")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line.split("http://").nth(1).and_then(|r| r.split('/').next()).expect(&line).to_string();
    Server { child, addr, _dir: dir }
}

/// POSTs a lookup as the client `client_ip` (the header a proxy of ours would write); returns the status.
fn lookup(server: &Server, client_ip: &str) -> u16 {
    let body = r#"{"number":"T440524188001010014","name":"x"}"#;
    let mut s = TcpStream::connect(&server.addr).unwrap();
    write!(
        s,
        "POST /api/v1/lookup HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nX-Forwarded-For: {client_ip}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        server.addr,
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    response.split_whitespace().nth(1).and_then(|c| c.parse().ok()).expect(&response)
}

#[test]
fn two_servers_share_one_budget_per_client() {
    let Some(redis) = redis_url() else {
        eprintln!("CERTGUARD_TEST_REDIS_URL not set: shared-limit test not run (CI sets it)");
        return;
    };
    let (a, b) = (serve(&redis), serve(&redis));
    // A client address of this run only, so that no earlier run's bucket is met.
    let n = std::process::id();
    let client = format!("198.18.{}.{}", (n >> 8) & 0xff, n & 0xff);
    let statuses: Vec<u16> = (0..10).map(|i| lookup(if i % 2 == 0 { &a } else { &b }, &client)).collect();
    assert_eq!(&statuses[..5], &[404; 5], "{statuses:?}");
    assert_eq!(&statuses[5..], &[429; 5], "the burst of 5 holds across both servers: {statuses:?}");
    // Another client is unaffected.
    assert_eq!(lookup(&b, &format!("198.19.{}.{}", (n >> 8) & 0xff, n & 0xff)), 404);
}
