"""The training loop of a generated torch module (runtime/loop/train.ts's, step for step): each
step draws the real batches and random inputs every repeat of every phase needs (one global
batch from the run's data generator; each process keeps its slice), runs gs.cycle, logs the
losses (the global means) to losses.jsonl, writes sample grids (samples/step-000050.png, at the
preview interval and the last step) and atomic checkpoints, and resumes bit for bit from
torch.pt. A non-finite loss stops the run with one line, keeping the last checkpoint. A Ctrl-C or
kill (stop.py) stops it after the step in progress, with that step's grid and checkpoint; one
that came before a fresh run's first step saves step 0 (the untrained networks), so that
--resume continues the run. A second one loses nothing already written (every file is written
atomically or appended by line).

May import: torch, the standard library and ganspec_torch's modules (the T-module side through
the package: build, cycle, tfjs_weights).
"""
from __future__ import annotations

import hashlib
import inspect
import math
import os
import re
import signal
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import torch

import ganspec_torch as gs

from . import distributed
from .checkpoint import read_checkpoint, restore_checkpoint, save_checkpoint
from .data import DataSource, load_data
from .errors import UserError
from .eval_requests import request_eval
from .files import write_atomic
from .grid import grid_image, scatter_image
from .png import write_png
from .run_files import append_event, append_line, dumps, ensure_provenance, progress_line, refuse_existing_run, trim_records, write_json_atomic
from .sampling import draw_sampled, grid_inputs
from .stop import StopRequest


@dataclass
class TrainOptions:
    run_dir: str
    data_dir: str
    # Read once a step (and once before the first): the signal that asks the run to stop.
    stop: StopRequest
    steps: int | None = None
    batch: int | None = None
    seed: int = 0
    resume: bool = False
    resume_from: str | None = None
    device: str = "cpu"
    mnist_dir: str | None = None
    # gan-train's folders.json: the spec's image folders as it decoded them (data.py read_decoded_folder).
    decoded_folders: str | None = None
    # What gan-train passes (--launch): run.json's content, the provenance, the spec for
    # spec.json, the start event's settings and command line; absent when run by hand.
    launch: dict = field(default_factory=dict)
    log: Callable[[str], None] = print
    log_every: float = 2.0
    # gan-train --eval-every: every N steps (and at step 0 of a fresh run) the networks are
    # scored by gan-train through `eval_dir` (eval_requests.py), training stopped meanwhile.
    eval_every: int = 0
    eval_dir: str | None = None


def js_number(v: float) -> str:
    """A number as JavaScript's String() writes a non-finite one."""
    return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity") if math.isinf(v) else repr(v)


def _kwargs(fn: Callable, wanted: dict) -> dict:
    """The keyword arguments of `wanted` that `fn` accepts."""
    params = inspect.signature(fn).parameters
    if any(p.kind == p.VAR_KEYWORD for p in params.values()):
        return wanted
    return {k: v for k, v in wanted.items() if k in params}


def _rng_state(generator: torch.Generator) -> dict:
    state = {"data": generator.get_state(), "torch": torch.get_rng_state()}
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _restore_rng(generator: torch.Generator, state: dict) -> None:
    generator.set_state(state["data"].cpu())
    torch.set_rng_state(state["torch"].cpu())
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([s.cpu() for s in state["cuda"]])


def _pick(batch: dict[str, torch.Tensor], names: list[str]) -> dict[str, torch.Tensor]:
    return {k: v for k, v in batch.items() if k in names}


def average_before_steps(model: Any, reduce: Callable[[list], None]) -> None:
    """Every optimizer averages the gradients it is given across the processes before it steps
    (gs.cycle computes them with torch.autograd.grad and passes them to optimizer.step)."""
    for optimizer in model.optimizers.values():
        def step(grads, _step=optimizer.step):
            grads = list(grads)
            reduce(grads)
            return _step(grads)
        optimizer.step = step


def build_model(trainer: Any, seed: int, device: torch.device) -> Any:
    model = gs.build(trainer, seed, **_kwargs(gs.build, {"device": device}))
    for net in model.nets.values():
        net.to(device)
    return model


