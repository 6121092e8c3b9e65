//! Casework's share of the OpenAPI document: inspections, cases and their steps, the campaign's figures.

use super::{Part, with_errors};
use serde_json::{Value, json};

pub(super) const PART: Part = Part { operations: OPERATIONS, schemas, paths };

const OPERATIONS: &[(&str, &str)] = &[
    ("/api/v1/inspections", "post"),
    ("/api/v1/inspections/{id}", "get"),
    ("/api/v1/cases", "get"),
    ("/api/v1/cases", "post"),
    ("/api/v1/cases/{id}", "get"),
    ("/api/v1/cases/{id}/steps", "post"),
    ("/api/v1/cases/{id}/evidence", "get"),
    ("/api/v1/campaign", "get"),
];

fn schemas() -> Value {
    let s = json!({"type": "string"});
    let categories = json!({"type": "string", "enum": ["unlicensed", "fake_certificate", "expired_or_not_reviewed", "person_mismatch", "item_mismatch"]});
    let offences = json!({"type": "string", "enum": ["employer_forged_certificate", "worker_forged_certificate", "worker_lent_or_impersonated", "employer_unlicensed_work"]});
    let states = json!({"type": "string", "enum": ["filed", "investigating", "decided", "transferred", "closed"]});
    json!({
        "NewInspection": {"type": "object", "required": ["unit_name", "place", "workers"], "properties": {
            "unit_name": s, "unit_uscc": {"type": "string", "description": "统一社会信用代码 (check character validated); its region is the inspection's unless region is given"},
            "region": {"type": "string", "pattern": "^[0-9]{6}$"}, "place": s, "at": {"type": "string", "format": "date-time"},
            "inspectors": {"type": "array", "items": s, "maxItems": 10},
            "workers": {"type": "array", "minItems": 1, "maxItems": 500, "items": {"type": "object", "required": ["name"], "properties": {
                "name": s, "number": s, "qr": {"type": "string", "description": "the certificate's QR text, if scanned"}, "item": s, "note": s,
                "photo_sha256": {"type": "string", "description": "SHA-256 of a certificate photo kept elsewhere"},
                "photo_base64": {"type": "string", "description": "the certificate photo (JPEG or PNG, at most 5 MiB; the whole request at most 32 MiB), checked as an image and kept with the inspection for the hand-over package"}}}}}},
        "Inspection": {"type": "object", "properties": {
            "id": {"type": "integer"}, "unit_name": s, "unit_uscc": s, "region": s, "place": s, "at": {"type": "string", "format": "date-time"},
            "inspectors": {"type": "array", "items": s}, "recorded_by": s, "workers_checked": {"type": "integer"},
            "findings": {"type": "array", "items": {"type": "object", "properties": {
                "worker": s, "number": {"type": "string", "description": "masked"}, "category": categories, "result": s, "reason": s, "note": s, "photo_sha256": s}}}}},
        "OpenCase": {"type": "object", "required": ["source"], "properties": {
            "source": {"oneOf": [
                {"type": "object", "required": ["kind", "inspection", "index"], "properties": {"kind": {"const": "finding"}, "inspection": {"type": "integer"}, "index": {"type": "integer"}}},
                {"type": "object", "required": ["kind", "lead"], "properties": {"kind": {"const": "lead"}, "lead": {"type": "integer", "description": "a confirmed lead"}}}]},
            "title": s, "offence": offences, "region": s, "note": s}},
        "PenaltyDecision": {"type": "object", "required": ["offence", "fine_yuan"], "properties": {
            "offence": offences, "repeat": {"type": "boolean", "description": "the unit did not correct after an earlier decision (安全生产法第97条 second tier)"},
            "fine_yuan": {"type": "integer"}, "responsible_person_fines": {"type": "array", "items": {"type": "integer"}},
            "warning": {"type": "boolean"}, "stop_work": {"type": "boolean"}}},
        "CaseStep": {"type": "object", "required": ["step"], "properties": {
            "step": {"type": "string", "enum": ["investigate", "decide", "transfer", "close"]},
            "version": {"type": "integer", "description": "the version read; a changed case is refused (409)"},
            "note": s, "decision": {"$ref": "#/components/schemas/PenaltyDecision"}}},
        "Case": {"type": "object", "properties": {
            "id": {"type": "integer"}, "version": {"type": "integer"}, "title": s, "region": s, "state": states, "offence": offences,
            "category": categories, "source": {"type": "object"}, "unit_name": s, "unit_uscc": s, "opened_by": s,
            "opened_at": {"type": "string", "format": "date-time"},
            "penalty": {"type": ["object", "null"], "properties": {"decision": {"$ref": "#/components/schemas/PenaltyDecision"}, "article": s, "total_yuan": {"type": "integer"}, "decided_at": {"type": "string", "format": "date-time"}}},
            "transferred_at": {"type": ["string", "null"]}, "closed_at": {"type": ["string", "null"]},
            "history": {"type": "array", "items": {"type": "object", "properties": {"at": s, "actor": s, "state": states, "note": s}}}}},
        "CampaignRow": {"type": "object", "properties": {
            "province": {"type": "string", "description": "2-digit GB/T 2260 code"}, "month": {"type": "string", "description": "YYYY-MM, China time"},
            "unlicensed_cases": {"type": "integer"}, "fake_cases": {"type": "integer"}, "fines_yuan": {"type": "integer"},
            "police_transfers": {"type": "integer"}, "closed_cases": {"type": "integer"},
            "leads_reported": {"type": "integer", "description": "leads reported for action (已报送处置) that month, by the province their region names (00: none)"},
            "sites_taken_down": {"type": "integer", "description": "fake sites and offers taken down (已关停) that month"}}}
    })
}

