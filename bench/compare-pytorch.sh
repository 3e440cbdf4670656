#!/usr/bin/env bash
# One training step of each model: ours (gan-bench, wasm unless BACKEND says otherwise) against
# PyTorch (Debian's python3-torch, 2 threads), run one after the other, and the ratio
# ours/PyTorch. DCGAN and WGAN-GP at batch 32 against the hand-written Keras-GAN ports
# (bench/baseline/pytorch_dcgan.py); ACGAN (batch 32) and InfoGAN (128), at their specs'
# batches, against ganspec's generated PyTorch modules (bench/torch_step.py: no hand-written port
# of them; the generated DCGAN and WGAN-GP steps are within 0.8 to 1.1 of the hand-written ones,
# BENCHMARKS.md). Bench only: needs /usr/bin/python3 with torch (apt-get install -y
# python3-torch); ganspec itself never needs Python.
#
#   bench/compare-pytorch.sh [steps] [model...]   (default 10 timed steps, 2 warm-up, each side;
#                                                  models: dcgan wgan-gp (default), acgan, infogan)
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS="${1:-10}"
MODELS=("${@:2}")
[ ${#MODELS[@]} -gt 0 ] || MODELS=(dcgan wgan-gp)
BACKEND="${BACKEND:-wasm}"
PY=/usr/bin/python3
"$PY" -c 'import torch' 2>/dev/null || { echo "compare-pytorch: $PY has no torch (apt-get install -y python3-torch)" >&2; exit 1; }

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
echo "# $(date -u +%FT%TZ), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for model in "${MODELS[@]}"; do
  case "$model" in
    dcgan | wgan-gp | acgan) batch=32 ;;
    infogan) batch=128 ;;
    *) echo "compare-pytorch: unknown model '$model' (dcgan, wgan-gp, acgan, infogan)" >&2; exit 1 ;;
  esac
  node bin/gan-bench.js "specs/$model.yaml" --backend "$BACKEND" --batch "$batch" --steps "$STEPS" --warmup 2 --json | grep '"kind":"step"' | sed 's/^{/{"impl":"ganspec",/' >>"$out"
  case "$model" in
    dcgan | wgan-gp) "$PY" bench/baseline/pytorch_dcgan.py --model "$model" --batch 32 --threads 2 --steps "$STEPS" --warmup 2 --json >>"$out" ;;
    *) PYTHONPATH=runtime-torch "$PY" bench/torch_step.py "generated-torch/$model.py" --batch "$batch" --threads 2 --steps "$STEPS" --warmup 2 --json >>"$out" ;;
  esac
done
"$PY" - "$out" "${MODELS[@]}" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
for r in rows:
    print(json.dumps(r))
print()
for model in sys.argv[2:]:
    ours = next(r for r in rows if r["spec"] == model and r["impl"] == "ganspec")
    torch = next(r for r in rows if r["spec"] == model and r["impl"] != "ganspec")
    peer = "PyTorch" if torch["impl"] == "pytorch" else "PyTorch (generated module)"
    print(f"{model} (batch {ours['batch']}): ganspec {ours['backend']} {ours['ms_per_step']:.0f} ms/step (fastest {ours['ms_min']:.0f}), "
          f"{peer} {torch['threads']} threads {torch['ms_per_step']:.0f} ms/step (fastest {torch['ms_min']:.0f}), "
          f"ours/PyTorch = {ours['ms_per_step'] / torch['ms_per_step']:.2f} (medians), "
          f"{ours['ms_min'] / torch['ms_min']:.2f} (fastest steps)")
EOF
