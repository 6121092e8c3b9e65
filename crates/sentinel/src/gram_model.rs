//! A logistic model over character n-grams and a detector's own findings: the statistical half of ad scanning
//! and of domain scoring.
//!
//! The rules of [`crate::ads`] say why a text is an offer, but a ring only has to phrase an offer in words no
//! rule lists. The model sees every character 1-, 2- and 3-gram of the normalised text (hashed into
//! [`BUCKETS`] weights) and tags for what the scanner found (each concept, negated or not, the rules that fired,
//! contacts, prices, why a text was suppressed), so it learns which combinations mark offers in texts written
//! by others. It is trained at first use from the labelled tuning texts compiled into the binary (deterministic:
//! the same texts give the same weights), never from a blind batch.
//!
//! Training is plain logistic regression with AdaGrad and L2, every feature binary (present or not).

/// Number of hashed weights (2^18: collisions are rare among the few hundred thousand n-grams of the data).
pub const BUCKETS: usize = 1 << 18;

/// Bucket of a key: a multiplicative hash, keeping its best-mixed high bits.
#[inline(always)]
fn bucket(key: u64) -> u32 {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - 18)) as u32
}

/// Bucket of a named finding (a domain reason code, see [`crate::domains`]).
pub fn named_tag_bucket(name: &str) -> u32 {
    let mut key = 0xC3C3_0000_0000_0000u64;
    for b in name.bytes() {
        key = (key ^ u64::from(b)).wrapping_mul(0x100_0000_01B3);
    }
    bucket(key)
}

/// The features of a text with named findings (sorted, each once).
pub fn named_features(text: &str, tags: &[&str]) -> Vec<u32> {
    let mut out = Vec::with_capacity(text.len() * 3 + tags.len());
    grams(text, |g| out.push(g.bucket));
    out.extend(tags.iter().map(|t| named_tag_bucket(t)));
    out.sort_unstable();
    out.dedup();
    out
}

/// Bucket of the scanner's finding number `bit` (0..64, see [`crate::ads`]).
#[inline(always)]
pub fn tag_bucket(bit: u32) -> u32 {
    bucket(0xA5A5_0000_0000_0000 ^ u64::from(bit) ^ (1 << 63))
}

/// Bucket of the n-gram ending in `c0`, preceded by `c1` and `c2` (`'\0'` when shorter); `n` is 1, 2 or 3.
/// Characters are 21 bits: three fill 63, and `n` is mixed into the top bit and the multiplier's input.
#[inline(always)]
fn gram_bucket(n: u64, c0: char, c1: char, c2: char) -> u32 {
    let key = u64::from(c0 as u32) | u64::from(c1 as u32) << 21 | u64::from(c2 as u32) << 42;
    bucket(key ^ n.wrapping_mul(0x517C_C1B7_2722_0A95))
}

/// One character n-gram of the text: its bucket and its byte range in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gram {
    /// Bucket of its weight.
    pub bucket: u32,
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset after its last character.
    pub end: usize,
}

/// Calls `f` for every character 1-, 2- and 3-gram of `t` (whitespace is no character of a gram).
pub fn grams(t: &str, mut f: impl FnMut(Gram)) {
    // the last three characters and their byte offsets, newest last
    let mut window: [(char, usize); 3] = [('\0', 0); 3];
    let mut seen = 0usize;
    for (i, c) in t.char_indices() {
        if c.is_whitespace() {
            seen = 0;
            continue;
        }
        window = [window[1], window[2], (c, i)];
        seen += 1;
        let end = i + c.len_utf8();
        f(Gram { bucket: gram_bucket(1, c, '\0', '\0'), start: i, end });
        if seen >= 2 {
            f(Gram { bucket: gram_bucket(2, c, window[1].0, '\0'), start: window[1].1, end });
        }
        if seen >= 3 {
            f(Gram { bucket: gram_bucket(3, c, window[1].0, window[0].0), start: window[0].1, end });
        }
    }
}

/// Calls `f` with the bucket of every feature occurrence: each n-gram (a repeated run again) and each finding
/// whose bit is set in `tags`.
#[inline]
fn for_each_occurrence(normalized: &str, tags: u64, mut f: impl FnMut(u32)) {
    grams(normalized, |g| f(g.bucket));
    let mut bits = tags;
    while bits != 0 {
        f(tag_bucket(bits.trailing_zeros()));
        bits &= bits - 1;
    }
}

/// The features of a text: the buckets present, each once (features are binary), sorted.
pub fn features(normalized: &str, tags: u64) -> Vec<u32> {
    let mut out = Vec::with_capacity(normalized.len() * 2 + 8);
    for_each_occurrence(normalized, tags, |b| out.push(b));
    out.sort_unstable();
    out.dedup();
    out
}

/// Buckets already counted in the text being scored: a bit per bucket, and the ones set, to clear them after.
struct Seen {
    bits: Vec<u64>,
    set: Vec<u32>,
}

thread_local! {
    static SEEN: std::cell::RefCell<Seen> =
        std::cell::RefCell::new(Seen { bits: vec![0; BUCKETS / 64], set: Vec::new() });
}

/// A running sum of weights in which each bucket counts once.
struct OnceSum<'a> {
    seen: &'a mut Seen,
    weights: &'a [f32],
    z: f32,
}

