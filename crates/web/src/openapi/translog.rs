//! The transparency log's share of the OpenAPI document: its checkpoint, key and offline proofs. Its tiles
//! follow C2SP tlog-tiles under the prefix `/log` (`/log/tile/<L>/<N>[.p/<W>]`, `/log/tile/entries/<N>[.p/<W>]`).

use super::{Part, with_errors};
use serde_json::{Value, json};

pub(super) const PART: Part = Part { operations: OPERATIONS, schemas, paths };

const OPERATIONS: &[(&str, &str)] = &[("/log/checkpoint", "get"), ("/log/vkey", "get"), ("/log/proof/{serial}", "get")];

fn schemas() -> Value {
    json!({})
}

fn text(description: &str) -> Value {
    json!({"200": {"description": description, "content": {"text/plain": {"schema": {"type": "string"}}}}})
}

fn paths() -> Value {
    json!({
        "/log/checkpoint": {"get": {
            "summary": "The log's latest signed checkpoint (C2SP tlog-checkpoint: origin, size, base64 root hash, Ed25519 signature). Tiles and entry bundles are at /log/tile/... as C2SP tlog-tiles specifies; each entry is the registry's canonical binary event (no name, no ID number).",
            "security": [],
            "responses": with_errors(text("the signed checkpoint note"), &["404"])
        }},
        "/log/vkey": {"get": {
            "summary": "The verifier key of the log's checkpoints (C2SP signed-note: name+id+base64 key); pin it",
            "security": [],
            "responses": with_errors(text("the verifier key"), &["404"])
        }},
        "/log/proof/{serial}": {"get": {
            "summary": "Offline proof (c2sp.org/tlog-proof@v1) that the certificate's latest event is in the log: index, inclusion proof and signed checkpoint",
            "security": [],
            "parameters": [{"name": "serial", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}}],
            "responses": with_errors(text("the .tlog-proof file"), &["404"])
        }}
    })
}
