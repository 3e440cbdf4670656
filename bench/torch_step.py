#!/usr/bin/python3
"""PyTorch side of bench/compare-torch.sh: one training step (a schedule cycle, gs.cycle) of a
generated torch module (generated-torch/<name>.py), timed as bench/baseline/pytorch_dcgan.py
times its hand-written ports (median of timed steps after warm-up; the inputs of every update are
drawn inside the timed step), with the allocator settings gan-train --target torch makes
(gs.keep_freed_memory), and printed as the same JSON row with "impl": "ganspec-torch".

Real inputs are uniform in the spec's pixel range (images NCHW; class labels uniform over 10):
the baseline's MNIST pixels would not change the arithmetic. Imports the standard library, torch
and ganspec_torch (PYTHONPATH=runtime-torch). `--device cuda` builds the model on the GPU as
`gan-train --target torch --device cuda` does, draws the inputs there, and ends each timed step
with torch.cuda.synchronize().

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
from ganspec_torch.loop import build_model  # noqa: E402
from baseline.step_timing import add_step_options, timing_fields  # noqa: E402


def load(path):
    spec = importlib.util.spec_from_file_location("bench_module", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.TRAINER


def torch_shape(shape):
    """A per-example shape in the spec's terms as torch holds it: [h, w, c] -> [c, h, w]."""
    return [shape[2], shape[0], shape[1]] if len(shape) == 3 else list(shape)


def draw_sampled(trainer, names, batch, device):
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
    return {k: v.to(device) for k, v in out.items()}


def draw_real(trainer, names, batch, device):
    lo, hi = trainer.data.get("range", [-1, 1])
    out = {}
    for r in trainer.real:
        if r.name not in names:
            continue
        if r.dtype == "int32":
            out[r.name] = torch.randint(0, 10, (batch,))
        else:
            out[r.name] = torch.rand([batch] + torch_shape(r.shape)) * (hi - lo) + lo
    return {k: v.to(device) for k, v in out.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("module")
    add_step_options(ap)
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    a = ap.parse_args()
    device = torch.device(a.device)
    sync = torch.cuda.synchronize if a.device == "cuda" else (lambda: None)

    torch.set_num_threads(a.threads)
    kept = gs.keep_freed_memory()  # as gan-train --target torch does (ganspec_torch/allocator.py)
    torch.manual_seed(a.seed)
    trainer = load(a.module)
    model = build_model(trainer, a.seed, device)
    phases = trainer.phases

    cpu = []

    def step():
        t0, c0 = time.perf_counter(), time.process_time()
        real = {p.name: [draw_real(trainer, p.real, a.batch, device) for _ in range(p.settings.repeat)] for p in phases}
        sampled = {p.name: [draw_sampled(trainer, p.sampled, a.batch, device) for _ in range(p.settings.repeat)] for p in phases}
        gs.cycle(model, real, sampled)
        sync()
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
        **timing_fields(a.batch, a.steps, a.warmup, totals, cpu, faults, a.device),
        "malloc_thresholds_raised": kept,
    }
    if a.json:
        print(json.dumps(row))
    else:
        where = torch.cuda.get_device_name() if a.device == "cuda" else f"{torch.get_num_threads()} threads"
        print(f"{trainer.name}: {ms:.1f} ms/step (fastest {min(totals):.1f}) at batch {a.batch}, {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
