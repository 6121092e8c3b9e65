//! What the tests of the `certguard` binary share: running it, real server processes that die with the
//! test, waiting for them, free ports and valid ID numbers.
#![allow(dead_code)] // each test binary uses its own subset

use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs `certguard ARGS` to completion with no configuration file and quiet logs.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_certguard"))
        .args(args)
        .env_remove("CERTGUARD_CONFIG")
        .env("CERTGUARD_LOG", "warn")
        .output()
        .unwrap()
}

/// A server process that is killed when the test ends, also when it fails.
pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `certguard ARGS` (e.g. `serve ...`) in the background.
pub fn spawn(args: &[&str]) -> Server {
    Server(
        Command::new(env!("CARGO_BIN_EXE_certguard"))
            .args(args)
            .env_remove("CERTGUARD_CONFIG")
            .env("CERTGUARD_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    )
}

/// The body of a GET, or None when it fails.
pub fn get(url: &str) -> Option<String> {
    ureq::get(url).call().ok()?.body_mut().read_to_string().ok()
}

/// Polls until `url` answers, or panics after 30 s.
pub fn wait_for(url: &str) {
    let start = Instant::now();
    while get(url).is_none() {
        assert!(start.elapsed() < Duration::from_secs(30), "{url} never answered");
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A valid GB 11643 ID number for person `n` (born in 1985, Suzhou).
pub fn id_number(n: u32) -> String {
    let body = format!("3205011985{:02}{:02}{:03}", 1 + n / 28 % 12, 1 + n % 28, n % 1000);
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.bytes().zip(weights).map(|(b, w)| u32::from(b - b'0') * w).sum();
    format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
}
