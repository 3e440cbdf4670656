"""Several processes under torchrun (env RANK, WORLD_SIZE, LOCAL_RANK; GROUP_RANK, the machine,
when torchrun joins several): the process group (gloo on CPU, NCCL on CUDA), rank 0's decisions
given to every rank (`from_main`), the spec's batch as the GLOBAL batch (every rank draws the
same global batch from the same seed and keeps its slice, so 1 and N processes do the same math), gradients
averaged across ranks by one all_reduce of the updated weights' gradients after each backward
(as StyleGAN2-ADA does; see runtime-torch/README.md for why not DistributedDataParallel), losses
averaged into the global means, and batch norm over the global batch (ganspec_torch's layer by
differentiable all_reduces on CPU and CUDA; torch's SyncBatchNorm on CUDA, a warning on CPU).

May import: torch, the standard library, ganspec_torch.console, ganspec_torch.errors and ganspec_torch.stop.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Callable, Sequence, TypeVar

import torch
import torch.distributed as dist
import torch.distributed.nn.functional as dist_nn
from torch import nn

from .console import say
from .errors import UserError
from .stop import held


T = TypeVar("T")


@dataclass
class Processes:
    rank: int
    world: int
    device: torch.device
    node: int = 0  # the machine (torchrun's GROUP_RANK)

    @property
    def main(self) -> bool:
        """Whether this process writes the run directory (rank 0)."""
        return self.rank == 0


def start(device: str) -> Processes:
    """This process's place: alone (no torchrun), or one of WORLD_SIZE with its process group started."""
    if device not in ("cpu", "cuda"):
        raise UserError(f"--device must be cpu or cuda, not {device}")
    if device == "cuda" and not torch.cuda.is_available():
        raise UserError("--device cuda: this torch finds no CUDA device (torch.cuda.is_available() is False)")
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", str(rank)))
    if device == "cuda":
        if world > 1 and local >= torch.cuda.device_count():
            raise UserError(f"--nproc {world}: this machine has {torch.cuda.device_count()} CUDA devices, one per process is needed")
        torch.cuda.set_device(local)
        where = torch.device("cuda", local)
    else:
        where = torch.device("cpu")
    if world > 1 and not dist.is_initialized():
        # The rendezvous's socket calls fail on EINTR ("Interrupted system call"), so a Ctrl-C
        # would end this process here: it is held back until the group stands, then read as
        # any stop request is (stop.py).
        with held():
            dist.init_process_group("nccl" if device == "cuda" else "gloo")
    return Processes(rank, world, where, int(os.environ.get("GROUP_RANK", "0")))


def local_batch(batch: int, procs: Processes) -> int:
    if batch % procs.world != 0:
        raise UserError(f"batch {batch} cannot be split across {procs.world} processes: the spec's batch is the global batch, so it must be divisible by --nproc")
    return batch // procs.world


def my_slice(t: torch.Tensor, procs: Processes) -> torch.Tensor:
    """This rank's part of a global batch (rank r: rows r*B/N .. (r+1)*B/N - 1)."""
    if procs.world == 1:
        return t
    n = t.shape[0] // procs.world
    return t[procs.rank * n:(procs.rank + 1) * n]


def average_gradients(grads: Sequence[torch.Tensor | None], procs: Processes) -> None:
    """Replaces each gradient by its mean over the ranks, in place, in one all_reduce."""
    present = [g for g in grads if g is not None]
    if procs.world == 1 or not present:
        return
    flat = torch.cat([g.reshape(-1) for g in present])
    dist.all_reduce(flat)
    flat /= procs.world
    at = 0
    for g in present:
        g.copy_(flat[at:at + g.numel()].view_as(g))
        at += g.numel()


def mean_losses(losses: dict[str, list[float]], procs: Processes) -> dict[str, list[float]]:
    """Each rank's losses averaged over the ranks: the global batch's means."""
    if procs.world == 1:
        return losses
    keys = list(losses)
    values = torch.tensor([v for k in keys for v in losses[k]], dtype=torch.float64, device=procs.device)
    dist.all_reduce(values)
    values /= procs.world
    out, at = {}, 0
    for k in keys:
        out[k] = values[at:at + len(losses[k])].tolist()
        at += len(losses[k])
    return out


def largest(number: int, procs: Processes) -> int:
    """The largest of the ranks' numbers, the same on every rank (the signal any rank has been sent, 0: none)."""
    if procs.world == 1:
        return number
    value = torch.tensor([number], dtype=torch.int64, device=procs.device)
    dist.all_reduce(value, op=dist.ReduceOp.MAX)
    return int(value.item())


