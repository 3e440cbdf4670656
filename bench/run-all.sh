#!/usr/bin/env bash
# Every measurement of a benchmark session (BENCHMARKS.md; all sessions in docs/benchmarks-log.md)
# in one run, one after the other (never two at once: they would share the two cores). Writes
# each command's output into OUT (default /tmp/ganspec-bench-<UTC date>) and prints where. About
# 40 minutes on an idle 2-core machine.
#
#   bench/run-all.sh [OUT]
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-/tmp/ganspec-bench-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT"
B="node bin/gan-bench.js"
EIGHT="specs/gan.yaml specs/dcgan.yaml specs/wgan.yaml specs/wgan-gp.yaml specs/cgan.yaml specs/acgan.yaml specs/infogan.yaml specs/cyclegan.yaml"

run() { # name command...
  local name="$1"; shift
  echo "== $name: $*" | tee -a "$OUT/commands.txt"
  { echo "# $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)"; "$@"; } >"$OUT/$name.txt" 2>"$OUT/$name.err"
  echo "   exit $?, load after $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/commands.txt"
}

{ date -u +%FT%TZ; lscpu | sed -n 's/^Model name: *//p'; nproc; node --version; git rev-parse HEAD; } >"$OUT/machine.txt"
ONE="env GANSPEC_THREADS=1" # wasm on one thread, for the thread comparisons
run compile       $B --compile --compile-runs 3
run threads       node --import tsx bench/probes/wasm-threads.ts
run specs-wasm    $B $EIGHT specs/ring.yaml --backend wasm --steps 10 --warmup 2 --profile --top 8 --json
run specs-wasm-1  $ONE $B $EIGHT specs/ring.yaml --backend wasm --steps 10 --warmup 2 --json
run baseline      $B specs/dcgan.yaml --baseline --steps 20 --warmup 2 --profile --json
run gflops        $B specs/dcgan.yaml --steps 3 --warmup 1 --gflops --profile-steps 2 --json
run gflops-1      $ONE $B specs/dcgan.yaml --steps 3 --warmup 1 --gflops --profile-steps 2 --json
run cpu-vs-wasm   $B specs/dcgan.yaml --backend cpu,wasm --batch 4 --steps 2 --warmup 1 --json
run cpu-small     $B specs/gan.yaml specs/cgan.yaml specs/ring.yaml --backend cpu --steps 3 --warmup 1 --json
run rss-batch64   $B specs/dcgan.yaml --batch 64 --steps 5 --warmup 1 --json
run leaks-100     $B specs/dcgan.yaml specs/ring.yaml --batch 4 --steps 100 --warmup 1 --json
run pytorch       bench/compare-pytorch.sh 10
run pytorch-1     $ONE bench/compare-pytorch.sh 10
echo "results in $OUT/"