def draw_cycle(trainer: Any, data: DataSource, batch: int, generator: torch.Generator, procs: distributed.Processes):
    """The real batches and random inputs of one cycle: per phase, one dict per repeat (this rank's slice)."""
    real: dict[str, list[dict[str, torch.Tensor]]] = {}
    sampled: dict[str, list[dict[str, torch.Tensor]]] = {}
    for phase in trainer.phases:
        real[phase.name], sampled[phase.name] = [], []
        for _ in range(phase.settings.repeat):
            r = _pick(data.batch(batch, generator), list(phase.real)) if phase.real else {}
            s = draw_sampled(trainer, list(phase.sampled), batch, generator)
            real[phase.name].append({k: distributed.my_slice(v, procs).to(procs.device) for k, v in r.items()})
            sampled[phase.name].append({k: distributed.my_slice(v, procs).to(procs.device) for k, v in s.items()})
    return real, sampled


def preview_inputs(trainer: Any, data: DataSource, seed: int, device: torch.device):
    """The grid's fixed inputs, drawn once from their own generator (seed + 1), as the TS side does."""
    generator = torch.Generator().manual_seed(seed)
    p = trainer.preview
    sampled = grid_inputs(trainer, list(p.sampled), p.rows, p.cols, list(p.per_row), list(p.per_col), generator)
    real = _pick(data.batch(p.rows * p.cols, generator), list(p.real)) if p.real else {}
    return ({k: v.to(device) for k, v in real.items()}, {k: v.to(device) for k, v in sampled.items()})


def write_preview(trainer: Any, model: Any, inputs, path: str, text: dict[str, str]) -> None:
    real, sampled = inputs
    with torch.no_grad():
        bands = trainer.render(model.nets, real, sampled)
    everything = torch.cat(list(bands), 0) if len(bands) > 1 else bands[0]
    if everything.shape[1] == 2:
        pixels, width, height, channels = scatter_image(everything)
    else:
        pixels, width, height, channels = grid_image(everything, trainer.preview.rows * len(bands), trainer.preview.cols, list(trainer.data["range"]))
    write_png(path, pixels, width, height, channels, text)


def provenance_text(p: dict) -> dict[str, str]:
    return {"Software": f"ganspec {p['ganspec']}", "ganspec:specSha256": p.get("specSha256") or "none (trained from a module)",
            "ganspec:moduleSha256": p["moduleSha256"]}


def train_settings(trainer: Any, batch: int, steps: int, seed: int) -> dict:
    """The start event's settings when gan-train gave none (a module run by hand)."""
    return {"batch": batch, "steps": steps, "seed": seed, "data": trainer.data}


def _module_identity(module: Any) -> str:
    """The SHA-256 of the module's text but for the spec path it names (its first line's; every
    mention counts as one placeholder): the same spec compiled elsewhere on another machine is the same
    module (as cli/run-dir.ts moduleIdentity)."""
    with open(module.__file__, encoding="utf-8") as f:
        text = f.read()
    header = re.match(r"# @generated by gan-compile --target torch from (.+): do not edit\.$", text.split("\n", 1)[0])
    return hashlib.sha256((text.replace(header.group(1), "<spec>") if header else text).encode()).hexdigest()


def _data_files(cfg: dict) -> str:
    """Where the spec's data comes from, as the spec says it."""
    return f"data.source {cfg['source']}" + (f", data.path {cfg['path']}" if cfg.get("path") else "")


def _resume_data(launch: dict, data_sha: str, cfg: dict) -> dict:
    """As cli/resume-check.ts checkResumeData: on a resume, data other than what run.json says the
    run trained on is {"error": its line} without --allow-changes, else {"changes": [...]} to record."""
    check = launch.get("dataCheck")
    if not check or check["sha256"] == data_sha:
        return {}
    if not check["allowChanges"]:
        return {"error": f"--resume: the training data differs from the run's ({_data_files(cfg)}); give --allow-changes to resume anyway"}
    return {"changes": ["the training data"]}


def _plan(module: Any, opts: TrainOptions) -> dict:
    """Rank 0's decisions, which every process takes: steps, batch and seed, and
    on a resume the checkpoint (its torch.pt's bytes: other machines need no copy of the run); or
    the one-line error that stops every process (a run where a fresh one would go, say)."""
    hp = module.TRAINER.hyperparameters
    try:
        plan = {"steps": opts.steps or hp.steps, "batch": opts.batch or hp.batch, "seed": opts.seed, "checkpoint": None}
        if opts.resume or opts.resume_from is not None:
            folder, data, seconds = read_checkpoint(opts.resume_from or opts.run_dir)
            plan.update(checkpoint=folder, torch=data, trainSeconds=seconds)
        else:
            refuse_existing_run(opts.run_dir)
        return plan
    except UserError as err:
        return {"error": str(err)}


