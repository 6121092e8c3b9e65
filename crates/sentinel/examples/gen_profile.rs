//! Generates dnstwist sets in a loop (for profiling; the benchmark of record is benches/lookalike.rs).
use certguard_sentinel::lookalike::dnstwist::{Options, generate};

fn main() {
    let t = std::time::Instant::now();
    let mut n = 0usize;
    for _ in 0..200 {
        for seed in ["mem.gov.cn", "cx.mem.gov.cn", "example.com", "zhengshu-chaxun-online.com.cn"] {
            n += generate(seed, &Options::default()).unwrap().len();
        }
    }
    println!("{:.0} names/s", n as f64 / t.elapsed().as_secs_f64());
}
