//! A tiny HTTP/1.1 test server on 127.0.0.1 (std only) serving fixed routes.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

pub const FAKE: &str = include_str!("../fixtures/pages/fake_query.html");

fn respond(mut s: TcpStream) {
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if buf.len() > 64 * 1024 {
            return;
        }
    }
    let req = String::from_utf8_lossy(&buf).to_string();
    let path = req.split_whitespace().nth(1).unwrap_or("/").to_string();
    let host = req
        .lines()
        .find_map(|l| l.strip_prefix("Host: ").or_else(|| l.strip_prefix("host: ")))
        .unwrap_or("")
        .to_string();
    let send = |s: &mut TcpStream, status: &str, ctype: &str, extra: &str, body: &[u8]| {
        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n",
            body.len()
        );
        let _ = s.write_all(head.as_bytes());
        let _ = s.write_all(body);
    };
    match path.as_str() {
        // `/go?URL` redirects to URL
        p if p.starts_with("/go?") => {
            send(&mut s, "302 Found", "text/html", &format!("Location: {}\r\n", &p[4..]), b"")
        }
        "/fake" => send(&mut s, "200 OK", "text/html; charset=utf-8", "Server: nginx\r\n", FAKE.as_bytes()),
        "/genuine" => {
            // the same page, served under whatever host asked (the test points cx.mem.gov.cn here)
            let body = FAKE.replace("/api/query.php", &format!("//{host}/api/query"));
            send(&mut s, "200 OK", "text/html; charset=utf-8", "", body.as_bytes())
        }
        "/to-fake" => send(&mut s, "302 Found", "text/html", "Location: /fake\r\n", b""),
        "/loop1" => send(&mut s, "302 Found", "text/html", "Location: /loop2\r\n", b""),
        "/loop2" => send(&mut s, "301 Moved", "text/html", "Location: /loop1\r\n", b""),
        "/slow" => {
            thread::sleep(Duration::from_secs(4));
            send(&mut s, "200 OK", "text/html", "", b"<html>late</html>")
        }
        "/huge" => {
            // no Content-Length: the body streams until the connection closes
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<html><body>");
            let block = vec![b'a'; 64 * 1024];
            for _ in 0..64 {
                if s.write_all(&block).is_err() {
                    return;
                }
            }
        }
        "/huge-declared" => {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 50000000\r\nConnection: close\r\n\r\n<html>");
        }
        "/json" => send(&mut s, "200 OK", "application/json", "", br#"{"valid": true}"#),
        "/plain" => send(
            &mut s,
            "200 OK",
            "",
            "",
            b"<!DOCTYPE html><html><head><title>x</title></head><body>hello</body></html>",
        ),
        _ => send(&mut s, "404 Not Found", "text/html", "", b"<html>not found</html>"),
    }
}

/// Starts the server on a free loopback port; it lives until the test process exits.
pub fn serve() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = l.local_addr().expect("addr");
    thread::spawn(move || {
        for s in l.incoming().flatten() {
            thread::spawn(move || respond(s));
        }
    });
    addr
}
