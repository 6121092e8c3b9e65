//! What the public may see of a certificate: the ID number masked, everything else as printed.

use certguard_registry::{Catalogue, Certificate, Scope, Status};
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Labelled {
    pub code: String,
    pub zh: String,
    pub en: String,
}

/// The masked public view of one certificate on one day.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PublicCertificate {
    pub serial: String,
    pub kind: Labelled,
    /// "T" + masked ID for special-operation certificates.
    pub number: String,
    pub holder_name: String,
    pub sex: Labelled,
    pub id_masked: String,
    /// 作业类别 or 人员类型
    pub category: Labelled,
    /// 操作项目 or 行业类别
    pub item: Labelled,
    pub first_issued: NaiveDate,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub review_due: Option<NaiveDate>,
    pub last_review: Option<NaiveDate>,
    pub authority: Labelled,
    pub status: Labelled,
    /// Whether the holder may do the work today on this certificate.
    pub permits_work: bool,
}

fn label(code: &str, zh: &str, en: &str) -> Labelled {
    Labelled { code: code.to_string(), zh: zh.to_string(), en: en.to_string() }
}

impl PublicCertificate {
    pub fn of(c: &Certificate, catalogue: &Catalogue, authority_name: (&str, &str), today: NaiveDate) -> Self {
        let (category, item) = match &c.scope {
            Scope::SpecialOperation { category, item } => {
                let cat = catalogue.category(category);
                let it = catalogue.item(item).map(|(_, i)| i);
                (
                    label(category, cat.map_or(category, |x| &x.zh), cat.map_or(category, |x| &x.en)),
                    label(item, it.map_or(item, |x| &x.zh), it.map_or(item, |x| &x.en)),
                )
            }
            Scope::Management { personnel_type, industry } => {
                let p = catalogue.personnel_type(personnel_type);
                let i = catalogue.industry(industry);
                (
                    label(personnel_type, p.map_or(personnel_type, |x| &x.zh), p.map_or(personnel_type, |x| &x.en)),
                    label(industry, i.map_or(industry, |x| &x.zh), i.map_or(industry, |x| &x.en)),
                )
            }
        };
        let status: Status = c.status(today);
        PublicCertificate {
            serial: c.serial.to_hex(),
            kind: label(c.kind().code(), c.kind().zh(), c.kind().en()),
            number: c.number.masked(),
            holder_name: c.holder.name.to_string(),
            sex: label(c.holder.sex.en(), c.holder.sex.zh(), c.holder.sex.en()),
            id_masked: c.holder.identity.masked(),
            category,
            item,
            first_issued: c.first_issued,
            valid_from: c.valid_from,
            valid_until: c.valid_until,
            review_due: c.review_due,
            last_review: c.last_review,
            authority: label(c.authority.as_str(), authority_name.0, authority_name.1),
            status: label(status.code(), status.zh(), status.en()),
            permits_work: status.permits_work(),
        }
    }
}