fn paths() -> Value {
    let id = json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}]);
    let body = |schema: &str| json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
    let ok = |code: &str, schema: Value| json!({code: {"description": "ok", "content": {"application/json": {"schema": schema}}}});
    let r = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    json!({
        "/api/v1/inspections": {"post": {"summary": "Record a site inspection (inspectors, admins): each worker verified, findings in their legal categories",
            "requestBody": body("NewInspection"), "responses": with_errors(ok("201", r("Inspection")), &["401", "403", "422"])}},
        "/api/v1/inspections/{id}": {"get": {"summary": "One inspection (in the caller's region)", "parameters": id,
            "responses": with_errors(ok("200", r("Inspection")), &["401", "403", "404"])}},
        "/api/v1/cases": {
            "get": {"summary": "The newest cases in the caller's region", "responses": with_errors(ok("200", json!({"type": "array", "items": r("Case")})), &["401", "403"])},
            "post": {"summary": "Open a case (立案) from an inspection's finding or a confirmed lead", "requestBody": body("OpenCase"),
                "responses": with_errors(ok("201", r("Case")), &["401", "403", "404", "422"])}},
        "/api/v1/cases/{id}": {"get": {"summary": "One case with its history", "parameters": id, "responses": with_errors(ok("200", r("Case")), &["401", "403", "404"])}},
        "/api/v1/cases/{id}/steps": {"post": {"summary": "The next step: investigate, decide (a penalty within the law's range, article cited), transfer to the police, close; refused out of order (409), by the wrong role or region (403), outside the law (422)",
            "parameters": id, "requestBody": body("CaseStep"), "responses": with_errors(ok("200", r("Case")), &["401", "403", "404", "409", "422"])}},
        "/api/v1/cases/{id}/evidence": {"get": {"summary": "The police hand-over package: a ZIP with the case and its history, the inspection or the lead with its STIX bundle, the log checkpoint, a printable 移送函 and manifest.json (SHA-256 of every file); audited",
            "parameters": id, "responses": with_errors(json!({"200": {"description": "the package", "content": {"application/zip": {}}}}), &["401", "403", "404", "422"])}},
        "/api/v1/campaign": {"get": {"summary": "The campaign's figures by province and month (inspectors, analysts, admins; an inspector's region only); ?format=csv or xlsx for a spreadsheet",
            "parameters": [{"name": "format", "in": "query", "required": false, "schema": {"type": "string", "enum": ["json", "csv", "xlsx"]}}],
            "responses": with_errors(ok("200", json!({"type": "array", "items": r("CampaignRow")})), &["401", "403"])}}
    })
}
