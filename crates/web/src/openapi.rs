//! The OpenAPI 3.1 document of /api/v1, written by hand as data (a derive macro would tie the core types to
//! an HTTP library; the web tests check that every route is documented and every documented route exists).

use crate::SharedState;
use axum::Json;
use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};

/// (path, method) of every API operation; the tests walk this list against the router.
pub const OPERATIONS: &[(&str, &str)] = &[
    ("/api/v1/lookup", "post"),
    ("/api/v1/verify", "post"),
    ("/api/v1/catalogue", "get"),
    ("/api/v1/certificates", "get"),
    ("/api/v1/certificates", "post"),
    ("/api/v1/certificates/{serial}", "get"),
    ("/api/v1/certificates/{serial}/history", "get"),
    ("/api/v1/certificates/{serial}/commands", "post"),
];

fn error_responses(codes: &[&str]) -> Value {
    let mut m = serde_json::Map::new();
    for code in codes {
        let description = match *code {
            "400" => "malformed request",
            "401" => "no valid session or bearer token",
            "403" => "the caller's role or authority does not permit this",
            "404" => "not found (the public lookup answers this for every miss)",
            "409" => "not allowed in the certificate's state, duplicate, or changed meanwhile",
            "422" => "a field breaks a rule; `field` names it",
            "413" => "the body is larger than this route accepts",
            "415" => "unsupported content type",
            "429" => "rate limit reached (charged before the body is read)",
            "503" => "busy or not configured: retry shortly",
            _ => "error",
        };
        m.insert(
            code.to_string(),
            json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}),
        );
    }
    Value::Object(m)
}

fn with_errors(ok: Value, codes: &[&str]) -> Value {
    let mut r = error_responses(codes);
    let (code, body) = ok.as_object().expect("object").iter().next().map(|(k, v)| (k.clone(), v.clone())).expect("one");
    r.as_object_mut().expect("object").insert(code, body);
    r
}

fn ok_json(code: &str, description: &str, schema: &str) -> Value {
    json!({ code: {"description": description, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}}})
}