def _batch_norms(nets: dict[str, nn.Module]) -> list[nn.Module]:
    """torch's batch norms and ganspec_torch's (gs.BatchNormalization, Keras semantics)."""
    return [m for net in nets.values() for m in net.modules()
            if isinstance(m, nn.modules.batchnorm._BatchNorm) or type(m).__name__ == "BatchNormalization"]


def _synced_forward(layer: nn.Module, procs: Processes):
    """gs.BatchNormalization's forward with the batch statistics of the GLOBAL batch: the mean,
    then the biased variance about it, each one differentiable all_reduce of per-rank sums (the
    backward all-reduces their gradients, as SyncBatchNorm does), so N processes normalise as
    one does. Works on gloo (CPU) and NCCL alike; evaluation uses the moving statistics."""
    plain = layer.forward

    def forward(x: torch.Tensor) -> torch.Tensor:
        if not layer.training:
            return plain(x)
        c = 1 if x.dim() == 4 else x.dim() - 1
        dims = [d for d in range(x.dim()) if d != c]
        shape = [1] * x.dim()
        shape[c] = x.shape[c]
        count = (x.numel() // x.shape[c]) * procs.world
        mean = dist_nn.all_reduce(x.sum(dims)) / count
        centred = x - mean.view(shape)
        var = dist_nn.all_reduce((centred * centred).sum(dims)) / count
        with torch.no_grad():
            decay = 1.0 - layer.momentum
            layer.moving_mean.sub_((layer.moving_mean - mean) * decay)
            layer.moving_variance.sub_((layer.moving_variance - var) * decay)
        inv = torch.rsqrt(var + layer.epsilon) * layer.gamma
        return centred * inv.view(shape) + layer.beta.view(shape)

    return forward


def sync_batch_norm(nets: dict[str, nn.Module], procs: Processes, local: int) -> None:
    """Batch statistics over the global batch with several processes: ganspec_torch's batch norm
    through differentiable all_reduces (CPU and CUDA), torch's by SyncBatchNorm (CUDA only in
    torch 1.13; on CPU a warning says each process normalises its own examples)."""
    if procs.world == 1:
        return
    layers = _batch_norms(nets)
    for layer in layers:
        if type(layer).__name__ == "BatchNormalization":
            layer.forward = _synced_forward(layer, procs)
    if not any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in layers):
        return
    if procs.device.type == "cuda":
        for name, net in nets.items():
            nets[name] = nn.SyncBatchNorm.convert_sync_batchnorm(net)
    elif procs.main:
        say(f"warning: the module has torch batch norm layers and --nproc {procs.world} runs on CPU, where torch 1.13 cannot synchronise "
            f"them (SyncBatchNorm needs CUDA): each process normalises over its own {local} examples, so training differs from one process",
            sys.stderr)


def from_main(value: object, procs: Processes) -> object:
    """Rank 0's `value` (any picklable object), on every rank."""
    if procs.world == 1:
        return value
    box = [value]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def agreed(work: Callable[[], T], procs: Processes) -> T:
    """work() on every rank, where a rank may fail alone (it reads its machine's files): a UserError
    on any stops every rank with the first one's line, which the other nodes name by its node
    (`node 1: .../images: folder not found`), instead of leaving them to a collective that fails
    on the closed connection."""
    try:
        value, error = work(), None
    except UserError as err:
        value, error = None, str(err)
    if procs.world == 1:
        if error is not None:
            raise UserError(error)
        return value
    errors: list = [None] * procs.world
    dist.all_gather_object(errors, (procs.node, error))
    failed = next(((node, line) for node, line in errors if line is not None), None)
    if failed is not None:
        node, line = failed
        raise UserError(line if node == procs.node else f"node {node}: {line}")
    return value


def differing_node(mine: str, procs: Processes) -> int | None:
    """The last node whose `mine` differs from rank 0's (a hash of what each process compiled or
    read), the same on every rank; None when all agree."""
    if procs.world == 1:
        return None
    node = largest(0 if mine == from_main(mine, procs) else procs.node + 1, procs)
    return node - 1 if node else None


def barrier(procs: Processes) -> None:
    if procs.world > 1:
        dist.barrier()


def finish(procs: Processes) -> None:
    if procs.world > 1 and dist.is_initialized():
        dist.destroy_process_group()
