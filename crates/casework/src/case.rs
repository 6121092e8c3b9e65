//! The case workflow: 立案 (filed) → 调查 (investigating) → 处罚决定 (decided) and/or 移送公安 (transferred to
//! the police) → 结案 (closed). Each step is allowed to certain roles; a step out of order is refused with
//! the reason.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    Filed,
    Investigating,
    Decided,
    Transferred,
    Closed,
}

impl CaseState {
    pub const ALL: [CaseState; 5] = [Self::Filed, Self::Investigating, Self::Decided, Self::Transferred, Self::Closed];
    pub fn code(self) -> &'static str {
        match self {
            Self::Filed => "filed",
            Self::Investigating => "investigating",
            Self::Decided => "decided",
            Self::Transferred => "transferred",
            Self::Closed => "closed",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s)
    }
    pub fn zh(self) -> &'static str {
        match self {
            Self::Filed => "立案",
            Self::Investigating => "调查",
            Self::Decided => "处罚决定",
            Self::Transferred => "移送公安",
            Self::Closed => "结案",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Self::Filed => "filed",
            Self::Investigating => "under investigation",
            Self::Decided => "penalty decided",
            Self::Transferred => "transferred to the police",
            Self::Closed => "closed",
        }
    }
}

/// Who acts on a case (the account roles that may).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Inspector,
    Admin,
    Analyst,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Investigate,
    Decide,
    Transfer,
    Close,
}

impl Step {
    pub fn code(self) -> &'static str {
        match self {
            Self::Investigate => "investigate",
            Self::Decide => "decide",
            Self::Transfer => "transfer",
            Self::Close => "close",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        [Self::Investigate, Self::Decide, Self::Transfer, Self::Close].into_iter().find(|c| c.code() == s)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    #[error("案件处于“{}”，不能{}：{why} (a case {} cannot {}: {why_en})", from.zh(), step_zh(*step), from.en(), step.code())]
    OutOfOrder { from: CaseState, step: Step, why: &'static str, why_en: &'static str },
    #[error("{actor:?} may not {} a case", step.code())]
    Role { actor: Actor, step: Step },
}

fn step_zh(s: Step) -> &'static str {
    match s {
        Step::Investigate => "开始调查",
        Step::Decide => "作出处罚决定",
        Step::Transfer => "移送公安",
        Step::Close => "结案",
    }
}

/// Who may open a case: inspectors from a finding, analysts from a confirmed lead, admins.
pub fn may_open(actor: Actor) -> bool {
    matches!(actor, Actor::Inspector | Actor::Admin | Actor::Analyst)
}

/// The state after `step`, or why not.
pub fn transition(from: CaseState, step: Step, actor: Actor) -> Result<CaseState, StepError> {
    let allowed = match step {
        Step::Investigate => matches!(actor, Actor::Inspector),
        Step::Decide | Step::Transfer | Step::Close => matches!(actor, Actor::Inspector | Actor::Admin),
    };
    if !allowed {
        return Err(StepError::Role { actor, step });
    }
    let out_of_order = |why, why_en| Err(StepError::OutOfOrder { from, step, why, why_en });
    use CaseState::*;
    match (from, step) {
        (Filed, Step::Investigate) => Ok(Investigating),
        (Investigating, Step::Decide) => Ok(Decided),
        // A forgery found during the investigation or after the decision goes to the police.
        (Investigating | Decided, Step::Transfer) => Ok(Transferred),
        (Decided | Transferred, Step::Close) => Ok(Closed),
        (Closed, _) => out_of_order("案件已结案", "the case is closed"),
        (Filed, _) => out_of_order("须先调查", "it must be investigated first"),
        (Investigating, Step::Close) => {
            out_of_order("须先作出处罚决定或移送公安", "it needs a decision or a transfer first")
        }
        (_, Step::Investigate) => out_of_order("调查已开始", "the investigation has already started"),
        (Decided, Step::Decide) => out_of_order("已作出处罚决定", "a penalty was already decided"),
        (Transferred, Step::Transfer) => out_of_order("已移送公安", "it was already transferred"),
        (Transferred, Step::Decide) => out_of_order("已移送公安，由公安机关处理", "the police handle it now"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseState::*;

    #[test]
    fn the_two_paths_to_closing_a_case() {
        let i = Actor::Inspector;
        let mut s = Filed;
        for step in [Step::Investigate, Step::Decide, Step::Close] {
            s = transition(s, step, i).unwrap();
        }
        assert_eq!(s, Closed);
        let s = transition(transition(Filed, Step::Investigate, i).unwrap(), Step::Transfer, i).unwrap();
        assert_eq!(transition(s, Step::Close, Actor::Admin).unwrap(), Closed);
        assert_eq!(transition(Decided, Step::Transfer, i).unwrap(), Transferred);
    }

    #[test]
    fn steps_out_of_order_or_by_the_wrong_role_are_refused_with_a_reason() {
        let e = transition(Filed, Step::Decide, Actor::Inspector).unwrap_err();
        assert!(e.to_string().contains("须先调查"), "{e}");
        assert!(transition(Investigating, Step::Close, Actor::Inspector).is_err());
        assert!(transition(Closed, Step::Investigate, Actor::Inspector).is_err());
        assert!(transition(Transferred, Step::Decide, Actor::Inspector).is_err());
        assert!(matches!(transition(Filed, Step::Investigate, Actor::Analyst), Err(StepError::Role { .. })));
        assert!(matches!(transition(Investigating, Step::Decide, Actor::Analyst), Err(StepError::Role { .. })));
        assert!(may_open(Actor::Analyst));
        for s in CaseState::ALL {
            assert_eq!(CaseState::from_code(s.code()), Some(s));
        }
    }
}
