//! Verification's share of the OpenAPI document: verifying a signed QR credential online.

use super::{Part, ok_json, with_errors};
use serde_json::{Value, json};

pub(super) const PART: Part = Part { operations: OPERATIONS, schemas, paths };

const OPERATIONS: &[(&str, &str)] = &[("/api/v1/verify", "post")];

fn schemas() -> Value {
    json!({
        "Verification": {"type": "object", "required": ["verdict", "offline"], "properties": {
            "verdict": {"type": "string", "description": "The online decision: the registry's record decides once the signature holds", "enum": ["valid", "review_due", "review_overdue", "expired", "suspended", "revoked", "cancelled", "pending", "superseded", "not_found", "fake", "status_unknown", "unreadable", "not_our_format"]},
            "offline": {"type": "object", "description": "What the credential alone proves (the offline verifier's answer)", "required": ["checks", "verdict"], "properties": {
                "checks": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "outcome": {"type": "string", "enum": ["pass", "fail", "unknown"]}, "detail": {"type": "string"}}}},
                "verdict": {"type": "string", "enum": ["valid", "invalid", "valid_status_unknown", "not_our_format"]},
                "check": {"type": "string"}, "reason": {"type": "string"}, "since": {"type": ["integer", "null"]},
                "kind": {"type": "object"}, "credential": {"type": ["object", "null"]}}},
            "registry": {"type": ["object", "null"], "properties": {"found": {"type": "boolean"}, "status": {"type": ["string", "null"]}, "current": {"type": "boolean"}}},
            "log": {"type": ["object", "null"], "description": "The transparency log's record of this credential: a credential the log never recorded is fake whatever key signed it", "properties": {"logged": {"type": "boolean"}, "index": {"type": ["integer", "null"]}, "tree_size": {"type": ["integer", "null"]}}},
            "url": {"type": ["object", "null"], "properties": {"url": {"type": "string"}, "domain": {"type": "string"}, "verdict": {"type": "string", "enum": ["official", "look_alike", "unknown"]}, "score": {"type": "integer"}}}}}
    })
}

fn paths() -> Value {
    json!({
        "/api/v1/verify": {"post": {
            "summary": "Verify a signed QR certificate (AQ1 text as JSON, or a PNG/JPEG photo as the body): every check, one verdict, and the registry record",
            "security": [],
            "requestBody": {"required": true, "content": {
                "application/json": {"schema": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string", "example": "AQ1:..."}}}},
                "image/png": {"schema": {"type": "string", "format": "binary"}},
                "image/jpeg": {"schema": {"type": "string", "format": "binary"}}
            }},
            "responses": with_errors(ok_json("200", "the decision, the offline checks and the registry record", "Verification"), &["400", "413", "415", "429", "503"])
        }}
    })
}
