//! The few statistics the detectors need: the normal distribution, binomial and Poisson-binomial tails,
//! medians.

/// Standard normal CDF (Abramowitz-Stegun 7.1.26 via erfc, |error| < 1.5e-7).
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

fn erfc(x: f64) -> f64 {
    // Numerical Recipes' erfcc: fractional error < 1.2e-7 everywhere.
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// The upper quantile: the z with P(Z > z) = p, by bisection (p in (0, 0.5]).
pub fn normal_upper_quantile(p: f64) -> f64 {
    let (mut lo, mut hi) = (0.0_f64, 40.0_f64);
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        if 1.0 - normal_cdf(mid) > p { lo = mid } else { hi = mid }
    }
    (lo + hi) / 2.0
}

/// P(X >= k) for X ~ Binomial(n, p), summed in log space.
pub fn binomial_upper_tail(n: usize, p: f64, k: usize) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n {
        return 0.0;
    }
    let (lp, lq) = (p.ln(), (1.0 - p).ln());
    let mut total = 0.0;
    let mut log_choose = (0..k).map(|i| ((n - i) as f64).ln() - ((i + 1) as f64).ln()).sum::<f64>();
    for j in k..=n {
        total += (log_choose + j as f64 * lp + (n - j) as f64 * lq).exp();
        log_choose += ((n - j) as f64).ln() - ((j + 1) as f64).ln();
    }
    total.min(1.0)
}

/// P(X >= k) for X the number of successes of independent trials with probabilities `ps` (exact, O(n²)).
pub fn poisson_binomial_upper_tail(ps: &[f64], k: usize) -> f64 {
    let mut dist = vec![0.0; ps.len() + 1];
    dist[0] = 1.0;
    for (n, &p) in ps.iter().enumerate() {
        for j in (0..=n + 1).rev() {
            let stay = dist[j] * (1.0 - p);
            let step = if j > 0 { dist[j - 1] * p } else { 0.0 };
            dist[j] = stay + step;
        }
    }
    dist[k.min(ps.len() + 1)..].iter().sum::<f64>().min(1.0)
}

/// Median of `v` (reordered); NaN when empty.
pub fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mid = v.len() / 2;
    v.select_nth_unstable_by(mid, |a, b| a.total_cmp(b));
    let hi = v[mid];
    if v.len() % 2 == 1 {
        hi
    } else {
        let lo = v[..mid].iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lo + hi) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(-2.5) - 0.006_209_665).abs() < 1e-6);
        assert!((normal_upper_quantile(0.025) - 1.959_964).abs() < 1e-4);
        // Binomial(10, 0.5): P(X >= 8) = 56/1024.
        assert!((binomial_upper_tail(10, 0.5, 8) - 56.0 / 1024.0).abs() < 1e-12);
        assert!((poisson_binomial_upper_tail(&[0.5; 10], 8) - 56.0 / 1024.0).abs() < 1e-12);
        assert!((poisson_binomial_upper_tail(&[0.1, 0.2, 0.3], 3) - 0.006).abs() < 1e-12);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
    }
}
