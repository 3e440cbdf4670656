"""The options and timing fields every PyTorch step benchmark has (pytorch_dcgan.py, the hand-written
ports, and ../torch_step.py, the generated modules), so both rows of compare-torch.sh read
alike. Imports the standard library and torch."""
import argparse
import os
import resource
import statistics

import torch


def add_step_options(ap: argparse.ArgumentParser) -> None:
    """--batch, --steps, --warmup, --threads, --seed and --json, alike in both benchmarks."""
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true")


def timing_fields(batch: int, steps: int, warmup: int, totals: list, cpu: list, faults: float, device: str = "cpu") -> dict:
    """Wall ms per step (`totals`), CPU ms per step (`cpu`), minor faults per step, and the setup."""
    ms = statistics.median(totals)
    return {
        "backend": f"torch {torch.__version__} {torch.cuda.get_device_name() if device == 'cuda' else 'cpu'}",
        "threads": torch.get_num_threads(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "batch": batch,
        "steps": steps,
        "warmup": warmup,
        "ms_per_step": ms,
        "ms_min": min(totals),
        "ms_max": max(totals),
        "cpu_ms_per_step": statistics.median(cpu),
        "samples_per_s": batch * 1000 / ms,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "minor_faults_per_step": faults,
    }
