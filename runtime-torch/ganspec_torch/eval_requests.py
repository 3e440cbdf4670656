"""gan-train --target torch --eval-every N: the training loop's side of the evaluation handshake.
At step 0 of a fresh run and every N steps, the main process writes a snapshot of the networks
(a checkpoint in the TypeScript layout, into the evaluation folder gan-train gave, not the run's
checkpoints/) and a request file naming it, with the training seconds so far; then it waits,
training stopped, until gan-train (cli/torch-eval.ts) has scored the snapshot with ganspec's
evaluator and written the reply. Under torchrun only rank 0 asks (loop.py); the other ranks wait in
the next step's first collective meanwhile.

May import: torch, the standard library and ganspec_torch's checkpoint, errors and files modules.
"""
from __future__ import annotations

import json
import os
import time
from typing import Any, Callable

from .checkpoint import save_checkpoint
from .errors import UserError
from .files import write_atomic

REQUEST_FILE = "request.json"


def reply_file(folder: str, step: int) -> str:
    return os.path.join(folder, f"done-{step}.json")


def request_eval(folder: str, step: int, train_seconds: float, model: Any, networks: dict, rng: dict, meta: dict,
                 alive: Callable[[], bool] = lambda: True) -> None:
    """Snapshots the networks, asks for their evaluation and waits for the reply (raises UserError on a failed one)."""
    checkpoint = save_checkpoint(folder, step, model, networks, rng, meta, None, 1)
    write_atomic(os.path.join(folder, REQUEST_FILE), json.dumps({"step": step, "trainSeconds": train_seconds, "checkpoint": checkpoint}))
    reply = reply_file(folder, step)
    while not os.path.exists(reply):
        if not alive():
            raise UserError(f"gan-train stopped before scoring step {step}")
        time.sleep(0.05)
    with open(reply, encoding="utf-8") as f:
        answer = json.load(f)
    os.remove(reply)
    if answer.get("error"):
        raise UserError(f"the evaluation of step {step} failed: {answer['error']}")
