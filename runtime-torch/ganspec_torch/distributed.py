"""Several processes under torchrun (env RANK, WORLD_SIZE, LOCAL_RANK): the process group (gloo on
CPU, NCCL on CUDA), the spec's batch as the GLOBAL batch (every rank draws the same global batch
from the same seed and keeps its slice, so 1 and N processes do the same math), gradients
averaged across ranks by one all_reduce of the updated weights' gradients after each backward
(as StyleGAN2-ADA does; see runtime-torch/README.md for why not DistributedDataParallel), losses
averaged into the global means, and batch norm: SyncBatchNorm on CUDA, a warning on CPU.

May import: torch, the standard library and ganspec_torch.errors.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Sequence

import torch
import torch.distributed as dist
from torch import nn

from .errors import UserError


@dataclass
class Processes:
    rank: int
    world: int
    device: torch.device

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
        dist.init_process_group("nccl" if device == "cuda" else "gloo")
    return Processes(rank, world, where)


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


def has_batch_norm(nets: dict[str, nn.Module]) -> bool:
    return any(isinstance(m, nn.modules.batchnorm._BatchNorm) for net in nets.values() for m in net.modules())


def sync_batch_norm(nets: dict[str, nn.Module], procs: Processes, local: int) -> None:
    """SyncBatchNorm on CUDA with several processes; on CPU a warning (torch 1.13 syncs on CUDA only)."""
    if procs.world == 1 or not has_batch_norm(nets):
        return
    if procs.device.type == "cuda":
        for name, net in nets.items():
            nets[name] = nn.SyncBatchNorm.convert_sync_batchnorm(net)
    elif procs.main:
        print(f"warning: the spec has batch norm and --nproc {procs.world} runs on CPU, where torch cannot synchronise batch statistics "
              f"(SyncBatchNorm needs CUDA): each process normalises over its own {local} examples, so training differs from one process",
              file=sys.stderr)


def barrier(procs: Processes) -> None:
    if procs.world > 1:
        dist.barrier()


def finish(procs: Processes) -> None:
    if procs.world > 1 and dist.is_initialized():
        dist.destroy_process_group()
