//! The detectors on sets A and B (`testdata/exam-blind`): 1,208 sessions written by an independent helper from
//! the label definitions alone. They were blind when they arrived (figures before any change in
//! bench/RESULTS.md, "Exam integrity"); the centre and room baselines were then added after looking at what
//! they flagged, so they are tuning data now and fresh blind batches judge the detectors. The floors are the
//! figures after that change, a little below; they are far from the targets, and say so.

use certguard_exam::evaluate::{Figures, evaluate};
use certguard_exam::read::read_events;
use certguard_exam::simulate::Truth;
use certguard_exam::{Collector, Options, Signatures, analyze};
use std::io::BufReader;

fn figures(set: &str) -> Figures {
    figures_with_bad_lines(set, 0)
}

/// The figures of a set whose events hold `bad_lines` lines the reader must refuse (each reported, none fatal).
fn figures_with_bad_lines(set: &str, bad_lines: u64) -> Figures {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata").join(set);
    let gz = std::fs::File::open(dir.join("events.jsonl.gz")).expect("blind set in the repository");
    let input = BufReader::new(flate2::read::MultiGzDecoder::new(BufReader::new(gz)));
    let mut c = Collector::new(Signatures::builtin());
    let report = read_events(input, |e, _| c.add(e), |_| {}).unwrap();
    assert_eq!(report.errors, bad_lines, "{:?}", report.first_errors);
    let truth: Vec<Truth> = std::fs::read_to_string(dir.join("truth.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let kind = ["honest", "software", "hardware", "operator", "leak"]
                .into_iter()
                .find(|k| *k == v["kind"])
                .expect("a known kind");
            // a session may be named by a number, as in the events
            let session =
                v["session"].as_str().map_or_else(|| v["session"].as_u64().unwrap().to_string(), str::to_string);
            Truth { session, kind, profile: None }
        })
        .collect();
    let f = evaluate(&analyze(c, &Options::default()).sessions, &truth);
    eprintln!("{set}: {f:?}");
    assert_eq!(f.missing, 0);
    f
}

#[test]
fn blind_sets_stay_at_or_above_their_measured_floors() {
    for set in ["exam-blind/set-a", "exam-blind/set-b"] {
        let f = figures(set);
        let recall = |k: &str| f.kinds[k].recall;
        assert!(recall("software") >= 0.93, "{set}: {f:?}");
        assert!(recall("hardware") >= 0.55, "{set}: {f:?}");
        // 22/30 and 17/30 until a relay follower that began 20 minutes late counted on its timing alone
        assert!(recall("operator") >= 0.90, "{set}: {f:?}");
        assert!(recall("leak") >= 0.60, "{set}: {f:?}");
        // 7.6% on set A until a tool on a fifth of a centre's seats counted as the centre's own; 0 since
        assert!(f.false_positive_rate <= 0.01, "{set}: {f:?}");
    }
}

/// Set C (`testdata/exam-blind-2`): a second helper, a new generator, measured once on arrival with the
/// detectors as they were (the centre and room baselines already in). Its floors are those figures, a little
/// below; any change made after looking at it needs a fresh batch to be judged.
#[test]
fn blind_set_c_stays_at_or_above_its_measured_floors() {
    let f = figures("exam-blind-2/set-c");
    let recall = |k: &str| f.kinds[k].recall;
    assert!(recall("software") >= 0.80, "{f:?}");
    assert!(recall("hardware") >= 0.84, "{f:?}");
    assert!(recall("operator") >= 0.92, "{f:?}");
    assert!(recall("leak") >= 0.60, "{f:?}");
    // 9.8% until a tool on a fifth of a centre's seats counted as the centre's own; 2.75% since
    assert!(f.false_positive_rate <= 0.035, "{f:?}");
}

