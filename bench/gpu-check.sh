#!/usr/bin/env bash
# The GPU path on a machine with an NVIDIA GPU, in one run, each part logged and none stopping the
# rest: which tf backends load (tfjs-node-gpu; webgpu through Dawn's Vulkan, with the adapter it
# found), whether webgpu trains as wasm does (bench/agree.ts, 3 steps at batch 4 of DCGAN,
# WGAN-GP and InfoGAN), step times of webgpu against wasm on every core (gan-bench, side by side
# in one run), the generated PyTorch modules' steps on CUDA (bench/torch_step.py), and the time
# to DCGAN's quality targets on webgpu. Needs node with ganspec's packages plus the
# optional webgpu and @tensorflow/tfjs-backend-webgpu, and python3 with torch for the torch rows.
#
#   bench/gpu-check.sh [minutes for the quality run] [quality run dir]   (default 3, runs/gpu-quality)
set -uo pipefail
cd "$(dirname "$0")/.."
MIN="${1:-3}"
QDIR="${2:-runs/gpu-quality}"
PY="${GANSPEC_PYTHON:-python3}"
part() { echo; echo "## $* ($(date -u +%T))"; }

part machine
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || echo "nvidia-smi: none"
echo "$(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, node $(node -v), commit $(git rev-parse --short=12 HEAD 2>/dev/null || echo '?')"

part which backends load
for b in node-gpu webgpu; do
  timeout 120 node bin/gan-bench.js specs/ring.yaml --backend "$b" --steps 1 --warmup 0 2>&1 | grep -v '^ \|^$' | tail -2
done

part webgpu trains as wasm does
for s in dcgan wgan-gp infogan; do
  timeout 240 node --import tsx bench/agree.ts "specs/$s.yaml" wasm webgpu --steps 3 --batch 4 2>&1 | grep -v '^ \|^$' | tail -6
done

part step times, tfjs: webgpu and wasm side by side
for s in dcgan wgan-gp acgan infogan; do
  timeout 150 node bin/gan-bench.js "specs/$s.yaml" --backend webgpu,wasm --steps 5 --warmup 2 $([ "$s" = dcgan ] || [ "$s" = wgan-gp ] && echo --batch 32) 2>&1 | grep -v '^ \|^$\|Warning\|^(median\|^gan-bench 20'
done

part step times, the generated torch modules on CUDA
for m in dcgan wgan-gp acgan infogan; do
  PYTHONPATH=runtime-torch timeout 120 "$PY" bench/torch_step.py "generated-torch/$m.py" --device cuda --steps 10 --warmup 3 $([ "$m" = dcgan ] || [ "$m" = wgan-gp ] && echo --batch 32) 2>&1 | tail -1
done

part "time to DCGAN's targets on webgpu ($MIN min at most)"
timeout $((MIN * 60 + 120)) node bin/gan-bench.js --to-quality specs/dcgan.yaml --backend webgpu --limit-min "$MIN" --eval-every 200 --eval-n 2000 --out "$QDIR" 2>&1 | grep -v '^ \|^$\|Warning' | tail -30
