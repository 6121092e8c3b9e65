//! Dates, times, audit records and certificates the stories share.

use certguard_registry::*;
use certguard_store::{AuditRecord, NewRecord};
use certguard_types::IdentityDoc;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn t(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 6, 1, h, 0, 0).unwrap()
}

pub fn audit(action: &str) -> AuditRecord {
    AuditRecord {
        at: t(1),
        actor: "tester".into(),
        action: action.into(),
        target: "x".into(),
        detail: String::new(),
        client: Some("127.0.0.1".into()),
    }
}

pub fn cert(serial: u8, id: &str, name: &str, item: (&str, &str), from: NaiveDate) -> Certificate {
    let identity = IdentityDoc::resident(id).unwrap();
    let sex = identity.as_resident().unwrap().sex();
    build_certificate(
        NewCertificate {
            holder: Holder { name: name.parse().unwrap(), identity, sex },
            scope: Scope::SpecialOperation { category: item.0.into(), item: item.1.into() },
            authority: "CN-320582".parse().unwrap(),
            first_issued: from,
            valid_from: from,
            valid_until: None,
            review_due: None,
            last_review: None,
            number: None,
        },
        &Catalogue::builtin(),
        Serial([serial; 16]),
        d(2024, 6, 1),
    )
    .unwrap()
}

pub fn record(c: &Certificate) -> NewRecord {
    NewRecord { certificate: c.clone(), event: Event::Issued, actor: "tester".into(), at: t(2) }
}
