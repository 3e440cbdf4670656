"""Atomic checkpoints in the TypeScript runtime's layout (runtime/checkpoint/layout.ts), so that
gan-sample, gan-eval, gan-report and gan-export read a torch run unchanged:

    checkpoints/step-000123/{state.json, spec.json, <net>/model.json + weights.bin, torch.pt}
    checkpoints/latest      {"checkpoint": "step-000123", "step": 123}

`<net>/` holds the network's weights in tfjs order, names and layouts (gs.tfjs_weights), as
runtime/checkpoint/network-weights.ts reads them; `torch.pt` holds what an exact resume needs
besides: every network's and optimizer's state_dict (or the Model's own state_dict where it has
one) and the random streams. A checkpoint is written into a `.tmp-` directory and renamed into
place, then `latest` is repointed and all but the newest `keep` are removed: a crash leaves
`latest` naming a complete checkpoint.

May import: torch, the standard library, ganspec_torch.errors and ganspec_torch.files; it calls
`tfjs_weights` through the package (ganspec_torch) at run time.
"""
from __future__ import annotations

import ctypes
import hashlib
import io
import json
import math
import os
import re
import shutil
import sys
from typing import Any

import torch

from .errors import UserError
from .files import TEMP_PREFIX, temp_sibling, write_atomic, write_durable

CHECKPOINTS_DIR = "checkpoints"
LATEST_FILE = "latest"
STATE_FILE = "state.json"
SPEC_FILE = "spec.json"
TORCH_FILE = "torch.pt"
MODEL_JSON = "model.json"
WEIGHTS_BIN = "weights.bin"
STEP_DIR = re.compile(r"^step-(\d+)$")
NETWORK_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
RESERVED = {STATE_FILE, SPEC_FILE, TORCH_FILE, "optimizers.json", "optimizers.bin"}


def tensor_bytes(t: torch.Tensor) -> bytes:
    """The bytes of a contiguous CPU tensor (little-endian on the machines torch runs on)."""
    if sys.byteorder != "little":
        raise RuntimeError("checkpoints are written little-endian; this machine is big-endian")
    return ctypes.string_at(t.data_ptr(), t.numel() * t.element_size()) if t.numel() > 0 else b""


def step_dir_name(step: int) -> str:
    return f"step-{step:06d}"


def write_network(folder: str, name: str, weights: list[tuple[str, torch.Tensor]]) -> None:
    """model.json + weights.bin as runtime/checkpoint/dir-io-handler.ts writes them (float32, little-endian)."""
    os.makedirs(folder)
    specs, parts = [], []
    for weight_name, tensor in weights:
        t = tensor.detach().to("cpu", torch.float32).contiguous()
        specs.append({"name": weight_name, "shape": list(t.shape), "dtype": "float32"})
        parts.append(tensor_bytes(t))
    data = b"".join(parts)
    model_json = {
        # Not a Keras topology: the TypeScript side builds the network from run.json's module
        # and reads only the weights (weightsManifest), matched by name and shape.
        "modelTopology": {"class_name": "ganspec_torch", "config": {"name": name}},
        "format": "layers-model",
        "generatedBy": "ganspec_torch",
        "convertedBy": None,
        "weightsManifest": [{"paths": [WEIGHTS_BIN], "weights": specs}],
        "weightsSha256": hashlib.sha256(data).hexdigest(),
    }
    write_durable(os.path.join(folder, WEIGHTS_BIN), data)
    write_durable(os.path.join(folder, MODEL_JSON), json.dumps(model_json, separators=(",", ":")))


def read_network(folder: str) -> list[tuple[str, torch.Tensor]]:
    """The (name, tfjs-layout tensor) list a network folder holds (checked against its SHA-256)."""
    with open(os.path.join(folder, MODEL_JSON), encoding="utf-8") as f:
        model_json = json.load(f)
    specs = [w for g in model_json["weightsManifest"] for w in g["weights"]]
    with open(os.path.join(folder, WEIGHTS_BIN), "rb") as f:
        data = f.read()
    if "weightsSha256" in model_json and hashlib.sha256(data).hexdigest() != model_json["weightsSha256"]:
        raise UserError(f"corrupt checkpoint file {os.path.join(folder, WEIGHTS_BIN)}: checksum mismatch")
    out, at = [], 0
    for spec in specs:
        n = 1
        for d in spec["shape"]:
            n *= d
        out.append((spec["name"], torch.frombuffer(bytearray(data[at:at + 4 * n]), dtype=torch.float32).reshape(spec["shape"])))
        at += 4 * n
    return out


def model_state(model: Any) -> dict:
    """What the Model carries from step to step: its own state_dict, or its networks' and optimizers'."""
    if callable(getattr(model, "state_dict", None)):
        return {"model": model.state_dict()}
    return {"nets": {k: v.state_dict() for k, v in model.nets.items()},
            "optimizers": {k: v.state_dict() for k, v in model.optimizers.items()}}


def load_model_state(model: Any, state: dict) -> None:
    if "model" in state:
        model.load_state_dict(state["model"])
        return
    for k, v in model.nets.items():
        v.load_state_dict(state["nets"][k])
    for k, v in model.optimizers.items():
        v.load_state_dict(state["optimizers"][k])


def _remove_temp_entries(folder: str) -> None:
    for name in os.listdir(folder):
        if name.startswith(TEMP_PREFIX):
            path = os.path.join(folder, name)
            shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) else os.remove(path)


