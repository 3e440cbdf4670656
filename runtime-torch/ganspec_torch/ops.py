"""The spec language's operations as generated loss functions call them (gs.bce(t, 1),
gs.reduce("std", t, [0]), gs.grad(f, x), ...), computed as the TypeScript runtime computes them:
losses as runtime/ops/losses.ts (probabilities clipped to [1e-7, 1 - 1e-7], batch means),
reductions along axes the emitter has already mapped to NCHW, per-example dot and norms as
runtime/ops/tensor.ts, the gradient penalty as runtime/ops/penalty.ts, fresh draws shaped like a
tensor, and DiffAugment as runtime/ops/diffaugment.ts (with its draws as plain numbers, so a test
can give its own). Random draws go through `random_source` (a torch.Generator or None), which the
training loop seeds. Imports the standard library and torch only."""
from __future__ import annotations

import math
from typing import Callable, Dict, List, Optional, Sequence, Union

import torch
import torch.nn.functional as F
from torch import Tensor

EPSILON = 1e-7
NORM_EPSILON = 1e-12

Target = Union[Tensor, float, int]

#: The generator of every draw the operations make (None: torch's default one).
random_source: Optional[torch.Generator] = None


#: Replaces every draw a loss makes when set (gs.set_draw_hook): called as hook("uniform",
#: shape, (lo, hi)), hook("normal", shape, (mean, std)) -> a tensor of that (torch) shape, or
#: hook("augment", [B, C, H, W], policy) -> DiffAugment's draws (draw_augment's dict).
_draw_hook: Optional[Callable[[str, List[int], object], object]] = None


def set_random_source(generator: Optional[torch.Generator]) -> None:
    global random_source
    random_source = generator


def set_draw_hook(hook: Optional[Callable[[str, List[int], object], object]]) -> None:
    """Routes every in-loss draw through `hook` (None: draw from random_source again)."""
    global _draw_hook
    _draw_hook = hook


def _like(pred: Tensor, target: Target) -> Tensor:
    return torch.full_like(pred, float(target)) if not isinstance(target, Tensor) else target.to(pred.dtype)


def _onehot_target(pred: Tensor, target: Target) -> Tensor:
    classes, batch = pred.shape[-1], pred.shape[0]
    if not isinstance(target, Tensor):
        return F.one_hot(torch.full((batch,), int(target), dtype=torch.long, device=pred.device), classes).to(pred.dtype)
    if not target.is_floating_point():
        return F.one_hot(target.reshape(batch).long(), classes).to(pred.dtype)
    return target


def bce(pred: Tensor, target: Target) -> Tensor:
    """Binary cross-entropy of probabilities, clipped like Keras, the batch mean."""
    p = pred.clamp(EPSILON, 1 - EPSILON)
    t = _like(pred, target)
    return -(t * torch.log(p) + (1 - t) * torch.log(1 - p)).mean()


def ce(pred: Tensor, target: Target) -> Tensor:
    """Categorical cross-entropy of class probabilities [batch, K] against a class, labels or codes."""
    p = pred.clamp(EPSILON, 1 - EPSILON)
    return -(_onehot_target(pred, target) * torch.log(p)).sum(-1).mean()


def bce_logits(logits: Tensor, target: Target) -> Tensor:
    """mean(max(l, 0) - l * t + log(1 + exp(-|l|)))."""
    t = _like(logits, target)
    return (torch.relu(logits) - logits * t + torch.log1p(torch.exp(-logits.abs()))).mean()


def ce_logits(logits: Tensor, target: Target) -> Tensor:
    return -(_onehot_target(logits, target) * torch.log_softmax(logits, -1)).sum(-1).mean()


def mse(pred: Tensor, target: Target) -> Tensor:
    return torch.square(pred - target).mean()


def l1(pred: Tensor, target: Target) -> Tensor:
    return torch.abs(pred - target).mean()


def reduce(fn: str, t: Tensor, axes: Optional[Sequence[int]] = None) -> Tensor:
    """`fn` over `axes` (torch axes), or over everything; std and var are the population ones."""
    dims = list(range(t.dim())) if axes is None else list(axes)
    if fn == "mean":
        return t.mean(dims) if dims else t
    if fn == "sum":
        return t.sum(dims) if dims else t
    if fn in ("max", "min"):
        out = t
        for d in sorted(dims, reverse=True):
            out = out.amax(d) if fn == "max" else out.amin(d)
        return out
    if fn in ("var", "std"):
        var = torch.var(t, dims, unbiased=False) if dims else torch.zeros_like(t)
        return var if fn == "var" else torch.sqrt(var)
    raise ValueError(f"unknown reduction '{fn}'")


