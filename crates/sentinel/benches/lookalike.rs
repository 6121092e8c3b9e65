//! Look-alike generation in-process (names/s), dnstwist-compatible and China modes.

use std::hint::black_box;

use certguard_sentinel::lookalike::{Mode, dnstwist, generate};
use certguard_sentinel::profile::Profile;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let p = Profile::default_profile();
    for seed in ["mem.gov.cn", "cx.mem.gov.cn", "example.com", "zhengshu-chaxun-online.com.cn"] {
        let n = dnstwist::generate(seed, &dnstwist::Options::default()).unwrap().len();
        let mut g = c.benchmark_group(format!("dnstwist_{seed}"));
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function("generate", |b| {
            b.iter(|| dnstwist::generate(black_box(seed), &dnstwist::Options::default()).unwrap().len())
        });
        g.finish();
    }
    let n = generate("cx.mem.gov.cn", Mode::China, &p).unwrap().len();
    let mut g = c.benchmark_group("china_cx.mem.gov.cn");
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("generate", |b| b.iter(|| generate(black_box("cx.mem.gov.cn"), Mode::China, &p).unwrap().len()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
