#!/usr/bin/env bash
# Write examples/doc/<name>.doc: Word 97-2003 twins of examples/docx/*.docx,
# saved by LibreOffice, so the examples show the .doc reader as recruiters
# meet it (older resumes still arrive as .doc).  The DOCX twins come from
# scripts/make-docx-examples.py; their text, dates and hidden keywords
# carry over (LibreOffice writes white text as white and hidden text as
# vanished).  Needs LibreOffice Writer (Debian: libreoffice-writer); the
# output is committed, so scanning the examples does not.
#
#   scripts/make-doc-examples.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v soffice > /dev/null; then
    echo "make-doc-examples.sh: needs LibreOffice (soffice); on Debian:" \
         "apt-get install libreoffice-writer" >&2
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# a profile of its own, so a LibreOffice already running is not disturbed
HOME="$tmp/home" soffice --headless --convert-to doc --outdir "$tmp/out" \
    "$root"/examples/docx/*.docx > "$tmp/soffice.log" 2>&1 ||
    { cat "$tmp/soffice.log" >&2; exit 1; }
mkdir -p "$root/examples/doc"
for docx in "$root"/examples/docx/*.docx; do
    name=$(basename "$docx" .docx)
    if [ ! -s "$tmp/out/$name.doc" ]; then
        echo "make-doc-examples.sh: LibreOffice wrote no $name.doc" >&2
        cat "$tmp/soffice.log" >&2
        exit 1
    fi
    cp "$tmp/out/$name.doc" "$root/examples/doc/$name.doc"
done
echo "wrote $(ls "$root"/examples/doc/*.doc | wc -l) files in examples/doc"