pub fn spec() -> Value {
    let serial = json!({"name": "serial", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}});
    let date = json!({"type": "string", "format": "date"});
    let labelled = json!({"type": "object", "required": ["code", "zh", "en"], "properties": {
        "code": {"type": "string"}, "zh": {"type": "string"}, "en": {"type": "string"}}});
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "certguard API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "安证卫士 — registry of Chinese work-safety certificates. The public lookup needs no authentication and is rate-limited per client address; everything else needs `Authorization: Bearer <token>` (create one with `certguard token add`) or a back-office session."
        },
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "cg_session"}
            },
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
                    "code": {"type": "string", "enum": ["bad_request", "unauthorized", "forbidden", "not_found", "not_allowed", "conflict", "invalid", "rate_limited", "bad_credentials", "internal"]},
                    "message": {"type": "string"}, "field": {"type": "string"}}}}},
                "Labelled": labelled,
                "LookupRequest": {"type": "object", "required": ["number", "name"], "properties": {
                    "number": {"type": "string", "description": "证号, e.g. T + ID number", "example": "T440524188001010014"},
                    "name": {"type": "string", "description": "持证人姓名", "example": "张三"}}},
                "PublicCertificate": {"type": "object", "description": "A certificate with the ID number masked.", "properties": {
                    "serial": {"type": "string"}, "kind": {"$ref": "#/components/schemas/Labelled"},
                    "number": {"type": "string", "example": "T440524********0014"}, "holder_name": {"type": "string"},
                    "sex": {"$ref": "#/components/schemas/Labelled"}, "id_masked": {"type": "string"},
                    "category": {"$ref": "#/components/schemas/Labelled"}, "item": {"$ref": "#/components/schemas/Labelled"},
                    "first_issued": date, "valid_from": date, "valid_until": date,
                    "review_due": {"type": ["string", "null"], "format": "date"}, "last_review": {"type": ["string", "null"], "format": "date"},
                    "authority": {"$ref": "#/components/schemas/Labelled"}, "status": {"$ref": "#/components/schemas/Labelled"},
                    "permits_work": {"type": "boolean"}}},
                "LookupResponse": {"type": "object", "properties": {"certificates": {"type": "array", "items": {"$ref": "#/components/schemas/PublicCertificate"}}}},
                "Status": {"type": "string", "enum": ["valid", "review_due", "review_overdue", "expired", "suspended", "revoked", "cancelled", "pending"]},
                "Certificate": {"type": "object", "description": "The full registry record, including the holder's identity document.", "additionalProperties": true},
                "CertificateRecord": {"type": "object", "required": ["serial", "version", "status", "certificate"], "properties": {
                    "serial": {"type": "string"}, "version": {"type": "integer"}, "status": {"$ref": "#/components/schemas/Status"},
                    "certificate": {"$ref": "#/components/schemas/Certificate"}}},
                "SearchResponse": {"type": "object", "properties": {"total": {"type": "integer"}, "items": {"type": "array", "items": {"$ref": "#/components/schemas/CertificateRecord"}}}},
                "IssueRequest": {"type": "object", "required": ["name", "id_number", "valid_from", "authority"], "properties": {
                    "name": {"type": "string"}, "id_kind": {"type": "string", "enum": ["resident", "hk_macau_permit", "taiwan_permit", "passport", "foreign_permanent_resident"]},
                    "id_number": {"type": "string"}, "sex": {"type": "string", "enum": ["male", "female", "男", "女"]},
                    "category": {"type": "string", "example": "2"}, "item": {"type": "string", "example": "2.1"},
                    "personnel_type": {"type": "string"}, "industry": {"type": "string"}, "number": {"type": "string"},
                    "first_issued": date, "valid_from": date, "authority": {"type": "string", "example": "CN-320500"}}},
                "Command": {"type": "object", "required": ["op"], "description": "One registry operation.", "oneOf": [
                    {"properties": {"op": {"const": "record_review"}, "date": date, "passed": {"type": "boolean"}}, "required": ["op", "date", "passed"]},
                    {"properties": {"op": {"const": "extend_review_interval"}}},
                    {"properties": {"op": {"const": "renew"}, "date": date}, "required": ["op", "date"]},
                    {"properties": {"op": {"const": "suspend"}, "reason": {"type": "string"}}, "required": ["op", "reason"]},
                    {"properties": {"op": {"const": "reinstate"}}},
                    {"properties": {"op": {"const": "revoke"}, "reason": {"type": "string", "enum": ["expired_without_review", "health_unfit", "accident_responsibility", "false_information", "fraud_or_bribery"]}}, "required": ["op", "reason"]},
                    {"properties": {"op": {"const": "cancel"}, "reason": {"type": "string", "enum": ["death", "holder_request", "after_revocation", "legally_incapable"]}}, "required": ["op", "reason"]},
                    {"properties": {"op": {"const": "correct"}, "correction": {"type": "object", "properties": {"field": {"type": "string", "enum": ["holder_name", "sex", "first_issued"]}, "value": {}}}, "reason": {"type": "string"}}, "required": ["op", "correction", "reason"]}
                ]},
                "CommandRequest": {"type": "object", "required": ["command"], "properties": {"command": {"$ref": "#/components/schemas/Command"}, "expected_version": {"type": "integer"}}},
                "Verification": {"type": "object", "required": ["verdict", "offline"], "properties": {
                    "verdict": {"type": "string", "description": "The online decision: the registry's record decides once the signature holds", "enum": ["valid", "review_due", "review_overdue", "expired", "suspended", "revoked", "cancelled", "pending", "superseded", "not_found", "fake", "status_unknown", "unreadable", "not_our_format"]},
                    "offline": {"type": "object", "description": "What the credential alone proves (the offline verifier's answer)", "required": ["checks", "verdict"], "properties": {
                        "checks": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "outcome": {"type": "string", "enum": ["pass", "fail", "unknown"]}, "detail": {"type": "string"}}}},
                        "verdict": {"type": "string", "enum": ["valid", "invalid", "valid_status_unknown", "not_our_format"]},
                        "check": {"type": "string"}, "reason": {"type": "string"}, "since": {"type": ["integer", "null"]},
                        "kind": {"type": "object"}, "credential": {"type": ["object", "null"]}}},
                    "registry": {"type": ["object", "null"], "properties": {"found": {"type": "boolean"}, "status": {"type": ["string", "null"]}, "current": {"type": "boolean"}}},
                    "url": {"type": ["object", "null"], "properties": {"url": {"type": "string"}, "domain": {"type": "string"}, "verdict": {"type": "string", "enum": ["official", "look_alike", "unknown"]}, "score": {"type": "integer"}}}}},
                "Event": {"type": "object", "properties": {"seq": {"type": "integer"}, "serial": {"type": "string"}, "event": {"type": "object"}, "actor": {"type": "string"}, "at": {"type": "string", "format": "date-time"}}}
            }
        },
        "security": [{"bearer": []}, {"session": []}],
        "paths": {
            "/api/v1/lookup": {"post": {
                "summary": "Public lookup by certificate number and name (both required)",
                "security": [],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LookupRequest"}}}},
                "responses": with_errors(ok_json("200", "certificates found, ID numbers masked", "LookupResponse"), &["400", "404", "429"])
            }},
            "/api/v1/verify": {"post": {
                "summary": "Verify a signed QR certificate (AQ1 text as JSON, or a PNG/JPEG photo as the body): every check, one verdict, and the registry record",
                "security": [],
                "requestBody": {"required": true, "content": {
                    "application/json": {"schema": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string", "example": "AQ1:..."}}}},
                    "image/png": {"schema": {"type": "string", "format": "binary"}},
                    "image/jpeg": {"schema": {"type": "string", "format": "binary"}}
                }},
                "responses": with_errors(ok_json("200", "the decision, the offline checks and the registry record", "Verification"), &["400", "413", "415", "429", "503"])
            }},
            "/api/v1/catalogue": {"get": {
                "summary": "The national catalogue of special operations and management classifications",
                "security": [],
                "responses": {"200": {"description": "the catalogue", "content": {"application/json": {"schema": {"type": "object"}}}}}
            }},
            "/api/v1/certificates": {
                "get": {
                    "summary": "Search the registry (issuers see their own authority only)",
                    "parameters": [
                        {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "certificate number, or the start of a holder name"},
                        {"name": "status", "in": "query", "schema": {"$ref": "#/components/schemas/Status"}},
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
                        {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}}
                    ],
                    "responses": with_errors(ok_json("200", "matching certificates", "SearchResponse"), &["400", "401", "403"])
                },
                "post": {
                    "summary": "Issue a certificate",
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/IssueRequest"}}}},
                    "responses": with_errors(ok_json("201", "issued", "CertificateRecord"), &["400", "401", "403", "409", "422"])
                }
            },
            "/api/v1/certificates/{serial}": {"get": {
                "summary": "One certificate",
                "parameters": [serial.clone()],
                "responses": with_errors(ok_json("200", "the certificate", "CertificateRecord"), &["401", "403", "404"])
            }},
            "/api/v1/certificates/{serial}/history": {"get": {
                "summary": "The certificate's events, oldest first",
                "parameters": [serial.clone()],
                "responses": with_errors(json!({"200": {"description": "events", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}}}}}}), &["401", "403", "404"])
            }},
            "/api/v1/certificates/{serial}/commands": {"post": {
                "summary": "Apply a registry operation (review, extension, renewal, suspension, reinstatement, revocation, cancellation, correction)",
                "parameters": [serial],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CommandRequest"}}}},
                "responses": with_errors(ok_json("200", "the certificate after the operation", "CertificateRecord"), &["400", "401", "403", "404", "409", "422"])
            }}
        }
    })
}

