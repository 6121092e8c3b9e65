//! Brand profiles: what we protect is data, not code.
//!
//! A profile lists the official domains of a query service, the ASCII tokens (pinyin, initials, English words)
//! that name it, its Chinese names and the signals of its reference page. The shipped profiles live in
//! `data/profiles/*.toml` and are compiled in with `include_str!`; [`Profile::from_toml`] loads any other.

use serde::Deserialize;

use crate::Error;

/// The profile used when none is named: the MEM certificate query service.
pub const DEFAULT_PROFILE: &str = "mem";
/// The name that selects every shipped profile at once (a ring copies whichever authority it likes).
pub const ALL_PROFILES: &str = "all";

const BUILTIN: &[(&str, &str)] = &[
    ("mem", include_str!("../data/profiles/mem.toml")),
    ("samr", include_str!("../data/profiles/samr.toml")),
    ("mohurd", include_str!("../data/profiles/mohurd.toml")),
    ("osta", include_str!("../data/profiles/osta.toml")),
];

/// Signals of an official reference page (the genuine query page).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ReferencePage {
    /// The page title.
    pub title: String,
    /// Labels of the form's fields as a person sees them.
    pub form_fields: Vec<String>,
    /// Footer identifiers and the owner's name.
    pub footer: Vec<String>,
    /// Visible (rendered) text of the page.
    pub text: String,
}

/// A brand profile: what one official service is, and how its impersonators name themselves.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Short name used with `--profile`.
    pub name: String,
    /// Human description.
    pub description: String,
    /// Official host names; their registrable domains are official too.
    pub official_domains: Vec<String>,
    /// Tokens specific to the brand.
    pub strong_tokens: Vec<String>,
    /// Generic tokens that only count in combination.
    pub weak_tokens: Vec<String>,
    /// Chinese names (simplified).
    pub chinese_names: Vec<String>,
    /// Chinese names in traditional characters.
    pub traditional_names: Vec<String>,
    /// Pinyin words and initials combined by the China look-alike generator.
    pub pinyin: Vec<String>,
    /// The brand's Chinese terms with their pinyin: their full and initial forms become tokens
    /// ([`Profile::term_tokens`]), so that a new spelling of a term needs no new rule.
    #[serde(default)]
    pub terms: Vec<Term>,
    /// The official reference page.
    pub reference: ReferencePage,
}

/// A Chinese term that names the brand (特种作业, 应急管理 ...) and its pinyin.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// The term in Chinese.
    pub zh: String,
    /// Its syllables without tones, separated by spaces: `te zhong zuo ye`.
    pub pinyin: String,
    /// A generic term (证书, 查询) only counts next to a brand term.
    #[serde(default)]
    pub weak: bool,
    /// Syllables that may follow the term (局/部/厅: `ju`, `bu`, `ting`), each in full or as its initial.
    #[serde(default)]
    pub suffixes: Vec<String>,
    /// A field of work rather than the name of an authority or a certificate (应急, 安全生产, 特种设备): in a
    /// Chinese domain name it names the authority only with an office after it (应急局), a generic word (证书,
    /// 查询) or another brand word beside it. 应急物资 and 安全生产月 are a shop and a campaign.
    #[serde(default)]
    pub broad: bool,
}

/// The office a suffix syllable names, in Chinese (`ju` → 局).
pub fn office_hanzi(syllable: &str) -> Option<char> {
    Some(match syllable {
        "ju" => '局',
        "bu" => '部',
        "ting" => '厅',
        "wei" => '委',
        "zhan" => '站',
        "chu" => '处',
        _ => return None,
    })
}

impl Term {
    /// The ASCII forms of the term: full pinyin, initials, and each with a suffix in full or as its initial
    /// (应急管理局: yingjiguanli, yjgl, yingjiguanliju, yjglj, yjglju). Initial forms shorter than two letters
    /// are left out (one letter names nothing).
    pub fn forms(&self) -> Vec<String> {
        let syllables: Vec<String> = self.pinyin.split_whitespace().map(str::to_ascii_lowercase).collect();
        let full: String = syllables.concat();
        let initials: String = syllables.iter().filter_map(|s| s.chars().next()).collect();
        let mut out = vec![full.clone()];
        // A letter shared by two syllables is often written once (deng gao: denggao and dengao).
        let mut collapsed = String::new();
        for s in &syllables {
            let s = match (collapsed.chars().last(), s.chars().next()) {
                (Some(a), Some(b)) if a == b => &s[1..],
                _ => s.as_str(),
            };
            collapsed.push_str(s);
        }
        if collapsed != full {
            out.push(collapsed);
        }
        if initials.len() >= 2 {
            out.push(initials.clone());
        }
        for suffix in &self.suffixes {
            let suffix = suffix.to_ascii_lowercase();
            let first: String = suffix.chars().take(1).collect();
            out.push(format!("{full}{suffix}"));
            out.push(format!("{initials}{first}"));
            out.push(format!("{initials}{suffix}"));
        }
        let mut seen = std::collections::HashSet::new();
        out.retain(|f| !f.is_empty() && seen.insert(f.clone()));
        out
    }
}

