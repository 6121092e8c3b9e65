//! Every registry transition, allowed and refused.

use certguard_registry::*;
use certguard_types::{IdentityDoc, Sex};
use chrono::NaiveDate;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn new_welder() -> NewCertificate {
    NewCertificate {
        holder: Holder {
            name: "李四".parse().unwrap(),
            identity: IdentityDoc::resident("11010519491231002X").unwrap(),
            sex: Sex::Female,
        },
        scope: Scope::SpecialOperation { category: "2".into(), item: "2.1".into() },
        authority: "CN-110105".parse().unwrap(),
        first_issued: d(2010, 3, 1),
        valid_from: d(2022, 3, 1),
        valid_until: None,
        review_due: None,
        last_review: None,
        number: None,
    }
}

fn issued() -> Certificate {
    build_certificate(new_welder(), &Catalogue::builtin(), Serial([1; 16]), d(2022, 3, 1)).unwrap()
}

#[test]
fn issue_derives_number_and_dates() {
    let c = issued();
    assert_eq!(c.number.as_str(), "T11010519491231002X");
    assert_eq!(c.valid_until, d(2028, 3, 1));
    assert_eq!(c.review_due, Some(d(2025, 3, 1)));
    assert_eq!(c.status(d(2022, 3, 1)), Status::Valid);
    assert_eq!(c.status(d(2022, 2, 28)), Status::Pending);
    assert_eq!(c.status(d(2024, 12, 31)), Status::ReviewDue);
    assert_eq!(c.status(d(2025, 3, 2)), Status::ReviewOverdue);
    assert_eq!(c.status(d(2028, 3, 2)), Status::Expired);
}

#[test]
fn issue_rules_name_the_field() {
    let cat = Catalogue::builtin();
    let check = |f: &dyn Fn(&mut NewCertificate), field: &str| {
        let mut n = new_welder();
        f(&mut n);
        let err = build_certificate(n, &cat, Serial([1; 16]), d(2022, 3, 1)).unwrap_err();
        assert_eq!(err.field, field, "{err}");
    };
    check(&|n| n.scope = Scope::SpecialOperation { category: "2".into(), item: "1.1".into() }, "scope.item");
    check(&|n| n.scope = Scope::SpecialOperation { category: "99".into(), item: "99.1".into() }, "scope.category");
    check(&|n| n.valid_until = Some(d(2027, 3, 1)), "valid_until");
    check(&|n| n.valid_until = Some(d(2021, 3, 1)), "valid_until");
    check(&|n| n.valid_from = d(2009, 1, 1), "valid_from");
    check(&|n| n.first_issued = d(2030, 1, 1), "first_issued");
    check(&|n| n.holder.sex = Sex::Male, "holder.sex");
    check(&|n| n.review_due = Some(d(2029, 1, 1)), "review_due");
    check(&|n| n.number = Some("T440524188001010014".parse().unwrap()), "number");
    // Born 1949-12-31: under 18 on 1967-12-30.
    check(
        &|n| {
            n.first_issued = d(1967, 12, 30);
            n.valid_from = d(1967, 12, 30)
        },
        "first_issued",
    );
    // Day-before-anniversary end dates are accepted.
    let mut n = new_welder();
    n.valid_until = Some(d(2028, 2, 29));
    assert!(build_certificate(n, &cat, Serial([1; 16]), d(2022, 3, 1)).is_ok());
}

#[test]
fn management_certificate_is_three_years_without_review() {
    let mut n = new_welder();
    n.scope = Scope::Management { personnel_type: "manager".into(), industry: "hazchem".into() };
    n.number = Some("AQ2022000123".parse().unwrap());
    let c = build_certificate(n.clone(), &Catalogue::builtin(), Serial([2; 16]), d(2022, 3, 1)).unwrap();
    assert_eq!(c.valid_until, d(2025, 3, 1));
    assert_eq!(c.review_due, None);
    assert_eq!(
        apply(&c, &Command::RecordReview { date: d(2024, 1, 1), passed: true }, d(2024, 1, 1)),
        Err(TransitionError::NoReviewForManagement)
    );
    n.number = None;
    assert_eq!(
        build_certificate(n, &Catalogue::builtin(), Serial([2; 16]), d(2022, 3, 1)).unwrap_err().field,
        "number"
    );
}

#[test]
fn review_moves_the_due_date_and_then_renewal_is_next() {
    let c = issued();
    let err = apply(&c, &Command::RecordReview { date: d(2024, 12, 1), passed: true }, d(2024, 12, 1)).unwrap_err();
    assert!(matches!(err, TransitionError::ReviewTooEarly { opens, .. } if opens == d(2024, 12, 31)));
    let (c2, ev) = apply(&c, &Command::RecordReview { date: d(2025, 2, 1), passed: true }, d(2025, 2, 1)).unwrap();
    assert_eq!(ev, Event::Reviewed { date: d(2025, 2, 1), passed: true });
    assert_eq!(c2.last_review, Some(d(2025, 2, 1)));
    assert_eq!(c2.review_due, None, "the next 3 years end with the validity: renewal, not review");
    assert_eq!(
        apply(&c2, &Command::RecordReview { date: d(2026, 1, 1), passed: true }, d(2026, 1, 1)),
        Err(TransitionError::NoReviewScheduled)
    );
    // A failed review changes no date.
    let (c3, _) = apply(&c, &Command::RecordReview { date: d(2025, 2, 1), passed: false }, d(2025, 2, 1)).unwrap();
    assert_eq!(c3.review_due, c.review_due);
    assert!(matches!(
        apply(&c, &Command::RecordReview { date: d(2025, 2, 1), passed: true }, d(2025, 1, 1)),
        Err(TransitionError::DateInFuture { .. })
    ));
}