def _example_dims(t: Tensor) -> List[int]:
    return list(range(1, t.dim()))


def dot(a: Tensor, b: Tensor) -> Tensor:
    """Per example, the sum over all other axes of a * b: [batch]."""
    p = a * b
    return p if p.dim() == 1 else p.sum(_example_dims(p))


def sqnorm(t: Tensor) -> Tensor:
    return dot(t, t)


def norm(t: Tensor, p: Union[int, str] = 2) -> Tensor:
    """Per example: p = 2 is sqrt(sum t^2 + 1e-12); 1 is sum |t|; "inf" is max |t|."""
    if p == 2:
        return torch.sqrt(sqnorm(t) + NORM_EPSILON)
    m = t.abs()
    dims = _example_dims(t)
    if not dims:
        return m
    return m.sum(dims) if p == 1 else m.flatten(1).amax(1)


def grad(f: Callable[[Tensor], Tensor], at: Tensor) -> Tensor:
    """d sum(f(x)) / dx at `at`, differentiable again (create_graph) w.r.t. the weights f uses."""
    x = at if at.requires_grad else at.detach().requires_grad_(True)
    y = f(x)
    if not y.requires_grad:
        return torch.zeros_like(x)
    (g,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    return g


def _draw(fn: Callable[..., Tensor], shape: Sequence[int], like: Tensor) -> Tensor:
    if random_source is None:
        return fn(list(shape), device=like.device, dtype=like.dtype if like.is_floating_point() else torch.float32)
    return fn(list(shape), generator=random_source, device=random_source.device).to(like.device)


def uniform(shape: Sequence[int], lo: float, hi: float, like: Tensor) -> Tensor:
    """Uniform on [lo, hi) from random_source (or the draw hook), on like's device."""
    if _draw_hook is not None:
        return torch.as_tensor(_draw_hook("uniform", list(shape), (lo, hi))).to(like.device, torch.float32)
    return _draw(torch.rand, shape, like) * (hi - lo) + lo


def normal(shape: Sequence[int], mean: float, std: float, like: Tensor) -> Tensor:
    if _draw_hook is not None:
        return torch.as_tensor(_draw_hook("normal", list(shape), (mean, std))).to(like.device, torch.float32)
    return _draw(torch.randn, shape, like) * std + mean


def uniform_like(t: Tensor, lo: float = 0.0, hi: float = 1.0) -> Tensor:
    return uniform(t.shape, lo, hi, t)


def normal_like(t: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    return normal(t.shape, mean, std, t)


def gradient_penalty(critic: Callable[[Tensor], Tensor], real: Tensor, fake: Tensor) -> Tensor:
    """Gulrajani et al. 2017: mean((||d critic(x^) / d x^|| - 1)^2), x^ = a real + (1 - a) fake, a ~ U[0, 1) per example."""
    alpha = uniform([real.shape[0]] + [1] * (real.dim() - 1), 0.0, 1.0, real)
    interpolated = alpha * real + (1 - alpha) * fake
    g = grad(critic, interpolated)
    norms = torch.sqrt(torch.square(g).sum(_example_dims(g)) + NORM_EPSILON)
    return torch.square(norms - 1).mean()


def nchw_operand(t: Tensor) -> Tensor:
    """A value combined with an image, aligned as tfjs aligns it with NHWC (trailing axes):
    [c] -> [c, 1, 1], [w, c] -> [c, 1, w], [h, w, c] -> [c, h, w]."""
    if t.dim() == 1:
        return t.view(-1, 1, 1)
    if t.dim() == 2:
        return t.permute(1, 0).unsqueeze(1)
    return t.permute(2, 0, 1)


def onehot(labels: Tensor, classes: int) -> Tensor:
    return F.one_hot(labels.long(), classes).float()


def as_scalar(t: Tensor) -> Tensor:
    """A loss's value as one number (a per-example or larger result is a compiler bug)."""
    if t.numel() != 1:
        raise ValueError(f"internal error: a loss must be one number, got a tensor of shape {list(t.shape)}")
    return t.reshape(())


# DiffAugment ----------------------------------------------------------------------------------

def max_shift(size: int) -> int:
    return int(math.floor(size * 0.125 + 0.5))


def cutout_size(size: int) -> int:
    return int(math.floor(size * 0.5 + 0.5))


def _default_random() -> float:
    return float(_draw(torch.rand, [], torch.zeros(())).item())


def draw_augment(policy: Sequence[str], batch: int, h: int, w: int, random: Callable[[], float] = _default_random) -> Dict[str, Dict[str, List[float]]]:
    """One batch's draws, in the order runtime/ops/diffaugment.ts drawAugment makes them."""
    def each(f: Callable[[], float]) -> List[float]:
        return [f() for _ in range(batch)]

    def randint(lo: int, hi: int) -> int:
        return lo + int(math.floor(random() * (hi - lo + 1)))

    draws: Dict[str, Dict[str, List[float]]] = {}
    for p in policy:
        if p == "color":
            draws["color"] = {"brightness": each(lambda: random() - 0.5), "saturation": each(lambda: random() * 2), "contrast": each(lambda: random() + 0.5)}
        if p == "translation":
            draws["translation"] = {"dy": each(lambda: randint(-max_shift(h), max_shift(h))), "dx": each(lambda: randint(-max_shift(w), max_shift(w)))}
        if p == "cutout":
            sh, sw = cutout_size(h), cutout_size(w)
            draws["cutout"] = {"top": each(lambda: randint(0, h - sh % 2) - sh // 2), "left": each(lambda: randint(0, w - sw % 2) - sw // 2)}
    return draws


def _per_example(values: List[float], x: Tensor) -> Tensor:
    return torch.tensor(values, dtype=x.dtype, device=x.device).view(-1, 1, 1, 1)


def _shift_matrices(shift: List[float], n: int, x: Tensor) -> Tensor:
    """[batch, n, n]: S[b, i, i + shift[b]] = 1 inside the image."""
    m = torch.zeros(len(shift), n, n, dtype=x.dtype)
    for b, s in enumerate(shift):
        s = int(s)
        for i in range(n):
            if 0 <= i + s < n:
                m[b, i, i + s] = 1.0
    return m.to(x.device)


def augment_with(x: Tensor, policy: Sequence[str], draws: Dict[str, Dict[str, List[float]]]) -> Tensor:
    """The policy on NCHW images with the given draws (color, translation, cutout as listed)."""
    y = x
    for p in policy:
        if p == "color":
            d = draws["color"]
            y = y + _per_example(d["brightness"], y)
            pixel_mean = y.mean(1, keepdim=True)
            y = (y - pixel_mean) * _per_example(d["saturation"], y) + pixel_mean
            image_mean = y.mean((1, 2, 3), keepdim=True)
            y = (y - image_mean) * _per_example(d["contrast"], y) + image_mean
        if p == "translation":
            d = draws["translation"]
            rows = _shift_matrices(d["dy"], y.shape[2], y)  # out[i] = in[i + dy]
            cols = _shift_matrices(d["dx"], y.shape[3], y)
            y = torch.matmul(rows.unsqueeze(1), y)
            y = torch.matmul(y, cols.transpose(1, 2).unsqueeze(1))
        if p == "cutout":
            d = draws["cutout"]
            b, _, h, w = y.shape
            sh, sw = cutout_size(h), cutout_size(w)
            mask = torch.ones(b, 1, h, w, dtype=y.dtype)
            for k in range(b):
                top, left = int(d["top"][k]), int(d["left"][k])
                mask[k, 0, max(0, top):min(h, top + sh), max(0, left):min(w, left + sw)] = 0.0
            y = y * mask.to(y.device)
    return y


def diff_augment(x: Tensor, policy: Sequence[str]) -> Tensor:
    """DiffAugment of NCHW images with fresh draws."""
    if x.dim() != 4:
        raise ValueError(f"internal error: diff_augment takes images [batch, c, h, w], got {list(x.shape)}")
    if _draw_hook is not None:
        draws = _draw_hook("augment", list(x.shape), list(policy))
    else:
        draws = draw_augment(policy, x.shape[0], x.shape[2], x.shape[3])
    return augment_with(x, policy, draws)  # type: ignore[arg-type]
