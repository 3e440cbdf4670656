"""gs.build and gs.cycle: a trainer's networks built and initialised from a seed, with EMA
copies and one optimizer per optimizer name (phases naming the same one share it); one cycle of
every phase in schedule order, each `repeat` times: the loss, the gradients of exactly the
weights the phase updates (every other weight has requires_grad off during the phase, so no
weight gradient is computed for a network it does not update), the optimizer step at the step's
learning rate, clipping, then the EMA copies of the networks it updated. Imports torch and the
package's own trainer.py, layers.py, optim.py and tfjs_layout.py."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

import torch
from torch import Tensor, nn

from .layers import gs_layers
from .optim import Optimizer, learning_rate, make_optimizer
from .tfjs_layout import trainable_weights, weight_entries
from .trainer import Ema, Phase, Trainer


@dataclass
class PhaseRunner:
    phase: Phase
    optimizer: Optimizer
    params: List[Tensor]
    #: The networks it updates (their EMA copies follow each update).
    updated: List[str]


@dataclass
class Model:
    trainer: Trainer
    nets: Dict[str, nn.Module]
    optimizers: Dict[str, Optimizer]
    runners: List[PhaseRunner]
    #: The last step done (0 before training); cycle() does step + 1 unless told.
    step: int = 0
    all_params: List[Tensor] = field(default_factory=list)


def _reset(net: nn.Module, generator: torch.Generator) -> None:
    for layer in gs_layers(net):
        layer.reset_parameters(generator)


def start_ema(trainer: Trainer, nets: Dict[str, nn.Module]) -> None:
    """Every EMA copy set to its source's weights."""
    with torch.no_grad():
        for e in trainer.ema:
            for (_, dst, _, _), (_, src, _, _) in zip(weight_entries(nets[e.name]), weight_entries(nets[e.of])):
                dst.copy_(src)


def update_ema(ema: Sequence[Ema], nets: Dict[str, nn.Module], updated: Sequence[str], step: int) -> None:
    """After an update of step `step`: decay * w_ema + (1 - decay) * w for trainable weights from
    `start` on (before it, w), and a copy of every other weight, for each copy of an updated net."""
    with torch.no_grad():
        for e in ema:
            if e.of not in updated:
                continue
            average = step >= e.start
            for (_, dst, trainable, _), (_, src, _, _) in zip(weight_entries(nets[e.name]), weight_entries(nets[e.of])):
                if average and trainable:
                    dst.mul_(e.decay).add_(src * (1 - e.decay))
                else:
                    dst.copy_(src)


def build(trainer: Trainer, seed: int, device: str | torch.device = "cpu") -> Model:
    """The trainer's networks, initialised (Keras initialisers) from a torch.Generator seeded with
    `seed` in the trainer's network order, on `device`, with EMA copies and optimizers."""
    generator = torch.Generator().manual_seed(seed)
    nets: Dict[str, nn.Module] = {}
    for name, make in trainer.networks.items():
        net = make()
        _reset(net, generator)
        nets[name] = net.to(device)
    start_ema(trainer, nets)
    optimizers: Dict[str, Optimizer] = {}
    runners: List[PhaseRunner] = []
    owners: Dict[str, Phase] = {}
    for phase in trainer.phases:
        params = [t for u in phase.updates for t in trainable_weights(nets[u.net], u.layers)]
        name = phase.optimizer or phase.name
        if name not in optimizers:
            optimizers[name] = make_optimizer(phase.settings.optimizer, params)
            owners[name] = phase
        elif owners[name].settings.optimizer != phase.settings.optimizer or [id(p) for p in optimizers[name].params] != [id(p) for p in params]:
            raise ValueError(f"phases {owners[name].name} and {phase.name} share optimizer '{name}' but differ in its settings or in what they update")
        runners.append(PhaseRunner(phase, optimizers[name], optimizers[name].params, sorted({u.net for u in phase.updates})))
    all_params = [p for net in nets.values() for p in net.parameters()]
    return Model(trainer, nets, optimizers, runners, 0, all_params)


def update_once(model: Model, runner: PhaseRunner, real: Dict[str, Tensor], sampled: Dict[str, Tensor], step: int) -> float:
    """One update of one phase at step `step` (from 1); returns the loss."""
    phase = runner.phase
    mine = {id(p) for p in runner.params}
    for p in model.all_params:
        p.requires_grad_(id(p) in mine)
    try:
        loss = phase.loss(model.nets, real, sampled)
        if not loss.requires_grad:  # tfjs's minimize fails here too
            raise ValueError(f"phase {phase.name}: the loss depends on none of the weights the phase updates")
        grads = torch.autograd.grad(loss, runner.params, allow_unused=True)
    finally:
        for p in model.all_params:
            p.requires_grad_(True)
    runner.optimizer.lr = learning_rate(phase.settings.optimizer, step)
    runner.optimizer.step(list(grads))
    value = float(loss.detach())
    if math.isfinite(value) and phase.settings.clip is not None:
        with torch.no_grad():
            for p in runner.params:
                p.clamp_(-phase.settings.clip, phase.settings.clip)
    update_ema(model.trainer.ema, model.nets, runner.updated, step)
    return value


def cycle(model: Model, real_batches: Dict[str, List[Dict[str, Tensor]]], sampled_batches: Dict[str, List[Dict[str, Tensor]]],
          step: Optional[int] = None) -> Dict[str, List[float]]:
    """One step: every phase in order, `repeat` times, the i-th repeat of phase P on
    real_batches[P][i] and sampled_batches[P][i]. Returns each phase's losses."""
    step = model.step + 1 if step is None else step
    losses: Dict[str, List[float]] = {}
    for runner in model.runners:
        name = runner.phase.name
        for i in range(runner.phase.settings.repeat):
            real = real_batches.get(name, [{}] * (i + 1))[i]
            sampled = sampled_batches.get(name, [{}] * (i + 1))[i]
            losses.setdefault(name, []).append(update_once(model, runner, real, sampled, step))
    model.step = step
    return losses