#[test]
fn extension_needs_ten_years_and_happens_once() {
    let c = issued(); // first issued 2010-03-01
    assert_eq!(
        apply(&c, &Command::ExtendReviewInterval, d(2020, 2, 28)).unwrap_err(),
        TransitionError::NotEligibleForExtension { years: 9, needed: 10 }
    );
    let (c2, ev) = apply(&c, &Command::ExtendReviewInterval, d(2023, 1, 1)).unwrap();
    assert_eq!(ev, Event::ReviewIntervalExtended);
    assert_eq!(c2.review_interval_years, 6);
    assert_eq!(c2.review_due, None);
    assert_eq!(c2.status(d(2025, 6, 1)), Status::Valid);
    assert_eq!(apply(&c2, &Command::ExtendReviewInterval, d(2023, 1, 1)), Err(TransitionError::AlreadyExtended));
}

#[test]
fn renewal_window_and_expiry() {
    let c = issued();
    assert!(matches!(
        apply(&c, &Command::Renew { date: d(2027, 1, 1) }, d(2027, 1, 1)),
        Err(TransitionError::RenewalTooEarly { .. })
    ));
    let (c2, ev) = apply(&c, &Command::Renew { date: d(2028, 2, 1) }, d(2028, 2, 1)).unwrap();
    assert_eq!(ev, Event::Renewed { valid_from: d(2028, 3, 1), valid_until: d(2034, 3, 1) });
    assert_eq!(c2.review_due, Some(d(2031, 3, 1)));
    assert_eq!(
        apply(&c, &Command::Renew { date: d(2028, 3, 2) }, d(2028, 3, 2)),
        Err(TransitionError::AfterExpiry { valid_until: d(2028, 3, 1) })
    );
}

#[test]
fn suspend_reinstate_revoke_cancel() {
    let today = d(2023, 1, 1);
    let c = issued();
    assert_eq!(apply(&c, &Command::Suspend { reason: "  ".into() }, today), Err(TransitionError::ReasonRequired));
    let (s, _) = apply(&c, &Command::Suspend { reason: "违章作业调查中".into() }, today).unwrap();
    assert_eq!(s.status(today), Status::Suspended);
    assert!(matches!(
        apply(&s, &Command::Suspend { reason: "x".into() }, today),
        Err(TransitionError::WrongState { status: Status::Suspended, .. })
    ));
    // A suspended certificate cannot be reviewed.
    assert!(matches!(
        apply(&s, &Command::RecordReview { date: d(2025, 2, 1), passed: true }, d(2025, 2, 1)),
        Err(TransitionError::WrongState { .. })
    ));
    let (r, ev) = apply(&s, &Command::Reinstate, today).unwrap();
    assert_eq!(ev, Event::Reinstated);
    assert_eq!(r.status(today), Status::Valid);
    assert!(matches!(apply(&r, &Command::Reinstate, today), Err(TransitionError::WrongState { .. })));
    let (rev, _) = apply(&s, &Command::Revoke { reason: RevocationReason::FraudOrBribery }, today).unwrap();
    assert_eq!(rev.status(today), Status::Revoked);
    assert!(RevocationReason::FraudOrBribery.bars_reapplication());
    // Review of a revoked certificate is refused with its status.
    assert_eq!(
        apply(&rev, &Command::RecordReview { date: d(2025, 2, 1), passed: true }, d(2025, 2, 1)),
        Err(TransitionError::WrongState { status: Status::Revoked, op: "review" })
    );
    assert!(matches!(
        apply(&rev, &Command::Revoke { reason: RevocationReason::HealthUnfit }, today),
        Err(TransitionError::WrongState { .. })
    ));
    let (can, _) = apply(&rev, &Command::Cancel { reason: CancellationReason::AfterRevocation }, today).unwrap();
    assert_eq!(can.status(today), Status::Cancelled);
    assert!(matches!(
        apply(&can, &Command::Cancel { reason: CancellationReason::Death }, today),
        Err(TransitionError::WrongState { .. })
    ));
    assert!(matches!(
        apply(
            &can,
            &Command::Correct { correction: Correction::HolderName("王五".parse().unwrap()), reason: "x".into() },
            today
        ),
        Err(TransitionError::WrongState { .. })
    ));
}

#[test]
fn corrections_need_a_reason_and_a_change() {
    let today = d(2023, 1, 1);
    let c = issued();
    let name = Correction::HolderName("李肆".parse().unwrap());
    assert_eq!(
        apply(&c, &Command::Correct { correction: name.clone(), reason: "".into() }, today),
        Err(TransitionError::ReasonRequired)
    );
    let (c2, ev) = apply(&c, &Command::Correct { correction: name, reason: "录入错误".into() }, today).unwrap();
    assert_eq!(c2.holder.name.as_str(), "李肆");
    assert!(matches!(ev, Event::Corrected { ref field, ref old, .. } if field == "holder_name" && old == "李四"));
    assert_eq!(
        apply(
            &c2,
            &Command::Correct { correction: Correction::HolderName("李肆".parse().unwrap()), reason: "x".into() },
            today
        ),
        Err(TransitionError::Unchanged)
    );
    assert!(matches!(
        apply(&c, &Command::Correct { correction: Correction::Sex(Sex::Male), reason: "x".into() }, today),
        Err(TransitionError::InvalidCorrection(_))
    ));
    assert!(matches!(
        apply(&c, &Command::Correct { correction: Correction::FirstIssued(d(2023, 1, 1)), reason: "x".into() }, today),
        Err(TransitionError::InvalidCorrection(_))
    ));
}

#[test]
fn status_change_events_are_marked() {
    assert!(Event::Suspended { reason: "x".into() }.changes_status());
    assert!(!Event::Reviewed { date: d(2020, 1, 1), passed: true }.changes_status());
}
