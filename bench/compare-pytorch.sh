#!/usr/bin/env bash
# DCGAN and WGAN-GP, one training step at batch 32: ours (gan-bench, wasm unless BACKEND says
# otherwise) against PyTorch (Debian's python3-torch, 2 threads), run one after the other, and
# the ratio ours/PyTorch. Bench only: needs /usr/bin/python3 with torch
# (apt-get install -y python3-torch); ganspec itself never needs Python.
#
#   bench/compare-pytorch.sh [steps]          (default 10 timed steps, 2 warm-up, each side)
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS="${1:-10}"
BACKEND="${BACKEND:-wasm}"
PY=/usr/bin/python3
"$PY" -c 'import torch' 2>/dev/null || { echo "compare-pytorch: $PY has no torch (apt-get install -y python3-torch)" >&2; exit 1; }

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
echo "# $(date -u +%FT%TZ), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for model in dcgan wgan-gp; do
  node bin/gan-bench.js "specs/$model.yaml" --backend "$BACKEND" --batch 32 --steps "$STEPS" --warmup 2 --json | grep '"kind":"step"' | sed 's/^{/{"impl":"ganspec",/' >>"$out"
  "$PY" bench/baseline/pytorch_dcgan.py --model "$model" --batch 32 --threads 2 --steps "$STEPS" --warmup 2 --json >>"$out"
done
"$PY" - "$out" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
for r in rows:
    print(json.dumps(r))
print()
for model in ("dcgan", "wgan-gp"):
    ours = next(r for r in rows if r["spec"] == model and r["impl"] == "ganspec")
    torch = next(r for r in rows if r["spec"] == model and r["impl"] == "pytorch")
    print(f"{model}: ganspec {ours['backend']} {ours['ms_per_step']:.0f} ms/step (fastest {ours['ms_min']:.0f}), "
          f"PyTorch {torch['threads']} threads {torch['ms_per_step']:.0f} ms/step (fastest {torch['ms_min']:.0f}), "
          f"ours/PyTorch = {ours['ms_per_step'] / torch['ms_per_step']:.2f} (medians), "
          f"{ours['ms_min'] / torch['ms_min']:.2f} (fastest steps)")
EOF
