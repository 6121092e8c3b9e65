//! Detection figures against a simulation's ground truth: per kind of cheating, how many were flagged (and
//! flagged for that kind); among honest sessions, how many were flagged, by profile.

use crate::analyze::SessionReport;
use crate::simulate::Truth;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct KindFigures {
    pub sessions: usize,
    /// Flagged at all.
    pub flagged: usize,
    /// Flagged with this kind among the reasons.
    pub flagged_as_kind: usize,
    pub recall: f64,
    /// Sessions flagged with this kind that are of this kind.
    pub precision: f64,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Figures {
    pub kinds: BTreeMap<String, KindFigures>,
    pub honest: usize,
    pub honest_flagged: usize,
    pub false_positive_rate: f64,
    /// Honest sessions and how many of them were flagged, per profile (fast and able, guessing at the end ...).
    pub honest_profiles: BTreeMap<String, (usize, usize)>,
    /// Sessions in the truth the analysis did not report.
    pub missing: usize,
}

pub fn evaluate(reports: &[SessionReport], truth: &[Truth]) -> Figures {
    let by_session: HashMap<&str, &SessionReport> = reports.iter().map(|r| (r.session.as_str(), r)).collect();
    let mut f = Figures::default();
    let mut claimed: HashMap<&str, (usize, usize)> = HashMap::new();
    for t in truth {
        let Some(r) = by_session.get(t.session.as_str()) else {
            f.missing += 1;
            continue;
        };
        for k in &r.kinds {
            let e = claimed.entry(k.code()).or_default();
            e.0 += 1;
            if k.code() == t.kind {
                e.1 += 1;
            }
        }
        if t.kind == "honest" {
            f.honest += 1;
            let p = f.honest_profiles.entry(t.profile.unwrap_or("plain").to_string()).or_default();
            p.0 += 1;
            if r.flagged {
                f.honest_flagged += 1;
                p.1 += 1;
            }
            continue;
        }
        let k = f.kinds.entry(t.kind.to_string()).or_default();
        k.sessions += 1;
        k.flagged += usize::from(r.flagged);
        k.flagged_as_kind += usize::from(r.kinds.iter().any(|x| x.code() == t.kind));
    }
    for (name, k) in &mut f.kinds {
        k.recall = ratio(k.flagged, k.sessions);
        let (all, right) = claimed.get(name.as_str()).copied().unwrap_or_default();
        k.precision = if all == 0 { 1.0 } else { ratio(right, all) };
    }
    f.false_positive_rate = ratio(f.honest_flagged, f.honest);
    f
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}
