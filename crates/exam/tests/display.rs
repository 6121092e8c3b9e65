//! The display findings on small rooms built event by event: a screen sent elsewhere as well (more displays or
//! mirrored than the room's usual set-up, for most answers) and a display re-plugged at another resolution.

use certguard_exam::{Collector, Options, Signatures, analyze, parse_line};
use serde_json::json;

/// One room's sessions; each seat's display events as (minutes after the start, displays, mirrored, resolution).
struct Room {
    lines: Vec<String>,
    next_id: usize,
}

impl Room {
    fn new() -> Room {
        let questions: Vec<_> = (0..40).map(|i| json!({"id": format!("q{i}"), "key": "A", "options": 4})).collect();
        let mut r = Room { lines: Vec::new(), next_id: 0 };
        r.push(json!({"kind": "exam", "exam": "E1", "questions": questions, "pass_mark": 80, "minutes": 120}), 0.0);
        r
    }

    fn push(&mut self, mut v: serde_json::Value, minute: f64) {
        self.next_id += 1;
        v["v"] = json!(1);
        v["id"] = json!(format!("e{}", self.next_id));
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-20T09:00:00+08:00").unwrap()
            + chrono::Duration::milliseconds((minute * 60_000.0) as i64);
        v["at"] = json!(at.to_rfc3339());
        self.lines.push(v.to_string());
    }

    /// A session answering its 40 questions (a varied pattern, so no two agree beyond chance) from minute 5 to
    /// minute 85, with local input all along, and the given display events.
    fn seat(&mut self, n: usize, displays: &[(f64, u32, bool, &str)]) -> String {
        let session = format!("s{n}");
        let s = session.as_str();
        self.push(
            json!({"kind": "session_start", "session": s, "candidate": format!("c{n}"), "exam": "E1",
                "centre": "C1", "room": "R1", "seat": format!("{n}"), "terminal": format!("t{n}")}),
            0.0,
        );
        for (minute, count, mirrored, resolution) in displays {
            self.push(
                json!({"kind": "display", "session": s, "displays": count, "mirrored": mirrored,
                    "resolution": resolution}),
                *minute,
            );
        }
        for q in 0..40usize {
            let minute = 5.0 + 2.0 * q as f64;
            self.push(json!({"kind": "input", "session": s, "interval_ms": 60_000, "keys": 3, "pointer": 20}), minute);
            let choice = ["A", "B", "C", "D"][(q * 7 + n * 3 + q * n) % 4 * usize::from((q + n).is_multiple_of(3))];
            self.push(json!({"kind": "answer", "session": s, "question": format!("q{q}"), "choice": choice}), minute);
        }
        self.push(json!({"kind": "session_end", "session": s}), 90.0);
        session
    }

    /// The display findings per session.
    fn findings(&self) -> std::collections::HashMap<String, Vec<&'static str>> {
        let mut c = Collector::new(Signatures::builtin());
        for l in &self.lines {
            assert!(c.add(parse_line(l.as_bytes()).expect("a valid line")));
        }
        analyze(c, &Options::default())
            .sessions
            .into_iter()
            .map(|r| {
                let codes = r.findings.iter().map(|f| f.code).filter(|c| c.starts_with("display")).collect();
                (r.session, codes)
            })
            .collect()
    }
}

const PLAIN: &[(f64, u32, bool, &str)] = &[(0.0, 1, false, "1920x1080")];

#[test]
fn a_screen_mirrored_for_the_whole_exam_stands_out_in_a_room_of_single_screens() {
    let mut room = Room::new();
    let plain: Vec<String> = (0..8).map(|n| room.seat(n, PLAIN)).collect();
    let mirrored = room.seat(8, &[(0.0, 2, true, "1920x1080")]);
    // the briefing's projector seat goes back to one screen before the answers
    let projector = room.seat(9, &[(0.0, 2, true, "1024x768"), (3.0, 1, false, "1920x1080")]);
    let f = room.findings();
    assert_eq!(f[&mirrored], ["display_unusual"], "{f:?}");
    assert!(f[&projector].is_empty(), "{f:?}");
    for s in &plain {
        assert!(f[s].is_empty(), "{s}: {f:?}");
    }
}

#[test]
fn a_set_up_several_seats_share_is_the_place_s_own() {
    let mut room = Room::new();
    for n in 0..8 {
        room.seat(n, PLAIN);
    }
    // five laptops duplicated to a monitor: fewer than half, but the room's own set-up all the same
    let laptops: Vec<String> = (8..13).map(|n| room.seat(n, &[(0.0, 2, true, "1920x1080")])).collect();
    let f = room.findings();
    for s in &laptops {
        assert!(f[s].is_empty(), "{s}: {f:?}");
    }
}

#[test]
fn a_third_display_where_the_room_uses_two_stands_out() {
    let mut room = Room::new();
    for n in 0..8 {
        room.seat(n, &[(0.0, 2, false, "1920x1080")]);
    }
    let third = room.seat(8, &[(0.0, 2, false, "1920x1080"), (20.0, 3, true, "1920x1080")]);
    let lid_closed = room.seat(9, &[(0.0, 2, false, "1920x1080"), (4.0, 1, false, "1920x1080")]);
    let f = room.findings();
    assert_eq!(f[&third], ["display_unusual"], "{f:?}");
    assert!(f[&lid_closed].is_empty(), "{f:?}");
}

#[test]
fn a_display_re_plugged_at_another_resolution_is_reported_and_one_back_as_it_was_is_not() {
    let mut room = Room::new();
    for n in 0..8 {
        room.seat(n, PLAIN);
    }
    let splitter =
        room.seat(8, &[(0.0, 1, false, "1920x1080"), (30.0, 0, false, "1920x1080"), (30.1, 1, false, "1280x1024")]);
    let blip =
        room.seat(9, &[(0.0, 1, false, "1920x1080"), (30.0, 0, false, "1920x1080"), (30.1, 1, false, "1920x1080")]);
    // set before the exam began (within the first minute): the seat's own set-up
    let early = room.seat(10, &[(0.0, 1, false, "1920x1080"), (0.2, 0, false, ""), (0.3, 1, false, "1280x720")]);
    let f = room.findings();
    assert_eq!(f[&splitter], ["display_replugged"], "{f:?}");
    assert!(f[&blip].is_empty(), "{f:?}");
    assert!(f[&early].is_empty(), "{f:?}");
}
