//! Lenient date parsing for what clerks type and what spreadsheets hold.

use chrono::NaiveDate;

/// Accepts 2024-06-15, 2024/6/15, 2024.6.15, 20240615, 2024年6月15日, and full-width digits.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = certguard_types::normalize_compact(s);
    if s.is_empty() {
        return None;
    }
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(&s, "%Y%m%d").ok();
    }
    let parts: Vec<&str> = s.trim_end_matches('日').split(['-', '/', '.', '年', '月']).collect();
    if parts.len() != 3 || parts[0].len() != 4 {
        return None;
    }
    let y = parts[0].parse().ok()?;
    let m = parts[1].parse().ok()?;
    let d = parts[2].split(['T', ' ']).next()?.parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// An Excel serial date (days since 1899-12-30, the 1900 system) to a date.
pub fn from_excel_serial(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(serial.floor() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let want = NaiveDate::from_ymd_opt(2024, 6, 15);
        for s in [
            "2024-06-15",
            "2024/6/15",
            "2024.6.15",
            "20240615",
            "2024年6月15日",
            "２０２４-０６-１５",
            "2024-06-15T00:00:00",
        ] {
            assert_eq!(parse_date(s), want, "{s}");
        }
        for s in ["", "2024-02-30", "15/06/2024", "abc", "2024-6"] {
            assert_eq!(parse_date(s), None, "{s}");
        }
        assert_eq!(from_excel_serial(45458.0), want);
    }
}
