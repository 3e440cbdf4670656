"""The typed data a generated module declares (gs.Trainer and its parts), mirroring the
TypeScript contract (contract/trainer.ts) field for field in snake_case. Plain dataclasses;
shapes are in the spec's (tfjs, NHWC) terms. Imports the standard library and torch only."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

from torch import Tensor, nn

Nets = Dict[str, nn.Module]
Batch = Dict[str, Tensor]


@dataclass(frozen=True)
class LinearDecay:
    """lr * clamp((end - step) / (end - start), 0, 1) for step (from 1) past start."""
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class OptimizerSettings:
    kind: str  # "adam" | "rmsprop" | "sgd"
    lr: float
    beta1: Optional[float] = None
    beta2: Optional[float] = None
    rho: Optional[float] = None
    momentum: Optional[float] = None
    epsilon: Optional[float] = None
    decay: Optional[LinearDecay] = None


@dataclass(frozen=True)
class PhaseSettings:
    repeat: int
    clip: Optional[float]
    optimizer: OptimizerSettings


@dataclass(frozen=True)
class Hyperparameters:
    batch: int
    steps: int
    phases: Dict[str, PhaseSettings]


@dataclass(frozen=True)
class RealInput:
    name: str
    shape: List[int]
    dtype: str


@dataclass(frozen=True)
class Sample:
    """normal(mean, std) / uniform(low, high) of `shape` per example, or label / categorical of size K."""
    name: str
    kind: str
    size: int
    shape: List[int]
    mean: Optional[float] = None
    std: Optional[float] = None
    low: Optional[float] = None
    high: Optional[float] = None


@dataclass(frozen=True)
class Ema:
    name: str
    of: str
    decay: float
    start: int


@dataclass(frozen=True)
class Update:
    """A whole network, or only the named (tfjs-named) layers of it: a head's own layers."""
    net: str
    layers: Optional[List[str]] = None


@dataclass(frozen=True)
class Phase:
    name: str
    loss: Callable[[Nets, Batch, Batch], Tensor]
    settings: PhaseSettings
    optimizer: str
    updates: List[Update]
    real: List[str]
    sampled: List[str]


@dataclass(frozen=True)
class PreviewBand:
    text: str
    real: List[str]
    sampled: List[str]
    depth: int


@dataclass(frozen=True)
class Preview:
    every: int
    rows: int
    cols: int
    per_row: List[str]
    per_col: List[str]
    bands: List[PreviewBand]
    real: List[str]
    sampled: List[str]


@dataclass(frozen=True)
class CheckpointSettings:
    every: int
    keep: int


@dataclass(frozen=True)
class Trainer:
    name: str
    source: str
    paper: str
    hyperparameters: Hyperparameters
    data: Dict[str, Any]
    real: List[RealInput]
    samples: List[Sample]
    networks: Dict[str, Callable[[], nn.Module]]
    phases: List[Phase]
    preview: Preview
    render: Callable[[Nets, Batch, Batch], List[Tensor]]
    checkpoint: CheckpointSettings
    ema: List[Ema] = field(default_factory=list)