impl Profile {
    /// Parses a profile from TOML text and checks that it names at least one official domain.
    pub fn from_toml(text: &str) -> Result<Self, Error> {
        let mut p: Profile = toml::from_str(text).map_err(|e| Error::Profile(e.to_string()))?;
        if p.official_domains.is_empty() {
            return Err(Error::Profile("a profile needs at least one official domain".into()));
        }
        for d in &mut p.official_domains {
            *d = d.trim().trim_end_matches('.').to_ascii_lowercase();
        }
        for t in p.strong_tokens.iter_mut().chain(p.weak_tokens.iter_mut()).chain(p.pinyin.iter_mut()) {
            *t = t.to_ascii_lowercase();
        }
        Ok(p)
    }

    /// A shipped profile by name (`mem`, `samr`, `mohurd`, `osta`).
    pub fn builtin(name: &str) -> Result<Self, Error> {
        let text = BUILTIN
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, t)| *t)
            .ok_or_else(|| Error::UnknownProfile(name.to_string()))?;
        Self::from_toml(text)
    }

    /// Every shipped profile merged into one (`all`): each list is the union of theirs, so one scorer
    /// judges a name against all of them in a single pass. The reference page is the default profile's (page
    /// judging compares with one page; it takes a single profile).
    pub fn all() -> Self {
        let mut merged = Self::default_profile();
        merged.name = ALL_PROFILES.into();
        merged.description = "every shipped profile".into();
        for name in Self::builtin_names().filter(|n| *n != DEFAULT_PROFILE) {
            let p = Self::builtin(name).expect("shipped profiles parse");
            merged.official_domains.extend(p.official_domains);
            merged.strong_tokens.extend(p.strong_tokens);
            merged.weak_tokens.extend(p.weak_tokens);
            merged.chinese_names.extend(p.chinese_names);
            merged.traditional_names.extend(p.traditional_names);
            merged.pinyin.extend(p.pinyin);
            merged.terms.extend(p.terms);
        }
        for list in [
            &mut merged.official_domains,
            &mut merged.strong_tokens,
            &mut merged.chinese_names,
            &mut merged.traditional_names,
            &mut merged.pinyin,
        ] {
            let mut seen = std::collections::HashSet::new();
            list.retain(|x| seen.insert(x.clone()));
        }
        // A token strong for one authority stays strong in the union, never also weak.
        let strong: std::collections::HashSet<String> = merged.strong_tokens.iter().cloned().collect();
        let mut seen = std::collections::HashSet::new();
        merged.weak_tokens.retain(|t| !strong.contains(t) && seen.insert(t.clone()));
        merged
    }

    /// A shipped profile by name, or `all` of them merged.
    pub fn named(name: &str) -> Result<Self, Error> {
        if name.eq_ignore_ascii_case(ALL_PROFILES) { Ok(Self::all()) } else { Self::builtin(name) }
    }

    /// The default (MEM) profile.
    pub fn default_profile() -> Self {
        // The shipped data is checked by the tests: failing here is a build defect.
        Self::builtin(DEFAULT_PROFILE).expect("shipped default profile parses")
    }

    /// Names of the shipped profiles.
    pub fn builtin_names() -> impl Iterator<Item = &'static str> {
        BUILTIN.iter().map(|(n, _)| *n)
    }

    /// The forms that name a government office (a brand term with 局/部/厅: yingjiguanlibu, yjglj), five
    /// letters or more: anyone but the office itself naming a site so impersonates it.
    pub fn office_forms(&self) -> Vec<String> {
        let mut out = Vec::new();
        for t in self.terms.iter().filter(|t| !t.weak && !t.suffixes.is_empty()) {
            let plain = Term { suffixes: Vec::new(), ..t.clone() }.forms();
            out.extend(t.forms().into_iter().filter(|f| f.len() >= 5 && !plain.contains(f)));
        }
        out
    }

    /// The tokens the profile's terms spell, as (strong, weak) lists, added to the listed tokens; a strong
    /// term's two-letter initials are weak.
    pub fn term_tokens(&self) -> (Vec<String>, Vec<String>) {
        let (mut strong, mut weak) = (Vec::new(), Vec::new());
        for t in &self.terms {
            for form in t.forms() {
                // Two letters (aj, yj) name too many things to stand for a brand on their own.
                let list = if t.weak || form.len() < 3 { &mut weak } else { &mut strong };
                list.push(form);
            }
        }
        (strong, weak)
    }

    /// The official registrable domains (public-suffix aware), e.g. `mem.gov.cn`.
    pub fn official_registrable(&self) -> Vec<String> {
        let mut v: Vec<String> =
            self.official_domains.iter().filter_map(|d| crate::suffix::registrable_domain(d)).collect();
        v.sort();
        v.dedup();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_builtin_profiles_load() {
        let names: Vec<_> = Profile::builtin_names().collect();
        assert_eq!(names, ["mem", "samr", "mohurd", "osta"]);
        for n in names {
            let p = Profile::builtin(n).unwrap();
            assert_eq!(p.name, n);
            assert!(!p.strong_tokens.is_empty() && !p.chinese_names.is_empty());
            assert!(!p.reference.form_fields.is_empty());
        }
    }

    #[test]
    fn default_is_mem_with_official_domains() {
        let p = Profile::default_profile();
        assert_eq!(p.official_domains, ["mem.gov.cn", "cx.mem.gov.cn"]);
        assert_eq!(p.official_registrable(), ["mem.gov.cn"]);
        assert!(p.chinese_names.iter().any(|n| n == "应急管理部"));
        assert_eq!(Profile::builtin("MEM").unwrap().name, "mem");
    }

    #[test]
    fn all_merges_every_profile_without_duplicates() {
        let all = Profile::named("all").unwrap();
        for name in Profile::builtin_names() {
            let p = Profile::builtin(name).unwrap();
            for d in &p.official_domains {
                assert!(all.official_domains.contains(d), "{d}");
            }
            for t in &p.strong_tokens {
                assert!(all.strong_tokens.contains(t) && !all.weak_tokens.contains(t), "{t}");
            }
        }
        let mut d = all.official_domains.clone();
        d.sort();
        d.dedup();
        assert_eq!(d.len(), all.official_domains.len());
    }

    #[test]
    fn a_term_spells_its_full_and_initial_forms_with_office_suffixes() {
        let t =
            Term {
                zh: "登高证".into(), pinyin: "deng gao zheng".into(), weak: false, suffixes: vec![], broad: false
            };
        assert_eq!(t.forms(), ["denggaozheng", "dengaozheng", "dgz"]);
        let t = Term {
            zh: "应急管理".into(),
            pinyin: "ying ji guan li".into(),
            weak: false,
            suffixes: vec!["ju".into()],
            broad: false,
        };
        assert_eq!(t.forms(), ["yingjiguanli", "yjgl", "yingjiguanliju", "yjglj", "yjglju"]);
        let one = Term { zh: "证".into(), pinyin: "zheng".into(), weak: true, suffixes: vec![], broad: false };
        assert_eq!(one.forms(), ["zheng"], "a single initial is no token");
    }

    #[test]
    fn every_shipped_profile_spells_its_terms() {
        for name in Profile::builtin_names() {
            let p = Profile::builtin(name).unwrap();
            assert!(!p.terms.is_empty(), "{name} has no terms");
            let (strong, _) = p.term_tokens();
            assert!(!strong.is_empty(), "{name} has no strong term");
            for t in &p.terms {
                assert_eq!(
                    t.zh.chars().count(),
                    t.pinyin.split_whitespace().count(),
                    "{name}: {} vs {}",
                    t.zh,
                    t.pinyin
                );
            }
        }
        let (strong, _) = Profile::all().term_tokens();
        for form in ["tezhongzuoye", "tzzy", "yjglj", "yingjiguanliting", "aqsc", "tzsb", "jzsg", "zyjn"] {
            assert!(strong.iter().any(|s| s == form), "{form} missing from the merged profile");
        }
    }

    #[test]
    fn unknown_and_invalid_profiles_are_errors() {
        assert!(matches!(Profile::builtin("nope"), Err(Error::UnknownProfile(_))));
        assert!(matches!(Profile::from_toml("name = 1"), Err(Error::Profile(_))));
        let empty = include_str!("../data/profiles/mem.toml")
            .replace(r#"official_domains = ["mem.gov.cn", "cx.mem.gov.cn"]"#, "official_domains = []");
        assert!(matches!(Profile::from_toml(&empty), Err(Error::Profile(_))));
    }
}