def train(module: Any, opts: TrainOptions) -> dict:
    trainer = module.TRAINER
    procs = distributed.start(opts.device)
    log = opts.log if procs.main else (lambda line: None)
    run_dir = opts.run_dir
    launch = opts.launch

    # Only rank 0 looks at the run directory, before anything is written; its decisions reach the
    # other processes, on other machines too (gan-train --nnodes), whose own options it overrides.
    plan = distributed.from_main(_plan(module, opts) if procs.main else None, procs)
    if "error" in plan:
        raise UserError(plan["error"])
    other = distributed.differing_node(_module_identity(module), procs)
    if other is not None:
        raise UserError(f"node {other} compiled another module than node 0: start every node with the same spec, --set and ganspec version")
    steps, batch, seed = plan["steps"], plan["batch"], plan["seed"]
    local = distributed.local_batch(batch, procs)

    torch.manual_seed(seed)
    model = build_model(trainer, seed, procs.device)
    distributed.sync_batch_norm(model.nets, procs, local)
    generator = torch.Generator().manual_seed(seed)
    resume = plan["checkpoint"] is not None
    start, checkpoint, trained_before = 0, "", 0.0  # trained_before: training seconds of the earlier sessions (None: not recorded)
    if resume:
        checkpoint, trained_before = plan["checkpoint"], plan["trainSeconds"]
        start, rng = restore_checkpoint(checkpoint, plan["torch"], model, procs.device)
        _restore_rng(generator, rng)
        if hasattr(model, "step"):
            model.step = start
    if start >= steps:
        raise UserError(f"the run in {run_dir} is already at step {start} of {steps}: ask for more with --steps")
    data = distributed.agreed(lambda: load_data(trainer.data, opts.data_dir, opts.mnist_dir, opts.decoded_folders), procs)
    data_sha = data.identity()
    other = distributed.differing_node(data_sha, procs)
    if other is not None:
        raise UserError(f"node {other} read other training data than node 0 ({_data_files(trainer.data)}): give every node the same files")
    verdict = distributed.from_main(_resume_data(launch, data_sha, trainer.data) if procs.main else None, procs)
    if "error" in verdict:
        raise UserError(verdict["error"])
    fixed = preview_inputs(trainer, data, seed + 1, procs.device)
    provenance = launch.get("provenance") or {"specSha256": None, "moduleSha256": "unknown (run by hand)", "ganspec": "unknown"}
    losses_file = os.path.join(run_dir, "losses.jsonl")

    if procs.main:
        os.makedirs(run_dir, exist_ok=True)
        for name, text in launch.get("files", {}).items():
            write_atomic(os.path.join(run_dir, name), text)
        if "runInfo" in launch:
            info = {**launch["runInfo"], "dataSha256": data_sha}
            if resume and info.get("resumes"):
                last = info["resumes"][-1]
                info["resumes"] = [*info["resumes"][:-1], {**last, "step": start, "changes": [*last["changes"], *verdict.get("changes", [])]}]
            write_json_atomic(os.path.join(run_dir, "run.json"), info)
        if resume:
            log(f"resumed from {checkpoint} at step {start}")
            if trained_before is None:
                log(f"{checkpoint} records no training time (written before ganspec recorded it): trainSeconds counts from this session")
            for file in (losses_file, os.path.join(run_dir, "metrics.jsonl")):
                dropped = trim_records(file, start)
                if dropped is not None:
                    log(dropped)
        if "provenance" in launch:
            ensure_provenance(losses_file, provenance)
        os.makedirs(os.path.join(run_dir, "samples"), exist_ok=True)
        append_event(run_dir, {"event": "start", "step": start, "resumed": resume, "command": launch.get("command", ["ganspec_torch"]),
                               "version": provenance["ganspec"], "backend": f"torch-{procs.device.type}" + (f" x{procs.world}" if procs.world > 1 else ""),
                               "dataSize": data.size if math.isfinite(data.size) else None,
                               "settings": launch.get("settings") or train_settings(trainer, batch, steps, seed)})
    text = provenance_text(provenance) if "provenance" in launch else {}
    meta = {"name": trainer.name, "batch": batch, "seed": seed, "target": "torch", "processes": procs.world}
    cycle_kwargs = _kwargs(gs.cycle, {"step": 0, "reduce": None})

    def reduce(grads):
        distributed.average_gradients(grads, procs)

    if procs.world > 1 and "reduce" not in cycle_kwargs:
        average_before_steps(model, reduce)

    last: dict[str, float] = {}
    evaluating = opts.eval_every > 0 and opts.eval_dir is not None
    # The run's training seconds: the earlier sessions' (from the checkpoint) and this one's, evaluations left out.
    clock = {"began": time.perf_counter(), "evaluating": 0.0}

    def trained() -> float:
        return (trained_before or 0.0) + time.perf_counter() - clock["began"] - clock["evaluating"]

    def evaluate(at: int) -> None:
        if not procs.main:
            return
        before = time.perf_counter()
        networks = {name: list(gs.tfjs_weights(net)) for name, net in model.nets.items()}
        request_eval(opts.eval_dir, at, (trained_before or 0.0) if at == start else trained(), model, networks, _rng_state(generator), meta)
        clock["evaluating"] += time.perf_counter() - before

    if evaluating and start == 0:
        evaluate(0)
        clock = {"began": time.perf_counter(), "evaluating": 0.0}  # the evaluation of step 0 is not training
    began = time.perf_counter()
    last_log = began

    def preview(at: int) -> None:
        if procs.main:
            write_preview(trainer, model, fixed, os.path.join(run_dir, "samples", f"step-{at:06d}.png"), text)

    def save(at: int) -> str:
        """`at`'s checkpoint (rank 0 writes it); its folder."""
        if not procs.main:
            return os.path.join(run_dir, "checkpoints", f"step-{at:06d}")
        networks = {name: list(gs.tfjs_weights(net)) for name, net in model.nets.items()}
        saved = save_checkpoint(run_dir, at, model, networks, _rng_state(generator), meta, launch.get("spec"), trainer.checkpoint.keep, trained())
        append_event(run_dir, {"event": "checkpoint", "step": at, "seconds": time.perf_counter() - began, "steps": at - start})
        return saved

    step = reached = start
    try:
        # Every rank stops after the same step: on the first signal any of them got. Stopped
        # before a fresh run's first step: step 0's grid and checkpoint, so that --resume continues it.
        stopping = distributed.largest(opts.stop.signum, procs)
        if stopping and not checkpoint:
            preview(start)
            checkpoint = save(start)
        for step in range(start + 1, (start if stopping else steps) + 1):
            real, sampled = draw_cycle(trainer, data, batch, generator, procs)
            kwargs = {}
            if "step" in cycle_kwargs:
                kwargs["step"] = step
            if "reduce" in cycle_kwargs and procs.world > 1:
                kwargs["reduce"] = reduce
            values = distributed.mean_losses({k: [float(x) for x in v] for k, v in gs.cycle(model, real, sampled, **kwargs).items()}, procs)
            for phase in trainer.phases:
                for value in values.get(phase.name, []):
                    if not math.isfinite(value):
                        if procs.main:
                            append_event(run_dir, {"event": "nan", "step": step, "phase": phase.name, "value": js_number(value)})
                        raise UserError(f"phase {phase.name} gave a {js_number(value)} loss at step {step}; stopped without saving it (last checkpoint: {checkpoint or 'none'})")
                if values.get(phase.name):
                    last[phase.name] = values[phase.name][-1]
            stopping = distributed.largest(opts.stop.signum, procs)
            last_step = step == steps or stopping != 0
            if procs.main:
                append_line(losses_file, dumps({"step": step, **last}))
                now = time.perf_counter()
                if step == steps or now - last_log >= opts.log_every:
                    log(progress_line(step, steps, last, (step - start) / max(now - began, 1e-9)))
                    last_log = now
            if step % trainer.preview.every == 0 or last_step:
                preview(step)
            if step % trainer.checkpoint.every == 0 or last_step:
                checkpoint = save(step)
            if evaluating and step % opts.eval_every == 0:
                evaluate(step)
            reached = step
            if last_step:
                break
    except KeyboardInterrupt:
        raise UserError(f"interrupted at step {step}; the last checkpoint is {checkpoint or 'none'}: continue with --resume") from None
    except OSError as err:
        fix = "free some space" if err.errno in (28, 122) else "fix that"
        raise UserError(f"cannot write {err.filename or run_dir} ({err.strerror}); the last checkpoint is {checkpoint or 'none'}: {fix}, then continue with --resume") from None
    seconds = time.perf_counter() - began
    stopped = signal.Signals(stopping).name if reached < steps else None
    if procs.main:
        if stopped:
            append_event(run_dir, {"event": "stopped", "step": reached, "seconds": seconds, "steps": reached - start, "reason": stopped})
        else:
            append_event(run_dir, {"event": "end", "step": steps, "seconds": seconds, "steps": steps - start})
    distributed.barrier(procs)
    return {"step": reached, "steps": steps, "losses": last, "checkpoint": checkpoint, "ms_per_step": 1000 * seconds / max(reached - start, 1), "model": model, "stopped": stopped}