/// Set D (`testdata/exam-blind-3`): a third helper and generator, measured once with the detectors as they
/// were after the in-use rule for remote software. Floors a little below those figures.
#[test]
fn blind_set_d_stays_at_or_above_its_measured_floors() {
    let f = figures("exam-blind-3/set-d");
    let recall = |k: &str| f.kinds[k].recall;
    assert!(recall("software") >= 0.85, "{f:?}");
    assert!(recall("hardware") >= 0.75, "{f:?}");
    // 17/20 until the hand-over was looked for on the terminals' clocks as well (an insider walking between
    // seats whose candidates logged in minutes apart); 20/20 since
    assert!(recall("operator") >= 0.95, "{f:?}");
    assert!(recall("leak") >= 0.80, "{f:?}");
    assert!(f.false_positive_rate <= 0.01, "{f:?}");
    // The relay detector (one operator answering terminals one after another) names 19 of them as operators
    // (14 before the clocks' frame); before it, the operators found here were named as other kinds, and only 6
    // were found at all.
    assert!(f.kinds["operator"].flagged_as_kind >= 18, "{f:?}");
}

/// Set E (`testdata/exam-blind-4`): a fourth helper and generator, measured on arrival with the detectors of
/// 637cd06 and again after the relay detector (designed on sets A-D before E arrived): the same figures. Its
/// exam events give `options` as the list of labels, read since as the count (before, the exam's key was lost
/// and the analysis used the modal answers: the figures did not change). One line (a negative input interval)
/// is refused. Then, after looking at what it missed, screen-sharing and casting programs joined the signature
/// list (software 21/25 -> 25/25, no honest session more on any set): set E is tuning data since.
#[test]
fn blind_set_e_stays_at_or_above_its_measured_floors() {
    let f = figures_with_bad_lines("exam-blind-4/set-e", 1);
    let recall = |k: &str| f.kinds[k].recall;
    assert!(recall("software") >= 0.96, "{f:?}");
    assert!(recall("hardware") >= 0.56, "{f:?}");
    assert!(recall("operator") >= 0.96, "{f:?}");
    assert!(recall("leak") >= 0.32, "{f:?}");
    assert!(f.false_positive_rate <= 0.012, "{f:?}");
}

/// Set F (`testdata/exam-blind-5`): a fifth helper and generator, measured once on arrival with the detectors of
/// this round (relay, screen sharing, identical wrong answers): hardware 11/25. Then, after reading its misses,
/// the Linux USB gadget id of IP-KVMs (1d6b:0104) joined the hardware list: 14/25 (and set B 18 -> 20), no honest
/// session more on any set. Set F is tuning data since.
#[test]
fn blind_set_f_stays_at_or_above_its_measured_floors() {
    let f = figures("exam-blind-5/set-f");
    let recall = |k: &str| f.kinds[k].recall;
    assert!(recall("software") >= 0.92, "{f:?}");
    assert!(recall("hardware") >= 0.52, "{f:?}");
    assert!(recall("operator") >= 0.96, "{f:?}");
    assert!(recall("leak") >= 0.44, "{f:?}");
    assert!(f.false_positive_rate <= 0.005, "{f:?}");
}

/// Set G (`testdata/exam-blind-6`): a sixth helper and generator, measured once on arrival with the detectors of
/// this round (after the IP-KVM id). Floors a little below those figures.
#[test]
fn blind_set_g_stays_at_or_above_its_measured_floors() {
    let f = figures("exam-blind-6/set-g");
    let recall = |k: &str| f.kinds[k].recall;
    assert!(recall("software") >= 0.90, "{f:?}");
    assert!(recall("hardware") >= 0.75, "{f:?}");
    assert!(recall("operator") >= 0.95, "{f:?}");
    assert!(f.kinds["operator"].flagged_as_kind >= 5, "{f:?}");
    assert!(recall("leak") >= 0.30, "{f:?}");
    assert!(f.false_positive_rate <= 0.005, "{f:?}");
}