def save_checkpoint(run_dir: str, step: int, model: Any, networks: dict[str, list[tuple[str, torch.Tensor]]],
                    rng: dict, meta: dict, spec: dict | None, keep: int, train_seconds: float | None = None) -> str:
    """Writes checkpoints/step-N (atomically), repoints `latest`, keeps the newest `keep`; returns its path.
    `train_seconds`: the run's training time up to the step, over its sessions (state.json's trainSeconds)."""
    folder = os.path.join(run_dir, CHECKPOINTS_DIR)
    os.makedirs(folder, exist_ok=True)
    _remove_temp_entries(folder)
    name = step_dir_name(step)
    target = os.path.join(folder, name)
    temp = temp_sibling(target)
    try:
        os.makedirs(temp)
        for net, weights in networks.items():
            if not NETWORK_NAME.match(net) or net in RESERVED:
                raise ValueError(f"network name '{net}' cannot be a checkpoint directory name")
            write_network(os.path.join(temp, net), net, weights)
        with open(os.path.join(temp, TORCH_FILE), "wb") as f:
            torch.save({"format": 1, "step": step, **model_state(model), "rng": rng}, f)
            f.flush()
            os.fsync(f.fileno())
        if spec is not None:
            write_durable(os.path.join(temp, SPEC_FILE), json.dumps(spec, indent=1, ensure_ascii=False) + "\n")
        timed = {} if train_seconds is None else {"trainSeconds": train_seconds}
        write_durable(os.path.join(temp, STATE_FILE), json.dumps({"step": step, "rng": [], **timed, "meta": meta}, separators=(",", ":")))
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    if os.path.exists(target):
        displaced = temp_sibling(target)
        os.rename(target, displaced)
        os.rename(temp, target)
        shutil.rmtree(displaced, ignore_errors=True)
    else:
        os.rename(temp, target)
    write_atomic(os.path.join(folder, LATEST_FILE), json.dumps({"checkpoint": name, "step": step}, separators=(",", ":")) + "\n")
    older = sorted(((int(m.group(1)), n) for n in os.listdir(folder) if (m := STEP_DIR.match(n)) and int(m.group(1)) < step), reverse=True)
    for _, n in older[keep - 1:]:
        shutil.rmtree(os.path.join(folder, n), ignore_errors=True)
    return target


def resolve_checkpoint(path: str) -> str:
    """A checkpoint directory, or the one `latest` names in a run directory or its checkpoints/."""
    if os.path.isfile(os.path.join(path, STATE_FILE)):
        return path
    in_run = os.path.join(path, CHECKPOINTS_DIR, LATEST_FILE)
    latest = in_run if os.path.isfile(in_run) else os.path.join(path, LATEST_FILE)
    if not os.path.isfile(latest):
        raise UserError(f"no checkpoint at {path} (neither {os.path.join(path, STATE_FILE)} nor {in_run} exists)")
    try:
        with open(latest, encoding="utf-8") as f:
            name = json.load(f)["checkpoint"]
    except (ValueError, KeyError, TypeError):
        raise UserError(f"corrupt checkpoint file {latest}: no checkpoint name") from None
    if not isinstance(name, str) or not STEP_DIR.match(name):
        raise UserError(f"corrupt checkpoint file {latest}: no checkpoint name")
    return os.path.join(os.path.dirname(latest), name)


def read_checkpoint(path: str) -> tuple[str, bytes, float | None]:
    """The checkpoint a resume continues (a checkpoint directory, or a run's latest): its directory,
    its torch.pt's bytes (for restore_checkpoint, on every process) and the training seconds its
    state.json records (None in one written before they were)."""
    folder = resolve_checkpoint(path)
    file = os.path.join(folder, TORCH_FILE)
    if not os.path.isfile(file):
        raise UserError(f"{folder} has no {TORCH_FILE}: it was not written by the torch target, so it cannot be resumed here")
    with open(file, "rb") as f:
        data = f.read()
    return folder, data, _train_seconds(os.path.join(folder, STATE_FILE))


def restore_checkpoint(folder: str, data: bytes, model: Any, device: torch.device) -> tuple[int, dict]:
    """Restores `model` from the bytes of `folder`'s torch.pt; returns (its step, the random streams)."""
    file = os.path.join(folder, TORCH_FILE)
    try:
        state = torch.load(io.BytesIO(data), map_location=device)
    except Exception as err:  # noqa: BLE001 - any unreadable file is the same user problem
        raise UserError(f"corrupt checkpoint file {file} ({str(err).splitlines()[0] if str(err) else type(err).__name__})") from None
    try:
        load_model_state(model, state)
    except (KeyError, RuntimeError, ValueError) as err:
        raise UserError(f"checkpoint {folder} does not fit this module's networks or optimizers ({str(err).splitlines()[0]})") from None
    return int(state["step"]), state["rng"]


def load_checkpoint(path: str, model: Any, device: torch.device) -> tuple[str, int, dict, float | None]:
    """Restores `model` from a checkpoint in one process (read_checkpoint, then restore_checkpoint):
    (its directory, its step, the random streams, its training seconds)."""
    folder, data, seconds = read_checkpoint(path)
    step, rng = restore_checkpoint(folder, data, model, device)
    return folder, step, rng, seconds


def _train_seconds(file: str) -> float | None:
    try:
        with open(file, encoding="utf-8") as f:
            seconds = json.load(f).get("trainSeconds")
    except (OSError, ValueError, AttributeError):
        raise UserError(f"corrupt checkpoint file {file}: expected {{step, rng, trainSeconds?, meta?}}") from None
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds) or seconds < 0):
        raise UserError(f"corrupt checkpoint file {file}: expected {{step, rng, trainSeconds?, meta?}}")
    return seconds
