"""The random inputs a spec names (normal and uniform of any shape and range, label,
categorical), drawn from a torch.Generator for a batch, and the fixed inputs of a preview grid
where an input may be held along a row or a column (runtime/loop/random-inputs.ts's rules).
Shapes are the spec's (tfjs) per-example shapes; a rank-3 (h, w, c) one is drawn NCHW (c, h, w).

May import: torch and the standard library.
"""
from __future__ import annotations

from typing import Any, Sequence

import torch
import torch.nn.functional as F


def torch_shape(shape: Sequence[int]) -> list[int]:
    """A per-example shape in torch axes: (h, w, c) -> (c, h, w); others as they are."""
    shape = list(shape)
    return [shape[2], shape[0], shape[1]] if len(shape) == 3 else shape


def draw_one(sample: Any, n: int, generator: torch.Generator, classes: torch.Tensor | None = None) -> torch.Tensor:
    """n draws of one random input, [n, ...]; labels and codes may be given instead of drawn."""
    kind = sample.kind
    if kind == "normal":
        return torch.randn([n, *torch_shape(sample.shape)], generator=generator) * sample.std + sample.mean
    if kind == "uniform":
        return torch.rand([n, *torch_shape(sample.shape)], generator=generator) * (sample.high - sample.low) + sample.low
    index = classes if classes is not None else torch.randint(0, sample.size, (n,), generator=generator)
    if kind == "label":
        return index
    if kind == "categorical":
        return F.one_hot(index, sample.size).float()
    raise ValueError(f"unknown random input kind {kind!r}")


def draw_sampled(trainer: Any, names: Sequence[str], batch: int, generator: torch.Generator) -> dict[str, torch.Tensor]:
    """The named random inputs of `trainer` for one batch, in the trainer's order."""
    return {s.name: draw_one(s, batch, generator) for s in trainer.samples if s.name in names}


def grid_inputs(trainer: Any, names: Sequence[str], rows: int, cols: int, per_row: Sequence[str], per_col: Sequence[str],
                generator: torch.Generator) -> dict[str, torch.Tensor]:
    """The inputs of a rows x cols grid, row-major: an input held per row (column) is drawn once per
    row (column) and repeated along it; a held label or code takes the row (column) index."""
    n = rows * cols
    out: dict[str, torch.Tensor] = {}
    for s in trainer.samples:
        if s.name not in names:
            continue
        held = "row" if s.name in per_row else "col" if s.name in per_col else None
        if held is None:
            out[s.name] = draw_one(s, n, generator)
            continue
        i = torch.arange(n)
        index = i // cols if held == "row" else i % cols
        if s.kind in ("label", "categorical"):
            out[s.name] = draw_one(s, n, generator, index % s.size)
        else:
            out[s.name] = draw_one(s, rows if held == "row" else cols, generator)[index]
    return out
