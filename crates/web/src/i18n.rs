//! Chinese first, English second. Every text on a page is written in both languages side by side at the
//! place it is used (`lang.t("证书查询", "Certificate lookup")`), so no language can fall behind the other.

use chrono::{Datelike, NaiveDate};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// The language chosen with the switch (the value of its cookie, which the edge reads); Chinese otherwise.
    pub fn from_cookie(value: Option<&str>) -> Lang {
        match value {
            Some("en") => Lang::En,
            _ => Lang::Zh,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn t<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// 2024年6月15日 in Chinese, ISO in English.
    pub fn date(self, d: NaiveDate) -> String {
        match self {
            Lang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
            Lang::En => d.to_string(),
        }
    }

    pub fn opt_date(self, d: Option<NaiveDate>) -> String {
        d.map(|d| self.date(d)).unwrap_or_else(|| "—".into())
    }

    /// Thousands separators, as both languages write them.
    pub fn number(self, n: u64) -> String {
        let s = n.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let d = NaiveDate::from_ymd_opt(2024, 6, 15).unwrap();
        assert_eq!(Lang::Zh.date(d), "2024年6月15日");
        assert_eq!(Lang::En.date(d), "2024-06-15");
        assert_eq!(Lang::Zh.number(25_690_000), "25,690,000");
        assert_eq!(Lang::En.number(532), "532");
    }
}
