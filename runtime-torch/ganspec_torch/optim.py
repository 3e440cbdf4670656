"""The optimizers as TensorFlow.js 4.22 computes them (tfjs-core/dist/optimizers/*.js), not as
torch.optim does, and the learning rate of a step (runtime/loop/learning-rate.ts):
- Adam: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps),
  with b1^t and b2^t kept as float32 running products (tfjs's accBeta1/2), advanced once per step.
- RMSprop: ms = rho ms + (1 - rho) g^2; mom = momentum mom + lr g / sqrt(ms + eps); w -= mom.
- SGD: w -= lr g.
A gradient of None (a weight the loss does not reach) leaves that weight and its state alone, as
tfjs does. Multi-tensor (foreach) ops, fused and in place (addcmul/addcdiv: the same formulas,
rounded once less here and there), where torch has them. Imports the standard library, torch and trainer.py."""
from __future__ import annotations

from typing import Dict, List, Optional

import torch
from torch import Tensor

from .trainer import OptimizerSettings


def learning_rate(settings: OptimizerSettings, step: int) -> float:
    """lr * clamp((end - step) / (end - start), 0, 1) under a linear decay past its start; lr otherwise."""
    d = settings.decay
    if d is None or step <= d.start:
        return settings.lr
    return settings.lr * min(1.0, max(0.0, (d.end - step) / (d.end - d.start)))


def _present(params: List[Tensor], grads: List[Optional[Tensor]], *states: List[Tensor]):
    keep = [i for i, g in enumerate(grads) if g is not None]
    return [params[i] for i in keep], [grads[i] for i in keep], *[[s[i] for i in keep] for s in states]


class Optimizer:
    """One optimizer over a fixed list of weights; `lr` is set before each step."""

    def __init__(self, params: List[Tensor], lr: float) -> None:
        self.params = list(params)
        self.lr = lr

    def step(self, grads: List[Optional[Tensor]]) -> None:
        raise NotImplementedError

    def state_dict(self) -> Dict[str, object]:
        return {}

    def load_state_dict(self, state: Dict[str, object]) -> None:
        pass


class SGD(Optimizer):
    @torch.no_grad()
    def step(self, grads: List[Optional[Tensor]]) -> None:
        params, gs = _present(self.params, grads)
        if params:
            torch._foreach_add_(params, torch._foreach_mul(gs, -self.lr))


class Adam(Optimizer):
    def __init__(self, params: List[Tensor], lr: float, beta1: float, beta2: float, epsilon: float) -> None:
        super().__init__(params, lr)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.acc_beta1 = torch.tensor(beta1, dtype=torch.float32)
        self.acc_beta2 = torch.tensor(beta2, dtype=torch.float32)
        self.iterations = 0

    @torch.no_grad()
    def step(self, grads: List[Optional[Tensor]]) -> None:
        params, gs, ms, vs = _present(self.params, grads, self.m, self.v)
        if params:
            one_minus_b1 = float(1 - self.acc_beta1)
            one_minus_b2 = float(1 - self.acc_beta2)
            # In place and fused (8 passes over the weights instead of 14), the same arithmetic:
            torch._foreach_mul_(ms, self.beta1)
            torch._foreach_add_(ms, gs, alpha=1 - self.beta1)  # m = b1 m + (1 - b1) g
            torch._foreach_mul_(vs, self.beta2)
            torch._foreach_addcmul_(vs, gs, gs, value=1 - self.beta2)  # v = b2 v + (1 - b2) g^2
            denom = torch._foreach_div(vs, one_minus_b2)
            torch._foreach_sqrt_(denom)
            torch._foreach_add_(denom, self.epsilon)  # sqrt(v / (1 - b2^t)) + eps
            torch._foreach_addcdiv_(params, ms, denom, value=-self.lr / one_minus_b1)  # w -= lr (m / (1 - b1^t)) / denom
        self.acc_beta1 = self.acc_beta1 * self.beta1
        self.acc_beta2 = self.acc_beta2 * self.beta2
        self.iterations += 1

    def state_dict(self) -> Dict[str, object]:
        return {"m": self.m, "v": self.v, "acc_beta1": self.acc_beta1, "acc_beta2": self.acc_beta2, "iterations": self.iterations}

    def load_state_dict(self, state: Dict[str, object]) -> None:
        with torch.no_grad():
            for dst, src in zip(self.m + self.v, list(state["m"]) + list(state["v"])):  # type: ignore[arg-type]
                dst.copy_(src)
        self.acc_beta1 = torch.as_tensor(state["acc_beta1"], dtype=torch.float32).clone()
        self.acc_beta2 = torch.as_tensor(state["acc_beta2"], dtype=torch.float32).clone()
        self.iterations = int(state["iterations"])  # type: ignore[arg-type]


class RMSprop(Optimizer):
    def __init__(self, params: List[Tensor], lr: float, rho: float, momentum: float, epsilon: float) -> None:
        super().__init__(params, lr)
        self.rho, self.momentum, self.epsilon = rho, momentum, epsilon
        self.ms = [torch.zeros_like(p) for p in self.params]
        self.mom = [torch.zeros_like(p) for p in self.params]
        self.iterations = 0

    @torch.no_grad()
    def step(self, grads: List[Optional[Tensor]]) -> None:
        params, gs, mss, moms = _present(self.params, grads, self.ms, self.mom)
        if params:
            torch._foreach_mul_(mss, self.rho)
            torch._foreach_addcmul_(mss, gs, gs, value=1 - self.rho)  # ms = rho ms + (1 - rho) g^2
            denom = torch._foreach_add(mss, self.epsilon)
            torch._foreach_sqrt_(denom)  # sqrt(ms + eps)
            torch._foreach_mul_(moms, self.momentum)
            torch._foreach_addcdiv_(moms, gs, denom, value=self.lr)  # mom = momentum mom + lr g / sqrt(ms + eps)
            torch._foreach_sub_(params, moms)
        self.iterations += 1

    def state_dict(self) -> Dict[str, object]:
        return {"ms": self.ms, "mom": self.mom, "iterations": self.iterations}

    def load_state_dict(self, state: Dict[str, object]) -> None:
        with torch.no_grad():
            for dst, src in zip(self.ms + self.mom, list(state["ms"]) + list(state["mom"])):  # type: ignore[arg-type]
                dst.copy_(src)
        self.iterations = int(state["iterations"])  # type: ignore[arg-type]


def make_optimizer(settings: OptimizerSettings, params: List[Tensor]) -> Optimizer:
    if settings.kind == "adam":
        return Adam(params, settings.lr, settings.beta1, settings.beta2, settings.epsilon)  # type: ignore[arg-type]
    if settings.kind == "rmsprop":
        return RMSprop(params, settings.lr, settings.rho, settings.momentum, settings.epsilon)  # type: ignore[arg-type]
    if settings.kind == "sgd":
        return SGD(params, settings.lr)
    raise ValueError(f"unknown optimizer '{settings.kind}'")
