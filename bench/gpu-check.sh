#!/usr/bin/env bash
# The GPU checks on a machine with an NVIDIA GPU, in one run, each part logged and none stopping
# the rest. The parts, all by default or those named, in this order:
#   cuda     the PyTorch target on CUDA: every spec of specs/ trained 20 steps with --device cuda
#            (all at once), a run resumed on CUDA, a CPU run resumed on CUDA
#   tests    the suite's torch test files (test/torch-*.test.ts) against that machine's torch
#   suite    the whole suite's test files (not a default part; bench/gpu-pack.sh --suite packs what
#            it loads; the browser tests need Chromium, which that machine lacks)
#   webgpu   which tf backends load (tfjs-node-gpu; webgpu through Dawn's Vulkan, with the adapter it
#            found), whether webgpu trains as wasm does (bench/agree.ts, 3 steps at batch 4)
#   quality  time to quality (gan-bench --to-quality, scored every 100 steps) of each ON:SPEC of
#            QUALITY: ON is cuda (the PyTorch target, --device cuda) or a tfjs backend (webgpu:
#            scored on webgpu as it trains; the checkpoint of its last evaluation scored again by
#            gan-eval on wasm, and the two evaluations should agree)
#   steps    step times: webgpu against wasm on every core (gan-bench, side by side in one run), and
#            the generated PyTorch modules on CUDA (bench/torch_step.py)
# Needs node with ganspec's packages (plus the optional webgpu and @tensorflow/tfjs-backend-webgpu
# for webgpu, quality on webgpu and steps), and python3 with torch (or GANSPEC_PYTHON). On a
# machine that reaches no registry: bench/gpu-pack.sh here, then `source .gpu/unpack.sh` there.
#
#   bench/gpu-check.sh [part ...]   MIN: minutes at most of each time-to-quality run (default 3)
#                                   OUT_DIR: where the runs go (default runs/gpu-check)
#                                   QUALITY: quality's runs (default cuda:dcgan cuda:acgan webgpu:dcgan)
#                                   AGREE: the specs webgpu is checked on (default dcgan wgan-gp infogan)
set -uo pipefail
cd "$(dirname "$0")/.."
MIN="${MIN:-3}"
DIR="${OUT_DIR:-runs/gpu-check}"
PY="${GANSPEC_PYTHON:-python3}"
QUALITY="${QUALITY:-cuda:dcgan cuda:acgan webgpu:dcgan}"
AGREE="${AGREE:-dcgan wgan-gp infogan}"
PARTS=("${@:-cuda tests webgpu quality steps}")
AT_ONCE=$(( $(nproc) > 2 ? $(nproc) / 2 : 2 ))  # test files run at once
part() { echo; echo "## $* ($(date -u +%T))"; }
quiet() { grep -v '^ \|^$\|Warning\|synchronously\|^(median\|^gan-bench 20'; }
torch_train() { timeout 120 node bin/gan-train.js "$2" --target torch --device "$1" --no-report "${@:3}" 2>&1; }

echo "## machine"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || echo "nvidia-smi: none"
echo "$(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, node $(node -v), $("$PY" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)' 2>&1 | tail -1)"
mkdir -p "$DIR"