impl OnceSum<'_> {
    #[inline(always)]
    fn add(&mut self, b: u32) {
        let (word, bit) = ((b / 64) as usize, 1u64 << (b % 64));
        let w = &mut self.seen.bits[word];
        if *w & bit == 0 {
            *w |= bit;
            self.seen.set.push(b);
            self.z += self.weights[b as usize];
        }
    }
}

/// Training settings.
#[derive(Debug, Clone, Copy)]
pub struct TrainOptions {
    /// Passes over the data.
    pub epochs: usize,
    /// AdaGrad step.
    pub rate: f32,
    /// L2 penalty per update.
    pub l2: f32,
    /// Seed of the order of examples.
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self { epochs: 12, rate: 0.2, l2: 1e-5, seed: 20261204 }
    }
}

/// The weights.
#[derive(Clone)]
pub struct GramModel {
    weights: Vec<f32>,
    bias: f32,
}

impl std::fmt::Debug for GramModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let used = self.weights.iter().filter(|w| **w != 0.0).count();
        f.debug_struct("GramModel").field("weights_used", &used).field("bias", &self.bias).finish()
    }
}

impl GramModel {
    /// Trains on `(features, is_offer)` examples.
    pub fn train(examples: &[(Vec<u32>, bool)], opts: TrainOptions) -> Self {
        let mut weights = vec![0f32; BUCKETS];
        let mut grad_sq = vec![1e-6f32; BUCKETS];
        let (mut bias, mut bias_sq) = (0f32, 1e-6f32);
        let mut order: Vec<usize> = (0..examples.len()).collect();
        let mut rng = opts.seed | 1;
        for _ in 0..opts.epochs {
            // Fisher-Yates with xorshift: the same order on every machine
            for i in (1..order.len()).rev() {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                order.swap(i, (rng % (i as u64 + 1)) as usize);
            }
            for &k in &order {
                let (x, y) = &examples[k];
                let z = bias + x.iter().map(|&b| weights[b as usize]).sum::<f32>();
                let p = 1.0 / (1.0 + (-z).exp());
                let g = p - if *y { 1.0 } else { 0.0 };
                for &b in x {
                    let b = b as usize;
                    let gb = g + opts.l2 * weights[b];
                    grad_sq[b] += gb * gb;
                    weights[b] -= opts.rate * gb / grad_sq[b].sqrt();
                }
                bias_sq += g * g;
                bias -= opts.rate * g / bias_sq.sqrt();
            }
        }
        Self { weights, bias }
    }

    /// The log-odds that a text with these features is an offer.
    pub fn logit(&self, features: &[u32]) -> f32 {
        self.bias + features.iter().map(|&b| self.weights[b as usize]).sum::<f32>()
    }

    /// The log-odds of a normalised text with these findings, as [`GramModel::logit`] of its [`features`] but
    /// without sorting them: a per-thread bitmap counts each bucket once.
    pub fn logit_of(&self, normalized: &str, tags: u64) -> f32 {
        self.sum_once(|s| for_each_occurrence(normalized, tags, |b| s.add(b)))
    }

    /// The log-odds of a text with named findings, as [`GramModel::logit`] of its [`named_features`].
    pub fn logit_named(&self, text: &str, tags: &[&str]) -> f32 {
        self.sum_once(|s| {
            grams(text, |g| s.add(g.bucket));
            for t in tags {
                s.add(named_tag_bucket(t));
            }
        })
    }

    /// Bias plus the weight of each bucket `each` adds, each bucket counted once. `each` gets a concrete sum
    /// (no dynamic call per bucket: this is the inner loop of scanning).
    fn sum_once(&self, each: impl FnOnce(&mut OnceSum<'_>)) -> f32 {
        SEEN.with_borrow_mut(|seen| {
            let mut sum = OnceSum { seen, weights: &self.weights, z: self.bias };
            each(&mut sum);
            let OnceSum { seen, z, .. } = sum;
            for b in seen.set.drain(..) {
                seen.bits[(b / 64) as usize] = 0;
            }
            z
        })
    }

    /// The weight of one bucket.
    pub fn weight(&self, bucket: u32) -> f32 {
        self.weights[bucket as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grams_cover_every_character_run_and_skip_spaces() {
        let mut got = Vec::new();
        grams("免考 证", |g| got.push((g.start, g.end)));
        // 免, 考, 免考 then 证 alone (the space breaks the run)
        assert_eq!(got, [(0, 3), (3, 6), (0, 6), (7, 10)]);
    }

    #[test]
    fn training_separates_a_toy_set_and_is_deterministic() {
        let texts = [
            ("电工证免考包过", true),
            ("焊工证不用考试拿证", true),
            ("电工证培训考试合格发证", false),
            ("焊工证报名考试", false),
        ];
        let ex: Vec<_> = texts.iter().map(|(t, y)| (features(t, 0), *y)).collect();
        let a = GramModel::train(&ex, TrainOptions::default());
        let b = GramModel::train(&ex, TrainOptions::default());
        for ((text, _), (x, y)) in texts.iter().zip(&ex) {
            assert_eq!(a.logit(x) > 0.0, *y);
            assert_eq!(a.logit(x), b.logit(x));
            // the same sum in another order: each bucket once, a repeated run (证 twice) not counted again
            assert!((a.logit(x) - a.logit_of(text, 0)).abs() < 1e-4, "{text}");
        }
    }
}
