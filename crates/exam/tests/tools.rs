//! Remote tools and the centre's own install: a tool on a fifth of a centre's seats (and on at least five) is
//! the centre's maintenance client, noted for the reviewer; a tool on one seat, or on a few, connected during the
//! exam, is flagged.

mod common;

use serde_json::{Value, json};

/// A tool running and connected to its service every ten minutes of the exam.
fn running(process: &str, path: &str, host: &str) -> Vec<(f64, Value)> {
    let mut events = Vec::new();
    for minute in (0..90).step_by(10) {
        let minute = f64::from(minute);
        events.push((
            minute,
            json!({"kind": "processes", "processes": [
                {"name": "explorer.exe", "path": "C:\\Windows\\explorer.exe", "signer": "Microsoft Windows"},
                {"name": process, "path": path, "signer": ""}]}),
        ));
        events.push((
            minute,
            json!({"kind": "connections", "connections": [
            {"remote": host, "port": 443, "process": process}]}),
        ));
    }
    events
}

fn sunlogin() -> Vec<(f64, Value)> {
    running("SunloginClient.exe", "C:\\Program Files\\Oray\\SunLogin\\SunloginClient.exe", "client-api.oray.com")
}

#[test]
fn a_maintenance_client_on_a_fifth_of_the_centre_is_the_centre_s_own() {
    let mut exam = common::Exam::new();
    let mut with_client = Vec::new();
    let mut candidates_own = Vec::new();
    for n in 0..40 {
        let room = if n < 20 { "R1" } else { "R2" };
        // the centre's client on every fourth seat of both rooms: 10 of 45, under half of either room
        let events = if n % 4 == 0 { sunlogin() } else { Vec::new() };
        let s = exam.seat(n, room, &events);
        if n % 4 == 0 {
            with_client.push(s);
        }
    }
    // a candidate's own tool on one seat, and a ring's on four (fewer than five seats: no install of the centre)
    candidates_own.push(exam.seat(
        40,
        "R1",
        &running("AnyDesk.exe", "C:\\Users\\exam\\Downloads\\AnyDesk.exe", "relay-1.net.anydesk.com"),
    ));
    for n in 41..45 {
        candidates_own.push(exam.seat(n, "R2", &running("ToDesk.exe", "D:\\ToDesk\\ToDesk.exe", "relay3.todesk.com")));
    }
    let analysis = exam.analysis();
    for r in &analysis.sessions {
        let codes: Vec<&str> = r.findings.iter().map(|f| f.code).collect();
        let notes: Vec<&str> = r.notes.iter().map(|f| f.code).collect();
        if with_client.contains(&r.session) {
            assert!(codes.is_empty(), "{}: {codes:?}", r.session);
            assert!(notes.contains(&"remote_software_of_the_centre"), "{}: {notes:?}", r.session);
        } else if candidates_own.contains(&r.session) {
            assert!(codes.contains(&"remote_software"), "{}: {codes:?}", r.session);
        } else {
            assert!(codes.is_empty(), "{}: {codes:?}", r.session);
        }
    }
    assert_eq!(analysis.sessions.len(), 45);
}

/// The input devices a terminal lists at login.
fn listed(names: &[&str]) -> Vec<(f64, Value)> {
    names
        .iter()
        .map(|n| (0.0, json!({"kind": "device", "action": "present", "class": "hid", "name": n, "vid": "", "pid": ""})))
        .collect()
}

#[test]
fn a_receiver_more_than_the_seats_around_it_list_is_flagged_and_a_set_up_many_share_is_not() {
    let mut exam = common::Exam::new();
    for n in 0..10 {
        exam.seat(n, "R1", &listed(&["USB Keyboard", "USB Mouse"]));
    }
    // two receivers of one model beside the wired pair: four devices where the centre's seats list two or three
    let hidden = exam.seat(10, "R1", &listed(&["USB Keyboard", "USB Mouse", "2.4G Receiver", "2.4G Receiver"]));
    // a second room where five seats have a barcode scanner as well: their set-up
    for n in 20..30 {
        exam.seat(n, "R2", &listed(&["USB Keyboard", "USB Mouse"]));
    }
    let scanners: Vec<String> =
        (30..35).map(|n| exam.seat(n, "R2", &listed(&["USB Keyboard", "USB Mouse", "Barcode Scanner"]))).collect();
    let f = exam.findings("input_device");
    assert_eq!(f[&hidden], ["input_device_extra"], "{f:?}");
    for s in &scanners {
        assert!(f[s].is_empty(), "{s}: {f:?}");
    }
    assert!(f["s0"].is_empty() && f["s20"].is_empty(), "{f:?}");
}

