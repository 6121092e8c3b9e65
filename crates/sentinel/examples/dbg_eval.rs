use certguard_sentinel::{
    domains::DomainScorer,
    lookalike::{Mode, generate},
    profile::Profile,
};
fn main() {
    let p = Profile::default_profile();
    let s = DomainScorer::new(&p);
    for c in generate("cx.mem.gov.cn", Mode::China, &p).unwrap() {
        if matches!(c.fuzzer, "homoglyph-ascii" | "suffix-swap") {
            let r = s.score(&c.domain).unwrap();
            if !r.flagged {
                println!(
                    "{} {} {} {:?}",
                    c.fuzzer,
                    c.unicode,
                    r.score,
                    r.reasons
                        .iter()
                        .map(|x| (x.code, x.points))
                        .collect::<Vec<_>>()
                );
            }
        }
    }
}
