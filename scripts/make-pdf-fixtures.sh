#!/usr/bin/env bash
# Regenerate the PDF fixtures of other producers than the shared corpus's
# wkhtmltopdf, each a two-column resume (tests/pdf/producers.py checks
# them), and LibreOffice's own ODT and DOCX of the same resume:
#
#   tests/pdf/producer-sources/libreoffice.fodt -> tests/pdf/producers/libreoffice.{pdf,odt,docx}
#   tests/pdf/producer-sources/libreoffice-table.fodt -> .../libreoffice-table.{pdf,odt,docx}
#   tests/pdf/producer-sources/latex.tex        -> tests/pdf/producers/latex.pdf
#   tests/pdf/producer-sources/chromium.html    -> tests/pdf/producers/chromium.pdf
#
#   scripts/make-pdf-fixtures.sh [NAME...]    (default: all four)
#
# The PDFs are committed, so neither the tests nor CI need these tools:
# they are generator tools only, and scripts/setup.sh does not install
# LibreOffice or TeX.  On Debian 12:
#   apt-get install --no-install-recommends libreoffice-writer-nogui \
#       texlive-latex-base chromium fonts-dejavu-core
# Made with LibreOffice 7.4, pdfTeX 3.141592653-2.6-1.40.24 (TeX Live 2022)
# and Chromium 156.  The texts are made up; keep them so (never copy a
# corpus resume), and update tests/pdf/producers.py when they change.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
src=$root/tests/pdf/producer-sources
out=$root/tests/pdf/producers
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(libreoffice libreoffice-table latex chromium)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

need() {
    command -v "$1" >/dev/null || {
        echo "make-pdf-fixtures: $1 is missing (package $2)" >&2
        exit 1
    }
}

for name in "${names[@]}"; do
    case $name in
    libreoffice | libreoffice-table)
        need soffice libreoffice-writer-nogui
        # A profile of its own: no clash with a running LibreOffice.
        for ext in pdf odt docx; do
            soffice -env:UserInstallation="file://$tmp/lo-profile" --headless \
                --convert-to $ext --outdir "$tmp" "$src/$name.fodt" \
                >/dev/null 2>&1
            if [ $ext != pdf ]; then
                [ -s "$tmp/$name.$ext" ] || {
                    echo "make-pdf-fixtures: $name.$ext was not made" >&2
                    exit 1
                }
                cp "$tmp/$name.$ext" "$out/$name.$ext"
                echo "$out/$name.$ext: $(wc -c <"$out/$name.$ext") bytes"
            fi
        done
        ;;
    latex)
        need pdflatex texlive-latex-base
        cp "$src/latex.tex" "$tmp/"
        # A fixed date and no trailer ID: the same PDF on every run.
        (cd "$tmp" && SOURCE_DATE_EPOCH=1735689600 FORCE_SOURCE_DATE=1 \
            pdflatex -interaction=nonstopmode -halt-on-error latex.tex \
            >/dev/null)
        ;;
    chromium)
        need chromium chromium
        chromium --headless --no-sandbox --disable-gpu \
            --no-pdf-header-footer --user-data-dir="$tmp/chromium-profile" \
            --print-to-pdf="$tmp/chromium.pdf" "file://$src/chromium.html" \
            >/dev/null 2>&1
        ;;
    *)
        echo "make-pdf-fixtures: unknown fixture $name" >&2
        exit 2
        ;;
    esac
    [ -s "$tmp/$name.pdf" ] || {
        echo "make-pdf-fixtures: $name.pdf was not made" >&2
        exit 1
    }
    cp "$tmp/$name.pdf" "$out/$name.pdf"
    echo "$out/$name.pdf: $(wc -c <"$out/$name.pdf") bytes"
done