/// Set H (`testdata/exam-blind-7`): a seventh helper and generator, committed before anything ran on it and
/// measured once with the detectors before and after the changes of 2026-12-05 (a tool on a fifth of a centre's
/// seats is the centre's; hand-overs on the terminals' clocks): the same figures, session for session. Floors a
/// little below them. Its 17 operators found are all found as some other kind; 2 of 320 honest are flagged.
#[test]
fn blind_set_h_stays_at_or_above_its_measured_floors() {
    let f = figures("exam-blind-7/set-h");
    let recall = |k: &str| f.kinds[k].recall;
    assert!(recall("software") >= 0.90, "{f:?}");
    assert!(recall("hardware") >= 0.70, "{f:?}");
    // 17/20 as measured blind; 19/20 since a relay follower that began 20 minutes late counts on its timing
    assert!(recall("operator") >= 0.90, "{f:?}");
    // 5/20 as measured blind; 9/20 since groups that copied one sheet are found (shared_sheet)
    assert!(recall("leak") >= 0.40, "{f:?}");
    assert!(f.false_positive_rate <= 0.01, "{f:?}");
}

/// Set I (`testdata/exam-blind-8`): an eighth helper and generator, committed before anything ran on it and
/// measured once with the code before the changes of 2026-12-05 (f871538) and after them (1642128): software
/// 20/20, hardware 20/20, leak 6/20, honest 0/320 both; operators 19 -> 20/20 (a relay now confirmed). Floors a
/// little below.
#[test]
fn blind_set_i_stays_at_or_above_its_measured_floors() {
    let f = figures("exam-blind-8/set-i");
    let recall = |k: &str| f.kinds[k].recall;
    assert!(recall("software") >= 0.95, "{f:?}");
    assert!(recall("hardware") >= 0.95, "{f:?}");
    assert!(recall("operator") >= 0.95, "{f:?}");
    assert!(recall("leak") >= 0.25, "{f:?}");
    assert!(f.false_positive_rate <= 0.005, "{f:?}");
}

/// Set J (`testdata/exam-blind-9`): a ninth helper and generator, committed before anything ran on it and
/// measured once with the code of 57cf6b8 and with the shared-sheet test (322fe8b): the same figures, session for
/// session: software 20/20, hardware 11/20, operator 19/20, leak 8/20, honest 3/320 (0.9%). Floors a little below.
#[test]
fn blind_set_j_stays_at_or_above_its_measured_floors() {
    let f = figures("exam-blind-9/set-j");
    let recall = |k: &str| f.kinds[k].recall;
    assert!(recall("software") >= 0.95, "{f:?}");
    // 11/20 blind; 16/20 since the login listing (d6174f0), designed on the seen sets
    assert!(recall("hardware") >= 0.75, "{f:?}");
    assert!(recall("operator") >= 0.90, "{f:?}");
    assert!(recall("leak") >= 0.35, "{f:?}");
    assert!(f.false_positive_rate <= 0.01, "{f:?}");
}

/// Set K (`exam-blind-10`, a tenth helper's generator, seed 1111), committed before anything ran on it and
/// measured once with the code of 4ee2d4c and of 2247cfa (the same figures): software 12/20, hardware 18/20,
/// operator 13/20, leak 10/20, honest 6/320 (1.9%). 1,533 of its lines sent `"signer": null` for unsigned
/// programs and were refused; read as unsigned since, and with Radmin, Chrome Remote Desktop and VNC's reverse
/// port in the list and a LAN tool dialled from outside flagged: software 16/20, the rest unchanged. Its honest
/// flags are a technician's TeamViewer QuickSupport left connected for the first minutes (4) and two projector
/// seats. Floors a little below.
#[test]
fn blind_set_k_stays_at_or_above_its_measured_floors() {
    // one line flushes an input interval of 0 ms: refused, and reported
    let f = figures_with_bad_lines("exam-blind-10/set-k", 1);
    let recall = |k: &str| f.kinds[k].recall;
    assert!(recall("software") >= 0.75, "{f:?}");
    assert!(recall("hardware") >= 0.85, "{f:?}");
    assert!(recall("operator") >= 0.60, "{f:?}");
    assert!(recall("leak") >= 0.45, "{f:?}");
    assert!(f.false_positive_rate <= 0.02, "{f:?}");
}

