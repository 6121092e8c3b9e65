//! One person answering terminals one after another (an insider walking from seat to seat): the hand-over shows
//! on the terminals' clocks when the candidates logged in minutes apart, and on the sessions' own time when a
//! terminal's clock is wrong.

mod common;

use serde_json::json;

/// The operator's answers: right on 30 of the 40 questions, and the same wrong choice on the other ten.
fn operator_choice(q: usize) -> &'static str {
    if q % 4 == 3 { "B" } else { "A" }
}

/// A session logged in at `login` (minutes, on a clock `skew` minutes off) that the operator answers from
/// `from`, `pace` minutes a question, with the local mouse.
fn operated(exam: &mut common::Exam, n: usize, login: f64, from: f64, pace: f64, skew: f64) -> String {
    let s = format!("s{n}");
    exam.push(
        json!({"kind": "session_start", "session": s, "candidate": format!("c{n}"), "exam": "E1",
            "centre": "C1", "room": "R1", "seat": format!("{n}"), "terminal": format!("t{n}")}),
        login + skew,
    );
    for q in 0..40 {
        let minute = from + pace * q as f64 + skew;
        exam.push(json!({"kind": "input", "session": s, "interval_ms": 30_000, "keys": 0, "pointer": 12}), minute);
        exam.push(
            json!({"kind": "answer", "session": s, "question": format!("q{q}"), "choice": operator_choice(q)}),
            minute,
        );
    }
    exam.push(json!({"kind": "session_end", "session": s}), 118.0 + skew);
    s
}

fn relay_flagged(skews: [f64; 3], logins: [f64; 3]) -> Vec<(String, Vec<&'static str>)> {
    let mut exam = common::Exam::new();
    for n in 0..12 {
        exam.seat(n, "R1", &[]);
    }
    // one after another: 6-25.5, 27-46.5 and 48-67.5 minutes on the right clock
    let operated: Vec<String> =
        (0..3).map(|k| operated(&mut exam, 20 + k, logins[k], 6.0 + 21.0 * k as f64, 0.5, skews[k])).collect();
    let f = exam.findings("relay");
    for n in 0..12 {
        assert!(f[&format!("s{n}")].is_empty(), "{f:?}");
    }
    operated.into_iter().map(|s| (s.clone(), f[&s].clone())).collect()
}

#[test]
fn logins_minutes_apart_do_not_hide_the_hand_over() {
    // the candidates logged in eight minutes apart, clocks right: on their own time the three overlap
    for (s, codes) in relay_flagged([0.0; 3], [0.0, 8.0, 16.0]) {
        assert!(codes.contains(&"relay_answers"), "{s}: {codes:?}");
    }
}

#[test]
fn a_clock_set_wrong_does_not_hide_the_hand_over() {
    // logged in together, the middle terminal's clock 30 minutes fast: on the clocks its answers come after a gap
    for (s, codes) in relay_flagged([0.0, 30.0, 0.0], [0.0, 0.0, 0.0]) {
        assert!(codes.contains(&"relay_answers"), "{s}: {codes:?}");
    }
}

/// In a room whose candidates begin `usual_start` minutes after login, the operator answers a terminal at `pace`
/// minutes a question, then the next one as it stops: there every answer right but for a few of its own (an able
/// operator agrees with anyone able), at an uneven pace, so only the hand-over and the late start tell.
fn late_room(
    usual_start: f64,
    pace: f64,
) -> (String, String, String, std::collections::HashMap<String, Vec<&'static str>>) {
    let mut exam = common::Exam::new();
    for n in 0..12 {
        exam.seat_from(n, "R1", &[], usual_start);
    }
    let first = operated(&mut exam, 20, 0.0, usual_start + 1.0, pace, 0.0);
    let s = "s21";
    exam.push(
        json!({"kind": "session_start", "session": s, "candidate": "c21", "exam": "E1", "centre": "C1",
            "room": "R1", "seat": "21", "terminal": "t21"}),
        0.0,
    );
    let mut minute = usual_start + 1.0 + 40.0 * pace;
    for q in 0..40 {
        minute += 0.2 + 0.6 * ((q * 7) % 5) as f64 / 4.0;
        let choice = if q % 9 == 4 { "C" } else { "A" };
        exam.push(json!({"kind": "input", "session": s, "interval_ms": 30_000, "keys": 0, "pointer": 12}), minute);
        exam.push(json!({"kind": "answer", "session": s, "question": format!("q{q}"), "choice": choice}), minute);
    }
    exam.push(json!({"kind": "session_end", "session": s}), 118.0);
    // an honest candidate who began 12 minutes late, as someone else's answering stopped
    let honest_late = exam.seat_from(30, "R1", &[], usual_start + 7.0);
    let f = exam.findings("");
    (first, s.to_string(), honest_late, f)
}

#[test]
fn a_terminal_left_unanswered_for_long_that_starts_as_another_stops_is_flagged_on_its_timing() {
    let (first, second, honest_late, f) = late_room(5.0, 0.5);
    assert_eq!(f[&second], ["late_relay"], "{f:?}");
    assert!(!f[&first].contains(&"late_relay"), "{f:?}");
    assert!(f[&honest_late].is_empty(), "{f:?}");
}

#[test]
fn a_room_that_began_late_as_a_whole_is_not_late() {
    // logged in 30 minutes before the exam opened: everyone begins half an hour after login, and the second
    // terminal 40 minutes after (8 after a quick first one): late for the exam, not for this room
    let (_, second, _, f) = late_room(30.0, 0.2);
    // (39 minutes after login: without the room's allowance it would be flagged)
    assert!(!f[&second].contains(&"late_relay"), "{f:?}");
}
