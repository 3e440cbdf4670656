#!/usr/bin/env bash
# The generated PyTorch modules (generated-torch/dcgan.py, wgan-gp.py, trained by ganspec_torch's
# gs.cycle) against bench/baseline/pytorch_dcgan.py's hand-written PyTorch ports of the same
# networks: one training step at batch 32 on THREADS threads (default 2; 1 is what each rank of
# `gan-train --nproc 2` gets on a 2-core machine), the two run in alternation (ROUNDS rounds,
# each a fresh process per side) so that the machine's load falls on both alike; prints every
# row, then per model the medians over all timed steps and the ratio generated/hand-written
# (below 1: the generated step is faster), also by CPU time per step (user + system, both
# threads: what a loaded machine's other processes change least). Needs /usr/bin/python3 with
# torch (and numpy for the baseline's MNIST reader): apt-get install -y python3-torch.
#
#   bench/compare-torch.sh [steps] [rounds] [threads]   (default 10 timed steps after 2 warm-up, 3 rounds, 2 threads)
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS="${1:-10}"
ROUNDS="${2:-3}"
THREADS="${3:-2}"
PY="${GANSPEC_PYTHON:-/usr/bin/python3}"
"$PY" -c 'import torch' 2>/dev/null || { echo "compare-torch: $PY has no torch (apt-get install -y python3-torch)" >&2; exit 1; }
for model in dcgan wgan-gp; do
  [ -f "generated-torch/$model.py" ] || { echo "compare-torch: no generated-torch/$model.py (npm run golden:update)" >&2; exit 1; }
done

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
echo "# $(date -u +%FT%TZ), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for round in $(seq "$ROUNDS"); do
  for model in dcgan wgan-gp; do
    "$PY" bench/baseline/pytorch_dcgan.py --model "$model" --batch 32 --threads "$THREADS" --steps "$STEPS" --warmup 2 --seed "$round" --json >>"$out"
    PYTHONPATH=runtime-torch "$PY" bench/torch_step.py "generated-torch/$model.py" --batch 32 --threads "$THREADS" --steps "$STEPS" --warmup 2 --seed "$round" --json >>"$out"
  done
done
"$PY" - "$out" <<'PYEOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
for r in rows:
    r.pop("phases", None)
    print(json.dumps(r))
print()
for model in ("dcgan", "wgan-gp"):
    def med(impl):
        mine = [r for r in rows if r["spec"] == model and r["impl"] == impl]
        return (statistics.median(r["ms_per_step"] for r in mine), min(r["ms_min"] for r in mine), len(mine),
                statistics.median(r["cpu_ms_per_step"] for r in mine))
    (gen, gen_min, n, gen_cpu), (hand, hand_min, _, hand_cpu) = med("ganspec-torch"), med("pytorch")
    print(f"{model}: generated {gen:.0f} ms/step (fastest {gen_min:.0f}, CPU {gen_cpu:.0f}), hand-written {hand:.0f} ms/step (fastest {hand_min:.0f}, CPU {hand_cpu:.0f}), "
          f"generated/hand-written = {gen / hand:.2f} (median of {n} rounds' medians), {gen_min / hand_min:.2f} (fastest steps), {gen_cpu / hand_cpu:.2f} (CPU time)")
PYEOF
