//! Domain scoring throughput (names/s, one core) against a plain HashSet lookup of the same names.
//! Two list sizes a factor of 10 apart show the cost per name does not grow with the list.

use std::collections::HashSet;
use std::hint::black_box;

use certguard_sentinel::domains::DomainScorer;
use certguard_sentinel::lookalike::{Mode, generate};
use certguard_sentinel::profile::Profile;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// A CT-like mix: look-alikes of the brand (dnstwist and China modes) and ordinary names.
pub fn names(n: usize) -> Vec<String> {
    let p = Profile::default_profile();
    let mut v: Vec<String> = generate("cx.mem.gov.cn", Mode::All, &p).unwrap().into_iter().map(|c| c.domain).collect();
    let words =
        ["shop", "cloud", "news", "mail", "api", "cdn", "blog", "static", "img", "m", "www", "app", "pay", "dev"];
    let sfx = ["com", "cn", "com.cn", "net", "org", "io", "top", "xyz", "gov.cn", "edu.cn"];
    let mut i = 0usize;
    while v.len() < n * 4 {
        let a = words[i % words.len()];
        let b = words[(i / 7) % words.len()];
        v.push(format!("{a}{}.{b}-{}.{}", i % 97, i % 1013, sfx[i % sfx.len()]));
        i += 1;
    }
    // interleave: 1 look-alike for 3 ordinary names
    let (brand, plain) = v.split_at(v.len() - n * 3);
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        out.push(if k % 4 == 0 { brand[k % brand.len()].clone() } else { plain[k % plain.len()].clone() });
    }
    out
}

fn bench(c: &mut Criterion) {
    let scorer = DomainScorer::new(&Profile::default_profile());
    for n in [2_000usize, 20_000] {
        let list = names(n);
        let set: HashSet<String> = list.iter().step_by(3).cloned().collect();
        let mut g = c.benchmark_group(format!("domains_{n}"));
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function("score", |b| {
            b.iter(|| {
                let mut flagged = 0usize;
                for d in &list {
                    if let Ok(s) = scorer.score(black_box(d)) {
                        flagged += usize::from(s.flagged);
                    }
                }
                flagged
            })
        });
        // The default of `scan domains`: every official profile merged into one scorer.
        let all = DomainScorer::new(&Profile::all());
        g.bench_function("score_all_profiles", |b| {
            b.iter(|| {
                let mut flagged = 0usize;
                for d in &list {
                    if let Ok(s) = all.score(black_box(d)) {
                        flagged += usize::from(s.flagged);
                    }
                }
                flagged
            })
        });
        g.bench_function("hashset_lookup", |b| {
            b.iter(|| list.iter().filter(|d| set.contains(black_box(d.as_str()))).count())
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
