//! Rough split of scoring cost by kind of name (for tuning; the benchmark of record is benches/scoring.rs).
use std::time::Instant;

use certguard_sentinel::domains::DomainScorer;
use certguard_sentinel::lookalike::{Mode, generate};
use certguard_sentinel::profile::Profile;

fn main() {
    let p = Profile::default_profile();
    let s = DomainScorer::new(&p);
    let all: Vec<String> = generate("cx.mem.gov.cn", Mode::All, &p).unwrap().into_iter().map(|c| c.domain).collect();
    let idn: Vec<&String> = all.iter().filter(|d| d.contains("xn--")).collect();
    let brand_ascii: Vec<&String> = all.iter().filter(|d| !d.contains("xn--")).collect();
    let plain: Vec<String> = (0..20000).map(|i| format!("shop{}.cloud-{}.com", i % 97, i % 1013)).collect();
    let plain: Vec<&String> = plain.iter().collect();
    for (name, list) in [("idn", &idn), ("brand_ascii", &brand_ascii), ("plain", &plain)] {
        let t = Instant::now();
        let mut n = 0;
        for _ in 0..5 {
            for d in list.iter() {
                n += usize::from(s.score(d).map(|r| r.flagged).unwrap_or(false));
            }
        }
        let per = t.elapsed().as_nanos() as f64 / (5 * list.len()) as f64;
        println!("{name}: {} names, {per:.0} ns/name ({n})", list.len());
    }
}
