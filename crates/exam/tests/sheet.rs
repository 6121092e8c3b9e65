//! One answer sheet shared by a group (`shared_sheet`): able candidates who all make the same rare wrong choices
//! are flagged together; able candidates with errors of their own, and a weak candidate who happens to make the
//! sheet's errors among many others, are not.

mod common;

use common::Exam;

/// The ring's sheet: the key (`A`) with five transcription errors.
const SHEET_ERRORS: [(usize, &str); 5] = [(3, "B"), (11, "C"), (17, "D"), (26, "B"), (34, "C")];

/// An able candidate's answers: the key, with `errors` as wrong choices.
fn able(errors: &[(usize, &str)]) -> Vec<&'static str> {
    let mut c = vec!["A"; 40];
    for &(q, w) in errors {
        c[q] = ["B", "C", "D"].into_iter().find(|x| *x == w).expect("a wrong choice");
    }
    c
}

/// 54 ordinary seats (right two times in three, their wrong choices spread) and the `extra` seats after them.
fn exam_with(extra: &[Vec<&'static str>]) -> (Exam, Vec<String>) {
    let mut e = Exam::new();
    for n in 0..54 {
        e.seat(n, "R1", &[]);
    }
    let ids = extra.iter().enumerate().map(|(k, c)| e.seat_choosing(100 + k, "R2", c)).collect();
    (e, ids)
}

#[test]
fn a_ring_copying_one_sheet_is_flagged_together() {
    // Six able members: the sheet's five errors, and each one slip of its own on another item.
    let ring: Vec<Vec<&str>> = (0..6)
        .map(|k| {
            let mut errors = SHEET_ERRORS.to_vec();
            errors.push((20 + k, "D"));
            able(&errors)
        })
        .collect();
    let (e, ids) = exam_with(&ring);
    let found = e.findings("shared_sheet");
    for id in &ids {
        assert_eq!(found[id], vec!["shared_sheet"], "{id} copied the sheet");
    }
    let others = found.iter().filter(|(s, f)| !ids.contains(s) && !f.is_empty()).count();
    assert_eq!(others, 0, "no ordinary seat is in the ring");
}

#[test]
fn able_candidates_with_their_own_errors_are_not_a_ring() {
    // Six able candidates, five errors each, on different items.
    let own: Vec<Vec<&str>> =
        (0..6).map(|k| able(&(0..5).map(|j| ((k * 6 + j) % 40, "B")).collect::<Vec<_>>())).collect();
    let (e, _) = exam_with(&own);
    assert!(e.findings("shared_sheet").values().all(Vec::is_empty));
}

#[test]
fn a_weak_candidate_sharing_the_sheets_errors_does_not_join_the_ring() {
    // A short sheet (four errors) copied by six able members, and a weak candidate who makes the same four
    // errors among many others: for one who errs that often, four such errors are no evidence.
    let sheet = &SHEET_ERRORS[..4];
    let mut seats: Vec<Vec<&str>> = (0..6).map(|_| able(sheet)).collect();
    let mut weak = able(sheet);
    for q in (1..40).step_by(3) {
        if !sheet.iter().any(|&(s, _)| s == q) {
            weak[q] = ["B", "C", "D"][q % 3];
        }
    }
    seats.push(weak);
    let (e, ids) = exam_with(&seats);
    let found = e.findings("shared_sheet");
    for id in &ids[..6] {
        assert_eq!(found[id], vec!["shared_sheet"], "{id} copied the sheet");
    }
    assert!(found[&ids[6]].is_empty(), "the weak candidate is no member");
}
