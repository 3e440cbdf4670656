#!/usr/bin/env bash
# The GPU path on a machine with an NVIDIA GPU, in one run, each part logged and none stopping the
# rest: which tf backends load (tfjs-node-gpu; webgpu through Dawn's Vulkan, with the adapter it
# found), whether webgpu trains as wasm does (bench/agree.ts, 3 steps at batch 4 of DCGAN,
# WGAN-GP and InfoGAN), step times of webgpu against wasm on every core (gan-bench, side by side
# in one run), the generated PyTorch modules' steps on CUDA (bench/torch_step.py), and DCGAN
# trained on webgpu for a few minutes by gan-bench --to-quality (scored as it trains, on webgpu),
# then its last checkpoint scored again by gan-eval on wasm (the two evaluations should agree). Needs node with ganspec's packages plus the
# optional webgpu and @tensorflow/tfjs-backend-webgpu, and python3 with torch for the torch rows.
#
#   bench/gpu-check.sh [minutes of DCGAN training] [its run dir]   (default 3, runs/gpu-dcgan)
set -uo pipefail
cd "$(dirname "$0")/.."
MIN="${1:-3}"
QDIR="${2:-runs/gpu-dcgan}"
PY="${GANSPEC_PYTHON:-python3}"
part() { echo; echo "## $* ($(date -u +%T))"; }
bench_row() {
  timeout 100 node bin/gan-bench.js "specs/$1.yaml" --backend webgpu,wasm --steps 5 --warmup 2 "${@:2}" 2>&1 | grep -v '^ \|^$\|Warning\|synchronously\|^(median\|^gan-bench 20'
}

part machine
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || echo "nvidia-smi: none"
echo "$(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, node $(node -v), commit $(git rev-parse --short=12 HEAD 2>/dev/null || echo '?')"

part which backends load
for b in node-gpu webgpu; do
  timeout 120 node bin/gan-bench.js specs/ring.yaml --backend "$b" --steps 1 --warmup 0 2>&1 | grep -v '^ \|^$' | tail -2
done

part webgpu trains as wasm does
for s in dcgan wgan-gp infogan; do
  timeout 100 node --import tsx bench/agree.ts "specs/$s.yaml" wasm webgpu --steps 3 --batch 4 2>&1 | grep -v '^ \|^$' | tail -6
done

part step times, tfjs: webgpu and wasm side by side, at batch 32
for s in dcgan wgan-gp; do bench_row "$s" --batch 32; done

part step times, the generated torch modules on CUDA
for m in dcgan wgan-gp acgan infogan; do
  PYTHONPATH=runtime-torch timeout 120 "$PY" bench/torch_step.py "generated-torch/$m.py" --device cuda --steps 10 --warmup 3 --batch "$([ "$m" = infogan ] && echo 128 || echo 32)" 2>&1 | tail -1
done

part "DCGAN's time to quality on webgpu ($MIN min at most, scored on webgpu every 100 steps), its last checkpoint scored again on wasm"
rm -rf "$QDIR"
node bin/gan-bench.js --to-quality specs/dcgan.yaml --backend webgpu --limit-min "$MIN" --eval-every 100 --eval-n 2000 --set checkpoint.every=100 --out "$QDIR" 2>&1 | grep -v '^$\|Warning\|synchronously' | tail -8
node bin/gan-eval.js "$QDIR" --backend wasm -n 2000 --baseline 2>&1 | tail -25

part "step times, tfjs: webgpu and wasm side by side, at the spec's batch"
for s in acgan infogan; do bench_row "$s"; done
