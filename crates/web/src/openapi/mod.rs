//! The OpenAPI 3.1 document of /api/v1, written by hand as data (a derive macro would tie the core types to
//! an HTTP library; the web tests check that every route is documented and every documented route exists).//!
//! Each capability writes its own part (its operations, schemas and paths: [`registry`], [`verification`], [`translog`], [`leads`]);
//! [`spec`] puts the shared frame (info, security schemes, the `Error` schema) around them.

mod cases;
mod exam;
mod leads;
mod registry;
mod roster;
mod translog;
mod verification;

use crate::SharedState;
use axum::Json;
use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};

/// One capability's share of the document.
struct Part {
    /// (path, method) of each of its operations.
    operations: &'static [(&'static str, &'static str)],
    /// Its entries of `components.schemas`.
    schemas: fn() -> Value,
    /// Its entries of `paths`.
    paths: fn() -> Value,
}

const PARTS: &[Part] =
    &[registry::PART, verification::PART, translog::PART, leads::PART, exam::PART, roster::PART, cases::PART];

const OPERATION_COUNT: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < PARTS.len() {
        n += PARTS[i].operations.len();
        i += 1;
    }
    n
};

/// (path, method) of every API operation; the tests walk this list against the router.
pub const OPERATIONS: &[(&str, &str)] = &{
    let mut all = [("", ""); OPERATION_COUNT];
    let (mut i, mut n) = (0, 0);
    while i < PARTS.len() {
        let mut j = 0;
        while j < PARTS[i].operations.len() {
            all[n] = PARTS[i].operations[j];
            n += 1;
            j += 1;
        }
        i += 1;
    }
    all
};

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
    let mut doc = json!({
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
                    "message": {"type": "string"}, "field": {"type": "string"}}}}}
            }
        },
        "security": [{"bearer": []}, {"session": []}],
        "paths": {}
    });
    for part in PARTS {
        merge(&mut doc["components"]["schemas"], (part.schemas)());
        merge(&mut doc["paths"], (part.paths)());
    }
    doc
}

/// Adds a part's entries to an object of the document; no two parts may write the same entry.
fn merge(into: &mut Value, entries: Value) {
    let (Some(into), Value::Object(entries)) = (into.as_object_mut(), entries) else {
        panic!("OpenAPI parts are objects")
    };
    for (name, value) in entries {
        assert!(into.insert(name.clone(), value).is_none(), "{name} is written by two parts");
    }
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
