//! Writes a static-ct-api log of generated certificates for `bench/ct.sh`:
//! `cargo run --release -p certguard-ctwatch --example make_test_log -- DIR N M` writes the log at N entries to
//! `DIR/a` and the same log grown by M entries to `DIR/b`. One certificate in 50 names a look-alike of an
//! official query site; every tenth is a precertificate. Prints the log's key and origin.

use base64::Engine;
use certguard_ctwatch::testlog::TestLog;
use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect("DIR"));
    let n: usize = args.next().expect("N").parse().expect("N is a number");
    let m: usize = args.next().map_or(0, |m| m.parse().expect("M is a number"));
    let origin = "bench.ct.example/log";
    let mut log = TestLog::new(origin, 3);
    // Certificates are made once per shape and their names varied, as a real log holds many similar ones:
    // keys are the slow part of generating them, not of following a log.
    let key = rcgen::KeyPair::generate().expect("key");
    let write = |log: &TestLog, sub: &str| {
        for (path, bytes) in log.files(1_764_576_000_000 + log.size()) {
            let p = dir.join(sub).join(&path);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(&p, bytes).expect("write");
        }
    };
    for i in 0..n + m {
        if i == n {
            write(&log, "a");
        }
        let names = if i % 50 == 7 {
            vec![format!("tzzy-czz-cx{i}.com"), format!("www.tzzy-czz-cx{i}.com")]
        } else {
            vec![format!("shop{i}.example.com"), format!("www.shop{i}.example.com"), format!("api{i}.example.net")]
        };
        let params = rcgen::CertificateParams::new(names).expect("names");
        let der = params.self_signed(&key).expect("signs").der().to_vec();
        if i % 10 == 3 {
            let (_, c) = x509_parser::parse_x509_certificate(&der).expect("parses");
            log.push_precert(c.tbs_certificate.as_ref(), &der, 1_764_576_000_000 + i as u64);
        } else {
            log.push_cert(&der, 1_764_576_000_000 + i as u64);
        }
        if i % 10_000 == 0 {
            eprint!("\r{i}/{n}");
        }
    }
    eprintln!("\r{}/{}", n + m, n + m);
    if m == 0 {
        write(&log, "a");
    }
    write(&log, "b");
    println!("origin {origin}");
    println!("key {}", base64::engine::general_purpose::STANDARD.encode(log.public_key_der()));
}
