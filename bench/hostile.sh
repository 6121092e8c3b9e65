#!/usr/bin/env bash
# Hostile inputs against the shipped binary, with the memory they cost: an XLSX whose cell sits in column XFD,
# an XLSX whose shared strings inflate past the cap, a CSV without line breaks (imports: max RSS of the
# process); camera frames and photos that are 16-bit PNGs inflating to hundreds of MB, and oversized bodies,
# from 4 parallel clients for a while (server: peak RSS, and /healthz latency meanwhile). The lookup limit is
# lifted so that every picture reaches the decoder (the worst case; normally most are refused unread).
# Usage: bench/hostile.sh [seconds of frame load, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-10}"
BIN=target/release/certguard
OUT=bench/out/hostile
PORT=18182
cargo build --release -q -p certguard
rm -rf "$OUT" && mkdir -p "$OUT"
python3 - "$OUT" <<'PY'
import sys, zipfile, zlib, struct
out = sys.argv[1]
def xlsx(path, sheet, shared=None):
    ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
          + ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' if shared else '') +
          '</Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    wb = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
    wbrels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
              + ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' if shared else '') +
              '</Relationships>')
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr('[Content_Types].xml', ct); z.writestr('_rels/.rels', rels)
        z.writestr('xl/workbook.xml', wb); z.writestr('xl/_rels/workbook.xml.rels', wbrels)
        z.writestr('xl/worksheets/sheet1.xml', sheet)
        if shared:
            with z.open('xl/sharedStrings.xml', 'w', force_zip64=True) as f:
                for part in shared():
                    f.write(part)
ns = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
header = '<row r="1">' + ''.join(f'<c r="{c}1" t="inlineStr"><is><t>{h}</t></is></c>' for c, h in zip('ABCDEF', ['姓名','身份证号','作业类别','操作项目','有效期开始日期','签发机关'])) + '</row>'
xlsx(f'{out}/far-column.xlsx', ns + header + '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>')
def bomb():
    yield b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    chunk = b'<si><t>' + b'A' * 1000 + b'</t></si>'
    for _ in range(400):  # 400 MB of shared strings
        yield chunk * 1000
    yield b'</sst>'
xlsx(f'{out}/shared-strings-bomb.xlsx', ns + header + '</sheetData></worksheet>', bomb)
with open(f'{out}/one-line.csv', 'wb') as f:
    f.write('姓名,身份证号,作业类别,操作项目,有效期开始日期,签发机关\n'.encode())
    f.write(b'a' * (200 * 1024 * 1024))
def png16(path, w, h):
    rows = zlib.compressobj(9)
    data = bytearray()
    line = b'\x00' + b'\x00' * (w * 8)
    for _ in range(h):
        data += rows.compress(line)
    data += rows.flush()
    def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 16, 6, 0, 0, 0)) + chunk(b'IDAT', bytes(data)) + chunk(b'IEND', b''))
png16(f'{out}/rgba16-6300.png', 6300, 6300)   # 317 MB once decoded
png16(f'{out}/rgba16-1400.png', 1400, 1400)   # under the frame's pixel cap, 15.7 MB decoded
PY
ls -la "$OUT"
"$BIN" demo --data-dir "$OUT/data" --count 0 --no-serve >/dev/null
for f in far-column.xlsx shared-strings-bomb.xlsx one-line.csv; do
  /usr/bin/time -f "$f: %e s, max RSS %M KiB" "$BIN" import "$OUT/$f" --data-dir "$OUT/data" 2>&1 | tail -2 || true
done
CERTGUARD_LOOKUP_PER_MINUTE=1000000 CERTGUARD_LOG=warn "$BIN" serve --data-dir "$OUT/data" --listen 127.0.0.1:$PORT >/dev/null 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
echo "server RSS at start: $(grep VmRSS /proc/$PID/status | awk '{print $2/1024 " MiB"}')"
JAR="$OUT/cookies"
TOKEN=$(curl -s -c "$JAR" "http://127.0.0.1:$PORT/verify" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | cut -d'"' -f4)
attack() {
  local end=$((SECONDS + SECS))
  while [ $SECONDS -lt $end ]; do
    curl -s -o /dev/null -b "$JAR" -F "csrf=$TOKEN" -F "photo=@$OUT/rgba16-6300.png;type=image/png" "http://127.0.0.1:$PORT/verify/frame"
    curl -s -o /dev/null -b "$JAR" -F "csrf=$TOKEN" -F "photo=@$OUT/rgba16-1400.png;type=image/png" "http://127.0.0.1:$PORT/verify/frame"
    curl -s -o /dev/null -H 'content-type: image/png' --data-binary "@$OUT/rgba16-6300.png" "http://127.0.0.1:$PORT/api/v1/verify"
    head -c $((64 * 1024 * 1024)) /dev/zero | curl -s -o /dev/null -H 'content-type: application/json' --data-binary @- "http://127.0.0.1:$PORT/api/v1/lookup"
  done
}
attackers=()
for _ in 1 2 3 4; do attack & attackers+=($!); done
worst=0
end=$((SECONDS + SECS))
while [ $SECONDS -lt $end ]; do
  t=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT/healthz")
  worst=$(python3 -c "print(max($worst, $t))")
  sleep 0.2
done
wait "${attackers[@]}" 2>/dev/null || true
echo "during the attack: slowest /healthz ${worst} s"
echo "server peak RSS: $(grep VmHWM /proc/$PID/status | awk '{print $2/1024 " MiB"}')"
