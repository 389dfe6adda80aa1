#!/usr/bin/env bash
# Installs what exmy needs on a fresh Debian/Ubuntu machine and builds the exmy command.
#   verilator, yosys, g++, nextpnr-ice40 + fpga-icestorm (iCE40 place and route), tcl (tclsh, for
#   the Vivado TCL tests), dataset-fashion-mnist (the test and calibration images of the reference
#   models), libonnx-testdata (ONNX's backend tests, for OnnxConformanceTest), slurmctld, slurmd,
#   slurm-client and munge (a one-node SLURM for SlurmClusterTest) (Debian packages)
#   + JDK 17 and Maven (expected present).
# Safe to run again: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v verilator >/dev/null 2>&1 || need+=(verilator)
command -v yosys >/dev/null 2>&1 || need+=(yosys)
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v nextpnr-ice40 >/dev/null 2>&1 || need+=(nextpnr-ice40)
command -v icepack >/dev/null 2>&1 || need+=(fpga-icestorm)
command -v tclsh >/dev/null 2>&1 || need+=(tcl)
[ -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ] || need+=(dataset-fashion-mnist)
[ -d /usr/share/libonnx-testdata/data/node ] || need+=(libonnx-testdata)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
# a one-node SLURM for SlurmClusterTest (the test starts and stops its own daemons)
command -v slurmctld >/dev/null 2>&1 || need+=(slurmctld)
command -v slurmd >/dev/null 2>&1 || need+=(slurmd)
command -v sbatch >/dev/null 2>&1 || need+=(slurm-client)
command -v munged >/dev/null 2>&1 || need+=(munge)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
echo "setup: $(verilator --version | head -1); $(yosys -V | head -1); $(nextpnr-ice40 --version 2>&1 | head -1)" >&2

# Build the command-line jar (tests are run separately by 'mvn test').
# (Debian's Maven prints bare ESC[0m resets even in batch mode; they are dropped. pipefail keeps mvn's status.)
mvn -B -q -ntp -DskipTests install 2>&1 | sed -e 's/\x1b\[0m//g'
echo "setup: built cli/target/exmy.jar; run ./exmy --help" >&2
