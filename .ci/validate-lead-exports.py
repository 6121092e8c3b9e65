#!/usr/bin/env python3
"""Loads the golden lead exports with the reference tools: the STIX 2.1 bundle with OASIS's stix2-validator
(errors fail; warnings about open vocabularies such as account_type "wechat" are expected) and the MISP event
with PyMISP. The Rust test `crates/app/tests/lead_exports.rs` keeps the golden files equal to what the code
writes, so this checks the code's output."""
import sys
from pathlib import Path

from pymisp import MISPEvent
from stix2validator import ValidationOptions, validate_file

golden = Path(__file__).resolve().parent.parent / "testdata" / "golden" / "leads"

results = validate_file(str(golden / "bundle.stix.json"), ValidationOptions(version="2.1"))
warnings = 0
for obj in results.object_results:
    warnings += len(obj.warnings or [])
    for e in obj.errors or []:
        print(f"STIX error in {obj.object_id}: {e}", file=sys.stderr)
if not results.is_valid:
    sys.exit("the STIX bundle is not valid STIX 2.1")
print(f"STIX 2.1 bundle valid ({warnings} warnings)")

event = MISPEvent()
event.load_file(str(golden / "event.misp.json"))
types = sorted({a.type for a in event.attributes})
if len(event.attributes) != 7 or types != ["domain", "phone-number", "text", "url"]:
    sys.exit(f"PyMISP read {len(event.attributes)} attributes of types {types}")
print(f"MISP event loaded by PyMISP: {len(event.attributes)} attributes, types {types}")