pub async fn document() -> Json<Value> {
    Json(spec())
}

pub fn routes() -> Router<SharedState> {
    Router::new().route("/api/v1/openapi.json", get(document))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_documented_and_refs_resolve() {
        let s = spec();
        for (path, method) in OPERATIONS {
            assert!(s["paths"][path][method].is_object(), "{method} {path} missing");
        }
        let n: usize = s["paths"].as_object().unwrap().values().map(|p| p.as_object().unwrap().len()).sum();
        assert_eq!(n, OPERATIONS.len(), "documented operations that are not in OPERATIONS");
        let text = s.to_string();
        for r in text.split("#/components/schemas/").skip(1) {
            let name: String = r.chars().take_while(|c| c.is_alphanumeric()).collect();
            assert!(s["components"]["schemas"][&name].is_object(), "dangling $ref {name}");
        }
    }

    /// The published document, byte for byte: a change to the API shows up here as a diff to review.
    /// `CERTGUARD_BLESS_OPENAPI=1 cargo test -p certguard-web --lib openapi` rewrites the snapshot.
    #[test]
    fn the_document_matches_its_snapshot() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/openapi.json");
        let now = serde_json::to_string_pretty(&spec()).expect("serialisable") + "\n";
        if std::env::var_os("CERTGUARD_BLESS_OPENAPI").is_some() {
            std::fs::write(path, &now).expect("write snapshot");
        }
        let saved = std::fs::read_to_string(path).expect("snapshot exists");
        assert!(saved == now, "the OpenAPI document changed; review and bless it");
    }
}
