#!/usr/bin/env python3
"""Exports the data tables that dnstwist 20250130 (Apache-2.0, (c) Marcin Ulikowski) uses for its fuzzers, so that
certguard's dnstwist-compatible mode produces the same set: homoglyph tables, keyboard layouts, the Latin-to-Cyrillic
map, and which glyphs the `idna` package (IDNA 2008) refuses to encode. Run once; the output is committed."""
import json, os, idna, dnstwist
F = dnstwist.Fuzzer
glyph_chars = set()
for table in [F.glyphs_unicode, F.glyphs_ascii, *F.glyphs_idn_by_tld.values()]:
    for v in table.values():
        for g in v:
            glyph_chars.update(g)
invalid = []
for c in sorted(glyph_chars):
    try:
        idna.encode('a' + c + 'a')
    except Exception:
        invalid.append(c)
out = {
    "source": "dnstwist " + dnstwist.__version__ + " (Apache-2.0)",
    "glyphs_unicode": {k: list(v) for k, v in F.glyphs_unicode.items()},
    "glyphs_ascii": {k: list(v) for k, v in F.glyphs_ascii.items()},
    "glyphs_idn_by_tld": {t: {k: list(v) for k, v in tab.items()} for t, tab in F.glyphs_idn_by_tld.items()},
    "latin_to_cyrillic": F.latin_to_cyrillic,
    "keyboards": [F.qwerty, F.qwertz, F.azerty],
    "idna2008_refused": invalid,
}
p = os.path.join(os.path.dirname(__file__), '..', '..', 'crates', 'sentinel', 'data', 'dnstwist_tables.json')
with open(p, 'w', encoding='utf-8') as f:
    json.dump(out, f, ensure_ascii=False, indent=1, sort_keys=True)
print('refused:', invalid)
