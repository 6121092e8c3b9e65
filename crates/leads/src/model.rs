//! Leads, their kinds, their evidence and the workflow an analyst moves them through.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a lead points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadKind {
    /// A registrable domain (`fake-mem.cn`), e.g. a look-alike of an official query site.
    Domain,
    /// A web address without its query (a fake query page, an ad's landing page).
    Url,
    /// An advertisement offering fake certificates (its text is the evidence).
    Ad,
    /// A seller's mobile number, WeChat or QQ.
    Contact,
}

impl LeadKind {
    pub const ALL: [LeadKind; 4] = [LeadKind::Domain, LeadKind::Url, LeadKind::Ad, LeadKind::Contact];

    pub fn code(self) -> &'static str {
        match self {
            LeadKind::Domain => "domain",
            LeadKind::Url => "url",
            LeadKind::Ad => "ad",
            LeadKind::Contact => "contact",
        }
    }

    pub fn parse(s: &str) -> Option<LeadKind> {
        LeadKind::ALL.into_iter().find(|k| k.code() == s)
    }

    pub fn zh(self) -> &'static str {
        match self {
            LeadKind::Domain => "域名",
            LeadKind::Url => "网址",
            LeadKind::Ad => "广告",
            LeadKind::Contact => "联系方式",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            LeadKind::Domain => "Domain",
            LeadKind::Url => "URL",
            LeadKind::Ad => "Ad",
            LeadKind::Contact => "Contact",
        }
    }
}

/// A seller's contact, as ads give them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    Mobile,
    Wechat,
    Qq,
}

impl ContactKind {
    pub const ALL: [ContactKind; 3] = [ContactKind::Mobile, ContactKind::Wechat, ContactKind::Qq];

    pub fn code(self) -> &'static str {
        match self {
            ContactKind::Mobile => "mobile",
            ContactKind::Wechat => "wechat",
            ContactKind::Qq => "qq",
        }
    }

    pub fn parse(s: &str) -> Option<ContactKind> {
        ContactKind::ALL.into_iter().find(|k| k.code() == s)
    }

    pub fn zh(self) -> &'static str {
        match self {
            ContactKind::Mobile => "手机",
            ContactKind::Wechat => "微信",
            ContactKind::Qq => "QQ",
        }
    }
}

/// Where a lead stands. An analyst moves it; each step carries a note and lands in the audit log.
///
/// ```text
/// new ──► confirmed ──► reported ──► taken_down
///  │  ▲       │
///  ▼  │       ▼
/// dismissed ◄─┘
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadStatus {
    New,
    Confirmed,
    Dismissed,
    Reported,
    TakenDown,
}

/// A step the workflow does not allow, with the reason in both languages.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{from} → {to}: {en}")]
pub struct TransitionError {
    pub from: &'static str,
    pub to: &'static str,
    pub zh: String,
    pub en: String,
}

impl LeadStatus {
    pub const ALL: [LeadStatus; 5] =
        [LeadStatus::New, LeadStatus::Confirmed, LeadStatus::Dismissed, LeadStatus::Reported, LeadStatus::TakenDown];

    pub fn code(self) -> &'static str {
        match self {
            LeadStatus::New => "new",
            LeadStatus::Confirmed => "confirmed",
            LeadStatus::Dismissed => "dismissed",
            LeadStatus::Reported => "reported",
            LeadStatus::TakenDown => "taken_down",
        }
    }

    pub fn parse(s: &str) -> Option<LeadStatus> {
        LeadStatus::ALL.into_iter().find(|k| k.code() == s)
    }

    pub fn zh(self) -> &'static str {
        match self {
            LeadStatus::New => "待研判",
            LeadStatus::Confirmed => "已确认",
            LeadStatus::Dismissed => "已排除",
            LeadStatus::Reported => "已报送处置",
            LeadStatus::TakenDown => "已关停",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            LeadStatus::New => "New",
            LeadStatus::Confirmed => "Confirmed",
            LeadStatus::Dismissed => "Dismissed",
            LeadStatus::Reported => "Reported",
            LeadStatus::TakenDown => "Taken down",
        }
    }

    /// The statuses an analyst may move a lead to from this one.
    pub fn next(self) -> &'static [LeadStatus] {
        match self {
            LeadStatus::New => &[LeadStatus::Confirmed, LeadStatus::Dismissed],
            LeadStatus::Confirmed => &[LeadStatus::Reported, LeadStatus::Dismissed],
            // Reopened: a dismissed lead that shows up again with new evidence.
            LeadStatus::Dismissed => &[LeadStatus::New, LeadStatus::Confirmed],
            LeadStatus::Reported => &[LeadStatus::TakenDown],
            LeadStatus::TakenDown => &[],
        }
    }

    /// Checks one step of the workflow.
    pub fn transition(self, to: LeadStatus) -> Result<LeadStatus, TransitionError> {
        if self.next().contains(&to) {
            return Ok(to);
        }
        let (zh, en) = if self == to {
            (format!("线索已是“{}”状态", to.zh()), format!("the lead is already {}", to.code()))
        } else if self == LeadStatus::TakenDown {
            ("已关停的线索不能再变更".to_string(), "a lead that was taken down is closed".to_string())
        } else {
            let allowed: Vec<&str> = self.next().iter().map(|s| s.zh()).collect();
            (
                format!("“{}”的线索只能改为：{}", self.zh(), allowed.join("、")),
                format!(
                    "a {} lead can only become {}",
                    self.code(),
                    self.next().iter().map(|s| s.code()).collect::<Vec<_>>().join(" or ")
                ),
            )
        };
        Err(TransitionError { from: self.code(), to: to.code(), zh, en })
    }
}