/// A device event at `second` seconds after the start.
fn device(second: f64, action: &str, name: &str, ids: &str) -> (f64, Value) {
    let (vid, pid) = ids.split_once(':').unwrap();
    (second / 60.0, json!({"kind": "device", "action": action, "class": "hid", "name": name, "vid": vid, "pid": pid}))
}

#[test]
fn devices_listed_one_after_another_at_login_are_counted_as_one_listing_by_their_ids() {
    const KEYBOARD: &str = "17ef:6099";
    let usual = |extra: &[(f64, Value)]| {
        let mut v = vec![
            device(0.2, "present", "Lenovo USB Keyboard", KEYBOARD),
            device(0.35, "present", "Lenovo USB Mouse", "17ef:608d"),
            device(0.5, "present", "Barcode Scanner", "0c2e:0b61"),
        ];
        v.extend_from_slice(extra);
        v
    };
    let mut exam = common::Exam::new();
    for n in 0..8 {
        exam.seat(n, "R1", &usual(&[]));
    }
    // a second keyboard with the room keyboard's very ids, listed with the others: an injector cloning them
    let twin = exam.seat(10, "R1", &usual(&[device(0.65, "present", "Lenovo USB Keyboard", KEYBOARD)]));
    // a receiver plugged in while the candidate logs in
    let receiver = exam.seat(11, "R1", &usual(&[device(4.0, "attached", "2.4G Receiver", "25a7:fa61")]));
    // the keyboard's media keys, a second interface of the same device
    let composite =
        exam.seat(12, "R1", &usual(&[device(0.25, "present", "Lenovo USB Keyboard (Consumer Control)", KEYBOARD)]));
    // the scanner re-plugged at login: attached, then listed present, one device
    let replugged = exam.seat(13, "R1", &usual(&[device(0.1, "attached", "Barcode Scanner", "0c2e:0b61")]));
    let f = exam.findings("input_device");
    assert_eq!(f[&twin], ["input_device_extra"], "{f:?}");
    assert_eq!(f[&receiver], ["input_device_extra"], "{f:?}");
    assert!(f[&composite].is_empty(), "{f:?}");
    assert!(f[&replugged].is_empty(), "{f:?}");
    assert!(f["s0"].is_empty(), "{f:?}");
}

/// Radmin on every seat, as the centre's admin console reaches it, with one connection per ten minutes to `remote`.
fn radmin(remote: &str) -> Vec<(f64, Value)> {
    let mut events = running("rserver3.exe", "C:\\Windows\\SysWOW64\\rserver30\\rserver3.exe", "10.3.0.5");
    for e in &mut events {
        if e.1["kind"] == "connections" {
            e.1["connections"][0] = json!({"remote": remote, "port": 4899, "process": "rserver3.exe"});
        }
    }
    events
}

#[test]
fn the_centre_s_own_lan_tool_dialled_from_outside_is_flagged() {
    let mut exam = common::Exam::new();
    // every seat runs the centre's Radmin; the admin console (a private address) looks in on a few of them
    for n in 0..30 {
        let remote = if n % 5 == 0 { "10.3.0.5" } else { "" };
        let events = if remote.is_empty() {
            radmin("10.3.0.5").into_iter().filter(|e| e.1["kind"] == "processes").collect()
        } else {
            radmin(remote)
        };
        exam.seat(n, "R1", &events);
    }
    // one seat's copy is reached from an outside console; another's by a name inside the centre's network
    let dialled = exam.seat(30, "R1", &radmin("198.51.100.200"));
    let local_name = exam.seat(31, "R1", &radmin("admin-pc.lan"));
    let found = exam.findings("");
    assert_eq!(found[&dialled], vec!["remote_software"], "{found:?}");
    assert!(found[&local_name].is_empty(), "{found:?}");
    let flagged: Vec<&String> = found.iter().filter(|(_, v)| !v.is_empty()).map(|(k, _)| k).collect();
    assert_eq!(flagged, vec![&dialled]);
}

