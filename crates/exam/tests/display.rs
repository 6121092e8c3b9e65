//! The display findings on small rooms built event by event: a screen sent elsewhere as well (more displays or
//! mirrored than the room's usual set-up, for most answers) and a display re-plugged at another resolution.

mod common;

use serde_json::json;

/// One room's seats, each with its display events as (minutes after the start, displays, mirrored, resolution).
struct Room(common::Exam);

impl Room {
    fn new() -> Room {
        Room(common::Exam::new())
    }

    fn seat(&mut self, n: usize, displays: &[(f64, u32, bool, &str)]) -> String {
        let events: Vec<_> = displays
            .iter()
            .map(|(minute, count, mirrored, resolution)| {
                (*minute, json!({"kind": "display", "displays": count, "mirrored": mirrored, "resolution": resolution}))
            })
            .collect();
        self.0.seat(n, "R1", &events)
    }

    /// The display findings per session.
    fn findings(&self) -> std::collections::HashMap<String, Vec<&'static str>> {
        self.0.findings("display")
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

#[test]
fn a_set_up_the_terminal_keeps_for_another_candidate_is_the_terminal_s_own() {
    let mut exam = common::Exam::new();
    let shown = |displays: u32, mirrored: bool| {
        vec![(0.0, json!({"kind": "display", "displays": displays, "mirrored": mirrored, "resolution": "1920x1080"}))]
    };
    for n in 0..10 {
        exam.seat(n, "R1", &shown(1, false));
    }
    // the front terminal is wired to the room's projector: two candidates, on two sittings, answer there mirrored
    let front = [
        exam.seat_at_terminal(10, "R1", "front", &shown(2, true)),
        exam.seat_at_terminal(11, "R1", "front", &shown(2, true)),
    ];
    // a candidate mirrors the screen at another terminal, where the one before them had a single screen
    exam.seat_at_terminal(12, "R1", "t5b", &shown(1, false));
    let mirrored = exam.seat_at_terminal(13, "R1", "t5b", &shown(2, true));
    let f = exam.findings("display");
    for s in &front {
        assert!(f[s].is_empty(), "{s}: {f:?}");
    }
    assert_eq!(f[&mirrored], ["display_unusual"], "{f:?}");
}
