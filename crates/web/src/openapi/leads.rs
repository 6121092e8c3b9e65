//! The leads' share of the OpenAPI document: the ad feed, the analyst's list, detail, workflow steps and
//! exports. All need an analyst's (or admin's) token or session.

use super::{Part, ok_json, with_errors};
use serde_json::{Value, json};

pub(super) const PART: Part = Part { operations: OPERATIONS, schemas, paths };

const OPERATIONS: &[(&str, &str)] = &[
    ("/api/v1/ads", "post"),
    ("/api/v1/leads", "get"),
    ("/api/v1/leads/{id}", "get"),
    ("/api/v1/leads/move", "post"),
    ("/api/v1/leads/export", "get"),
];

const KINDS: [&str; 4] = ["domain", "url", "ad", "contact"];
const STATUSES: [&str; 5] = ["new", "confirmed", "dismissed", "reported", "taken_down"];

fn schemas() -> Value {
    json!({
        "AdItem": {"type": "object", "required": ["text"], "properties": {
            "text": {"type": "string", "maxLength": 20000},
            "source": {"type": "string", "description": "the feed's name (kept as ads_api:<source>)"},
            "url": {"type": "string", "description": "where the ad was seen; becomes an address lead linked to the ad"},
            "seen_at": {"type": "string", "format": "date-time", "description": "a time in the future is taken as now"},
            "region": {"type": "string", "pattern": "^[0-9]{1,6}$", "description": "GB/T 2260 code, e.g. 32"}}},
        "AdOutcome": {"type": "object", "required": ["index", "result"], "properties": {
            "index": {"type": "integer"},
            "result": {"type": "string", "enum": ["lead", "clean", "error"]},
            "lead_id": {"type": "integer"}, "created": {"type": "boolean"}, "error": {"type": "string"}}},
        "Reason": {"type": "object", "required": ["code", "zh", "en"], "properties": {
            "code": {"type": "string"}, "zh": {"type": "string"}, "en": {"type": "string"}, "points": {"type": "integer"}}},
        "Evidence": {"type": "object", "properties": {
            "snapshot_sha256": {"type": "string"},
            "redirect_chain": {"type": "array", "items": {"type": "string"}},
            "text_extract": {"type": "string"},
            "spans": {"type": "array", "items": {"type": "object", "required": ["start", "end", "label"], "properties": {
                "start": {"type": "integer", "description": "byte offset into text_extract"}, "end": {"type": "integer"}, "label": {"type": "string"}}}},
            "page_verdict": {"type": "string"}}},
        "Lead": {"type": "object", "required": ["id", "kind", "key", "value", "source", "status", "score", "reasons", "evidence", "first_seen", "last_seen", "sightings", "version"], "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "enum": KINDS},
            "key": {"type": "string", "description": "what deduplicates: registrable domain, address without query, <kind>:<contact>, or the ad text's hash"},
            "value": {"type": "string"},
            "source": {"type": "string", "description": "the source that found it first"},
            "status": {"type": "string", "enum": STATUSES},
            "score": {"type": "integer"},
            "reasons": {"type": "array", "items": {"$ref": "#/components/schemas/Reason"}},
            "evidence": {"$ref": "#/components/schemas/Evidence"},
            "region": {"type": ["string", "null"]},
            "first_seen": {"type": "string", "format": "date-time"},
            "last_seen": {"type": "string", "format": "date-time"},
            "sightings": {"type": "integer"},
            "status_changed_at": {"type": ["string", "null"], "format": "date-time"},
            "version": {"type": "integer"}}},
        "LeadList": {"type": "object", "required": ["items", "counts"], "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Lead"}},
            "counts": {"type": "object", "description": "leads per status", "additionalProperties": {"type": "integer"}}}},
        "LeadDetail": {"type": "object", "required": ["lead", "linked", "history", "jobs"], "properties": {
            "lead": {"$ref": "#/components/schemas/Lead"},
            "linked": {"type": "array", "description": "[relation, lead] pairs; relation is contact, hosted_on or same_page",
                "items": {"type": "array", "prefixItems": [{"type": "string", "enum": ["contact", "hosted_on", "same_page"]}, {"$ref": "#/components/schemas/Lead"}]}},
            "history": {"type": "array", "items": {"type": "object", "required": ["at", "actor", "from", "to", "note"], "properties": {
                "at": {"type": "string", "format": "date-time"}, "actor": {"type": "string"},
                "from": {"type": "string", "enum": STATUSES}, "to": {"type": "string", "enum": STATUSES}, "note": {"type": "string"}}}},
            "jobs": {"type": "array", "description": "background work for the lead: its page fetched and judged, a webhook notified",
                "items": {"type": "object", "required": ["kind", "state", "attempts", "updated_at"], "properties": {
                    "kind": {"type": "string", "enum": ["page", "notify"]},
                    "state": {"type": "string", "enum": ["pending", "done", "failed"]},
                    "attempts": {"type": "integer"},
                    "last_error": {"type": ["string", "null"]},
                    "result": {"type": ["string", "null"], "description": "page: the body's SHA-256; notify: the HTTP status"},
                    "updated_at": {"type": "string", "format": "date-time"}}}}}},
        "LeadMove": {"type": "object", "required": ["ids", "to"], "properties": {
            "ids": {"type": "array", "maxItems": 500, "items": {"type": "integer"}},
            "to": {"type": "string", "enum": STATUSES},
            "note": {"type": "string", "maxLength": 2000, "description": "required for every step but reopening"}}}
    })
}

