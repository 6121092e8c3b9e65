//! Roster verification's share of the OpenAPI document: an employer's roster in, one answer per worker and a
//! signed receipt out; the public receipt check.

use super::{Part, with_errors};
use serde_json::{Value, json};

pub(super) const PART: Part = Part { operations: OPERATIONS, schemas, paths };

const OPERATIONS: &[(&str, &str)] =
    &[("/api/v1/roster/verify", "post"), ("/api/v1/roster/receipt", "post"), ("/api/v1/roster/reminders", "get")];

const RESULTS: [&str; 10] = [
    "valid",
    "review_due",
    "review_overdue",
    "expired",
    "suspended",
    "revoked",
    "not_found",
    "fake",
    "person_mismatch",
    "item_mismatch",
];

fn schemas() -> Value {
    let date = json!({"type": "string", "format": "date"});
    json!({
        "RosterWorkerResult": {"type": "object", "required": ["row", "number", "name", "result", "reason", "reason_en"],
            "description": "One line of results_jsonl: one worker, in input order.",
            "properties": {
                "row": {"type": "integer", "description": "the spreadsheet's row (header = 1) or the pasted text's line"},
                "number": {"type": "string", "description": "the certificate number, ID part masked"},
                "name": {"type": "string"},
                "post_item": {"type": "string", "description": "the item the roster says the post needs"},
                "result": {"type": "string", "enum": RESULTS},
                "reason": {"type": "string", "description": "why, in Chinese"},
                "reason_en": {"type": "string"},
                "serial": {"type": "string"}, "certificate_item": {"type": "string"},
                "valid_until": date, "review_due": date,
                "reminder": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["review", "expiry"]}, "due": date,
                    "days_left": {"type": "integer"}, "stage": {"type": "integer", "enum": [60, 30]}}},
                "duplicate_of": {"type": "integer", "description": "the first row listing the same worker"}
            }},
        "RosterAnswer": {"type": "object", "required": ["rows", "counts", "input_sha256", "results_sha256", "results_jsonl"], "properties": {
            "rows": {"type": "integer"},
            "counts": {"type": "array", "items": {"type": "array", "prefixItems": [{"type": "string", "enum": RESULTS}, {"type": "integer"}]}},
            "input_sha256": {"type": "string"},
            "results_sha256": {"type": "string", "description": "SHA-256 of results_jsonl, as the receipt states"},
            "receipt": {"type": "string", "description": "the signed receipt (a C2SP signed note; verify with /roster/receipt.vkey)"},
            "log_index": {"type": "integer", "description": "the receipt's entry in the transparency log"},
            "results_jsonl": {"type": "string", "description": "one RosterWorkerResult per line; keep these exact bytes with the receipt"}
        }},
        "RosterReceipt": {"type": "object", "required": ["id", "time", "by", "input_sha256", "results_sha256", "rows", "counts"], "properties": {
            "id": {"type": "string"}, "time": {"type": "string", "format": "date-time"},
            "employer": {"type": ["string", "null"], "description": "统一社会信用代码"}, "by": {"type": "string"},
            "input_sha256": {"type": "string"}, "results_sha256": {"type": "string"}, "rows": {"type": "integer"},
            "counts": {"type": "array", "items": {"type": "array"}}
        }}
    })
}

fn paths() -> Value {
    json!({
        "/api/v1/roster/verify": {"post": {
            "summary": "Verify a roster (employers, inspectors, admins): a CSV (UTF-8/GBK) or XLSX with 证号 and 姓名 (optionally 操作项目, or a 二维码 column), or QR texts one per line; up to 200,000 workers and 32 MiB",
            "parameters": [{"name": "employer", "in": "query", "required": false, "schema": {"type": "string", "minLength": 18, "maxLength": 18}, "description": "统一社会信用代码 named in the receipt (check character validated)"}],
            "requestBody": {"required": true, "content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}, "text/plain": {}}},
            "responses": with_errors(json!({"200": {"description": "one answer per worker and the signed receipt", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RosterAnswer"}}}}}), &["401", "403", "413", "422"])
        }},
        "/api/v1/roster/reminders": {"get": {
            "summary": "The workers of the caller's unit (an employer account bound to its 统一社会信用代码) who need attention today: a review or expiry within 60 days (stage 60 or 30) or a certificate that no longer lets them work, from the unit's last verified roster",
            "responses": with_errors(json!({"200": {"description": "one answer per such worker", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/RosterWorkerResult"}}}}}}), &["401", "403"])
        }},
        "/api/v1/roster/receipt": {"post": {
            "summary": "Check a signed receipt (public): what it says, if this server signed it",
            "security": [],
            "requestBody": {"required": true, "content": {"text/plain": {}}},
            "responses": with_errors(json!({"200": {"description": "the receipt is genuine", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RosterReceipt"}}}}}), &["404", "422"])
        }}
    })
}
