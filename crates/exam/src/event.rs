//! The event format exam-room terminals send (JSON lines, version 1).
//!
//! Every line is one object with `v` (1), `id` (unique per event: a resent event is counted once), `at`
//! (RFC 3339), `kind`, and, for all but `exam`, `session`. The kinds:
//!
//! | kind | fields |
//! |---|---|
//! | `exam` | `exam`, `questions` `[{id, key, options}]` (`options`: the number of choices, or the list of their labels), `pass_mark`, `minutes` — the exam's shape and key, sent once by the centre |
//! | `session_start` | `candidate`, `exam`, `centre`, `room`, `seat`, `terminal` |
//! | `session_end` | — |
//! | `processes` | `processes` `[{name, path, signer}]`: what runs, sent periodically |
//! | `connections` | `connections` `[{remote, port, process}]`: open network connections (`remote` an address or host name) |
//! | `input` | `interval_ms`, `keys`, `pointer`: counts of local key and pointer events in the interval ending at `at` (never key contents) |
//! | `device` | `action` (`attached`, `removed`, `present`), `class` (`hid`, `storage`, `other`), `name`, `vid`, `pid` |
//! | `display` | `displays`, `mirrored`, `resolution` |
//! | `answer` | `question`, `choice` |
//!
//! Optional fields (`path`, `signer`, `process`, `vid`, `pid`, `resolution`, `mirrored`) may be left out or sent as
//! `null`; identifiers (`id`, `session`, the seat's fields, `question`, `choice`, a question's `id` and `key`) may be
//! whole numbers, read as their decimal text; `vid` and `pid` may be their value as a number (1133 is `046d`). Candidates are pseudonymous identifiers chosen by the centre, never
//! ID numbers.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The format version this code reads and writes.
pub const VERSION: u32 = 1;
/// Longest event line accepted, bytes.
pub const MAX_LINE: usize = 256 * 1024;
/// Most entries in one process or connection list.
pub const MAX_LIST: usize = 2_000;
/// Longest identifier or name field, characters.
pub const MAX_FIELD: usize = 512;

/// One event as sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub v: u32,
    #[serde(deserialize_with = "text_or_number")]
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "opt_text_or_number")]
    pub session: Option<String>,
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub body: Body,
}

/// What an event says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Body {
    Exam {
        #[serde(deserialize_with = "text_or_number")]
        exam: String,
        questions: Vec<Question>,
        pass_mark: u32,
        minutes: u32,
    },
    SessionStart {
        #[serde(deserialize_with = "text_or_number")]
        candidate: String,
        #[serde(deserialize_with = "text_or_number")]
        exam: String,
        #[serde(deserialize_with = "text_or_number")]
        centre: String,
        #[serde(deserialize_with = "text_or_number")]
        room: String,
        #[serde(deserialize_with = "text_or_number")]
        seat: String,
        #[serde(deserialize_with = "text_or_number")]
        terminal: String,
    },
    SessionEnd {},
    Processes {
        processes: Vec<Process>,
    },
    Connections {
        connections: Vec<Connection>,
    },
    Input {
        interval_ms: u32,
        keys: u32,
        pointer: u32,
    },
    Device {
        action: DeviceAction,
        class: String,
        name: String,
        #[serde(default, deserialize_with = "usb_id")]
        vid: String,
        #[serde(default, deserialize_with = "usb_id")]
        pid: String,
    },
    Display {
        displays: u32,
        #[serde(default, deserialize_with = "null_as_default")]
        mirrored: bool,
        #[serde(default, deserialize_with = "null_as_default")]
        resolution: String,
    },
    Answer {
        #[serde(deserialize_with = "text_or_number")]
        question: String,
        #[serde(deserialize_with = "text_or_number")]
        choice: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    #[serde(deserialize_with = "text_or_number")]
    pub id: String,
    /// The right choice.
    #[serde(deserialize_with = "text_or_number")]
    pub key: String,
    /// How many choices (2 for true/false, 4 for single choice). Terminals may send the count or the list of
    /// the choices' labels (`["A", "B", "C", "D"]`); both are read as the count.
    #[serde(deserialize_with = "count_or_list")]
    pub options: u32,
}

