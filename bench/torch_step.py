#!/usr/bin/python3
"""PyTorch side of bench/compare-torch.sh: one training step (a schedule cycle, gs.cycle) of a
generated torch module (generated-torch/<name>.py), timed as bench/baseline/pytorch_dcgan.py
times its hand-written ports (median of timed steps after warm-up; the inputs of every update are
drawn inside the timed step), with the allocator settings gan-train --target torch makes
(gs.keep_freed_memory), and printed as the same JSON row with "impl": "ganspec-torch".

Real inputs are uniform in the spec's pixel range (images NCHW; class labels uniform over 10):
the baseline's MNIST pixels would not change the arithmetic. Imports the standard library, torch
and ganspec_torch (PYTHONPATH=runtime-torch).

    PYTHONPATH=runtime-torch /usr/bin/python3 bench/torch_step.py generated-torch/dcgan.py --batch 32 --threads 2 --json
"""
import argparse
import importlib.util
import json
import os
import resource
import statistics
import sys
import time

# As the baseline: OpenMP's spin-waiting makes 2 threads slower than 1 on a shared machine.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402

import ganspec_torch as gs  # noqa: E402
from baseline.step_timing import add_step_options, timing_fields  # noqa: E402


def load(path):
    spec = importlib.util.spec_from_file_location("bench_module", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.TRAINER


def torch_shape(shape):
    """A per-example shape in the spec's terms as torch holds it: [h, w, c] -> [c, h, w]."""
    return [shape[2], shape[0], shape[1]] if len(shape) == 3 else list(shape)


def draw_sampled(trainer, names, batch):
    out = {}
    for s in trainer.samples:
        if s.name not in names:
            continue
        shape = [batch] + torch_shape(s.shape)
        if s.kind == "normal":
            out[s.name] = torch.randn(shape) * s.std + s.mean
        elif s.kind == "uniform":
            out[s.name] = torch.rand(shape) * (s.high - s.low) + s.low
        elif s.kind == "label":
            out[s.name] = torch.randint(0, s.size, (batch,))
        else:
            out[s.name] = torch.nn.functional.one_hot(torch.randint(0, s.size, (batch,)), s.size).float()
    return out


def draw_real(trainer, names, batch):
    lo, hi = trainer.data.get("range", [-1, 1])
    out = {}
    for r in trainer.real:
        if r.name not in names:
            continue
        if r.dtype == "int32":
            out[r.name] = torch.randint(0, 10, (batch,))
        else:
            out[r.name] = torch.rand([batch] + torch_shape(r.shape)) * (hi - lo) + lo
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("module")
    add_step_options(ap)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    kept = gs.keep_freed_memory()  # as gan-train --target torch does (ganspec_torch/allocator.py)
    torch.manual_seed(a.seed)
    trainer = load(a.module)
    model = gs.build(trainer, a.seed)
    phases = trainer.phases

    cpu = []

    def step():
        t0, c0 = time.perf_counter(), time.process_time()
        real = {p.name: [draw_real(trainer, p.real, a.batch) for _ in range(p.settings.repeat)] for p in phases}
        sampled = {p.name: [draw_sampled(trainer, p.sampled, a.batch) for _ in range(p.settings.repeat)] for p in phases}
        gs.cycle(model, real, sampled)
        cpu.append((time.process_time() - c0) * 1000)
        return (time.perf_counter() - t0) * 1000

    for _ in range(a.warmup):
        step()
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    cpu.clear()
    totals = [step() for _ in range(a.steps)]
    faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / a.steps
    ms = statistics.median(totals)
    row = {
        "kind": "step",
        "spec": trainer.name,
        "impl": "ganspec-torch",
        "variant": "spec",
        **timing_fields(a.batch, a.steps, a.warmup, totals, cpu, faults),
        "malloc_thresholds_raised": kept,
    }
    if a.json:
        print(json.dumps(row))
    else:
        print(f"{trainer.name}: {ms:.0f} ms/step (fastest {min(totals):.0f}) at batch {a.batch}, {torch.get_num_threads()} threads")
    return 0


if __name__ == "__main__":
    sys.exit(main())
