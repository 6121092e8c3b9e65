//! Exam integrity's share of the OpenAPI document: the event format (version 1) terminals send, and the
//! endpoint that takes it.

use super::{Part, with_errors};
use serde_json::{Value, json};

pub(super) const PART: Part = Part { operations: OPERATIONS, schemas, paths };

const OPERATIONS: &[(&str, &str)] = &[("/api/v1/exam/events", "post")];

fn kind(name: &str, required: &[&str], properties: Value) -> Value {
    let mut req = vec!["v", "id", "at", "kind"];
    if name != "exam" {
        req.push("session");
    }
    req.extend_from_slice(required);
    let mut props = json!({
        "v": {"type": "integer", "const": 1, "description": "format version"},
        "id": {"type": ["string", "integer"], "maxLength": 512, "description": "unique per event and centre: a resent event is stored once (a whole number reads as its decimal text)"},
        "session": {"type": ["string", "integer"], "maxLength": 512},
        "at": {"type": "string", "format": "date-time", "description": "the terminal's clock"},
        "kind": {"type": "string", "const": name}
    });
    if let (Some(p), Some(extra)) = (props.as_object_mut(), properties.as_object()) {
        p.extend(extra.clone());
    }
    json!({"type": "object", "required": req, "properties": props})
}

fn schemas() -> Value {
    let s = json!({"type": "string", "maxLength": 512});
    // Identifiers may be sent as whole numbers (question 28, seat 33): read as their decimal text.
    let ident = json!({"type": ["string", "integer"], "maxLength": 512});
    let n = json!({"type": "integer", "minimum": 0});
    // Optional fields may be left out or sent as null (an unsigned program's signer).
    let opt = |description: &str| json!({"type": ["string", "null"], "maxLength": 512, "description": description});
    json!({
        "ExamEvent": {
            "description": "One line of the JSON-lines stream an exam-room terminal sends (format version 1). Candidates are pseudonymous identifiers, never ID numbers; input is counted, never recorded.",
            "oneOf": [
                kind("exam", &["exam", "questions", "pass_mark", "minutes"], json!({
                    "exam": ident, "pass_mark": n, "minutes": n,
                    "questions": {"type": "array", "maxItems": 1000, "items": {"type": "object", "required": ["id", "key", "options"], "properties": {
                        "id": ident, "key": {"type": ["string", "integer"], "description": "the right choice"}, "options": {"description": "how many choices, or the list of their labels",
                            "oneOf": [{"type": "integer", "minimum": 2, "maximum": 10}, {"type": "array", "minItems": 2, "maxItems": 10, "items": {"type": "string"}}]}}}}})),
                kind("session_start", &["candidate", "exam", "centre", "room", "seat", "terminal"], json!({
                    "candidate": ident, "exam": ident, "centre": ident, "room": ident, "seat": ident, "terminal": ident})),
                kind("session_end", &[], json!({})),
                kind("processes", &["processes"], json!({"processes": {"type": "array", "maxItems": 2000, "items": {"type": "object", "required": ["name"], "properties": {
                    "name": s, "path": opt("the program's file"), "signer": opt("who signed it; absent or null when unsigned")}}}})),
                kind("connections", &["connections"], json!({"connections": {"type": "array", "maxItems": 2000, "items": {"type": "object", "required": ["remote", "port"], "properties": {
                    "remote": {"type": "string", "description": "address or host name"}, "port": {"type": "integer"}, "process": opt("the local program holding the connection")}}}})),
                kind("input", &["interval_ms", "keys", "pointer"], json!({
                    "interval_ms": {"type": "integer", "minimum": 1, "maximum": 3600000},
                    "keys": {"type": "integer", "description": "local key events in the interval ending at `at` (counts, never contents)"},
                    "pointer": {"type": "integer", "description": "local mouse or touch events in the interval"}})),
                kind("device", &["action", "class", "name"], json!({
                    "action": {"type": "string", "enum": ["attached", "removed", "present"]},
                    "class": {"type": "string", "description": "hid, storage or other"}, "name": s, "vid": {"type": ["string", "integer", "null"], "description": "USB vendor id: hex text, or its value (0-65535)"}, "pid": {"type": ["string", "integer", "null"], "description": "USB product id: hex text, or its value (0-65535)"}})),
                kind("display", &["displays"], json!({"displays": n, "mirrored": {"type": ["boolean", "null"]}, "resolution": opt("e.g. 1920x1080")})),
                kind("answer", &["question", "choice"], json!({"question": ident, "choice": ident}))
            ]
        },
        "ExamIngestReport": {"type": "object", "required": ["lines", "stored", "duplicates", "errors", "first_errors"], "properties": {
            "lines": {"type": "integer"},
            "stored": {"type": "integer", "description": "events stored for the first time"},
            "duplicates": {"type": "integer", "description": "events already stored (resent), counted once"},
            "errors": {"type": "integer"},
            "first_errors": {"type": "array", "description": "[line number, reason] of the first refused lines",
                "items": {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}]}}}}
    })
}

fn paths() -> Value {
    json!({
        "/api/v1/exam/events": {"post": {
            "summary": "Exam-room events as JSON lines (one ExamEvent per line, up to 8 MiB per request) from an exam centre's token; idempotent by event id",
            "requestBody": {"required": true, "content": {"application/x-ndjson": {"schema": {"$ref": "#/components/schemas/ExamEvent"}}}},
            "responses": with_errors(json!({"200": {"description": "what was stored and which lines were refused", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ExamIngestReport"}}}}}), &["400", "401", "403", "413"])
        }}
    })
}