/// An optional field sent as `null` reads as absent: agents write `"signer": null` for an unsigned program, and
/// refusing the whole process list for it would lose what else the list says.
fn null_as_default<'de, D: serde::Deserializer<'de>, T: Default + Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// An identifier sent as text or as a whole number (question 28, seat 33): agents that number their questions
/// send numbers, and the number's decimal text is the identifier.
pub fn text_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    // A visitor, not an untagged enum: that would buffer every identifier of every event before trying each form.
    struct TextOrNumber;
    impl serde::de::Visitor<'_> for TextOrNumber {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a string or a whole number")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
    }
    d.deserialize_any(TextOrNumber)
}

/// [`text_or_number`] for an optional field.
fn opt_text_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "text_or_number")] String);
    Ok(Option::<Wrapped>::deserialize(d)?.map(|w| w.0))
}

/// A USB vendor or product id: hex text (`"046d"`, `"0x046D"`, `"46d"`) or its value as a number (1133), written
/// as the four lower-case hex digits ids are known by; absent or `null` is empty.
fn usb_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum HexOrValue {
        Hex(String),
        Value(u16),
    }
    Ok(
        match Option::<HexOrValue>::deserialize(d)
            .map_err(|_| serde::de::Error::custom("a USB id is hex text or a number from 0 to 65535"))?
        {
            None => String::new(),
            Some(HexOrValue::Hex(t)) => {
                // `0x046d`, `46D`: the same id as `046d`
                let digits = t.trim().trim_start_matches("0x").trim_start_matches("0X");
                if (1..=4).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                    format!("{:0>4}", digits.to_ascii_lowercase())
                } else {
                    t
                }
            }
            Some(HexOrValue::Value(n)) => format!("{n:04x}"),
        },
    )
}

