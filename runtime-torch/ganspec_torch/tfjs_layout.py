"""A network's weights in TensorFlow.js order, names and layouts, both ways: the order of tfjs's
model.weights (every layer's trainable weights, layer by layer, then every layer's non-trainable
ones: batch-norm moving statistics, spectral norm's u), names `<layer>/<weight>` (`D_l5/gamma`),
and per-tensor layout conversions: dense kernel [in, out] = weight.T; conv2d kernel
[kh, kw, in, out] = weight.permute(2, 3, 1, 0); conv2d_transpose kernel [kh, kw, out, in] =
ConvTranspose weight [in, out, kh, kw].permute(2, 3, 1, 0); everything else as it is.
Imports torch and layers.py only."""
from __future__ import annotations

from typing import List, Sequence, Tuple

import torch
from torch import Tensor, nn

from .layers import gs_layers


def _to_tfjs(t: Tensor, layout: str) -> Tensor:
    if layout == "dense":
        return t.t()
    if layout in ("conv", "deconv"):
        return t.permute(2, 3, 1, 0)
    return t


def _from_tfjs(t: Tensor, layout: str) -> Tensor:
    if layout == "dense":
        return t.t()
    if layout in ("conv", "deconv"):
        return t.permute(3, 2, 0, 1)
    return t


def weight_entries(module: nn.Module) -> List[Tuple[str, Tensor, bool, str]]:
    """(tfjs name, torch tensor, trainable, layout) in tfjs model.weights order."""
    entries = [(f"{layer.tfjs_name}/{suffix}", t, trainable, layout) for layer in gs_layers(module) for suffix, t, trainable, layout in layer.weight_specs()]
    return [e for e in entries if e[2]] + [e for e in entries if not e[2]]


def trainable_weights(module: nn.Module, layers: Sequence[str] | None = None) -> List[Tensor]:
    """The trainable tensors in tfjs order: all of them, or those of the named (tfjs) layers."""
    if layers is None:
        return [t for _, t, trainable, _ in weight_entries(module) if trainable]
    by_name = {layer.tfjs_name: layer for layer in gs_layers(module)}
    missing = [n for n in layers if n not in by_name]
    if missing:
        raise KeyError(f"no layer named {', '.join(missing)}")
    return [t for n in layers for _, t, trainable, _ in by_name[n].weight_specs() if trainable]


def tfjs_weights(module: nn.Module) -> List[Tuple[str, Tensor]]:
    """The network's weights as tfjs holds them: (name, float32 CPU tensor in tfjs layout)."""
    return [(name, _to_tfjs(t.detach(), layout).contiguous().cpu().float()) for name, t, _, layout in weight_entries(module)]


def load_tfjs_weights(module: nn.Module, weights: Sequence[Tuple[str, Tensor]]) -> None:
    """Sets the network's weights from (name, tensor) in tfjs order and layout; names and shapes are checked."""
    entries = weight_entries(module)
    if len(weights) != len(entries):
        raise ValueError(f"{len(weights)} weights given, the network has {len(entries)}")
    with torch.no_grad():
        for (name, t, _, layout), (given, value) in zip(entries, weights):
            if given != name:
                raise ValueError(f"weight {given} given where the network has {name}")
            converted = _from_tfjs(torch.as_tensor(value), layout)
            if tuple(converted.shape) != tuple(t.shape):
                raise ValueError(f"weight {name}: shape {list(torch.as_tensor(value).shape)} does not fit {list(_to_tfjs(t, layout).shape)}")
            t.copy_(converted.to(t.device, t.dtype))
