#!/usr/bin/env bash
# Render a deck the way a PC without PowerPoint would: LibreOffice headless -> PDF -> one PNG per page.
#
#   scripts/check_deck.sh OUT_DIR [DECK.pptx]
#
# Without DECK.pptx the deck is exported from the sample workbook first (python -m evalcore's exporter).
# Writes OUT_DIR/deck.pdf and OUT_DIR/page-N.png, then prints the page count. Exits non-zero when the conversion
# fails or the PDF has fewer pages than the deck has slides. Then look at the PNGs: missing glyphs show as boxes.
# Needs: soffice (libreoffice-impress), pdftoppm and pdfinfo (poppler-utils), fonts-noto-cjk.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:?usage: scripts/check_deck.sh OUT_DIR [DECK.pptx]}"
deck="${2:-}"
python="${PYTHON:-$here/.venv/bin/python}"
[ -x "$python" ] || python=python3

for tool in soffice pdftoppm pdfinfo; do
  command -v "$tool" >/dev/null || { echo "check_deck: $tool not found (apt-get install libreoffice-impress poppler-utils)" >&2; exit 2; }
done

mkdir -p "$out"
out="$(cd "$out" && pwd)"
rm -f "$out"/page-*.png "$out"/deck.pdf

if [ -z "$deck" ]; then
  deck="$out/deck.pptx"
  (cd "$here" && "$python" -c '
import datetime as dt, sys
from evalcore.export.pptx import export_pptx
from evalcore.workbook import read_workbook
from sample_data import WORKBOOK
ev = read_workbook(WORKBOOK).evaluation
open(sys.argv[1], "wb").write(export_pptx(ev, dt.date(2026, 11, 28)))
' "$deck")
fi
[ -f "$deck" ] || { echo "check_deck: no deck at $deck" >&2; exit 2; }

slides="$(cd "$here" && "$python" -c 'import sys; from pptx import Presentation; print(len(Presentation(sys.argv[1]).slides))' "$deck")"

# A profile of its own, so a running LibreOffice (or a stale lock) never blocks the conversion.
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
work="$(mktemp -d -p "$profile")"
cp "$deck" "$work/deck.pptx"
if ! timeout 180 soffice --headless --norestore "-env:UserInstallation=file://$profile" \
      --convert-to pdf --outdir "$work" "$work/deck.pptx" >"$work/soffice.log" 2>&1; then
  cat "$work/soffice.log" >&2
  echo "check_deck: LibreOffice failed to convert $deck" >&2
  exit 1
fi
[ -s "$work/deck.pdf" ] || { cat "$work/soffice.log" >&2; echo "check_deck: no PDF written" >&2; exit 1; }
mv "$work/deck.pdf" "$out/deck.pdf"

pages="$(pdfinfo "$out/deck.pdf" | awk '/^Pages:/ {print $2}')"
pdftoppm -png -r 80 "$out/deck.pdf" "$out/page"
echo "check_deck: $slides slides, $pages PDF pages, PNGs in $out"
if [ "${pages:-0}" -lt "$slides" ]; then
  echo "check_deck: the PDF has $pages pages for $slides slides" >&2
  exit 1
fi
