//! The models fitted on an exam's own sessions:
//! - answers: a three-parameter logistic model with the guessing floor fixed at 1/options,
//!   P(correct) = c + (1 - c) / (1 + exp(-(theta - b))), fitted by joint maximum likelihood (Newton steps,
//!   abilities and difficulties clamped to ±5 so that perfect scores stay finite);
//! - response times: van der Linden's (2006) lognormal model, log t = beta_i - tau_j + e, e ~ N(0, sigma_i²),
//!   fitted robustly: items' intensities by medians and their spread by the MAD (a few aberrant candidates do
//!   not move them), a candidate's speed from the slowest 40% of their responses (answers known in advance,
//!   fast, cannot make the candidate look fast).

// Matrix code over candidates j and items i reads best with indexes.
#![allow(clippy::needless_range_loop)]

use crate::stats::median;

/// A response matrix: `resp[j][i]` is `Some(correct)` when candidate j answered item i.
pub struct IrtFit {
    pub theta: Vec<f64>,
    pub b: Vec<f64>,
    pub c: Vec<f64>,
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

impl IrtFit {
    pub fn p(&self, j: usize, i: usize) -> f64 {
        self.c[i] + (1.0 - self.c[i]) * logistic(self.theta[j] - self.b[i])
    }
}

/// Fits abilities and difficulties. `options[i]` sets item i's guessing floor.
pub fn fit_irt(resp: &[Vec<Option<bool>>], options: &[u32]) -> IrtFit {
    let (n, m) = (resp.len(), options.len());
    let c: Vec<f64> = options.iter().map(|&o| 1.0 / f64::from(o.max(2))).collect();
    let mut fit = IrtFit { theta: vec![0.0; n], b: vec![0.0; m], c };
    // Start difficulties from the proportion correct above the guessing floor.
    for i in 0..m {
        let (mut right, mut seen) = (0.0, 0.0);
        for r in resp {
            if let Some(x) = r[i] {
                seen += 1.0;
                right += f64::from(u8::from(x));
            }
        }
        let pc = ((right + 0.5) / (seen + 1.0) - fit.c[i]) / (1.0 - fit.c[i]);
        fit.b[i] = -(pc.clamp(0.01, 0.99) / (1.0 - pc.clamp(0.01, 0.99))).ln();
    }
    for _ in 0..25 {
        // Abilities given difficulties.
        for j in 0..n {
            let (mut g, mut h) = (0.0, 0.0);
            for i in 0..m {
                if let Some(x) = resp[j][i] {
                    let (gi, hi) = grad(&fit, j, i, x);
                    g += gi;
                    h += hi;
                }
            }
            if h > 1e-9 {
                fit.theta[j] = (fit.theta[j] + (g / h).clamp(-1.0, 1.0)).clamp(-5.0, 5.0);
            }
        }
        // Difficulties given abilities (the gradient in b is minus the one in theta).
        for i in 0..m {
            let (mut g, mut h) = (0.0, 0.0);
            for j in 0..n {
                if let Some(x) = resp[j][i] {
                    let (gi, hi) = grad(&fit, j, i, x);
                    g -= gi;
                    h += hi;
                }
            }
            if h > 1e-9 {
                fit.b[i] = (fit.b[i] + (g / h).clamp(-1.0, 1.0)).clamp(-5.0, 5.0);
            }
        }
        // Identify the scale: mean ability 0.
        let mean = fit.theta.iter().sum::<f64>() / n.max(1) as f64;
        fit.theta.iter_mut().for_each(|t| *t -= mean);
        fit.b.iter_mut().for_each(|b| *b -= mean);
    }
    fit
}

/// Gradient of the log-likelihood in theta and the Fisher information, for one response.
fn grad(fit: &IrtFit, j: usize, i: usize, x: bool) -> (f64, f64) {
    let s = logistic(fit.theta[j] - fit.b[i]);
    let c = fit.c[i];
    let p = (c + (1.0 - c) * s).clamp(1e-9, 1.0 - 1e-9);
    let dp = (1.0 - c) * s * (1.0 - s);
    let x = f64::from(u8::from(x));
    ((x - p) * dp / (p * (1.0 - p)), dp * dp / (p * (1.0 - p)))
}

/// The lognormal response-time model.
pub struct RtFit {
    /// Items' time intensity (mean log seconds for an average candidate).
    pub beta: Vec<f64>,
    /// Items' residual spread (1/alpha).
    pub sigma: Vec<f64>,
    /// Candidates' speed.
    pub tau: Vec<f64>,
}

impl RtFit {
    /// The standardised residual of candidate j's log time on item i.
    pub fn z(&self, j: usize, i: usize, log_t: f64) -> f64 {
        (log_t - (self.beta[i] - self.tau[j])) / self.sigma[i]
    }
}

/// Fits the model on `log_t[j][i]` (seconds, `None` where not answered).
pub fn fit_rt(log_t: &[Vec<Option<f64>>], items: usize) -> RtFit {
    let n = log_t.len();
    let mut fit = RtFit { beta: vec![0.0; items], sigma: vec![0.5; items], tau: vec![0.0; n] };
    let mut buf = Vec::with_capacity(n.max(items));
    for _ in 0..6 {
        for i in 0..items {
            buf.clear();
            buf.extend((0..n).filter_map(|j| log_t[j][i].map(|l| l + fit.tau[j])));
            let m = median(&mut buf);
            fit.beta[i] = if m.is_nan() { 0.0 } else { m };
        }
        for j in 0..n {
            fit.tau[j] = speed(&fit, &log_t[j]);
        }
        let mean = fit.tau.iter().sum::<f64>() / n.max(1) as f64;
        fit.tau.iter_mut().for_each(|t| *t -= mean);
        fit.beta.iter_mut().for_each(|b| *b -= mean);
        for i in 0..items {
            buf.clear();
            buf.extend((0..n).filter_map(|j| log_t[j][i].map(|l| (l - (fit.beta[i] - fit.tau[j])).abs())));
            let mad = median(&mut buf);
            fit.sigma[i] = if mad.is_nan() { 1.0 } else { (1.4826 * mad).max(0.05) };
        }
    }
    fit
}

/// Share of a candidate's items, the slowest relative to the items' time intensity, that set the speed.
const SLOW_SHARE: f64 = 0.4;
/// E[e | e in its lowest 40%] for e ~ N(0, 1): -phi(q)/0.4 with q the 40% quantile.
const SLOW_SHARE_MEAN: f64 = -0.966;

/// A candidate's speed from the slowest 40% of the responses (relative to each item's time intensity), set
/// back by what that selection costs an honest candidate. Answers known in advance are fast: as long as they
/// are under 60% of the items, they cannot make the candidate look fast and so hide themselves.
fn speed(fit: &RtFit, log_t: &[Option<f64>]) -> f64 {
    let mut r: Vec<(f64, f64)> =
        log_t.iter().enumerate().filter_map(|(i, l)| l.map(|l| (fit.beta[i] - l, fit.sigma[i]))).collect();
    if r.is_empty() {
        return 0.0;
    }
    r.sort_by(|a, b| a.0.total_cmp(&b.0));
    let k = ((r.len() as f64 * SLOW_SHARE).ceil() as usize).clamp(1, r.len());
    let mean = r[..k].iter().map(|x| x.0).sum::<f64>() / k as f64;
    let spread = r[..k].iter().map(|x| x.1).sum::<f64>() / k as f64;
    mean - SLOW_SHARE_MEAN * spread
}
