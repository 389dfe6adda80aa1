#!/usr/bin/env bash
# Usage: scripts/mx_qor_anchor.sh [OUT]   (default OUT: build/mx_qor_anchor)
# Reruns exmy's side of the docs/core.md's "QoR anchor: MX-for-FPGA" table: the MX dot-product cores
# with the block size and lane counts of MX-for-FPGA's dot units (32 lanes, block 32: xc7 LUT/FF/
# CARRY4/DSP48 with DSP blocks disallowed and allowed; 8 lanes, block 8: the same plus iCE40 HX8K
# logic cells and Fmax, since 32 lanes do not fit the HX8K), each as the full MX core and as the
# closest match to their unit (one block, combined scale exponent 0 only). Prints each run's CSV.
# It builds the CLI if needed, downloads nothing, and never reads the other design: the README
# gives their measured numbers and how they were obtained.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/build/mx_qor_anchor}"
jar="$root/cli/target/exmy.jar"
if [ ! -f "$jar" ]; then (cd "$root" && mvn -B -q -ntp -DskipTests package -pl cli -am); fi
mkdir -p "$out"
synth() {
  local tag=$1; shift
  java -Xmx2g -jar "$jar" synth MXFP8_E4M3 MXINT8 "$@" -o "$out/$tag" > "$out/$tag.log" 2>&1 \
    || { echo "$0: exmy synth failed for $tag; see $out/$tag.log" >&2; exit 1; }
  echo "== $tag: $*"
  cat "$out/$tag/synth.csv"
}
# 32 lanes, block 32 (xc7 only: the cores and the serial wrapper exceed the HX8K's 7,680 cells).
synth k32_one_block --block 32 --lanes 32 --terms 32 --scale-range=0..0 --timing=none
synth k32_full --block 32 --lanes 32 --timing=none
# 8 lanes, block 8, LUTs only, with iCE40 place and route (seed 1).
synth k8_one_block --block 8 --lanes 8 --terms 8 --scale-range=0..0 --dsp=nodsp --timing=ice40
synth k8_full --block 8 --lanes 8 --dsp=nodsp --timing=ice40
