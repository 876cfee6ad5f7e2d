#!/usr/bin/env bash
# CLI golden tests: each case in tests/cli/cases/NAME/ holds
#   args      arguments, one per line (run from the source root)
#   status    expected exit status
#   stdout    expected standard output, exactly (optional)
#   stderr    a fixed string that standard error must contain (optional)
#   stdin     fed to standard input (optional; else /dev/null)
# and the manifest test checks every example's level.
set -u
bin=${1:?usage: run.sh KPISCAN_BINARY}
root=${KPISCAN_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root" || exit 1
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

report() { # name ok message
    if [ "$2" = 1 ]; then pass=$((pass + 1)); echo "ok   $1"
    else fail=$((fail + 1)); echo "FAIL $1: $3"; fi
}

for dir in tests/cli/cases/*/; do
    name=$(basename "$dir")
    mapfile -t args < "$dir/args"
    input=/dev/null
    [ -f "$dir/stdin" ] && input="$dir/stdin"
    "$bin" "${args[@]}" < "$input" > "$tmp/out" 2> "$tmp/err"
    got=$?
    want=$(cat "$dir/status")
    if [ "$got" != "$want" ]; then
        report "$name" 0 "exit status $got, want $want; stderr: $(head -c 400 "$tmp/err")"
        continue
    fi
    if [ -f "$dir/stdout" ] && ! diff -u "$dir/stdout" "$tmp/out" > "$tmp/diff"; then
        report "$name" 0 "stdout differs:
$(head -40 "$tmp/diff")"
        continue
    fi
    if [ -f "$dir/stderr" ] && ! grep -qF -- "$(cat "$dir/stderr")" "$tmp/err"; then
        report "$name" 0 "stderr lacks '$(cat "$dir/stderr")': $(head -c 400 "$tmp/err")"
        continue
    fi
    report "$name" 1 ""
done

# Every example resume gets the level its manifest gives, with --as-of pinned
# so the result does not move with the calendar.
while IFS=$'\t' read -r path level; do
    case "$path" in ''|'#'*) continue ;; esac
    line=$("$bin" --as-of 2026-06-01 "examples/$path" | head -1)
    case "$line" in
        "examples/$path: $level "*) report "manifest $path" 1 "" ;;
        *) report "manifest $path" 0 "want $level, got: $line" ;;
    esac
done < examples/manifest.tsv

# JSON output parses, one object for one file and an array for several.
if command -v python3 > /dev/null; then
    "$bin" --as-of 2026-06-01 --format json examples/*.txt > "$tmp/all.json"
    python3 - "$tmp/all.json" <<'PY' && report "json array parses" 1 "" || report "json array parses" 0 "bad JSON"
import json, sys
doc = json.load(open(sys.argv[1]))
assert isinstance(doc, list) and len(doc) >= 8, doc
for rec in doc:
    assert rec["schema"] == 1 and rec["status"] == "ok", rec
    assert rec["level"] in ("none", "junior", "mid", "senior")
PY
fi

# Batch: a folder of good and bad files gives exactly one JSONL record per
# document (binaries skipped), a file list with missing entries one record
# per listed path, CSV that Python's csv module reads, and exit status 2
# because some inputs could not be scanned.
batch=$tmp/batch
mkdir -p "$batch/sub"
cp examples/junior-1.txt examples/senior-2.txt "$batch/"
cp examples/mid-1.txt "$batch/sub/"
printf '%%PDF-1.4\n' > "$batch/scan.pdf"
printf '' > "$batch/empty.txt"
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR' > "$batch/photo.png"
printf 'KPIs\n' > "$batch/.hidden.txt"
"$bin" --as-of 2026-06-01 --format jsonl --summary -j 2 "$batch" > "$tmp/b.jsonl" 2> "$tmp/b.err"
got=$?
if [ "$got" = 2 ] && python3 - "$tmp/b.jsonl" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
recs = [json.loads(l) for l in lines]
summary = recs.pop()
assert summary["summary"]["records"] == 5, summary
assert summary["summary"]["skipped"] == 1, summary
assert summary["summary"]["errors"] == 2, summary
names = [r["file"].rsplit("/", 1)[1] for r in recs]
assert names == ["empty.txt", "junior-1.txt", "scan.pdf", "senior-2.txt", "mid-1.txt"], names
status = {r["file"].rsplit("/", 1)[1]: r["status"] for r in recs}
assert status["scan.pdf"] == "error" and status["empty.txt"] == "error"
assert all(r["schema"] == 1 and "pack" in r for r in recs)
PY
then report "batch jsonl folder" 1 ""
else report "batch jsonl folder" 0 "exit $got; $(head -c 300 "$tmp/b.err")"; fi

printf '%s\n' "$batch/junior-1.txt" "$batch/missing.txt" "$batch/sub/mid-1.txt" > "$tmp/list"
"$bin" --as-of 2026-06-01 --format csv --files-from "$tmp/list" > "$tmp/b.csv" 2> /dev/null
got=$?
if [ "$got" = 2 ] && python3 - "$tmp/b.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert [r["status"] for r in rows] == ["ok", "error", "ok"], rows
assert rows[0]["level"] == "junior" and rows[2]["level"] == "mid", rows
assert "missing.txt" in rows[1]["error"], rows[1]
import re
assert re.fullmatch(r"kpi \d+\.\d+\.\d+ sha256:[0-9a-f]{64}", rows[0]["pack"]), rows[0]
PY
then report "batch csv file list" 1 ""
else report "batch csv file list" 0 "exit $got"; fi

printf '%s\0' "$batch/junior-1.txt" "$batch/senior-2.txt" | "$bin" --as-of 2026-06-01 -0 --files-from - --format jsonl > "$tmp/n.jsonl"
if [ $? = 0 ] && [ "$(wc -l < "$tmp/n.jsonl")" = 2 ]; then report "batch -0 list" 1 ""
else report "batch -0 list" 0 "$(cat "$tmp/n.jsonl" | head -c 200)"; fi

# Every JSONL record (results, errors, the summary) validates against the
# published JSON Schema.
"$bin" --as-of 2026-06-01 --format jsonl --summary examples/*.txt "$batch" \
    /nonexistent.txt > "$tmp/v.jsonl" 2>/dev/null
nexamples=$(ls examples/*.txt | wc -l)
if python3 - docs/kpiscan-record.schema.json "$tmp/v.jsonl" "$nexamples" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft202012Validator(schema)
n = 0
for line in open(sys.argv[2]):
    validator.validate(json.loads(line))
    n += 1
# the examples, the 5 documents of the batch folder, the missing file and
# the summary record
assert n == int(sys.argv[3]) + 5 + 1 + 1, n
PY
then report "jsonl validates against schema" 1 ""
else report "jsonl validates against schema" 0 "schema violation"; fi

# Unordered output holds the same records.
"$bin" --as-of 2026-06-01 --format jsonl --unordered -j 2 "$batch" 2>/dev/null | sort > "$tmp/u"
"$bin" --as-of 2026-06-01 --format jsonl -j 2 "$batch" 2>/dev/null | sort > "$tmp/o"
if cmp -s "$tmp/u" "$tmp/o"; then report "unordered same records" 1 ""
else report "unordered same records" 0 "differs"; fi

# --sort ranks every format the same way: by level (strongest first, then
# confidence as printed), errors last, ties in input order.
sort_inputs=(/nonexistent-sort.txt examples/junior-1.txt examples/no-kpi.txt
             examples/senior-2.txt examples/mid-1.txt examples/senior-1.txt)
# (Every key in JSONL; the other formats share the batch's order, so they
# are run for two keys only, which keeps the suite quick under sanitizers.)
for key in level confidence years name; do
    "$bin" --as-of 2026-06-01 -q --sort "$key" --format jsonl "${sort_inputs[@]}" > "$tmp/s.jsonl" 2>/dev/null
    if [ "$key" = level ] || [ "$key" = name ]; then
        "$bin" --as-of 2026-06-01 -q --sort "$key" --format csv "${sort_inputs[@]}" > "$tmp/s.csv" 2>/dev/null
        "$bin" --as-of 2026-06-01 -q --sort "$key" --format json -j 2 "${sort_inputs[@]}" > "$tmp/s.json" 2>/dev/null
        "$bin" --as-of 2026-06-01 -q --sort "$key" "${sort_inputs[@]}" > "$tmp/s.txt" 2>/dev/null
        "$bin" --as-of 2026-06-01 -q --sort "$key" --format junit "${sort_inputs[@]}" > "$tmp/s.xml" 2>/dev/null
    fi
    if python3 - "$key" "$tmp/s.jsonl" "$tmp/s.csv" "$tmp/s.json" "$tmp/s.txt" "$tmp/s.xml" <<'PY'
import csv, json, re, sys
import xml.etree.ElementTree as ET
key, jl, cs, js, tx, xm = sys.argv[1:]
recs = [json.loads(l) for l in open(jl)]
names = [r["file"] for r in recs]
assert len(recs) == 6 and names[-1] == "/nonexistent-sort.txt", names
ok = recs[:-1]
rank = {"none": 0, "junior": 1, "mid": 2, "senior": 3}
def conf(r): return round(r["confidence"] * 100)
def natural(s): return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]
if key == "level":
    want = sorted(ok, key=lambda r: (-rank[r["level"]], -conf(r)))
elif key == "confidence":
    want = sorted(ok, key=lambda r: -conf(r))
elif key == "years":
    want = sorted(ok, key=lambda r: (r["years"] is None, -(r["years"] or 0)))
else:
    want = sorted(ok, key=lambda r: natural(r["file"]))
assert ok == want, [r["file"] for r in ok]
if key == "level":
    assert rank[ok[0]["level"]] == 3 and ok[-1]["level"] == "none", names
if key in ("level", "name"):
    assert [r["file"] for r in csv.DictReader(open(cs, newline=""))] == names
    assert [r["file"] for r in json.load(open(js))] == names
    text = [l.split(": ")[0] for l in open(tx) if not l.startswith(" ")]
    assert text == names, text
    cases = ET.parse(xm).getroot().find("testsuite").findall("testcase")
    assert [c.get("name") for c in cases] == [n.rsplit("/", 1)[1] for n in names]
PY
    then report "sort $key" 1 ""
    else report "sort $key" 0 "order differs"; fi
done
# Without --sort the order is the input order.
"$bin" --as-of 2026-06-01 -q --format jsonl "${sort_inputs[@]}" 2>/dev/null |
    python3 -c 'import json,sys; n=[json.loads(l)["file"] for l in sys.stdin]; assert n == sys.argv[1:], n' "${sort_inputs[@]}" &&
    report "no sort: input order" 1 "" || report "no sort: input order" 0 "order differs"

# CSV and text carry the decision: the CSV's kpi_years, red_flags and
# reason are the JSON's, and the text prints one red-flag line per flag,
# right under its verdict.
"$bin" --as-of 2026-06-01 -q --format jsonl examples/*.txt examples/docx > "$tmp/d.jsonl"
"$bin" --as-of 2026-06-01 -q --format csv examples/*.txt examples/docx > "$tmp/d.csv"
"$bin" --as-of 2026-06-01 -q examples/*.txt examples/docx > "$tmp/d.txt"
if python3 - "$tmp/d.jsonl" "$tmp/d.csv" "$tmp/d.txt" <<'PY'
import csv, json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
assert len(rows) == len(recs)
flagged = 0
for rec, row in zip(recs, rows):
    assert row["file"] == rec["file"]
    ids = list(dict.fromkeys(f["id"] for f in rec["red_flags"]))
    assert row["red_flags"] == ";".join(ids), (row["red_flags"], ids)
    flagged += bool(ids)
    assert row["reason"] == rec["basis"]["reason"] and "\n" not in row["reason"]
    ky = rec["basis"]["kpi_years"]
    assert row["kpi_years"] == ("" if ky is None else "%.2f" % ky), row
    assert row["hidden_text"] == ("yes" if "hidden-text" in ids else "no")
assert flagged >= 2, "the examples should show some red flags"
# text: the lines after each verdict, up to the first evidence line
blocks, cur = [], None
for line in open(sys.argv[3]):
    if not line.startswith(" "):
        cur = []
        blocks.append(cur)
    elif line.startswith("  !! red flag "):
        assert cur is not None and all(l.startswith("  !! red flag ") for l in cur), line
        cur.append(line)
for rec, lines in zip(recs, blocks):
    assert len(lines) == len(rec["red_flags"]), (rec["file"], lines)
    for flag, line in zip(rec["red_flags"], lines):
        assert line.startswith("  !! red flag " + flag["id"]), line
PY
then report "csv and text carry the decision" 1 ""
else report "csv and text carry the decision" 0 "mismatch"; fi

# CI gates.  The manifest of examples/ci passes; one edited expectation
# gives exit 1 and a JUnit failure naming expected and got; an input error
# outranks a failed gate (exit 2); a malformed manifest line is a usage
# error naming the line.
"$bin" --as-of 2026-06-01 -q --expect-file examples/ci/manifest.tsv --junit "$tmp/ok.xml" > /dev/null
got=$?
if [ "$got" = 0 ] && grep -q "tests=\"$(grep -c '^[^#]' examples/ci/manifest.tsv)\" failures=\"0\" errors=\"0\"" "$tmp/ok.xml"; then
    report "gate manifest passes" 1 ""
else report "gate manifest passes" 0 "exit $got"; fi

mkdir -p "$tmp/ci"
sed 's/^\(..\/mid-1.txt\)\tmid/\1\tsenior/; s#^\.\./#'"$root"'/examples/#' examples/ci/manifest.tsv > "$tmp/ci/m.tsv"
"$bin" --as-of 2026-06-01 -q --expect-file "$tmp/ci/m.tsv" --format junit > "$tmp/fail.xml"
got=$?
ncases=$(grep -c '^[^#]' examples/ci/manifest.tsv)
if [ "$got" = 1 ] && python3 - "$tmp/fail.xml" "$ncases" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = root.findall("testsuite")
assert root.tag == "testsuites" and len(suites) == 1
cases = suites[0].findall("testcase")
assert len(cases) == int(sys.argv[2]), len(cases)
fails = [c for c in cases if c.find("failure") is not None]
assert len(fails) == 1 and fails[0].get("name") == "mid-1.txt"
msg = fails[0].find("failure").get("message")
assert msg == "expected senior, got mid (manifest)", msg
assert "top evidence:" in fails[0].find("failure").text
assert suites[0].get("failures") == "1" and suites[0].get("tests") == sys.argv[2]
PY
then report "gate failure in junit" 1 ""
else report "gate failure in junit" 0 "exit $got"; fi

"$bin" --as-of 2026-06-01 -q --expect-file "$tmp/ci/m.tsv" /nonexistent.txt > /dev/null 2>&1
got=$?
[ "$got" = 2 ] && report "input error outranks gate" 1 "" || report "input error outranks gate" 0 "exit $got"

printf 'a.txt\tjunior\nb.txt mid\n' > "$tmp/ci/bad.tsv"
"$bin" --expect-file "$tmp/ci/bad.tsv" > /dev/null 2> "$tmp/bad.err"
got=$?
if [ "$got" = 2 ] && grep -qF "bad.tsv:2: expected 'path<TAB>level'" "$tmp/bad.err"; then
    report "malformed manifest names line" 1 ""
else report "malformed manifest names line" 0 "exit $got: $(cat "$tmp/bad.err")"; fi

"$bin" --as-of 2026-06-01 -q --fail-under mid examples/junior-1.txt examples/senior-1.txt > /dev/null
got=$?
[ "$got" = 1 ] && report "fail-under" 1 "" || report "fail-under" 0 "exit $got"
"$bin" --as-of 2026-06-01 -q --expect senior examples/senior-1.txt examples/senior-2.txt > /dev/null
got=$?
[ "$got" = 0 ] && report "expect passes" 1 "" || report "expect passes" 0 "exit $got"
"$bin" --as-of 2026-06-01 -q --expect-file examples/ci/manifest.tsv --strict examples/junior-1.txt "$batch/senior-2.txt" > /dev/null
got=$?
[ "$got" = 1 ] && report "strict unlisted file" 1 "" || report "strict unlisted file" 0 "exit $got"
"$bin" --as-of 2026-06-01 --format github --expect mid examples/junior-1.txt > "$tmp/gh"
if grep -q '^::error file=examples/junior-1.txt,line=[0-9]*,title=kpiscan gate failed::expected mid, got junior' "$tmp/gh"; then
    report "github annotation" 1 ""
else report "github annotation" 0 "$(cat "$tmp/gh")"; fi

# Reproducible and private: two runs give identical bytes in every machine
# format; --no-excerpts keeps the resumes' words out.
for fmt in json jsonl csv junit github html; do
    "$bin" --as-of 2026-06-01 -q --format "$fmt" --expect mid examples/*.txt > "$tmp/r1.$fmt" 2>/dev/null
    "$bin" --as-of 2026-06-01 -q --format "$fmt" --expect mid -j 2 --unordered examples/*.txt > /dev/null 2>&1
    "$bin" --as-of 2026-06-01 -q --format "$fmt" --expect mid examples/*.txt > "$tmp/r2.$fmt" 2>/dev/null
    if cmp -s "$tmp/r1.$fmt" "$tmp/r2.$fmt" && [ -s "$tmp/r1.$fmt" ]; then report "reproducible $fmt" 1 ""
    else report "reproducible $fmt" 0 "runs differ"; fi
done
# The resumes' own words: every matched text of 20 characters or more.
"$bin" --as-of 2026-06-01 -q --format jsonl examples/*.txt | python3 -c '
import json, sys
words = set()
for line in sys.stdin:
    rec = json.loads(line)
    for item in rec["evidence"] + rec["timeline"]:
        if len(item.get("text", "")) >= 20 and "\n" not in item["text"]:
            words.add(item["text"])
assert len(words) > 20
print("\n".join(sorted(words)))' > "$tmp/words"
for fmt in json jsonl csv junit github html; do
    "$bin" --as-of 2026-06-01 -q --no-excerpts --format "$fmt" --expect senior examples/*.txt > "$tmp/p.$fmt" 2>/dev/null
    if python3 - "$tmp/words" "$tmp/p.$fmt" <<'PY'
import html, sys
words = open(sys.argv[1]).read().splitlines()
out = html.unescape(open(sys.argv[2]).read())
leaked = [w for w in words if w in out]
assert not leaked, leaked[:3]
PY
    then report "no excerpts $fmt" 1 ""
    else report "no excerpts $fmt" 0 "resume words leaked"; fi
done

# The CI examples are valid YAML.
python3 - examples/ci/github-actions.yml examples/ci/gitlab-ci.yml <<'PY' && report "ci examples parse" 1 "" || report "ci examples parse" 0 "invalid YAML"
import sys, yaml
for path in sys.argv[1:]:
    doc = yaml.safe_load(open(path))
    assert isinstance(doc, dict) and doc, path
PY

# The README's C example is the file the test suite builds and runs.
python3 - <<'PY' && report "README example is examples/scan_one.c" 1 "" || report "README example is examples/scan_one.c" 0 "README and examples/scan_one.c differ"
import re
readme = open("README.md").read()
block = re.search(r"```c\n(.*?)```", readme, re.S).group(1)
source = open("examples/scan_one.c").read()
assert block == source[source.index("#include <kpiscan.h>"):]
PY

# --explain shows the arithmetic: merged years over an overlapping job and
# a "to date" range, the discounted skills mention, and the decision.
"$bin" --as-of 2026-06-01 --explain examples/overlap-to-date.txt > "$tmp/explain"
if grep -q 'merged employment (overlaps counted once): 2022-07..2026-06 (48 months)' "$tmp/explain" &&
   grep -q 'term.kpi .* 1.00 x 0.5 x 1.000 =  0.50  \[skills\]' "$tmp/explain" &&
   grep -q 'skills list: half weight' "$tmp/explain" &&
   grep -q '^           job: Reporting Consultant part-time freelance Pennine Community Transport$' "$tmp/explain" &&
   grep -q '^Decision: .*they agree -> mid$' "$tmp/explain" &&
   grep -q '^Confidence 0.98 = 1 - (1 - indicators' "$tmp/explain"; then
    report "explain arithmetic" 1 ""
else report "explain arithmetic" 0 "$(head -5 "$tmp/explain")"; fi

# --extract shows the text exactly as scanned, DOCX included; without
# --as-of a DOCX's "Present" is its last-saved date when that is earlier.
"$bin" --extract examples/docx/mid-1.docx > "$tmp/x.txt"
if head -1 "$tmp/x.txt" | grep -qx 'Sofia Lindqvist' && ! grep -q '<w:' "$tmp/x.txt"; then
    report "extract docx text" 1 ""
else report "extract docx text" 0 "$(head -3 "$tmp/x.txt")"; fi
"$bin" --format json examples/docx/junior-1.docx > "$tmp/asof.json"
if python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["as_of_source"]=="document modified date" and r["as_of"]=="2026-01-15", r["as_of"]' "$tmp/asof.json"; then
    report "docx as-of from modified date" 1 ""
else report "docx as-of from modified date" 0 "$(grep as_of "$tmp/asof.json")"; fi

# Records stream: peak memory does not grow with the number of files.
# Peak RSS over 2,000 files stays within a generous 16 MiB of 200 files.
mkdir -p "$tmp/few" "$tmp/many"
for i in $(seq 1 200); do cp examples/mid-1.txt "$tmp/few/$i.txt"; done
for i in $(seq 1 2000); do cp examples/mid-1.txt "$tmp/many/$i.txt"; done
peak() { # folder -> peak RSS in KiB of one kpiscan run
    python3 -c 'import resource, subprocess, sys
subprocess.run([sys.argv[1], "--format", "jsonl", "-j", "2", "-q", sys.argv[2]],
               stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$bin" "$1"
}
few=$(peak "$tmp/few") && many=$(peak "$tmp/many")
if [ "${KPISCAN_SANITIZE:-none}" != none ]; then
    # ASan holds freed memory in quarantine: RSS means nothing there.
    echo "skip memory flat (sanitizer build)"
elif [ -n "$few" ] && [ -n "$many" ] && [ "$many" -le $((few + 16384)) ]; then
    report "memory flat over 2,000 files ($few -> $many KiB)" 1 ""
else report "memory flat over 2,000 files" 0 "$few KiB for 200 files, $many KiB for 2,000"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
