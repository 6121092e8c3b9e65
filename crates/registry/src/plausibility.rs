//! Checks an inspector can run on the printed data of a paper or legacy certificate that has no signed QR:
//! what cannot be true on a genuine certificate (a sloppy forgery fails these). Passing them proves nothing;
//! failing one is a reason to hold the holder back and look the certificate up.

use crate::catalogue::Catalogue;
use crate::rules::{MINIMUM_AGE, SPECIAL_OPERATION_VALIDITY_YEARS, add_years};
use certguard_types::ResidentId;
use chrono::NaiveDate;
use serde::Serialize;

/// The fields as printed (all optional: inspectors type what they can read).
#[derive(Clone, Debug, Default)]
pub struct PrintedCertificate {
    pub number: Option<String>,
    pub id_number: Option<String>,
    /// Category code or name, e.g. "2" or 焊接与热切割作业.
    pub category: Option<String>,
    /// Item code or name.
    pub item: Option<String>,
    pub first_issued: Option<NaiveDate>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub review_due: Option<NaiveDate>,
    pub last_review: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable code, e.g. "id_check_digit".
    pub code: &'static str,
    /// The printed field concerned.
    pub field: &'static str,
    pub zh: String,
    pub en: String,
}

fn finding(code: &'static str, field: &'static str, zh: String, en: String) -> Finding {
    Finding { code, field, zh, en }
}

/// Everything that cannot be true about the printed certificate.
pub fn check_printed(p: &PrintedCertificate, catalogue: &Catalogue) -> Vec<Finding> {
    let mut out = Vec::new();
    let id = match p.id_number.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) => match text.parse::<ResidentId>() {
            Ok(id) => Some(id),
            Err(e) => {
                out.push(finding(
                    "id_invalid",
                    "id_number",
                    format!("身份证号不可能有效：{e}"),
                    format!("the ID number cannot be valid: {e}"),
                ));
                None
            }
        },
        None => None,
    };
    if let (Some(number), Some(id)) = (p.number.as_deref().map(str::trim).filter(|s| !s.is_empty()), &id) {
        let expected = format!("T{}", id.as_str());
        if certguard_types::normalize_compact(number).to_uppercase() != expected {
            out.push(finding(
                "number_not_t_plus_id",
                "number",
                "证号应为字母 T 加持证人身份证号".into(),
                "the certificate number must be T followed by the holder's ID number".into(),
            ));
        }
    }
    let category = p.category.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let item = p.item.as_deref().map(str::trim).filter(|s| !s.is_empty());
    match (category.map(|c| (c, catalogue.find_category(c))), item) {
        (Some((c, None)), _) => out.push(finding(
            "category_unknown",
            "category",
            format!("作业类别“{c}”不在特种作业目录中"),
            format!("category '{c}' is not in the catalogue"),
        )),
        (Some((_, Some(cat))), Some(i)) if catalogue.find_item(cat, i).is_none() => out.push(finding(
            "item_not_in_category",
            "item",
            format!("操作项目“{i}”不属于作业类别“{}”", cat.zh),
            format!("item '{i}' does not belong to category '{}'", cat.en),
        )),
        _ => {}
    }
    if let (Some(from), Some(until)) = (p.valid_from, p.valid_until) {
        let expected = add_years(from, SPECIAL_OPERATION_VALIDITY_YEARS);
        let off = (until - expected).num_days();
        if !(-1..=0).contains(&off) {
            out.push(finding(
                "validity_not_six_years",
                "valid_until",
                format!("有效期应为 6 年（应至 {expected}），印的是 {until}"),
                format!("validity must be 6 years (to {expected}); printed {until}"),
            ));
        }
    }
    if let (Some(from), Some(due)) = (p.valid_from, p.review_due) {
        let three = add_years(from, 3);
        let six = add_years(from, 6);
        if due != three && due != six && (due - three).num_days().abs() > 1 && (due - six).num_days().abs() > 1 {
            out.push(finding(
                "review_interval",
                "review_due",
                format!("应复审日期应在有效期开始后 3 年（{three}）或 6 年（{six}）"),
                format!("the review is due 3 years ({three}) or 6 years ({six}) after the validity start"),
            ));
        }
    }
    if let (Some(id), Some(first)) = (&id, p.first_issued) {
        let age = id.age_on(first);
        if age < MINIMUM_AGE {
            out.push(finding(
                "holder_under_18",
                "first_issued",
                format!("初领证时持证人仅 {age} 岁，未满 18 岁不能取证"),
                format!("the holder was {age} at first issue; the minimum is 18"),
            ));
        }
    }
    let order = [
        ("first_issued", p.first_issued, "valid_from", p.valid_from),
        ("valid_from", p.valid_from, "valid_until", p.valid_until),
        ("first_issued", p.first_issued, "last_review", p.last_review),
    ];
    for (a_name, a, b_name, b) in order {
        if let (Some(a), Some(b)) = (a, b)
            && a > b
        {
            out.push(finding(
                "dates_out_of_order",
                b_name,
                format!("日期顺序不可能：{a_name} {a} 晚于 {b_name} {b}"),
                format!("impossible order: {a_name} {a} is after {b_name} {b}"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    fn genuine() -> PrintedCertificate {
        PrintedCertificate {
            number: Some("T11010519491231002X".into()),
            id_number: Some("11010519491231002X".into()),
            category: Some("电工作业".into()),
            item: Some("低压电工作业".into()),
            first_issued: d(2019, 5, 6),
            valid_from: d(2019, 5, 6),
            valid_until: d(2025, 5, 6),
            review_due: d(2022, 5, 6),
            last_review: None,
        }
    }

    fn codes(p: &PrintedCertificate) -> Vec<&'static str> {
        check_printed(p, &Catalogue::builtin()).into_iter().map(|f| f.code).collect()
    }

    #[test]
    fn a_consistent_certificate_raises_nothing() {
        assert!(codes(&genuine()).is_empty());
        assert!(codes(&PrintedCertificate::default()).is_empty(), "nothing typed, nothing found");
    }

    #[test]
    fn each_impossibility_is_named() {
        let with = |f: &dyn Fn(&mut PrintedCertificate)| {
            let mut p = genuine();
            f(&mut p);
            codes(&p)
        };
        assert_eq!(with(&|p| p.id_number = Some("110105194912310021".into())), ["id_invalid"]);
        assert_eq!(with(&|p| p.number = Some("T440524188001010014".into())), ["number_not_t_plus_id"]);
        assert_eq!(with(&|p| p.item = Some("熔化焊接与热切割作业".into())), ["item_not_in_category"]);
        assert_eq!(with(&|p| p.category = Some("美容美发".into())), ["category_unknown"]);
        assert_eq!(with(&|p| p.valid_until = d(2024, 5, 6)), ["validity_not_six_years"]);
        assert_eq!(with(&|p| p.review_due = d(2021, 1, 1)), ["review_interval"]);
        assert_eq!(with(&|p| p.review_due = d(2025, 5, 6)), Vec::<&str>::new(), "6 years after extension");
        let young = with(&|p| {
            p.first_issued = d(1966, 1, 1);
            p.valid_from = d(1966, 1, 1);
            p.valid_until = d(1972, 1, 1);
            p.review_due = d(1969, 1, 1);
        });
        assert_eq!(young, ["holder_under_18"]);
        assert_eq!(with(&|p| p.first_issued = d(2020, 1, 1)), ["dates_out_of_order"]);
    }
}