#[test]
fn a_far_end_is_outside_unless_it_is_a_private_or_local_address() {
    use certguard_exam::signatures::outside;
    for far in ["198.51.100.200", "8.8.8.8", "relay.example.com", "2001:db8::1", "[2400:3200::1]", "::ffff:8.8.8.8"] {
        assert!(outside(far), "{far}");
    }
    for near in [
        "10.3.0.5",
        "192.168.1.2",
        "172.16.0.9",
        "127.0.0.1",
        "100.64.1.1",
        "169.254.3.4",
        "fd00::1",
        "fe80::1",
        "admin-pc",
        "admin.lan",
        "NAS.Local",
        "::ffff:10.0.0.5",
    ] {
        assert!(!outside(near), "{near}");
    }
}

/// A program listed every ten minutes with a connection to `remote` on port 443.
fn calling(name: &str, path: &str, signer: &str, remote: &str) -> Vec<(f64, Value)> {
    let mut events = running(name, path, remote);
    for e in &mut events {
        if e.1["kind"] == "processes" {
            e.1["processes"][1]["signer"] = json!(signer);
        }
    }
    events
}

#[test]
fn an_unsigned_or_user_folder_program_calling_an_address_no_other_seat_calls_is_flagged() {
    let mut exam = common::Exam::new();
    // the centre's own unsigned agent on every seat, reporting to the same outside host
    let agent = || calling("ExamAgent.exe", "C:\\ExamSystem\\agent\\ExamAgent.exe", "", "report.centre-cloud.example");
    for n in 0..30 {
        exam.seat(n, "R1", &agent());
    }
    let with = |extra: Vec<(f64, Value)>| {
        let mut events = agent();
        events.extend(extra);
        events
    };
    let disguised = exam.seat(
        30,
        "R1",
        &with(calling("svchost.exe", "C:\\Users\\Public\\Libraries\\svchost.exe", "", "203.0.113.9")),
    );
    let from_temp = exam.seat(
        31,
        "R1",
        &with(calling(
            "msedgewebview3.exe",
            "C:\\Users\\ks\\AppData\\Local\\Temp\\msedgewebview3.exe",
            "Microsoft Corporation",
            "img-cdn-07.example",
        )),
    );
    // a signed program where programs are installed, calling out: an update, no evidence
    let installed = exam.seat(
        32,
        "R1",
        &with(calling("HipsDaemon.exe", "C:\\Program Files\\Huorong\\HipsDaemon.exe", "Huorong", "upd.av.example")),
    );
    // an odd program calling inside the centre's network: not out
    let inside = exam.seat(33, "R1", &with(calling("tool.exe", "C:\\Users\\Public\\tool.exe", "", "10.3.0.7")));
    let found = exam.findings("unknown_program");
    assert_eq!(found[&disguised], vec!["unknown_program_calling_out"], "{found:?}");
    assert_eq!(found[&from_temp], vec!["unknown_program_calling_out"], "{found:?}");
    for quiet in [&installed, &inside] {
        assert!(found[quiet].is_empty(), "{quiet}: {found:?}");
    }
    assert_eq!(found.values().filter(|v| !v.is_empty()).count(), 2, "{found:?}");
}

#[test]
fn answers_a_restored_client_re_sends_are_no_answers_without_local_input() {
    let mut exam = common::Exam::new();
    for n in 0..20 {
        exam.seat(n, "R1", &[]);
    }
    let all_a = ["A"; 40];
    // a client that crashed at minute 115 comes back and re-sends the 40 answers it had, nobody at the keyboard
    let restored = exam.seat_choosing(20, "R1", &all_a);
    for q in 0..40 {
        let minute = 116.0 + f64::from(q) / 60.0;
        exam.push(json!({"kind": "input", "session": restored, "interval_ms": 1_000, "keys": 0, "pointer": 0}), minute);
        exam.push(json!({"kind": "answer", "session": restored, "question": format!("q{q}"), "choice": "A"}), minute);
    }
    // a remote operator answers 40 questions while the terminal's own keyboard and mouse do nothing
    let remote = "s21";
    exam.push(
        json!({"kind": "session_start", "session": remote, "candidate": "c21", "exam": "E1", "centre": "C1",
            "room": "R1", "seat": "21", "terminal": "t21"}),
        0.0,
    );
    for q in 0..40 {
        let minute = 5.0 + 2.0 * f64::from(q);
        exam.push(json!({"kind": "input", "session": remote, "interval_ms": 60_000, "keys": 0, "pointer": 0}), minute);
        exam.push(json!({"kind": "answer", "session": remote, "question": format!("q{q}"), "choice": "A"}), minute);
    }
    let found = exam.findings("answers_without_local_input");
    assert!(found[&restored].is_empty(), "{found:?}");
    assert_eq!(found[remote], vec!["answers_without_local_input"], "{found:?}");
}