/// Set L (`exam-blind-11`, an eleventh helper's generator, seed 1212), committed before anything ran on it and
/// measured once with the code of 2247cfa: software 9/20, hardware 12/20, operator 11/20, leak 4/20, honest
/// 7/320, with 18,646 of its 98,021 lines refused (integer question ids and seats, `null` fields) and 94 sessions
/// left without their start; with the night round's code (which read the nulls) software 11/20. Identifiers sent
/// as whole numbers are read since (software 19/20, hardware 16/20, operator 17/20, leak 7/20, honest 9/320), and
/// answers a restored client re-sends no longer count as answers without local input (operator 16/20: one
/// operator had been flagged only for such a burst; honest 8/320). Floors a little below.
#[test]
fn blind_set_l_stays_at_or_above_its_measured_floors() {
    let f = figures("exam-blind-11/set-l");
    let recall = |k: &str| f.kinds[k].recall;
    assert!(recall("software") >= 0.90, "{f:?}");
    assert!(recall("hardware") >= 0.75, "{f:?}");
    assert!(recall("operator") >= 0.75, "{f:?}");
    assert!(recall("leak") >= 0.30, "{f:?}");
    assert!(f.false_positive_rate <= 0.03, "{f:?}");
}

/// Set M (`exam-blind-12`, a twelfth helper's generator, seed 1313; four agents: numbers as event, session,
/// question and seat ids, choices and keys as 0-based numbers, USB ids as numbers), committed before anything ran
/// on it and measured once with the code of 2247cfa: software 9/20, hardware 9/20, operator 10/20, leak 0/20,
/// honest 0/320, with 53,097 of its 94,874 lines refused; with the night round's code software 12/20, hardware
/// 10/20. With identifiers read as numbers (a8e457e): 14/20, 14/20, 14/20, 6/20, honest 7/320, 534 lines refused;
/// with USB ids read as numbers (14cd34b) none refused and hardware 15/20. Floors a little below.
#[test]
fn blind_set_m_stays_at_or_above_its_measured_floors() {
    let f = figures("exam-blind-12/set-m");
    let recall = |k: &str| f.kinds[k].recall;
    assert!(recall("software") >= 0.65, "{f:?}");
    assert!(recall("hardware") >= 0.70, "{f:?}");
    assert!(recall("operator") >= 0.65, "{f:?}");
    assert!(recall("leak") >= 0.25, "{f:?}");
    assert!(f.false_positive_rate <= 0.025, "{f:?}");
}

/// Set N (`exam-blind-13`, a thirteenth helper's generator, seed 1414; four agents: numbers or text for ids,
/// `0x` hex or numbers for USB ids, local times marked `Z`), committed before anything ran on it and measured once
/// with the code of 2247cfa (software 8/20, hardware 9/20, operator 8/20, leak 0/20, honest 0/320, with 45,015 of
/// its 87,627 lines refused and 118 sessions left without a start) and with the code of 3f86eca, which read every
/// line: software 15/20, hardware 15/20, operator 16/20, leak 1/20, honest 1/320 (0.3%). Its leaked keys carry
/// their errors on the items honest candidates get wrong too. Floors a little below.
#[test]
fn blind_set_n_stays_at_or_above_its_measured_floors() {
    let f = figures("exam-blind-13/set-n");
    let recall = |k: &str| f.kinds[k].recall;
    assert!(recall("software") >= 0.70, "{f:?}");
    assert!(recall("hardware") >= 0.70, "{f:?}");
    assert!(recall("operator") >= 0.75, "{f:?}");
    assert!(recall("leak") >= 0.05, "{f:?}");
    assert!(f.false_positive_rate <= 0.01, "{f:?}");
}
