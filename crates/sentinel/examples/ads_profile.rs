//! Runs the ad scanner over the corpus many times (for profiling; the benchmark of record is benches/ads.rs).
use certguard_sentinel::ads::AdScanner;

fn main() {
    let s = AdScanner::new();
    let texts: Vec<String> = include_str!("../tests/fixtures/ads/tune.jsonl")
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["text"].as_str().unwrap().to_string())
        .collect();
    let t = std::time::Instant::now();
    let mut bytes = 0usize;
    let mut n = 0usize;
    for _ in 0..1500 {
        for x in &texts {
            bytes += x.len();
            n += usize::from(s.scan(x).flagged);
        }
    }
    println!("{:.1} MB/s ({n})", bytes as f64 / t.elapsed().as_secs_f64() / 1e6);
}
