#!/usr/bin/env bash
# CLI golden tests: each case in tests/cli/cases/NAME/ holds
#   args      arguments, one per line (run from the source root)
#   status    expected exit status
#   stdout    expected standard output, exactly (optional)
#   stderr    a fixed string that standard error must contain (optional)
#   stderr.exact  standard error, exactly (optional)
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
    if [ -f "$dir/stderr.exact" ] && ! diff -u "$dir/stderr.exact" "$tmp/err" > "$tmp/diff"; then
        report "$name" 0 "stderr differs:
$(head -20 "$tmp/diff")"
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

# The folder as a whole, as a user first scans it: every file a walk
# scores is a resume the manifest lists (no README or script taken for a
# candidate), and each has its level.
"$bin" --as-of 2026-06-01 --expect-file examples/manifest.tsv --strict \
    --format csv examples > /dev/null 2> "$tmp/walk.err"
got=$?
if [ "$got" = 0 ]; then report "walk of examples/ is the manifest" 1 ""
else report "walk of examples/ is the manifest" 0 "exit $got: $(head -c 400 "$tmp/walk.err")"; fi

# JSON output parses, one object for one file and an array for several.
if command -v python3 > /dev/null; then
    "$bin" --as-of 2026-06-01 --format json examples/*.txt > "$tmp/all.json"
    python3 - "$tmp/all.json" <<'PY' && report "json array parses" 1 "" || report "json array parses" 0 "bad JSON"
import json, sys
doc = json.load(open(sys.argv[1]))
assert isinstance(doc, list) and len(doc) >= 8, doc
for rec in doc:
    assert rec["schema"] == 2 and rec["status"] == "ok", rec
    assert rec["level"] in ("none", "junior", "mid", "senior")
PY
fi

# Batch: a folder of good and bad files gives exactly one JSONL record per
# document (binaries and hidden files skipped and counted), a file list with missing entries one record
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
assert summary["summary"]["skipped"] == 2, summary  # photo.png, .hidden.txt
assert summary["summary"]["errors"] == 2, summary
names = [r["file"].rsplit("/", 1)[1] for r in recs]
assert names == ["empty.txt", "junior-1.txt", "scan.pdf", "senior-2.txt", "mid-1.txt"], names
status = {r["file"].rsplit("/", 1)[1]: r["status"] for r in recs}
assert status["scan.pdf"] == "error" and status["empty.txt"] == "error"
assert all(r["schema"] == 2 and "pack" in r for r in recs)
PY
then report "batch jsonl folder" 1 ""
else report "batch jsonl folder" 0 "exit $got; $(head -c 300 "$tmp/b.err")"; fi

# The HTML report and the JUnit file account for the skipped files too: a
# photo saved among resumes, or a hidden file, must not vanish from what a
# recruiter or a CI view shows.
"$bin" --as-of 2026-06-01 --format html "$batch" > "$tmp/b.html" 2> /dev/null
# A red-flag phrase says what it warns of: its rule's description.
"$bin" --as-of 2026-06-01 -f json examples/junior-2.txt > "$tmp/rf.json" 2> /dev/null
if python3 - "$tmp/rf.json" patterns/kpi.yaml <<'PY'
import json, sys, yaml
flags = {f["id"]: f["message"] for f in json.load(open(sys.argv[1]))["red_flags"]}
rules = {r["id"]: r for r in yaml.safe_load(open(sys.argv[2]))["rules"]}
assert flags["redflag.familiar-only"] == rules["redflag.familiar-only"]["description"], flags
PY
then report "red-flag phrase message is its rule's description" 1 ""
else report "red-flag phrase message is its rule's description" 0 "$(head -c 300 "$tmp/rf.json")"; fi
# A red flag's id in the table carries its meaning for the pointer.
"$bin" --as-of 2026-06-01 --format html examples/junior-2.txt > "$tmp/rf.html" 2> /dev/null
if grep -q '<code title="KPI terms appear 2 time(s) but are never tied to a business goal[^"]*">kpi-without-outcome</code>' "$tmp/rf.html"; then
    report "html red flag id explained" 1 ""
else report "html red flag id explained" 0 "no title on the red flag's id"; fi
# Each skipped file is named there with the reason.
if grep -q '<dt>Skipped (not scanned)</dt><dd><details><summary>2</summary>' "$tmp/b.html" &&
    grep -q 'photo.png</code>: not a text document (an image: PNG)</li>' "$tmp/b.html" &&
    grep -q '\.hidden\.txt</code>: hidden file, not read' "$tmp/b.html"; then
    report "batch html counts and names skipped" 1 ""
else report "batch html counts and names skipped" 0 "no skipped count or names in the report"; fi
"$bin" --as-of 2026-06-01 --format junit "$batch" > "$tmp/b.xml" 2> /dev/null
if python3 - "$tmp/b.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
suite = ET.parse(sys.argv[1]).getroot().find("testsuite")
assert suite.get("skipped") == "2" and suite.get("tests") == "7", suite.attrib
cases = [c for c in suite.iter("testcase") if c.find("skipped") is not None]
assert [c.get("name") for c in cases] == [".hidden.txt", "photo.png"], cases
why = cases[0].find("skipped").get("message")
assert "hidden file, not read" in why, why
PY
then report "batch junit counts skipped" 1 ""
else report "batch junit counts skipped" 0 "$(head -c 300 "$tmp/b.xml")"; fi

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
# A walk skips ZIP archives that hold no document (a .zip, a .jar, an .xlsx)
# and OLE files without a Word document (an .xls, Windows' Thumbs.db) as it
# skips images; a damaged CV named .docx or .doc and a .zip of resumes stay
# error records (the bundle says to extract it), and an
# archive named on the command line is one too.
mkdir -p "$tmp/zipwalk"
cp examples/junior-1.txt "$tmp/zipwalk/"
python3 - "$tmp/zipwalk" <<'PY'
import sys, zipfile
d = sys.argv[1]
with zipfile.ZipFile(d + "/plain.zip", "w") as z:
    z.writestr("figures.csv", "a,b\n")
with zipfile.ZipFile(d + "/cvs.zip", "w") as z:
    z.writestr("cvs/Ann Lee.docx", "hello")
with zipfile.ZipFile(d + "/app.jar", "w") as z:
    z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
with zipfile.ZipFile(d + "/broken.docx", "w") as z:
    z.writestr("notes.txt", "hello")
# a Word file whose WordDocument stream is renamed: an OLE file of
# another kind, as a spreadsheet or a thumbnail cache is
ole = open("tests/data/doc/plain.doc", "rb").read()
name = "WordDocument".encode("utf-16-le")
assert ole.count(name) == 1
other = ole.replace(name, "WordDocumenX".encode("utf-16-le"))
for n in ("sheet.xls", "Thumbs.db", "broken.doc"):
    open(d + "/" + n, "wb").write(other)
PY
"$bin" --as-of 2026-06-01 -q --format jsonl --summary "$tmp/zipwalk" > "$tmp/zw.jsonl" 2>/dev/null
got=$?
"$bin" --as-of 2026-06-01 -q --format jsonl "$tmp/zipwalk/app.jar" > "$tmp/zj.jsonl" 2>/dev/null
got_named=$?
if [ "$got" = 2 ] && [ "$got_named" = 2 ] && python3 - "$tmp/zw.jsonl" "$tmp/zj.jsonl" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
summary = recs.pop()["summary"]
by = {r["file"].rsplit("/", 1)[1]: r for r in recs}
assert sorted(by) == ["broken.doc", "broken.docx", "cvs.zip", "junior-1.txt"], sorted(by)
assert by["broken.docx"]["error"]["code"] == "unsupported_format", by["broken.docx"]
assert "without a Word document" in by["broken.doc"]["error"]["message"], by["broken.doc"]
# a bundle of resumes is reported, never skipped
assert by["cvs.zip"]["error"]["code"] == "unsupported_format", by["cvs.zip"]
assert "extract it" in by["cvs.zip"]["error"]["message"], by["cvs.zip"]
assert by["junior-1.txt"]["status"] == "ok"
assert summary["skipped"] == 4 and summary["records"] == 4, summary
named = [json.loads(l) for l in open(sys.argv[2])]
assert len(named) == 1 and "not a document" in named[0]["error"]["message"], named
PY
then report "walk skips archives that are no document" 1 ""
else report "walk skips archives that are no document" 0 "exit $got/$got_named: $(head -c 400 "$tmp/zw.jsonl")"; fi

# A file named as a resume (.txt, .pdf, .html) that cannot be read is an
# error record in a walk, never a silent skip: a text resume with one stray
# NUL byte, a PDF that is random bytes.  Binary files with other names
# (an image) are still skipped.
mkdir -p "$tmp/nulwalk"
cp examples/mid-1.txt "$tmp/nulwalk/"
printf 'Analyst\nTracked KPIs\000 weekly\n' > "$tmp/nulwalk/stray-nul.txt"
printf '\001\002\003\004\000\377\376garbage' > "$tmp/nulwalk/scan.pdf"
printf '\211PNG\r\n\032\n\000\000\000\rIHDR' > "$tmp/nulwalk/photo.png"
"$bin" --as-of 2026-06-01 -q --format jsonl --summary "$tmp/nulwalk" > "$tmp/nw.jsonl" 2>/dev/null
got=$?
if [ "$got" = 2 ] && python3 - "$tmp/nw.jsonl" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
summary = recs.pop()["summary"]
by = {r["file"].rsplit("/", 1)[1]: r for r in recs}
assert sorted(by) == ["mid-1.txt", "scan.pdf", "stray-nul.txt"], sorted(by)
err = by["stray-nul.txt"]["error"]
assert err["code"] == "not_text" and "a NUL byte at offset 20" in err["message"], err
assert by["scan.pdf"]["error"]["code"] == "not_text", by["scan.pdf"]
assert summary["skipped"] == 1 and summary["records"] == 3, summary
PY
then report "walk reports unreadable files named as resumes" 1 ""
else report "walk reports unreadable files named as resumes" 0 "exit $got: $(head -c 400 "$tmp/nw.jsonl")"; fi

# A line end in a file name cannot forge a line of the text output or of
# standard error: it shows as U+FFFD.
mkdir -p "$tmp/nlname"
forged="$tmp/nlname/x
kpiscan: gate passed for every resume.txt"
cp examples/mid-1.txt "$forged"
cp examples/mid-1.txt "$tmp/nlname/y$(printf '\342\200\250')kpiscan: gate passed.txt"
"$bin" --as-of 2026-06-01 --fail-under senior "$tmp/nlname" > "$tmp/nl.out" 2> "$tmp/nl.err"
got=$?
fffd=$(printf '\357\277\275')
if [ "$got" = 1 ] && ! grep -q '^kpiscan: gate passed' "$tmp/nl.err" &&
    [ "$(grep -cF "/nlname/x${fffd}kpiscan: gate passed for every resume.txt: expected at least senior, got mid" "$tmp/nl.err")" = 1 ] &&
    ! grep -q '^kpiscan: gate passed' "$tmp/nl.out" &&
    grep -qF "/nlname/x${fffd}kpiscan: gate passed for every resume.txt: mid (confidence" "$tmp/nl.out" &&
    grep -qF "/nlname/y${fffd}kpiscan: gate passed.txt: expected at least senior" "$tmp/nl.err"
then report "line ends in file names stay on their line" 1 ""
else report "line ends in file names stay on their line" 0 "exit $got: $(head -c 300 "$tmp/nl.err")"; fi

# Nor can a name that opens with "::" be a GitHub Actions workflow command
# in the text output ("::add-mask::", "::stop-commands::"): it is shown as
# "./::...", the same file.
mkdir -p "$tmp/ghname"
cp examples/mid-1.txt "$tmp/ghname/::stop-commands::token.txt"
printf 'not a zip' > "$tmp/ghname/::error::x.docx"
(cd "$tmp/ghname" && "$bin" --as-of 2026-06-01 '::stop-commands::token.txt' \
    '::error::x.docx') > "$tmp/gh.out" 2> "$tmp/gh.err"
(cd "$tmp/ghname" && "$bin" --as-of 2026-06-01 --explain '::stop-commands::token.txt') \
    > "$tmp/gh-explain.out" 2>&1
if ! grep -q '^::' "$tmp/gh.out" "$tmp/gh-explain.out" &&
    grep -q '^\./::stop-commands::token\.txt: mid (confidence' "$tmp/gh.out" &&
    grep -q '^\./::error::x\.docx: ' "$tmp/gh.out" &&
    grep -q '^\./::stop-commands::token\.txt: mid (confidence' "$tmp/gh-explain.out"; then
    report "names never open a line with ::" 1 ""
else report "names never open a line with ::" 0 "$(head -c 300 "$tmp/gh.out")"; fi

# An empty file name and a socket named directly get messages that say what
# they are (open() alone says "No such file" and "No such device").
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$tmp/a-socket"
"$bin" --as-of 2026-06-01 --format jsonl "" "$tmp/a-socket" > "$tmp/sp.jsonl" 2>/dev/null
got=$?
if [ "$got" = 2 ] && python3 - "$tmp/sp.jsonl" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == 2, recs
assert recs[0]["error"]["message"] == '"": cannot open: the file name is empty', recs[0]
assert recs[1]["error"]["message"].endswith("a-socket: not a regular file (socket)"), recs[1]
PY
then report "empty name and socket named" 1 ""
else report "empty name and socket named" 0 "exit $got: $(cat "$tmp/sp.jsonl")"; fi

# Symbolic links named on the command line are followed, as find -H does:
# a link to a folder is walked (it once gave no record and exit 0 under a
# gate), a link to a file scanned, and one that leads nowhere is an error
# record naming it and the reason.  Links met inside a walk are skipped
# unless --follow, which calls a self-loop a loop, not a dangling link.
mkdir -p "$tmp/links/real"
cp examples/mid-1.txt "$tmp/links/real/"
ln -s self-loop "$tmp/links/real/self-loop"
ln -s real "$tmp/links/to-dir"
ln -s real/mid-1.txt "$tmp/links/to-file"
ln -s nowhere "$tmp/links/dangling"
ln -s loop "$tmp/links/loop"
"$bin" --as-of 2026-06-01 --fail-under senior "$tmp/links/to-dir" > "$tmp/ld.out" 2> "$tmp/ld.err"
got=$?
if [ "$got" = 1 ] && grep -qF "/links/to-dir/mid-1.txt: mid (" "$tmp/ld.out" &&
    grep -qF "gate failed: $tmp/links/to-dir/mid-1.txt: expected at least senior" "$tmp/ld.err"
then report "link to a folder named: walked" 1 ""
else report "link to a folder named: walked" 0 "exit $got: $(head -c 300 "$tmp/ld.out")"; fi
"$bin" --as-of 2026-06-01 -q --format jsonl "$tmp/links/to-file" "$tmp/links/dangling" \
    "$tmp/links/loop" > "$tmp/lf.jsonl" 2> "$tmp/lf.err"
got=$?
if [ "$got" = 2 ] && python3 - "$tmp/lf.jsonl" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert [r["file"].rsplit("/", 1)[1] for r in recs] == ["to-file", "dangling", "loop"], recs
assert recs[0]["status"] == "ok" and recs[0]["level"] == "mid", recs[0]
assert recs[1]["error"]["message"].endswith("/links/dangling: dangling symbolic link (its target does not exist)"), recs[1]
assert recs[2]["error"]["message"].endswith("/links/loop: symbolic link loop (too many levels of symbolic links)"), recs[2]
PY
then report "links named: file scanned, broken ones errors" 1 ""
else report "links named: file scanned, broken ones errors" 0 "exit $got: $(head -c 400 "$tmp/lf.jsonl")"; fi
"$bin" --as-of 2026-06-01 -v "$tmp/links/real" > /dev/null 2> "$tmp/lw.err"
"$bin" --as-of 2026-06-01 -v --follow "$tmp/links/real" > /dev/null 2> "$tmp/lwf.err"
if grep -qF "skipped $tmp/links/real/self-loop: symbolic link, not followed (following links is off)" "$tmp/lw.err" &&
    grep -qF "skipped $tmp/links/real/self-loop: symbolic link loop" "$tmp/lwf.err"
then report "links in a walk: skipped, loops named" 1 ""
else report "links in a walk: skipped, loops named" 0 "$(cat "$tmp/lw.err" "$tmp/lwf.err" | head -c 400)"; fi

# A run that finds no resume says so on stderr, naming its inputs, and
# with any gate exits 2: an empty folder (git keeps none, so it is made
# here), one holding only an empty folder, an empty file list.  Without a
# gate, and with --shard (the other shards may hold the inputs), it is a
# warning and exit 0; JSON output is still an empty array.
mkdir -p "$tmp/none/empty" "$tmp/none/nested/deeper"
: > "$tmp/none-list"
nr_ok=1 nr_why=""
nr() { # want-status want-stderr-line args...
    local want=$1 line=$2; shift 2
    "$bin" --as-of 2026-06-01 "$@" > "$tmp/nr.out" 2> "$tmp/nr.err"
    local got=$?
    if [ "$got" != "$want" ] || ! grep -qxF -- "$line" "$tmp/nr.err"; then
        nr_ok=0; nr_why="$nr_why [$* -> exit $got: $(head -c 200 "$tmp/nr.err")]"
    fi
}
nr 2 "kpiscan: no resumes found in $tmp/none/empty (no files): the gates have nothing to check" \
    --fail-under none "$tmp/none/empty"
nr 2 "kpiscan: no resumes found in $tmp/none/empty, $tmp/none/nested (no files): the gates have nothing to check" \
    -q --fail-on-hidden "$tmp/none/empty" "$tmp/none/nested"
nr 2 "kpiscan: no resumes found in the paths listed in $tmp/none-list (no files): the gates have nothing to check" \
    --expect mid --files-from "$tmp/none-list"
nr 0 "kpiscan: no resumes found in $tmp/none/empty (no files)" "$tmp/none/empty"
nr 0 "kpiscan: no resumes found in $tmp/none/empty for shard 1/2" --shard 1/2 --fail-under none "$tmp/none/empty"
nr 0 "kpiscan: no resumes found in $tmp/none/empty (no files)" --format json "$tmp/none/empty"
[ "$(cat "$tmp/nr.out")" = "[]" ] || { nr_ok=0; nr_why="$nr_why [json: $(cat "$tmp/nr.out")]"; }
# one resume anywhere is enough: no message
"$bin" --as-of 2026-06-01 --fail-under none "$tmp/none/empty" examples/mid-1.txt > /dev/null 2> "$tmp/nr.err" ||
    { nr_ok=0; nr_why="$nr_why [with a resume: exit $?]"; }
! grep -q "no resumes" "$tmp/nr.err" || { nr_ok=0; nr_why="$nr_why [with a resume: $(cat "$tmp/nr.err")]"; }
report "no resumes found: said, and exit 2 under a gate" "$nr_ok" "$nr_why"

# The same list without -0 is refused, not read as its first path only.
printf '%s\0' "$batch/junior-1.txt" "$batch/senior-2.txt" | "$bin" --as-of 2026-06-01 --files-from - --format jsonl > "$tmp/n0.jsonl" 2> "$tmp/n0.err"
got=$?
if [ "$got" = 2 ] && [ ! -s "$tmp/n0.jsonl" ] &&
    grep -q 'kpiscan: -: line 1 holds a NUL byte: .*need -0' "$tmp/n0.err"; then
    report "NUL list without -0 refused" 1 ""
else report "NUL list without -0 refused" 0 "exit $got: $(cat "$tmp/n0.err")"; fi

# A list saved by Notepad: a UTF-8 byte order mark is no part of the first
# path; a UTF-16 list is named as such, not as a -print0 list.
printf '\xef\xbb\xbf%s\n%s\n' "$batch/junior-1.txt" "$batch/senior-2.txt" > "$tmp/bom-list"
"$bin" --as-of 2026-06-01 -q --files-from "$tmp/bom-list" --format jsonl > "$tmp/bom.jsonl" 2> "$tmp/bom.err"
bom_rc=$?
printf '\xff\xfea\0.\0t\0x\0t\0\n\0' > "$tmp/utf16-list"
"$bin" --as-of 2026-06-01 -q --files-from "$tmp/utf16-list" > /dev/null 2> "$tmp/u16.err"
u16_rc=$?
if [ "$bom_rc" = 0 ] && [ "$(grep -c '"status":"ok"' "$tmp/bom.jsonl")" = 2 ] &&
    [ "$u16_rc" = 2 ] && grep -q 'utf16-list: a UTF-16 file: save the list as UTF-8' "$tmp/u16.err"; then
    report "file list: UTF-8 BOM dropped, UTF-16 named" 1 ""
else report "file list: UTF-8 BOM dropped, UTF-16 named" 0 "exit $bom_rc/$u16_rc: $(cat "$tmp/bom.err" "$tmp/u16.err" | head -c 300)"; fi

# Run from the build tree, kpiscan finds the PDF helper built beside it
# without KPISCAN_PDF_HELPER (the README's "call build/cli/kpiscan
# directly"); only where this build has PDF support.
if [ -n "${KPISCAN_PDF_HELPER:-}" ]; then
    pdf=tests/fuzz/corpus/pdfreader/two-pages.pdf
    out=$(env -u KPISCAN_PDF_HELPER "$bin" --as-of 2026-06-01 "$pdf" 2>&1)
    got=$?
    case "$got:$out" in
        0:"$pdf: "*) report "pdf helper from the build tree" 1 "" ;;
        *) report "pdf helper from the build tree" 0 "exit $got: $(printf '%s' "$out" | head -c 300)" ;;
    esac
fi

# Every JSONL record (results, errors, the summary) validates against the
# published JSON Schema.
# A job dated within one year is a stretch of 0 months (the rubric's
# single-year job), which the schema must allow.
printf 'Experience\nData Analyst, Acme Corp, Jan 2021 - Jan 2021\nTracked KPIs weekly.\n' \
    > "$tmp/zero-months.txt"
"$bin" --as-of 2026-06-01 --format jsonl --summary examples/*.txt "$batch" \
    "$tmp/zero-months.txt" /nonexistent.txt > "$tmp/v.jsonl" 2>/dev/null
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
# the examples, the 5 documents of the batch folder, the 0-month job, the
# missing file and the summary record
assert n == int(sys.argv[3]) + 5 + 1 + 1 + 1, n
PY
then report "jsonl validates against schema" 1 ""
else report "jsonl validates against schema" 0 "schema violation"; fi

# Unordered output holds the same records.
"$bin" --as-of 2026-06-01 --format jsonl --unordered -j 2 "$batch" 2>/dev/null | sort > "$tmp/u"
"$bin" --as-of 2026-06-01 --format jsonl -j 2 "$batch" 2>/dev/null | sort > "$tmp/o"
if cmp -s "$tmp/u" "$tmp/o"; then report "unordered same records" 1 ""
else report "unordered same records" 0 "differs"; fi

# --sort ranks every format the same way: by level (strongest first; within
# a level the higher confidence as printed first, but within none the
# lower: the nearer to KPI work), errors last, ties in input order.  The
# borderline none (skills claimed, no KPI work) has a lower confidence
# than examples/no-kpi.txt.
printf 'Skills\nForecasting, Microsoft Excel\nExperience\nClerk, Acme  Jan 2015 - Jan 2020\nFiled records.\n' \
    > "$tmp/none-borderline.txt"
sort_inputs=(/nonexistent-sort.txt examples/junior-1.txt examples/no-kpi.txt
             examples/senior-2.txt "$tmp/none-borderline.txt" examples/mid-1.txt
             examples/senior-1.txt)
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
assert len(recs) == 7 and names[-1] == "/nonexistent-sort.txt", names
ok = recs[:-1]
rank = {"none": 0, "junior": 1, "mid": 2, "senior": 3}
def conf(r): return round(r["confidence"] * 100)
def natural(s): return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]
if key == "level":
    want = sorted(ok, key=lambda r: (-rank[r["level"]],
                                     conf(r) if r["level"] == "none" else -conf(r)))
elif key == "confidence":
    want = sorted(ok, key=lambda r: -conf(r))
elif key == "years":
    want = sorted(ok, key=lambda r: (r["years"] is None, -(r["years"] or 0)))
else:
    want = sorted(ok, key=lambda r: natural(r["file"]))
assert ok == want, [r["file"] for r in ok]
if key == "level":
    assert rank[ok[0]["level"]] == 3 and ok[-1]["level"] == "none", names
    assert names[-3].endswith("none-borderline.txt") and \
        names[-2] == "examples/no-kpi.txt" and conf(ok[-2]) < conf(ok[-1]), names
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

# A JUnit file that cannot be written fails before the scan, naming it.
"$bin" --as-of 2026-06-01 --expect-file examples/ci/manifest.tsv --junit "$tmp/no-such-dir/j.xml" > "$tmp/nj.out" 2> "$tmp/nj.err"
got=$?
if [ "$got" = 2 ] && [ ! -s "$tmp/nj.out" ] &&
    grep -q "no-such-dir/j.xml: cannot write JUnit XML: No such file or directory" "$tmp/nj.err"; then
    report "unwritable JUnit file fails first" 1 ""
else report "unwritable JUnit file fails first" 0 "exit $got: $(head -c 200 "$tmp/nj.err")"; fi
# so do a folder, a name ending in '/' and an empty name
mkdir -p "$tmp/jdir"
for j in "$tmp/jdir" "$tmp/jdir/" ""; do
    "$bin" --as-of 2026-06-01 --expect-file examples/ci/manifest.tsv --junit "$j" > "$tmp/nj.out" 2> "$tmp/nj.err"
    got=$?
    if [ "$got" = 2 ] && [ ! -s "$tmp/nj.out" ] && grep -q "cannot write JUnit XML" "$tmp/nj.err"; then
        report "JUnit path '$j' fails first" 1 ""
    else report "JUnit path '$j' fails first" 0 "exit $got: $(head -c 200 "$tmp/nj.err")"; fi
done

# The JUnit file never keeps a previous run's report: on a CI workspace kept
# between jobs the test view would show the old, passing results of a failed
# job.  After a passing run, a run that stops with status 2 before its scan
# (a manifest line with an unknown level, a usage error after or before
# --junit) leaves a well-formed report of one <error> testcase whose
# message is the line on stderr; --help leaves the file alone.
mkdir -p "$tmp/stale"
printf 'cv.txt\tjunor\n' > "$tmp/stale/bad&<\"m\">.tsv"
stale_case() { # name args...
    local name=$1
    shift
    "$bin" --as-of 2026-06-01 -q --expect-file examples/ci/manifest.tsv \
        --junit "$tmp/stale/j.xml" > /dev/null 2>&1
    local before=$?
    "$bin" "$@" > "$tmp/stale/out" 2> "$tmp/stale/err"
    local got=$?
    if [ "$before" = 0 ] && [ "$got" = 2 ] && [ ! -s "$tmp/stale/out" ] &&
        { ! command -v xmllint > /dev/null || xmllint --noout "$tmp/stale/j.xml"; } &&
        python3 - "$tmp/stale/j.xml" "$tmp/stale/err" <<'PY'
import sys, xml.etree.ElementTree as ET
suite = ET.parse(sys.argv[1]).getroot().find("testsuite")
assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("1", "0", "1"), suite.attrib
[case] = suite.findall("testcase")
error = case.find("error")
first = open(sys.argv[2], encoding="utf-8").readline().rstrip("\n")
assert error is not None and error.get("message") == first, (error, first)
PY
    then report "stale JUnit replaced: $name" 1 ""
    else report "stale JUnit replaced: $name" 0 "exit $before/$got: $(head -c 300 "$tmp/stale/err"); $(head -c 400 "$tmp/stale/j.xml")"; fi
}
stale_case "bad manifest" --as-of 2026-06-01 -q --expect-file "$tmp/stale/bad&<\"m\">.tsv" \
    --junit "$tmp/stale/j.xml"
grep -qF "unknown level 'junor'" "$tmp/stale/j.xml" ||
    report "stale JUnit replaced: the reason" 0 "$(cat "$tmp/stale/j.xml")"
stale_case "usage error after --junit" --junit "$tmp/stale/j.xml" --format bogus examples/junior-1.txt
stale_case "usage error before --junit" --format bogus --junit "$tmp/stale/j.xml" examples/junior-1.txt
cp "$tmp/stale/j.xml" "$tmp/stale/kept.xml"
"$bin" --junit "$tmp/stale/j.xml" --help > /dev/null
if cmp -s "$tmp/stale/j.xml" "$tmp/stale/kept.xml"; then report "JUnit file untouched by --help" 1 ""
else report "JUnit file untouched by --help" 0 "changed"; fi
# After "--" the words are operands: a usage error found once the options
# were read must not take "--junit=FILE" among them for the report and
# overwrite FILE.
printf 'my notes\n' > "$tmp/stale/notes.txt"
(cd "$tmp/stale" && "$bin" --strict -- --junit=notes.txt > /dev/null 2>&1); got=$?
if [ "$got" = 2 ] && [ "$(cat "$tmp/stale/notes.txt")" = "my notes" ]; then
    report "operands after -- are no --junit" 1 ""
else report "operands after -- are no --junit" 0 "exit $got: $(head -c 200 "$tmp/stale/notes.txt")"; fi

mkdir -p "$tmp/ci"
sed 's/^\(..\/mid-1.txt\)\tmid/\1\tsenior/; s#^\.\./#'"$root"'/examples/#' examples/ci/manifest.tsv > "$tmp/ci/m.tsv"
"$bin" --as-of 2026-06-01 -q --expect-file "$tmp/ci/m.tsv" --format junit > "$tmp/fail.xml"
got=$?
ncases=$(grep -c '^[^#]' examples/ci/manifest.tsv)
if [ "$got" = 1 ] && python3 - "$tmp/fail.xml" "$ncases" "$tmp/ci/m.tsv" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = root.findall("testsuite")
assert root.tag == "testsuites" and len(suites) == 1
cases = suites[0].findall("testcase")
assert len(cases) == int(sys.argv[2]), len(cases)
fails = [c for c in cases if c.find("failure") is not None]
assert len(fails) == 1 and fails[0].get("name") == "mid-1.txt"
msg = fails[0].find("failure").get("message")
# the manifest and its line, as given: the failing expectation is found
assert msg == f"expected senior, got mid (manifest {sys.argv[3]}, line 6)", msg
assert "top evidence:" in fails[0].find("failure").text
assert suites[0].get("failures") == "1" and suites[0].get("tests") == sys.argv[2]
PY
then report "gate failure in junit" 1 ""
else report "gate failure in junit" 0 "exit $got"; fi

"$bin" --as-of 2026-06-01 -q --expect-file "$tmp/ci/m.tsv" /nonexistent.txt > /dev/null 2>&1
got=$?
[ "$got" = 2 ] && report "input error outranks gate" 1 "" || report "input error outranks gate" 0 "exit $got"

# A listed file that is missing names its manifest line, and how its path
# was resolved: a path written from the repository's root instead of the
# manifest's folder is the usual slip.
mkdir -p "$tmp/ci/sub"
printf 'junior-1.txt\tjunior\n# a comment\nexamples/mid-1.txt\tmid\n' > "$tmp/ci/sub/m.tsv"
cp examples/junior-1.txt "$tmp/ci/sub/"
"$bin" --as-of 2026-06-01 -f jsonl --expect-file "$tmp/ci/sub/m.tsv" > "$tmp/ci/missing.out" 2> "$tmp/ci/missing.err"
got=$?
if [ "$got" = 2 ] &&
    grep -qxF "kpiscan: $tmp/ci/sub/examples/mid-1.txt: cannot open: No such file or directory (listed in $tmp/ci/sub/m.tsv, line 3; manifest paths are relative to the manifest's folder)" "$tmp/ci/missing.err" &&
    grep -q '"code":"io","number":-3,"message":".*/examples/mid-1.txt: cannot open: No such file or directory (listed in ' "$tmp/ci/missing.out" &&
    [ "$(wc -l < "$tmp/ci/missing.out")" = 2 ]; then
    report "missing listed file names its manifest line" 1 ""
else report "missing listed file names its manifest line" 0 "exit $got: $(cat "$tmp/ci/missing.err")"; fi

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

# --expect-file with --strict over a folder holding the listed files:
# each resume is scanned once (identity, not spelling, of the path), so
# there are as many records and JUnit test cases as resumes.  The levels
# expected are those of a first run, so this does not depend on the
# estimate.
mkdir -p "$tmp/strict/cv"
cp examples/junior-1.txt examples/mid-1.txt examples/senior-1.txt examples/no-kpi.txt "$tmp/strict/cv/"
"$bin" --as-of 2026-06-01 --format jsonl "$tmp/strict/cv" > "$tmp/strict/levels.jsonl"
python3 - "$tmp/strict/levels.jsonl" > "$tmp/strict/m.tsv" <<'PY'
import json, os, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    # the same files under another spelling of their paths
    print(f"cv/./{os.path.basename(r['file'])}\t{r['level']}")
PY
"$bin" --as-of 2026-06-01 --format jsonl --expect-file "$tmp/strict/m.tsv" --strict \
    --junit "$tmp/strict/j.xml" "$tmp/strict/cv" "$tmp/strict/cv/../cv/mid-1.txt" \
    > "$tmp/strict/out.jsonl" 2> "$tmp/strict/err"
got=$?
if [ "$got" = 0 ] && [ "$(wc -l < "$tmp/strict/out.jsonl")" = 4 ] &&
    grep -q 'tests="4" failures="0"' "$tmp/strict/j.xml" && ! [ -s "$tmp/strict/err" ]; then
    report "strict: each resume scanned once" 1 ""
else report "strict: each resume scanned once" 0 "exit $got, $(wc -l < "$tmp/strict/out.jsonl") records; $(grep -o 'tests="[0-9]*"' "$tmp/strict/j.xml"); $(head -c 300 "$tmp/strict/err")"; fi
# With a manifest, a path given twice is one file too, listed or not
# (README, kpiscan(1)): one record for it.
"$bin" --as-of 2026-06-01 --format jsonl --expect-file "$tmp/strict/m.tsv" \
    examples/senior-2.txt ./examples/senior-2.txt > "$tmp/strict/twice.jsonl" 2> /dev/null
got=$?
if [ "$got" = 0 ] && [ "$(wc -l < "$tmp/strict/twice.jsonl")" = 5 ] &&
    [ "$(grep -c 'senior-2.txt' "$tmp/strict/twice.jsonl")" = 1 ]; then
    report "manifest: a path given twice is scanned once" 1 ""
else report "manifest: a path given twice is scanned once" 0 "exit $got, $(wc -l < "$tmp/strict/twice.jsonl") records"; fi
# ... and an unlisted file in the folder still fails --strict, named on
# stderr
cp examples/senior-2.txt "$tmp/strict/cv/zz-extra.txt"
"$bin" --as-of 2026-06-01 -q --expect-file "$tmp/strict/m.tsv" --strict "$tmp/strict/cv" \
    > "$tmp/strict/out2" 2> "$tmp/strict/err2"
got=$?
if [ "$got" = 1 ] && [ "$(grep -c 'gate failed' "$tmp/strict/err2")" = 1 ] &&
    grep -q "^kpiscan: gate failed: $tmp/strict/cv/zz-extra.txt: " "$tmp/strict/err2"; then
    report "strict: unlisted file named on stderr" 1 ""
else report "strict: unlisted file named on stderr" 0 "exit $got: $(cat "$tmp/strict/err2")"; fi
# A manifest kept in the folder it describes is no resume: the walk skips
# it (counted, listed by -v, a JUnit skipped case) instead of giving it a
# record that a gate such as --expect then fails.
rm "$tmp/strict/cv/zz-extra.txt"
sed 's|^cv/|./|' "$tmp/strict/m.tsv" > "$tmp/strict/cv/levels.tsv"
"$bin" --as-of 2026-06-01 -v --format jsonl --summary --expect-file "$tmp/strict/cv/levels.tsv" \
    --strict --fail-under none --junit "$tmp/strict/j2.xml" "$tmp/strict/cv" \
    > "$tmp/strict/out3" 2> "$tmp/strict/err3"
got=$?
if [ "$got" = 0 ] && [ "$(grep -c '"status"' "$tmp/strict/out3")" = 4 ] &&
    ! grep -q 'levels.tsv' "$tmp/strict/out3" &&
    grep -q '"records":4,"scanned":4,"errors":0,"skipped":1' "$tmp/strict/out3" &&
    grep -qx "kpiscan: skipped $tmp/strict/cv/levels.tsv: the --expect-file manifest, not a resume" "$tmp/strict/err3" &&
    grep -q 'tests="5" failures="0" errors="0" skipped="1"' "$tmp/strict/j2.xml" &&
    grep -q '<skipped message=".*/levels.tsv: the --expect-file manifest, not a resume"/>' "$tmp/strict/j2.xml"; then
    report "strict: the manifest in its folder is skipped" 1 ""
else report "strict: the manifest in its folder is skipped" 0 "exit $got: $(grep -c '"status"' "$tmp/strict/out3") records; $(tail -1 "$tmp/strict/out3"); $(cat "$tmp/strict/err3")"; fi

# kpiscan's own output files in the folder it walks, where the CI templates
# keep them (`> kpiscan.txt`, `--junit kpiscan-junit.xml`), are passed over
# as the manifest is: run twice, the second run meets the first one's files
# and gives the same exit status, records, messages and JUnit report.  The
# text report alone: no "empty document" for the file the shell has just
# emptied.  Named as an input, the file is scanned all the same.
own=$tmp/own
mkdir -p "$own"
cp examples/junior-1.txt examples/mid-1.txt "$own/"
printf 'junior-1.txt\tjunior\nmid-1.txt\tmid\n' > "$own/levels.tsv"
for i in 1 2; do
    (cd "$own" && "$bin" --as-of 2026-06-01 -v --expect-file levels.tsv --strict \
        --junit kpiscan-junit.xml --format jsonl --summary . > kpiscan.txt 2> "$tmp/own.err$i"
        echo $? > "$tmp/own.status$i"
        cp kpiscan.txt "$tmp/own.out$i" && cp kpiscan-junit.xml "$tmp/own.xml$i")
done
if [ "$(cat "$tmp/own.status1")" = 0 ] && [ "$(cat "$tmp/own.status2")" = 0 ] &&
    cmp -s "$tmp/own.out1" "$tmp/own.out2" && cmp -s "$tmp/own.xml1" "$tmp/own.xml2" &&
    cmp -s "$tmp/own.err1" "$tmp/own.err2" &&
    grep -q '"records":2,"scanned":2,"errors":0,"skipped":3' "$tmp/own.out2" &&
    grep -qx "kpiscan: skipped ./kpiscan.txt: kpiscan's own output (standard output), not a resume" "$tmp/own.err2" &&
    grep -qx "kpiscan: skipped ./kpiscan-junit.xml: kpiscan's own output (the --junit file), not a resume" "$tmp/own.err2" &&
    grep -q 'tests="5" failures="0" errors="0" skipped="3"' "$tmp/own.xml2" &&
    grep -q '<skipped message="./kpiscan-junit.xml: kpiscan.s own output (the --junit file), not a resume"/>' "$tmp/own.xml2"; then
    report "own outputs in the walked folder are passed over" 1 ""
else report "own outputs in the walked folder are passed over" 0 "exit $(cat "$tmp/own.status1")/$(cat "$tmp/own.status2"): $(tail -1 "$tmp/own.out2"); $(cat "$tmp/own.err2")"; fi
rm "$own/levels.tsv" "$own/kpiscan-junit.xml"
for i in 1 2; do
    (cd "$own" && "$bin" --as-of 2026-06-01 --fail-under none . > kpiscan.txt 2> "$tmp/own.err$i"
        echo $? > "$tmp/own.status$i"
        cp kpiscan.txt "$tmp/own.out$i")
done
(cd "$own" && "$bin" --as-of 2026-06-01 kpiscan.txt > kpiscan.txt 2> "$tmp/own.err3"
    echo $? > "$tmp/own.status3")
if [ "$(cat "$tmp/own.status1")$(cat "$tmp/own.status2")" = 00 ] &&
    cmp -s "$tmp/own.out1" "$tmp/own.out2" && [ "$(grep -c '^\./[a-z]*-1\.txt: ' "$tmp/own.out2")" = 2 ] &&
    [ "$(cat "$tmp/own.status3")" = 2 ] && grep -q "kpiscan.txt: .*empty" "$tmp/own.err3"; then
    report "own text report passed over in a walk, scanned when named" 1 ""
else report "own text report passed over in a walk, scanned when named" 0 "exit $(cat "$tmp/own.status1")/$(cat "$tmp/own.status2")/$(cat "$tmp/own.status3"): $(cat "$tmp/own.err1" "$tmp/own.err3")"; fi

# Standard error kept in the folder, and the reports of earlier runs in
# other formats (a JSONL file, an HTML report): a recruiter's folder after
# a few runs.  The next run scores the two resumes and nothing else.
rm -f "$own/kpiscan.txt"
(cd "$own" && "$bin" --as-of 2026-06-01 --format jsonl . > run1.jsonl &&
    "$bin" --as-of 2026-06-01 --format html . > report.html &&
    "$bin" --as-of 2026-06-01 --fail-under none . > kpiscan.txt 2> kpiscan.err
    echo $? > "$tmp/own.status4"
    "$bin" --as-of 2026-06-01 -v --format csv . > "$tmp/own.csv" 2> "$tmp/own.err4")
if [ "$(cat "$tmp/own.status4")" = 0 ] &&
    [ "$(grep -c ',ok,' "$tmp/own.csv")" = 2 ] && [ "$(wc -l < "$tmp/own.csv")" = 3 ] &&
    [ "$(grep -c "kpiscan's own output" "$tmp/own.err4")" = 4 ] &&
    grep -qx "kpiscan: skipped ./report.html: kpiscan's own output (a report of an earlier run), not a resume" "$tmp/own.err4"; then
    report "earlier reports and the stderr log passed over in a walk" 1 ""
else report "earlier reports and the stderr log passed over in a walk" 0 "exit $(cat "$tmp/own.status4"): $(cat "$tmp/own.csv" "$tmp/own.err4")"; fi

# A failed gate is named on stderr, one line per failing file, also with
# --quiet (which silences only the summary and progress) and whatever the
# format.
for fmt in text jsonl junit; do
    "$bin" --as-of 2026-06-01 -q --format "$fmt" --expect senior examples/junior-1.txt \
        examples/senior-1.txt > /dev/null 2> "$tmp/gate.err"
    got=$?
    if [ "$got" = 1 ] && [ "$(wc -l < "$tmp/gate.err")" = 1 ] &&
        grep -q '^kpiscan: gate failed: examples/junior-1.txt: expected senior, got ' "$tmp/gate.err"; then
        report "gate named on stderr ($fmt, --quiet)" 1 ""
    else report "gate named on stderr ($fmt, --quiet)" 0 "exit $got: $(cat "$tmp/gate.err")"; fi
done

# Both streams in one file, as a CI log keeps them ("> log 2>&1", "2>&1 |
# tee"): every message starts a line of its own and no record line is cut,
# though stdout is block-buffered and the records of 40 failing resumes
# (and an empty file's error) fill its buffer many times over.  The log
# less the messages is stdout byte for byte, and the messages are stderr's
# lines in stderr's order.
mkdir -p "$tmp/splice/many"
for i in $(seq 40); do cp examples/junior-1.txt "$tmp/splice/many/cv$i.txt"; done
: > "$tmp/splice/many/empty.txt"
for fmt in github jsonl json text csv; do
    "$bin" --as-of 2026-06-01 -j 2 --format "$fmt" --expect senior "$tmp/splice/many" \
        > "$tmp/splice/out" 2> "$tmp/splice/err"
    got=$?
    "$bin" --as-of 2026-06-01 -j 2 --format "$fmt" --expect senior "$tmp/splice/many" \
        > "$tmp/splice/log" 2>&1
    got2=$?
    if [ "$got" = 2 ] && [ "$got2" = 2 ] &&
        python3 - "$tmp/splice" "$fmt" <<'PY'
import json, sys
d, fmt = sys.argv[1], sys.argv[2]
out = open(f"{d}/out", "rb").read()
err = open(f"{d}/err", "rb").read().splitlines(keepends=True)
log = open(f"{d}/log", "rb").read().splitlines(keepends=True)
msgs = [l for l in err if l.startswith(b"kpiscan: ")]
assert sum(l.startswith(b"kpiscan: gate failed: ") for l in msgs) == 40, msgs
assert not any(b"kpiscan:" in l[1:] for l in log), \
    [l for l in log if b"kpiscan:" in l[1:]][:2]
# the summary block (text, csv) is on stderr too, after a blank line
summary = err[err.index(b"\n"):] if b"\n" in err else []
n = len(log) - len(summary)
assert log[n:] == summary, log[n:]
got_msgs = [l for l in log[:n] if l.startswith(b"kpiscan: ")]
assert got_msgs == msgs, (got_msgs[:3], msgs[:3])
records = b"".join(l for l in log[:n] if not l.startswith(b"kpiscan: "))
assert records == out, "stdout differs once messages are taken out"
if fmt == "jsonl":
    assert len([json.loads(l) for l in records.splitlines()]) == 41
elif fmt == "json":
    assert len(json.loads(records)) == 41
elif fmt == "github":
    assert all(l.startswith(b"::error ") for l in records.splitlines())
PY
    then report "messages on lines of their own, streams in one file ($fmt)" 1 ""
    else report "messages on lines of their own, streams in one file ($fmt)" 0 "exit $got/$got2: $(head -c 300 "$tmp/splice/log")"; fi
done

# An unreadable input is reported once on a terminal (its record), and on
# stderr as well when standard output goes elsewhere.
python3 - "$bin" <<'PY' && report "error once on a terminal" 1 "" || report "error once on a terminal" 0 "see above"
import os, pty, subprocess, sys
try:
    master, slave = pty.openpty()
except OSError as e:  # a chroot without devpts, say: fail, never skip
    sys.exit(f"no pseudo-terminal for the test ({e}; is /dev/pts mounted?)")
p = subprocess.run([sys.argv[1], "/nonexistent/cv.txt"], stdin=subprocess.DEVNULL,
                   stdout=slave, stderr=slave)
os.close(slave)
out = b""
while True:
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
n = out.count(b"/nonexistent/cv.txt")
if p.returncode != 2 or n != 1:
    sys.exit(f"exit {p.returncode}, the path shown {n} times: {out!r}")
# stdout to a pipe, stderr on the terminal: the terminal still shows it
master, slave = pty.openpty()
p = subprocess.run([sys.argv[1], "/nonexistent/cv.txt"], stdin=subprocess.DEVNULL,
                   stdout=subprocess.PIPE, stderr=slave)
os.close(slave)
err = os.read(master, 4096)
if b"/nonexistent/cv.txt" not in err or b"/nonexistent/cv.txt" not in p.stdout:
    sys.exit(f"stdout {p.stdout!r}, terminal {err!r}")
PY

# Malformed XML inside a DOCX is "corrupt DOCX: reason" (README, Inputs).
python3 - examples/docx/mid-1.docx "$tmp/broken.docx" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as src, zipfile.ZipFile(sys.argv[2], "w") as dst:
    for info in src.infolist():
        data = src.read(info)
        if info.filename == "word/document.xml":
            data = data[: len(data) // 2]  # cut inside the body
        dst.writestr(info, data)
PY
"$bin" "$tmp/broken.docx" > "$tmp/broken.out" 2> "$tmp/broken.err"
got=$?
if [ "$got" = 2 ] && grep -q "^$tmp/broken.docx: error: corrupt DOCX: malformed XML in word/document.xml" "$tmp/broken.out" &&
    grep -q "corrupt DOCX: malformed XML in word/document.xml" "$tmp/broken.err"; then
    report "corrupt DOCX: reason" 1 ""
else report "corrupt DOCX: reason" 0 "exit $got: $(cat "$tmp/broken.out")"; fi
# The XML's line and column are the part's: they are said in the reason,
# never as "broken.docx:L:C:", which editors and CI problem matchers would
# read as a place in the .docx file.
"$bin" --format github "$tmp/broken.docx" > "$tmp/broken.gh" 2> "$tmp/broken.err"
if grep -q "^::error file=$tmp/broken.docx,title=[^:]*::$tmp/broken.docx: corrupt DOCX: malformed XML in word/document.xml (line [0-9]*, column [0-9]*): " "$tmp/broken.gh" &&
    ! grep -q "broken.docx:[0-9]" "$tmp/broken.gh" "$tmp/broken.err"; then
    report "corrupt DOCX: the part's position" 1 ""
else report "corrupt DOCX: the part's position" 0 "$(cat "$tmp/broken.gh" "$tmp/broken.err")"; fi

# --summary means one thing in every format: the run's summary at the end
# of standard output, in that format's own form; without it nothing is
# added to standard output.
"$bin" --as-of 2026-06-01 --summary examples/mid-1.txt > "$tmp/s.txt" 2> "$tmp/s.err"
if grep -q '^kpiscan summary: 1 file(s): 1 scanned, 0 error(s); 0 other file(s) skipped$' "$tmp/s.txt" &&
    ! grep -q summary "$tmp/s.err"; then
    report "summary text on stdout" 1 ""
else report "summary text on stdout" 0 "$(cat "$tmp/s.txt" "$tmp/s.err")"; fi
"$bin" --as-of 2026-06-01 examples/mid-1.txt examples/junior-1.txt > "$tmp/ns.txt" 2> "$tmp/ns.err"
if ! grep -q 'kpiscan summary' "$tmp/ns.txt" && grep -q '^kpiscan summary: 2 file(s)' "$tmp/ns.err"; then
    report "no --summary: summary on stderr only" 1 ""
else report "no --summary: summary on stderr only" 0 "$(cat "$tmp/ns.err")"; fi
for fmt in json jsonl; do
    for files in "examples/mid-1.txt" "examples/mid-1.txt examples/junior-1.txt"; do
        # shellcheck disable=SC2086
        "$bin" --as-of 2026-06-01 --summary --format $fmt $files > "$tmp/s.$fmt" 2>/dev/null
        if python3 - "$tmp/s.$fmt" "$fmt" $files <<'PY'
import json, sys
path, fmt, files = sys.argv[1], sys.argv[2], sys.argv[3:]
text = open(path).read()
recs = json.loads(text) if fmt == "json" else [json.loads(l) for l in text.splitlines()]
assert isinstance(recs, list) and len(recs) == len(files) + 1, recs
assert recs[-1]["summary"]["records"] == len(files), recs[-1]
assert all("summary" not in r for r in recs[:-1])
PY
        then report "summary $fmt ($files)" 1 ""
        else report "summary $fmt ($files)" 0 "$(head -c 300 "$tmp/s.$fmt")"; fi
    done
done
# With gates the summary record counts the records that failed one, as the
# text and GitHub summaries do; without gates it has no such member.
"$bin" --as-of 2026-06-01 -q --summary --format jsonl --expect senior \
    examples/mid-1.txt examples/senior-1.txt examples/junior-1.txt > "$tmp/g.jsonl" 2>/dev/null
gated=$?
if [ "$gated" = 1 ] && python3 - "$tmp/g.jsonl" "$tmp/s.jsonl" docs/kpiscan-record.schema.json <<'PY'
import json, sys
import jsonschema
gated = json.loads(open(sys.argv[1]).read().splitlines()[-1])
plain = json.loads(open(sys.argv[2]).read().splitlines()[-1])
assert gated["summary"]["gate_failures"] == 2, gated
assert "gate_failures" not in plain["summary"], plain
jsonschema.Draft202012Validator(json.load(open(sys.argv[3]))).validate(gated)
PY
then report "summary jsonl counts gate failures" 1 ""
else report "summary jsonl counts gate failures" 0 "exit $gated: $(tail -1 "$tmp/g.jsonl")"; fi
"$bin" --as-of 2026-06-01 --summary --format github examples/mid-1.txt > "$tmp/s.gh"
if [ "$(tail -1 "$tmp/s.gh")" = "$(printf '::notice title=kpiscan summary::1 file(s): 1 scanned, 0 error(s); 0 other file(s) skipped; ')$(tail -1 "$tmp/s.gh" | sed 's/.*skipped; //')" ] &&
    grep -q '^::notice title=kpiscan summary::1 file(s): 1 scanned' "$tmp/s.gh"; then
    report "summary github notice" 1 ""
else report "summary github notice" 0 "$(cat "$tmp/s.gh")"; fi

# --timing adds the run's time and rates to the summary in every form
"$bin" --as-of 2026-06-01 --summary --timing examples/mid-1.txt > "$tmp/t.txt"
"$bin" --as-of 2026-06-01 --summary --timing --format jsonl examples/mid-1.txt > "$tmp/t.jsonl"
"$bin" --as-of 2026-06-01 --summary --timing --format github examples/mid-1.txt > "$tmp/t.gh"
if grep -Eq '^  time    [0-9.]+ s, [0-9.]+ files/s, [0-9.]+ MB/s$' "$tmp/t.txt" &&
    tail -1 "$tmp/t.jsonl" | python3 -c 'import json,sys; t=json.load(sys.stdin)["summary"]["timing"]; assert t["seconds"] >= 0 and t["files_per_second"] > 0, t' &&
    grep -Eq '^::notice title=kpiscan summary::.*; [0-9.]+ s, [0-9.]+ files/s, [0-9.]+ MB/s$' "$tmp/t.gh" &&
    ! grep -q 'files/s' "$tmp/s.gh"; then
    report "timing in every summary" 1 ""
else report "timing in every summary" 0 "$(cat "$tmp/t.txt" "$tmp/t.gh"; tail -1 "$tmp/t.jsonl")"; fi

# examples/ci/check.sh leaves the working tree as it found it: the JUnit
# file goes under build/ (ignored), not into the folder it was run from.
mkdir -p "$tmp/ciroot/examples/ci" "$tmp/cwd"
touch "$tmp/ciroot/meson.build" # a source tree, not the installed copy
cp -r examples/*.txt examples/docx examples/odt "$tmp/ciroot/examples/"
cp examples/ci/check.sh examples/ci/manifest.tsv "$tmp/ciroot/examples/ci/"
(cd "$tmp/cwd" && KPISCAN=$bin bash "$tmp/ciroot/examples/ci/check.sh") > /dev/null 2>&1
got=$?
if [ "$got" = 0 ] && [ -z "$(ls -A "$tmp/cwd")" ] && [ -s "$tmp/ciroot/build/kpiscan-junit.xml" ]; then
    report "ci/check.sh writes under build/" 1 ""
else report "ci/check.sh writes under build/" 0 "exit $got; cwd has: $(ls -A "$tmp/cwd")"; fi

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
for fmt in text json jsonl csv junit github html; do
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

# Evidence line numbers are the file's own, as an editor and grep -n count
# them: a form feed at the start of a line (pdftotext's page break, before
# a page's first line) is no line.
printf 'Jane Roe\nSales Associate, 2018 - 2020\n\n\fSecond page\n\f\fExceeded quarterly sales goals\n' > "$tmp/ff.txt"
want=$(grep -n 'Exceeded quarterly' "$tmp/ff.txt" | cut -d: -f1)
got=$("$bin" --as-of 2021-01-01 -q -f jsonl "$tmp/ff.txt" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print(",".join(str(e["line"]) for e in r["evidence"] if e["rule"] == "indicator.junior.met-targets"))')
if [ "$want" = 5 ] && [ "$got" = "$want" ]; then report "line numbers across a form feed" 1 ""
else report "line numbers across a form feed" 0 "evidence at line '$got', grep -n says '$want'"; fi

# A DOCX whose years run to its last save says so in the verdict line; a
# pinned --as-of is not a last save.
"$bin" -q examples/docx/mid-1.docx > "$tmp/save.txt" 2>/dev/null
"$bin" -q --as-of 2026-06-01 examples/docx/mid-1.docx > "$tmp/pinned.txt" 2>/dev/null
# Nor is it when no job runs to "Present": the years then do not depend
# on the save date.
python3 - "$tmp/closed.docx" <<'PY'
import sys, zipfile
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
paras = ["Jane Doe", "EXPERIENCE", "Sales Analyst, Acme Ltd, Jan 2012 - Dec 2018",
         "Tracked weekly sales and built KPI dashboards for management."]
body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paras)
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("[Content_Types].xml",
               '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
               '<Override PartName="/word/document.xml" ContentType="application/'
               'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    z.writestr("word/document.xml", f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>')
    z.writestr("docProps/core.xml",
               '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
               'metadata/core-properties" xmlns:dcterms="http://purl.org/dc/terms/">'
               '<dcterms:modified>2020-03-15T10:00:00Z</dcterms:modified></cp:coreProperties>')
PY
"$bin" -q -f jsonl "$tmp/closed.docx" > "$tmp/closed.json" 2>/dev/null
"$bin" -q "$tmp/closed.docx" > "$tmp/closed.txt" 2>/dev/null
if head -1 "$tmp/save.txt" | grep -q 'years up to its last save on 2026-01-15, ' &&
    ! head -1 "$tmp/pinned.txt" | grep -q 'last save' &&
    grep -q '"as_of":"2020-03-15","as_of_source":"document modified date"' "$tmp/closed.json" &&
    head -1 "$tmp/closed.txt" | grep -q ' 6.9 years, ' &&
    ! head -1 "$tmp/closed.txt" | grep -q 'last save'; then
    report "verdict names the last save" 1 ""
else report "verdict names the last save" 0 "$(head -1 "$tmp/save.txt")"; fi

# A walk passes over code and data files by their names, but the same
# file named explicitly is scanned, also when a manifest makes inputs
# unique (the walk's skip must not count as having seen it).
mkdir -p "$tmp/named"
cp examples/mid-1.txt "$tmp/named/cv.txt"
cp examples/mid-1.txt "$tmp/named/notes.yml"
printf 'cv.txt\tmid\n' > "$tmp/named/levels.tsv"
"$bin" -q -f jsonl --as-of 2026-06-01 --expect-file "$tmp/named/levels.tsv" \
    "$tmp/named" "$tmp/named/notes.yml" > "$tmp/named.jsonl" 2>/dev/null
if [ "$(grep -c '"file"' "$tmp/named.jsonl")" = 2 ] &&
    grep -q '"file":"[^"]*named/notes.yml","status":"ok"' "$tmp/named.jsonl"; then
    report "walk skips code by name, explicit path scanned" 1 ""
else report "walk skips code by name, explicit path scanned" 0 "$(cat "$tmp/named.jsonl" | head -c 300)"; fi

# The CI examples are valid YAML.
python3 - examples/ci/github-actions.yml examples/ci/gitlab-ci.yml <<'PY' && report "ci examples parse" 1 "" || report "ci examples parse" 0 "invalid YAML"
import sys, yaml
for path in sys.argv[1:]:
    doc = yaml.safe_load(open(path))
    assert isinstance(doc, dict) and doc, path
# GitHub shows an annotation only when its file is relative to the
# repository's root: the gate runs inside the resumes' checkout, with the
# manifest named from there.
steps = yaml.safe_load(open(sys.argv[1]))["jobs"]["kpiscan"]["steps"]
gate = [s for s in steps if "--expect-file" in s.get("run", "")]
assert gate and all(s.get("working-directory") for s in gate), gate
assert all("--expect-file expected-levels.tsv" in s["run"] for s in gate)
# setup.sh without --test installs no Check: a build of the library and
# the CLI alone must then say -Dtests=false, or meson setup fails on a
# fresh runner.
import re
for path in sys.argv[1:]:
    text = open(path).read()
    for line in text.splitlines():
        if re.search(r"scripts/build\.sh\b", line) and "setup.sh --test" not in text:
            assert "-Dtests=false" in line, (path, line)
PY

# The README's C example is the file the test suite builds and runs.
python3 - <<'PY' && report "README example is examples/scan_one.c" 1 "" || report "README example is examples/scan_one.c" 0 "README and examples/scan_one.c differ"
import re
readme = open("README.md").read()
block = re.search(r"```c\n(.*?)```", readme, re.S).group(1)
source = open("examples/scan_one.c").read()
assert block == source[source.index("#include <kpiscan.h>"):]
PY

# The README's sample run is what the tool prints today.
"$bin" --as-of 2026-06-01 examples/junior-1.txt > "$tmp/readme-run" 2>/dev/null
python3 - "$tmp/readme-run" <<'PY' && report "README sample run is real" 1 "" || report "README sample run is real" 0 "README's sample output differs from the tool's"
import re, sys
readme = open("README.md").read()
block = re.search(r"examples/junior-1.txt`, first\nlines\):\n\n```\n(.*?)```", readme, re.S).group(1)
got = open(sys.argv[1]).read()
assert got.startswith(block), (block, got[:len(block)])
PY

# README's options table, --help and kpiscan(1) name the same documents
# whose last-saved date "Present" defaults to (a PDF's as well as a DOCX's
# and an ODT's): a recruiter reading only one of them must not be told
# that a PDF's years run to today.
"$bin" --help > "$tmp/help.txt"
python3 - "$tmp/help.txt" <<'PY' && report "as-of documents agree in README, help, man" 1 "" || report "as-of documents agree in README, help, man" 0 "README, --help and kpiscan(1) name different documents for --as-of's default"
import re, sys
def kinds(text):
    return {k for k in ("DOCX", "ODT", "PDF") if re.search(r"\b" + k + r"\b", text)}
readme = re.search(r"^\| `--as-of YYYY-MM-DD` \|(.*)$", open("README.md").read(), re.M).group(1)
help_ = re.search(r"--as-of YYYY-MM-DD(.*?)\n  +--explain", open(sys.argv[1]).read(), re.S).group(1)
man = re.search(r"^\.It Fl \-as-of Ar YYYY-MM-DD\n(.*?)^\.It ", open("man/kpiscan.1").read(), re.S | re.M).group(1)
want = {"DOCX", "ODT", "PDF"}
assert kinds(readme) == kinds(help_) == kinds(man) == want, (kinds(readme), kinds(help_), kinds(man))
PY

# --explain shows the arithmetic: merged years over an overlapping job and
# a "to date" range (end month minus start month, so a job ending in
# December and the next starting in January stay two stretches), the
# discounted skills mention, and the decision.
"$bin" --as-of 2026-06-01 --explain examples/overlap-to-date.txt > "$tmp/explain"
if grep -q 'merged employment (overlaps counted once): 2022-07..2022-12 (5 months), 2023-01..2026-06 (41 months)' "$tmp/explain" &&
   grep -q 'term.kpi .* 1.00 x 0.500 x 1.000 =  0.50  \[skills\]' "$tmp/explain" &&
   grep -q 'skills list: half weight' "$tmp/explain" &&
   grep -q '^           job: Reporting Consultant part-time freelance Pennine Community Transport$' "$tmp/explain" &&
   grep -q '^  1. KPI presence: strong' "$tmp/explain" &&
   grep -q '^  2. indicator level: mid, 6 distinct phrases shown in work$' "$tmp/explain" &&
   grep -q '^       line 20 indicator.mid.performance-analysis "Performance analysis"$' "$tmp/explain" &&
   grep -q '^  3. years band: mid (3.83 y)$' "$tmp/explain" &&
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
# ... but not a saved date older than the document's own jobs (a template's
# or a copy's date): the same CV re-stamped as saved in 2020 lists jobs
# from 2024 and 2025, so "Present" stays today.
python3 - examples/docx/junior-1.docx "$tmp/stale.docx" <<'PY'
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
    for item in zi.infolist():
        data = zi.read(item.filename)
        if item.filename == "docProps/core.xml":
            data = data.replace(b"2026-01-15T09:00:00Z", b"2020-03-01T09:00:00Z")
        zo.writestr(item, data)
PY
"$bin" --format json "$tmp/stale.docx" > "$tmp/stale.json"
if python3 -c 'import json,sys,datetime; r=json.load(open(sys.argv[1])); assert r["as_of_source"]=="today" and r["as_of"]==datetime.date.today().isoformat(), (r["as_of"], r["as_of_source"])' "$tmp/stale.json"; then
    report "docx saved before its own jobs: as-of today" 1 ""
else report "docx saved before its own jobs: as-of today" 0 "$(grep as_of "$tmp/stale.json")"; fi

# PDF (when built with the helper): --extract prints the text scanned;
# a folder of PDFs gives one named record each and the batch goes on when
# the helper is missing.
if [ -n "${KPISCAN_PDF_HELPER:-}" ]; then
    python3 tests/pdf/make-pdfs.py "$tmp/pdf"
    "$bin" --extract "$tmp/pdf/two-pages.pdf" > "$tmp/pdf.txt"
    if [ "$(sed -n 4p "$tmp/pdf.txt")" = "" ] &&
        grep -qx 'Defined KPIs and built the KPI dashboard for the sales team.' "$tmp/pdf.txt"; then
        report "extract pdf text" 1 ""
    else report "extract pdf text" 0 "$(head -5 "$tmp/pdf.txt")"; fi
    # Evidence lines of a PDF name the page and the line on it, in the
    # text output and the HTML report: its reader cannot find line 5 of
    # the extracted text.
    "$bin" --as-of 2026-01-01 "$tmp/pdf/two-pages.pdf" > "$tmp/pdfpage.txt"
    "$bin" --as-of 2026-01-01 -f html "$tmp/pdf/two-pages.pdf" > "$tmp/pdfpage.html"
    if grep -q ':5:1 .*"Defined KPIs"  (page 2, line 1)$' "$tmp/pdfpage.txt" &&
        grep -q '(page 2, line 1)' "$tmp/pdfpage.html"; then
        report "pdf evidence names its page" 1 ""
    else report "pdf evidence names its page" 0 "$(sed -n 3p "$tmp/pdfpage.txt")"; fi
    mkdir "$tmp/pdfs"
    cp "$tmp/pdf/plain.pdf" "$tmp/pdf/encrypted-user.pdf" "$tmp/pdf/no-text.pdf" \
        "$tmp/pdf/hidden-white.pdf" "$tmp/pdfs/"
    "$bin" -q -f jsonl --as-of 2026-01-01 "$tmp/pdfs" > "$tmp/pdfs.jsonl"; rc=$?
    if [ $rc = 2 ] && python3 -c 'import json, sys
r = {json.loads(l)["file"].rsplit("/", 1)[1]: json.loads(l) for l in open(sys.argv[1])}
assert r["plain.pdf"]["status"] == "ok" and r["plain.pdf"]["format"] == "pdf", r["plain.pdf"]
assert "encrypted PDF: a password is needed" in r["encrypted-user.pdf"]["error"]["message"]
assert r["no-text.pdf"]["error"]["code"] == "empty"
h = [f for f in r["hidden-white.pdf"]["red_flags"] if f["id"] == "hidden-text"]
assert h and h[0]["evidence"][0]["part"] == "page 1", h' "$tmp/pdfs.jsonl"; then
        report "pdf folder records" 1 ""
    else report "pdf folder records" 0 "exit $rc; $(cut -c1-200 "$tmp/pdfs.jsonl")"; fi
    KPISCAN_PDF_HELPER=/nonexistent/kpiscan-pdf "$bin" -q -f jsonl "$tmp/pdfs" \
        > "$tmp/nohelper.jsonl"; rc=$?
    if [ $rc = 2 ] && [ "$(grep -c 'PDF helper missing' "$tmp/nohelper.jsonl")" = 4 ]; then
        report "pdf helper missing" 1 ""
    else report "pdf helper missing" 0 "exit $rc; $(head -c 300 "$tmp/nohelper.jsonl")"; fi
fi

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

# FIFOs named as inputs are read to their end, each wait for a writer
# bounded (30 s; the unit tests in test-batch.c shorten it to cover a FIFO
# nobody writes to).  Here the writers come: one that opens and closes
# without writing is an empty document at once, one that writes late is
# waited for, whether the FIFO is named, listed by --files-from or by a
# manifest.  Every writer gives up after 10 s, so a reader that never opens
# fails the test instead of hanging it.
mkdir "$tmp/fifo"
mkfifo "$tmp/fifo/cv.txt"
timeout 10 sh -c ': > "$1"' sh "$tmp/fifo/cv.txt" &
writer=$!
"$bin" --as-of 2026-06-01 -q -f jsonl "$tmp/fifo/cv.txt" examples/mid-1.txt \
    > "$tmp/fifo/empty.jsonl" 2> "$tmp/fifo/empty.err"; rc=$?
wait "$writer"
if [ $rc = 2 ] && [ "$(grep -c '"status":"error"' "$tmp/fifo/empty.jsonl")" = 1 ] &&
    grep -qF "\"message\":\"$tmp/fifo/cv.txt: empty document\"" "$tmp/fifo/empty.jsonl" &&
    sed -n 2p "$tmp/fifo/empty.jsonl" | grep -q '"file":"examples/mid-1.txt","status":"ok"'; then
    report "fifo: a writer that writes nothing, an empty document" 1 ""
else report "fifo: a writer that writes nothing, an empty document" 0 "exit $rc: $(head -c 400 "$tmp/fifo/empty.jsonl")"; fi
late_writer() { # fifo: writes a junior resume into it after 0.2 s
    timeout 10 sh -c 'sleep 0.2; cat examples/junior-1.txt > "$1"' sh "$1" &
}
late_writer "$tmp/fifo/cv.txt"; writer=$!
"$bin" --as-of 2026-06-01 "$tmp/fifo/cv.txt" examples/mid-1.txt \
    > "$tmp/fifo/late.out" 2> "$tmp/fifo/late.err"; rc=$?
wait "$writer"
if [ $rc = 0 ] && grep -q "^$tmp/fifo/cv.txt: junior " "$tmp/fifo/late.out" &&
    grep -q '^examples/mid-1.txt: mid ' "$tmp/fifo/late.out"; then
    report "fifo: named, a late writer is waited for" 1 ""
else report "fifo: named, a late writer is waited for" 0 "exit $rc: $(head -c 400 "$tmp/fifo/late.err")"; fi
late_writer "$tmp/fifo/cv.txt"; writer=$!
printf '%s\nexamples/mid-1.txt\n' "$tmp/fifo/cv.txt" | "$bin" --as-of 2026-06-01 \
    -f csv --files-from - > "$tmp/fifo/list.csv" 2> "$tmp/fifo/list.err"; rc=$?
wait "$writer"
if [ $rc = 0 ] && [ "$(grep -c ',junior,' "$tmp/fifo/list.csv")" = 1 ] &&
    [ "$(grep -c ',mid,' "$tmp/fifo/list.csv")" = 1 ]; then
    report "fifo: listed by --files-from, a late writer is waited for" 1 ""
else report "fifo: listed by --files-from, a late writer is waited for" 0 "exit $rc: $(head -c 400 "$tmp/fifo/list.err")"; fi
printf 'cv.txt\tjunior\n' > "$tmp/fifo/manifest.tsv"
late_writer "$tmp/fifo/cv.txt"; writer=$!
"$bin" --as-of 2026-06-01 -q --expect-file "$tmp/fifo/manifest.tsv" \
    > "$tmp/fifo/manifest.out" 2> "$tmp/fifo/manifest.err"; rc=$?
wait "$writer"
if [ $rc = 0 ]; then
    report "fifo: listed in a manifest, a late writer is waited for" 1 ""
else report "fifo: listed in a manifest, a late writer is waited for" 0 "exit $rc: $(head -c 400 "$tmp/fifo/manifest.err")"; fi

# Lists and streams (issue 18, class 5).  An empty entry in a -0 list is
# skipped like an empty line in a newline list: the same records either way.
printf 'examples/junior-1.txt\n\nexamples/mid-1.txt\n' | "$bin" --as-of 2026-06-01 \
    --format csv --files-from - > "$tmp/nl.csv" 2> /dev/null
printf 'examples/junior-1.txt\0\0examples/mid-1.txt\0\0' | "$bin" --as-of 2026-06-01 \
    --format csv -0 --files-from - > "$tmp/nul.csv" 2> /dev/null
if cmp -s "$tmp/nl.csv" "$tmp/nul.csv" && [ "$(wc -l < "$tmp/nul.csv")" = 3 ]; then
    report "empty -0 entries skipped like empty lines" 1 ""
else report "empty -0 entries skipped like empty lines" 0 "$(cut -c1-40 "$tmp/nul.csv")"; fi
# A list that cannot be read is an error, not the end of the list.
"$bin" --as-of 2026-06-01 --files-from examples examples/junior-1.txt > /dev/null 2> "$tmp/err"
got=$?
if [ "$got" = 2 ] && grep -qF "examples: cannot read file list: Is a directory" "$tmp/err"; then
    report "unreadable file list" 1 ""
else report "unreadable file list" 0 "exit $got: $(head -c 300 "$tmp/err")"; fi
# An entry longer than any path stops the list at once: reading is bounded,
# so a list that never ends a line (/dev/zero) cannot take all memory.
{ head -c 10000 /dev/zero | tr '\0' a; printf '\nexamples/junior-1.txt\n'; } |
    "$bin" --as-of 2026-06-01 --format jsonl --files-from - > "$tmp/long.jsonl" 2> "$tmp/err"
got=$?
if [ "$got" = 2 ] && [ ! -s "$tmp/long.jsonl" ] &&
    grep -qF "kpiscan: -: line 1: longer than 4095 bytes" "$tmp/err"; then
    report "file list entry longer than a path refused" 1 ""
else report "file list entry longer than a path refused" 0 "exit $got: $(head -c 300 "$tmp/err")"; fi
# Empty entries are skipped, but a list of nothing else (-0 over /dev/zero)
# is refused after 65,536 in a row instead of being read forever.
timeout 60 "$bin" --as-of 2026-06-01 --format jsonl -0 --files-from /dev/zero \
    > "$tmp/zero.jsonl" 2> "$tmp/err"
got=$?
if [ "$got" = 2 ] && [ ! -s "$tmp/zero.jsonl" ] &&
    grep -qF "kpiscan: /dev/zero: entry 65537: more than 65536 empty entries in a row" "$tmp/err"; then
    report "endless empty file list refused" 1 ""
else report "endless empty file list refused" 0 "exit $got: $(head -c 300 "$tmp/err")"; fi
# Standard input stops at the input limit (64 MiB) with the limit's message.
head -c 70000000 /dev/zero | "$bin" - > /dev/null 2> "$tmp/err"
got=$?
if [ "$got" = 2 ] && grep -qF "<stdin>: input exceeds the limit of 67108864 bytes" "$tmp/err" \
    && ! grep -q "Success" "$tmp/err"; then
    report "stdin bounded by the input limit" 1 ""
else report "stdin bounded by the input limit" 0 "exit $got: $(head -c 300 "$tmp/err")"; fi
# Write errors name the write's own reason.
if [ -w /dev/full ]; then
    "$bin" --as-of 2026-06-01 examples/junior-1.txt > /dev/full 2> "$tmp/err"
    got=$?
    "$bin" --as-of 2026-06-01 -q --junit /dev/full examples/junior-1.txt > /dev/null 2> "$tmp/err2"
    got2=$?
    if [ "$got" = 2 ] && grep -qF "error writing output: No space left on device" "$tmp/err" \
        && [ "$got2" = 2 ] && grep -qF "/dev/full: cannot write JUnit XML: No space left on device" "$tmp/err2"; then
        report "write errors" 1 ""
    else report "write errors" 0 "exit $got/$got2: $(cat "$tmp/err" "$tmp/err2" | head -c 300)"; fi
    # the write that failed inside a run, not only at the final flush:
    # three resumes write more than stdio's buffer in the text, JSON and
    # HTML formats (few files, as this test also runs under valgrind); the
    # hidden text gives the github format a line to write
    : > "$tmp/errs"
    for f in text json jsonl csv junit html github; do
        "$bin" --as-of 2026-06-01 -q -f "$f" examples/senior-1.txt \
            examples/mid-1.txt examples/docx/hidden-keywords.docx \
            > /dev/full 2> "$tmp/err"
        got=$?
        [ "$got" = 2 ] && grep -qF "error writing output: No space left on device" "$tmp/err" \
            || echo "$f: exit $got: $(head -c 200 "$tmp/err")" >> "$tmp/errs"
    done
    if [ ! -s "$tmp/errs" ]; then report "write errors of every format name the reason" 1 ""
    else report "write errors of every format name the reason" 0 "$(head -c 600 "$tmp/errs")"; fi
fi

# The progress line, on a terminal (script(1) gives stderr a pseudo
# terminal): drawn, and erased before anything else is written there, a
# message about a missing file included.  Records written to a file leave
# it alone (no erase without a draw before it, so the line is not blank
# most of a fast run); records on the same terminal erase it, and it is
# drawn again at once below each of them.  (The text resumes only: the
# suite also runs under valgrind.)
if command -v script > /dev/null && command -v python3 > /dev/null; then
    script -qec "'$bin' --as-of 2026-06-01 -j 1 -f jsonl examples/*.txt /nonexistent/cv.txt > '$tmp/pr.jsonl'" \
        "$tmp/pr-file.log" < /dev/null > /dev/null 2>&1
    script -qec "'$bin' --as-of 2026-06-01 -j 1 examples/*.txt" \
        "$tmp/pr-tty.log" < /dev/null > /dev/null 2>&1
    if python3 - "$tmp/pr-file.log" "$tmp/pr-tty.log" "$tmp/pr.jsonl" <<'PY'
import re, sys
erase = b"\r\x1b[K"
def body(path):
    log = open(path, "rb").read()
    return log[log.index(b"\n") + 1:log.rindex(b"Script done")]
for path in sys.argv[1:3]:
    log = body(path)
    draws = [m.end() for m in re.finditer(rb"files/s(  ETA \d+s)?", log)]
    assert draws, (path, "no progress line drawn")
    for end in draws:  # whatever follows a drawn line starts by erasing it
        assert log.startswith(erase, end), (path, log[end - 40:end + 40])
    # a message starts its own line, never glued to the progress line
    for m in re.finditer(rb"kpiscan: ", log):
        assert m.start() == 0 or log[:m.start()].endswith((b"\n", erase)), \
            (path, log[m.start() - 60:m.start() + 40])
log = body(sys.argv[1])
assert b"kpiscan: /nonexistent/cv.txt" in log, log[-300:]
assert log.count(erase) <= len(re.findall(rb"files/s", log)) + 2, log.count(erase)
log = body(sys.argv[2])
starts = [m.start() for m in re.finditer(
    rb"(?m)(?:^|\r\x1b\[K)examples/\S+: (?:none|junior|mid|senior) \(", log)]
assert len(starts) >= 8, len(starts)
for a, b in zip(starts, starts[1:]):  # drawn again below every record
    assert b"files/s" in log[a:b], log[a:b][-200:]
records = open(sys.argv[3], "rb").read()
assert b"\x1b" not in records and records.count(b"\n") >= 9
PY
    then report "progress line: drawn, erased before other output" 1 ""
    else report "progress line: drawn, erased before other output" 0 "see above"; fi
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