for p in ${PARTS[*]}; do case "$p" in
cuda)
  part "every spec trains 20 steps on CUDA (--target torch --device cuda, all at once)"
  for s in specs/*.yaml; do
    n=$(basename "$s" .yaml)
    (torch_train cuda "$s" --steps 20 --out "$DIR/cuda-$n" > "$DIR/cuda-$n.log"; echo "exit $?" >> "$DIR/cuda-$n.log") &
  done
  wait
  for s in specs/*.yaml; do n=$(basename "$s" .yaml); echo "$n: $(grep -v '^$' "$DIR/cuda-$n.log" | tail -2 | tr '\n' ' ')"; done

  part "a run resumed on CUDA; a CPU run resumed on CUDA"
  rm -rf "$DIR/resume-cuda" "$DIR/resume-cpu"
  torch_train cuda specs/dcgan.yaml --steps 30 --out "$DIR/resume-cuda" | tail -1
  torch_train cuda specs/dcgan.yaml --steps 60 --out "$DIR/resume-cuda" --resume | tail -2
  torch_train cpu specs/dcgan.yaml --steps 30 --out "$DIR/resume-cpu" | tail -1
  torch_train cuda specs/dcgan.yaml --steps 60 --out "$DIR/resume-cpu" --resume | tail -2
  ;;
tests|suite)
  if [ "$p" = tests ]; then files=(test/torch-*.test.ts) what="the suite's torch tests"; else files=(test/*.test.ts) what="the whole suite"; fi
  part "$what against this machine's torch (node --test, $AT_ONCE at a time)"
  GANSPEC_PYTHON="$PY" GLIBC_TUNABLES=glibc.malloc.hugetlb=1 timeout 900 node --import tsx --test --test-concurrency="$AT_ONCE" \
    --test-reporter=spec "${files[@]}" > "$DIR/$p.log" 2>&1
  echo "exit $?"; grep -E '^ *✖|^ℹ (tests|pass|fail|duration)' "$DIR/$p.log" | head -60
  ;;
webgpu)
  part which backends load
  for b in node-gpu webgpu; do
    timeout 120 node bin/gan-bench.js specs/ring.yaml --backend "$b" --steps 1 --warmup 0 2>&1 | grep -v '^ \|^$' | tail -2
  done
  part webgpu trains as wasm does
  for s in $AGREE; do
    timeout 100 node --import tsx bench/agree.ts "specs/$s.yaml" wasm webgpu --steps 3 --batch 4 2>&1 | grep -v '^ \|^$' | tail -6
  done
  ;;
quality)
  for q in $QUALITY; do
    on="${q%%:*}" s="${q#*:}"
    run="$DIR/quality-$on-$s"
    rm -rf "$run"
    if [ "$on" = cuda ]; then
      part "$s's time to quality on PyTorch CUDA ($MIN min at most, scored every 100 steps)"
      node bin/gan-bench.js --to-quality "specs/$s.yaml" --target torch --device cuda --limit-min "$MIN" --eval-every 100 --eval-n 2000 --out "$run" 2>&1 | grep -v '^$' | tail -12
    else
      part "$s's time to quality on tfjs $on ($MIN min at most, scored on $on every 100 steps), the checkpoint of its last evaluation scored again on wasm"
      node bin/gan-bench.js --to-quality "specs/$s.yaml" --backend "$on" --limit-min "$MIN" --eval-every 100 --eval-n 2000 --set checkpoint.every=100 --out "$run" 2>&1 | grep -v '^$\|Warning\|synchronously' | tail -12
      step=$(tail -1 "$run/metrics.jsonl" | sed -n 's/^{[^{]*"step":\([0-9]*\).*/\1/p')
      node bin/gan-eval.js "$run/checkpoints/step-$(printf %06d "$step")" --backend wasm -n 2000 2>&1 | tail -2
    fi
  done
  ;;
steps)
  part "step times, tfjs: webgpu and wasm side by side"
  for s in "dcgan --batch 32" "wgan-gp --batch 32" acgan infogan; do
    set -- $s
    timeout 100 node bin/gan-bench.js "specs/$1.yaml" --backend webgpu,wasm --steps 5 --warmup 2 "${@:2}" 2>&1 | quiet
  done
  part "step times, the generated torch modules on CUDA"
  for m in dcgan wgan-gp acgan infogan; do
    PYTHONPATH=runtime-torch timeout 120 "$PY" bench/torch_step.py "generated-torch/$m.py" --device cuda --steps 10 --warmup 3 --batch "$([ "$m" = infogan ] && echo 128 || echo 32)" 2>&1 | tail -1
  done
  ;;
*) echo "unknown part $p (cuda, tests, suite, webgpu, quality, steps)"; exit 2 ;;
esac; done