/// One reason a detector gave, with its weight in the score.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// Stable machine code (`query_service_named`, `rule:no_exam_cert` ...).
    pub code: String,
    pub zh: String,
    pub en: String,
    /// Points this reason added to (or took from) the score; 0 where the detector does not weigh reasons.
    #[serde(default)]
    pub points: i32,
}

/// A matched span of the evidence text: byte offsets into [`Evidence::text_extract`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub label: String,
}

/// What was seen, kept so that an analyst (and the police) can judge without visiting the site again.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// SHA-256 of the page body as fetched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_sha256: Option<String>,
    /// Addresses the fetch went through, the first asked for, the last answering.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirect_chain: Vec<String>,
    /// The page's or the ad's text (bounded), no screenshot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_extract: Option<String>,
    /// What matched, inside `text_extract`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spans: Vec<Span>,
    /// The page judge's verdict (`impersonates`, `suspicious`, `unrelated`), where a page was judged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_verdict: Option<String>,
}

impl Evidence {
    /// Longest text kept as evidence, in bytes (cut at a character boundary).
    pub const MAX_TEXT: usize = 16 * 1024;

    pub fn is_empty(&self) -> bool {
        *self == Evidence::default()
    }

    /// The text, cut to [`Self::MAX_TEXT`]; spans past the cut are dropped.
    pub fn with_text(mut self, text: &str) -> Evidence {
        let mut end = text.len().min(Self::MAX_TEXT);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        self.text_extract = Some(text[..end].to_string());
        self.spans.retain(|s| s.end <= end && s.start <= s.end);
        self
    }
}

/// How two leads are related.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The contact appears in the ad (or on the page).
    Contact,
    /// The URL is on the domain.
    HostedOn,
    /// Two domains serve the same page (same snapshot hash).
    SamePage,
}

impl Relation {
    pub fn code(self) -> &'static str {
        match self {
            Relation::Contact => "contact",
            Relation::HostedOn => "hosted_on",
            Relation::SamePage => "same_page",
        }
    }

    pub fn parse(s: &str) -> Option<Relation> {
        [Relation::Contact, Relation::HostedOn, Relation::SamePage].into_iter().find(|r| r.code() == s)
    }

    pub fn zh(self) -> &'static str {
        match self {
            Relation::Contact => "联系方式",
            Relation::HostedOn => "所在域名",
            Relation::SamePage => "相同页面",
        }
    }
}

/// A detection as a source reports it: one lead to create or update. Its `key` comes from [`crate::key`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detection {
    pub kind: LeadKind,
    /// The deduplicating key (registrable domain, address without query, `mobile:…`, the ad text's hash).
    pub key: String,
    /// What the analyst reads (the domain, the address, the contact, the ad's first line).
    pub value: String,
    /// Where it was found: `qr_scan`, `ct:<log>`, `feed:<name>`, `ads_api`, `page_worker`, `demo` ...
    pub source: String,
    pub seen_at: DateTime<Utc>,
    pub score: i32,
    pub reasons: Vec<Reason>,
    pub evidence: Evidence,
    /// A province code (GB/T 2260, two digits) when the source knows it.
    pub region: Option<String>,
}

/// A stored lead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lead {
    pub id: i64,
    pub kind: LeadKind,
    pub key: String,
    pub value: String,
    /// The source that found it first.
    pub source: String,
    pub status: LeadStatus,
    pub score: i32,
    pub reasons: Vec<Reason>,
    pub evidence: Evidence,
    pub region: Option<String>,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// How many detections it has had.
    pub sightings: i64,
    pub status_changed_at: Option<DateTime<Utc>>,
    pub version: i64,
}

/// A link between two stored leads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadLink {
    pub from: i64,
    pub to: i64,
    pub relation: Relation,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workflow_allows_only_its_steps() {
        use LeadStatus::*;
        assert_eq!(New.transition(Confirmed), Ok(Confirmed));
        assert_eq!(Confirmed.transition(Reported), Ok(Reported));
        assert_eq!(Reported.transition(TakenDown), Ok(TakenDown));
        assert_eq!(Dismissed.transition(New), Ok(New));
        for (from, to) in [(New, Reported), (New, TakenDown), (Reported, New), (TakenDown, Confirmed), (New, New)] {
            let e = from.transition(to).unwrap_err();
            assert!(!e.zh.is_empty() && !e.en.is_empty(), "{from:?} -> {to:?}");
        }
        assert!(TakenDown.next().is_empty());
        // Every status is reachable from new.
        let mut seen = vec![New];
        let mut i = 0;
        while i < seen.len() {
            for n in seen[i].next() {
                if !seen.contains(n) {
                    seen.push(*n);
                }
            }
            i += 1;
        }
        assert_eq!(seen.len(), LeadStatus::ALL.len());
    }

    #[test]
    fn codes_round_trip() {
        for s in LeadStatus::ALL {
            assert_eq!(LeadStatus::parse(s.code()), Some(s));
        }
        for k in LeadKind::ALL {
            assert_eq!(LeadKind::parse(k.code()), Some(k));
        }
        for c in ContactKind::ALL {
            assert_eq!(ContactKind::parse(c.code()), Some(c));
        }
    }

    #[test]
    fn evidence_text_is_cut_at_a_character_boundary() {
        let text = "证".repeat(Evidence::MAX_TEXT); // 3 bytes each
        let e = Evidence { spans: vec![Span { start: 0, end: 3, label: "cert".into() }], ..Evidence::default() }
            .with_text(&text);
        let kept = e.text_extract.unwrap();
        assert!(kept.len() <= Evidence::MAX_TEXT && kept.len() > Evidence::MAX_TEXT - 3);
        assert_eq!(e.spans.len(), 1);
    }
}
