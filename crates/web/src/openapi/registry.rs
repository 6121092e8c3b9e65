//! The registry's share of the OpenAPI document: the public lookup, the catalogue, and certificates (search,
//! issue, read, history, operations).

use super::{Part, ok_json, with_errors};
use serde_json::{Value, json};

pub(super) const PART: Part = Part { operations: OPERATIONS, schemas, paths };

const OPERATIONS: &[(&str, &str)] = &[
    ("/api/v1/lookup", "post"),
    ("/api/v1/catalogue", "get"),
    ("/api/v1/certificates", "get"),
    ("/api/v1/certificates", "post"),
    ("/api/v1/certificates/{serial}", "get"),
    ("/api/v1/certificates/{serial}/history", "get"),
    ("/api/v1/certificates/{serial}/commands", "post"),
];

fn schemas() -> Value {
    let date = json!({"type": "string", "format": "date"});
    let labelled = json!({"type": "object", "required": ["code", "zh", "en"], "properties": {
        "code": {"type": "string"}, "zh": {"type": "string"}, "en": {"type": "string"}}});
    json!({
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
            "first_issued": date, "valid_from": date, "authority": {"type": "string", "example": "CN-320500"},
            "exam_candidate": {"type": "string", "description": "the candidate as the exam centre named them: a session of theirs confirmed as cheating refuses the certificate (409)"}}},
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
        "Event": {"type": "object", "properties": {"seq": {"type": "integer"}, "serial": {"type": "string"}, "event": {"type": "object"}, "actor": {"type": "string"}, "at": {"type": "string", "format": "date-time"}}}
    })
}

fn paths() -> Value {
    let serial = json!({"name": "serial", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}});
    json!({
        "/api/v1/lookup": {"post": {
            "summary": "Public lookup by certificate number and name (both required)",
            "security": [],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LookupRequest"}}}},
            "responses": with_errors(ok_json("200", "certificates found, ID numbers masked", "LookupResponse"), &["400", "404", "429"])
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
    })
}
