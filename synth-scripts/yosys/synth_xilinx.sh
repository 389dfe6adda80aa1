#!/usr/bin/env bash
# Usage: synth-scripts/yosys/synth_xilinx.sh FILE.v TOP [--nodsp]
# Runs the same Yosys script as org.exmy.synth.YosysRunner ('exmy synth') on one Verilog file and
# prints the cell statistics (text 'stat -tech xilinx' of the flattened top module).
# Set KEEP=DIR to keep the filled-in script, the full log and the stat JSON in DIR.
set -euo pipefail
if [ $# -lt 2 ] || [ $# -gt 3 ] || [ "$1" = "--help" ] || [ "$1" = "-h" ]; then
  echo "usage: $0 FILE.v TOP [--nodsp]" >&2
  exit 2
fi
file=$1 top=$2 flags="" suffix=""
case "${3:-}" in
  "") ;;
  --nodsp) flags="-nodsp" suffix="_nodsp" ;;
  *) echo "$0: unknown option '$3' (only --nodsp)" >&2; exit 2 ;;
esac
[ -f "$file" ] || { echo "$0: no such file: $file" >&2; exit 2; }
[[ "$top" =~ ^[A-Za-z_][A-Za-z0-9_\$]*$ ]] || { echo "$0: bad module name: $top" >&2; exit 2; }
command -v yosys >/dev/null 2>&1 || { echo "$0: yosys not found; install it with: apt-get install -y yosys" >&2; exit 127; }
here="$(cd "$(dirname "$0")" && pwd)"
template="$here/../src/main/resources/org/exmy/synth/xilinx.ys"
if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP"; work="$(cd "$KEEP" && pwd)"; else work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT; fi
abs="$(cd "$(dirname "$file")" && pwd)/$(basename "$file")"
base="$work/$top$suffix"
# Escape the characters special to sed's replacement ('|' is the delimiter) in the file path.
esc() { printf '%s' "$1" | sed -e 's/[|&\\]/\\&/g'; }
[[ "$abs" != *'"'* ]] || { echo "$0: file name with a double quote: $abs" >&2; exit 2; }
# The Verilog file is quoted (its path may hold blanks); Yosys runs in $work and gets the JSON
# file name relative to it, because 'tee -o' takes no quoting.
sed -e "/^#/!s|\${FILES}|\"$(esc "$abs")\"|" -e "/^#/!s|\${TOP}|$top|" -e "/^#/!s|\${FLAGS}|$flags|" \
    -e "/^#/!s|\${JSON}|$top$suffix.stat.json|" "$template" > "$base.ys"
start=$(date +%s%N)
if ! (cd "$work" && yosys -s "$base.ys") > "$base.yosys.log" 2>&1; then
  echo "$0: yosys failed on $top; end of the log:" >&2
  tail -n 25 "$base.yosys.log" >&2
  exit 1
fi
end=$(date +%s%N)
# The statistics section: from the last "Printing statistics." to the end of the LC estimate.
awk '/Printing statistics\./ {buf=""; on=1} on {buf=buf $0 "\n"} /Estimated number of LCs/ {on=0} END {printf "%s", buf}' \
  "$base.yosys.log"
ms=$(( (end - start) / 1000000 ))
printf '\n   yosys time: %d.%03d s\n' $((ms / 1000)) $((ms % 1000))