/// A count given as a number or as the list of what is counted.
fn count_or_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum CountOrList {
        Count(u32),
        List(Vec<serde::de::IgnoredAny>),
    }
    match CountOrList::deserialize(d)? {
        CountOrList::Count(n) => Ok(n),
        CountOrList::List(v) => u32::try_from(v.len()).map_err(serde::de::Error::custom),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Process {
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub path: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub signer: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    pub remote: String,
    pub port: u16,
    #[serde(default, deserialize_with = "null_as_default")]
    pub process: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceAction {
    Attached,
    Removed,
    /// Present when the session started.
    Present,
}

/// Why a line is not an event.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("line longer than {MAX_LINE} bytes")]
    TooLong,
    #[error("not UTF-8 text")]
    NotText,
    #[error("not an event: {0}")]
    Invalid(String),
    #[error("unsupported format version {0} (this reads {VERSION})")]
    Version(u32),
    #[error("{0}")]
    Field(String),
}

fn long(s: &str) -> bool {
    s.chars().count() > MAX_FIELD
}

/// Parses and checks one line.
pub fn parse_line(line: &[u8]) -> Result<Event, LineError> {
    if line.len() > MAX_LINE {
        return Err(LineError::TooLong);
    }
    let text = std::str::from_utf8(line).map_err(|_| LineError::NotText)?;
    // The version first, so that a newer format gets a clear answer rather than a field error.
    #[derive(Deserialize)]
    struct Head {
        v: Option<u32>,
    }
    match serde_json::from_str::<Head>(text) {
        Ok(Head { v: Some(v) }) if v != VERSION => return Err(LineError::Version(v)),
        Ok(Head { v: None }) => return Err(LineError::Field("missing v (the format version)".into())),
        _ => {}
    }
    let e: Event = serde_json::from_str(text).map_err(|e| LineError::Invalid(e.to_string()))?;
    check(&e)?;
    Ok(e)
}

fn check(e: &Event) -> Result<(), LineError> {
    let bad = |m: &str| Err(LineError::Field(m.to_string()));
    if e.id.is_empty() || long(&e.id) {
        return bad("id must be 1 to 512 characters");
    }
    match (&e.body, &e.session) {
        (Body::Exam { .. }, _) => {}
        (_, None) => return bad("session is required"),
        (_, Some(s)) if s.is_empty() || long(s) => return bad("session must be 1 to 512 characters"),
        _ => {}
    }
    match &e.body {
        Body::Exam { exam, questions, .. } => {
            if exam.is_empty() || questions.is_empty() || questions.len() > 1_000 {
                return bad("an exam needs a name and 1 to 1,000 questions");
            }
            if questions.iter().any(|q| q.options < 2 || q.options > 10 || q.id.is_empty() || long(&q.id)) {
                return bad("each question needs an id and 2 to 10 options");
            }
        }
        Body::SessionStart { candidate, exam, centre, room, seat, terminal }
            if [candidate, exam, centre, room, seat, terminal].iter().any(|f| long(f)) || candidate.is_empty() =>
        {
            return bad("session_start needs a candidate; fields up to 512 characters");
        }
        Body::Processes { processes } if processes.len() > MAX_LIST => return bad("more than 2,000 processes"),
        Body::Connections { connections } if connections.len() > MAX_LIST => {
            return bad("more than 2,000 connections");
        }
        Body::Answer { question, choice } if question.is_empty() || long(question) || long(choice) => {
            return bad("an answer needs a question");
        }
        Body::Input { interval_ms, .. } if *interval_ms == 0 || *interval_ms > 3_600_000 => {
            return bad("interval_ms must be 1 to 3,600,000");
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_and_bad_lines_say_why() {
        let line = br#"{"v":1,"id":"e1","session":"s1","at":"2026-12-01T09:00:00Z","kind":"answer","question":"Q1","choice":"A"}"#;
        let e = parse_line(line).unwrap();
        assert_eq!(e.body, Body::Answer { question: "Q1".into(), choice: "A".into() });
        let again = serde_json::to_vec(&e).unwrap();
        assert_eq!(parse_line(&again).unwrap(), e);
        let err = |l: &[u8]| parse_line(l).unwrap_err().to_string();
        assert!(err(br#"{"v":2,"id":"e1"}"#).contains("version 2"));
        assert!(err(br#"{"id":"e1"}"#).contains("missing v"));
        assert!(
            err(br#"{"v":1,"id":"e1","session":"s","at":"2026-12-01T09:00:00Z","kind":"teleport"}"#)
                .contains("teleport")
        );
        assert!(err(br#"{"v":1,"id":"e1","at":"2026-12-01T09:00:00Z","kind":"session_end"}"#).contains("session"));
        assert!(err(b"\xff\xfe").contains("UTF-8"));
        assert!(err(b"not json").contains("not an event"));
        assert!(err(&vec![b' '; MAX_LINE + 1]).contains("longer"));
    }

    #[test]
    fn optional_fields_sent_as_null_read_as_absent() {
        let procs = br#"{"v":1,"id":"p","session":"s","at":"2026-12-01T09:00:00Z","kind":"processes","processes":[{"name":"rserver3.exe","path":null,"signer":null}]}"#;
        let Body::Processes { processes } = parse_line(procs).unwrap().body else { panic!() };
        assert_eq!(processes[0], Process { name: "rserver3.exe".into(), path: String::new(), signer: String::new() });
        let conn = br#"{"v":1,"id":"c","session":"s","at":"2026-12-01T09:00:00Z","kind":"connections","connections":[{"remote":"192.0.2.1","port":5938,"process":null}]}"#;
        assert!(parse_line(conn).is_ok());
        let dev = br#"{"v":1,"id":"d","session":"s","at":"2026-12-01T09:00:00Z","kind":"device","action":"attached","class":"hid","name":"kbd","vid":null,"pid":null}"#;
        assert!(parse_line(dev).is_ok());
        let disp = br#"{"v":1,"id":"x","session":"s","at":"2026-12-01T09:00:00Z","kind":"display","displays":2,"mirrored":null,"resolution":null}"#;
        assert!(matches!(parse_line(disp).unwrap().body, Body::Display { displays: 2, mirrored: false, .. }));
        // A required field is still required: null is no process name.
        let unnamed = br#"{"v":1,"id":"p","session":"s","at":"2026-12-01T09:00:00Z","kind":"processes","processes":[{"name":null}]}"#;
        assert!(parse_line(unnamed).unwrap_err().to_string().contains("null"));
    }

    #[test]
    fn identifiers_sent_as_whole_numbers_read_as_their_text() {
        let answer = br#"{"v":1,"id":1207,"session":"s","at":"2026-12-01T09:00:00Z","kind":"answer","question":28,"choice":"A"}"#;
        let e = parse_line(answer).unwrap();
        assert_eq!(e.id, "1207");
        assert_eq!(e.body, Body::Answer { question: "28".into(), choice: "A".into() });
        let start = br#"{"v":1,"id":"x","session":77,"at":"2026-12-01T09:00:00Z","kind":"session_start","candidate":"c","exam":"E","centre":"C","room":"R","seat":33,"terminal":"T"}"#;
        let e = parse_line(start).unwrap();
        assert_eq!(e.session.as_deref(), Some("77"));
        assert!(matches!(e.body, Body::SessionStart { ref seat, .. } if seat == "33"));
        let exam = br#"{"v":1,"id":"x","at":"2026-12-01T09:00:00Z","kind":"exam","exam":"E","pass_mark":80,"minutes":120,"questions":[{"id":1,"key":"A","options":4}]}"#;
        let Body::Exam { questions, .. } = parse_line(exam).unwrap().body else { panic!() };
        assert_eq!(questions[0].id, "1");
        // a fraction, a list or an object is no identifier
        for bad in ["28.5", "[28]", r#"{"n":28}"#, "true"] {
            let line = format!(
                r#"{{"v":1,"id":"x","session":"s","at":"2026-12-01T09:00:00Z","kind":"answer","question":{bad},"choice":"A"}}"#
            );
            assert!(parse_line(line.as_bytes()).unwrap_err().to_string().contains("whole number"), "{bad}");
        }
    }

    #[test]
    fn usb_ids_sent_as_numbers_read_as_their_four_hex_digits() {
        let dev = |vid: &str, pid: &str| {
            format!(
                r#"{{"v":1,"id":"d","session":"s","at":"2026-12-01T09:00:00Z","kind":"device","action":"attached","class":"hid","name":"kbd","vid":{vid},"pid":{pid}}}"#
            )
        };
        let ids = |line: String| match parse_line(line.as_bytes()).unwrap().body {
            Body::Device { vid, pid, .. } => (vid, pid),
            _ => panic!(),
        };
        assert_eq!(ids(dev("6790", "57641")), ("1a86".into(), "e129".into()));
        assert_eq!(ids(dev(r#""1A86""#, r#""E129""#)), ("1a86".into(), "e129".into()));
        assert_eq!(ids(dev(r#""0x1a86""#, r#""0XE129""#)), ("1a86".into(), "e129".into()));
        assert_eq!(ids(dev(r#""46d""#, r#""not hex""#)), ("046d".into(), "not hex".into()));
        assert_eq!(ids(dev("null", "1")), (String::new(), "0001".into()));
        for bad in ["65536", "-1", "1.5", "[1]"] {
            assert!(parse_line(dev(bad, "1").as_bytes()).unwrap_err().to_string().contains("USB id"), "{bad}");
        }
    }

    #[test]
    fn a_question_s_options_are_a_count_or_the_list_of_labels() {
        let exam = |options: &str| {
            format!(
                r#"{{"v":1,"id":"x","at":"2026-12-01T09:00:00Z","kind":"exam","exam":"E","pass_mark":80,"minutes":120,"questions":[{{"id":"Q1","key":"A","options":{options}}}]}}"#
            )
        };
        for (options, count) in [("4", 4), (r#"["A","B","C","D"]"#, 4), (r#"["对","错"]"#, 2)] {
            let Body::Exam { questions, .. } = parse_line(exam(options).as_bytes()).unwrap().body else { panic!() };
            assert_eq!(questions[0].options, count, "{options}");
        }
        for bad in ["1", "[]", r#"["A","B","C","D","E","F","G","H","I","J","K"]"#, r#""four""#, "-4"] {
            assert!(parse_line(exam(bad).as_bytes()).is_err(), "{bad}");
        }
    }
}
