//! Ad scanning throughput (MB/s of text, one core): the full scan (normalise, match, context, contacts, prices)
//! against the bare Aho-Corasick pass of the same lexicon over the same text.

use std::hint::black_box;

use certguard_sentinel::ads::AdScanner;
use certguard_sentinel::gram_model::grams;
use certguard_sentinel::normalize::normalize;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn corpus(target_bytes: usize) -> Vec<String> {
    let mut texts: Vec<String> = Vec::new();
    for f in [include_str!("../tests/fixtures/ads/tune.jsonl"), include_str!("../tests/fixtures/ads/heldout.jsonl")] {
        for l in f.lines() {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            texts.push(v["text"].as_str().unwrap().to_string());
        }
    }
    let mut out = Vec::new();
    let mut total = 0;
    let mut i = 0;
    while total < target_bytes {
        let t = &texts[i % texts.len()];
        total += t.len();
        out.push(t.clone());
        i += 1;
    }
    out
}

fn bench(c: &mut Criterion) {
    let s = AdScanner::new();
    for size in [100_000usize, 1_000_000] {
        let texts = corpus(size);
        let bytes: usize = texts.iter().map(String::len).sum();
        let mut g = c.benchmark_group(format!("ads_{size}"));
        g.throughput(Throughput::Bytes(bytes as u64));
        g.bench_function("scan", |b| b.iter(|| texts.iter().filter(|t| s.scan(black_box(t)).flagged).count()));
        // The parts of a scan, to see where its time goes.
        g.bench_function("normalize", |b| {
            b.iter(|| texts.iter().map(|t| normalize(black_box(t)).text.len()).sum::<usize>())
        });
        // The least any scan of this design does: normalise, one automaton pass over the normalised text and
        // the model's n-gram hashes (without their weights, the rules, contacts, prices or explanations).
        g.bench_function("floor_normalize_match_grams", |b| {
            b.iter(|| {
                texts
                    .iter()
                    .map(|t| {
                        let n = normalize(black_box(t));
                        let mut h = s.count_raw_matches(&n.text) as u32;
                        grams(&n.text, |g| h ^= g.bucket);
                        h as usize
                    })
                    .sum::<usize>()
            })
        });
        g.bench_function("bare_aho_corasick", |b| {
            b.iter(|| texts.iter().map(|t| s.count_raw_matches(black_box(t))).sum::<usize>())
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