fn filters() -> Value {
    let q = |name: &str, description: &str| json!({"name": name, "in": "query", "schema": {"type": "string"}, "description": description});
    json!([
        {"name": "kind", "in": "query", "schema": {"type": "string", "enum": KINDS}},
        {"name": "status", "in": "query", "schema": {"type": "string", "enum": STATUSES}},
        {"name": "min_score", "in": "query", "schema": {"type": "integer"}},
        q("source", "source prefix, e.g. ct: or qr_scan"),
        q("region", "GB/T 2260 province code"),
        q("since", "last seen on or after (YYYY-MM-DD, Beijing date)"),
        q("until", "last seen on or before (YYYY-MM-DD)"),
        q("q", "key or value contains"),
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}},
        {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}}
    ])
}

fn paths() -> Value {
    json!({
        "/api/v1/ads": {"post": {
            "summary": "Ad feed: one ad or an array of up to 500; flagged ads become leads linked to their contacts and addresses (analyst token)",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"oneOf": [
                {"$ref": "#/components/schemas/AdItem"},
                {"type": "array", "maxItems": 500, "items": {"$ref": "#/components/schemas/AdItem"}}]}}}},
            "responses": with_errors(json!({"200": {"description": "one outcome per ad, in order", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/AdOutcome"}}}}}}), &["400", "401", "403", "413"])
        }},
        "/api/v1/leads": {"get": {
            "summary": "Leads, most recently seen first, with the count per status",
            "parameters": filters(),
            "responses": with_errors(ok_json("200", "the leads", "LeadList"), &["401", "403", "422"])
        }},
        "/api/v1/leads/{id}": {"get": {
            "summary": "One lead with its linked leads and its history",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "responses": with_errors(ok_json("200", "the lead", "LeadDetail"), &["401", "403", "404"])
        }},
        "/api/v1/leads/move": {"post": {
            "summary": "A workflow step for up to 500 leads, all or none (new → confirmed/dismissed → reported → taken_down), each in the audit log",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LeadMove"}}}},
            "responses": with_errors(json!({"200": {"description": "how many moved", "content": {"application/json": {"schema": {"type": "object", "required": ["moved"], "properties": {"moved": {"type": "integer"}}}}}}}), &["400", "401", "403", "404", "409", "422"])
        }},
        "/api/v1/leads/export": {"get": {
            "summary": "Leads as a STIX 2.1 bundle, a MISP event or CSV (audited)",
            "parameters": [
                {"name": "format", "in": "query", "required": true, "schema": {"type": "string", "enum": ["stix", "misp", "csv"]}},
                {"name": "status", "in": "query", "schema": {"type": "string", "enum": STATUSES}},
                {"name": "kind", "in": "query", "schema": {"type": "string", "enum": KINDS}}],
            "responses": with_errors(json!({"200": {"description": "the export as an attachment", "content": {
                "application/json": {"schema": {"type": "object"}},
                "text/csv": {"schema": {"type": "string"}}}}}), &["401", "403", "422"])
        }}
    })
}
