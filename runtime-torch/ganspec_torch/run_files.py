"""A run directory's log files, written line for line as runtime/loop/ writes them:
losses.jsonl (a `{"provenance": ...}` header record when the provenance changes, then one
`{"step": N, <phase>: loss, ...}` record per step; trimmed back to the checkpoint on resume,
dropping a torn last line), events.jsonl (start, checkpoint, nan, end), run.json, and the
refusal to start a fresh run where one is. Only rank 0 calls these.

May import: the standard library, ganspec_torch.errors and ganspec_torch.files.
"""
from __future__ import annotations

import json
import math
import os
from datetime import datetime, timezone
from typing import Any

from .errors import UserError
from .files import write_atomic

RUN_FILES = ["run.json", "losses.jsonl", "metrics.jsonl"]
RUN_DIRS = ["checkpoints", "samples"]


def dumps(value: Any) -> str:
    """JSON as JavaScript's JSON.stringify writes it (no spaces; non-finite numbers as null)."""
    def clean(v: Any) -> Any:
        if isinstance(v, float) and not math.isfinite(v):
            return None
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [clean(x) for x in v]
        return v
    return json.dumps(clean(value), separators=(",", ":"), ensure_ascii=False)


def run_files_in(folder: str) -> list[str]:
    """The run files in `folder` (folders with a trailing '/'), as runtime/run-files.ts lists them."""
    try:
        names = set(os.listdir(folder))
    except OSError:
        return []
    modules = sorted(n for n in names if n.endswith(".mts") or n.endswith(".py"))
    return ([f for f in RUN_FILES[:1] if f in names] + modules + [f for f in RUN_FILES[1:] if f in names]
            + [f"{d}/" for d in RUN_DIRS if d in names])


def refuse_existing_run(folder: str) -> None:
    """One line when `folder` holds a run."""
    found = run_files_in(folder)
    if found:
        raise UserError(f"{folder} already holds a run: continue it with --resume, or train into another --out directory (found {', '.join(found)})")


def append_line(path: str, line: str) -> None:
    try:
        with open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")
    except OSError as err:
        raise UserError(f"cannot write {path} ({err.strerror})") from None


def _parse(line: str) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        return None


def _is_provenance(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("provenance"), dict)


def _step_of(line: str) -> int | None:
    value = _parse(line)
    step = value.get("step") if isinstance(value, dict) else None
    return step if isinstance(step, int) and not isinstance(step, bool) else None


def ensure_provenance(path: str, provenance: dict) -> None:
    """Appends a header record unless the file's last header says the same."""
    last = None
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith('{"provenance"'):
                    value = _parse(line)
                    if _is_provenance(value):
                        last = value["provenance"]
    keys = ("specSha256", "moduleSha256", "ganspec")
    if last is not None and all(last.get(k) == provenance.get(k) for k in keys):
        return
    append_line(path, dumps({"provenance": provenance}))


def trim_records(path: str, step: int) -> str | None:
    """Keeps the records up to `step` (and the headers they follow); says what it dropped."""
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        text = f.read()
    lines = text.split("\n")
    last = lines.pop()
    torn = 0
    if last != "" and _step_of(last) is None:
        torn = len(last.encode("utf-8"))
    elif last != "":
        lines.append(last)
    kept: list[str] = []
    unreadable = later = 0
    header = None
    for line in lines:
        s = _step_of(line)
        if s is None and _is_provenance(_parse(line)):
            header = line
        elif s is None:
            unreadable += 1 if line.strip() else 0
        elif s > step:
            later += 1
        else:
            if header is not None:
                kept.append(header)
            header = None
            kept.append(line)
    rewritten = "".join(line + "\n" for line in kept)
    if rewritten == text:
        return None
    write_atomic(path, rewritten)

    def count(n: int, what: str) -> str:
        return f"{n} {what}{'' if n == 1 else 's'}"
    dropped = ([f"a torn last line ({torn} bytes)"] if torn else []) + ([count(unreadable, "unreadable line")] if unreadable else []) \
        + ([f"{count(later, 'record')} after step {step}"] if later else [])
    return f"{os.path.basename(path)}: dropped {' and '.join(dropped)}" if dropped else None


def now_iso() -> str:
    """The time as JavaScript's toISOString writes it (UTC, milliseconds, Z)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def append_event(run_dir: str, event: dict) -> None:
    append_line(os.path.join(run_dir, "events.jsonl"), dumps({**event, "time": now_iso()}))


def write_json_atomic(path: str, value: Any) -> None:
    """JSON.stringify(value, null, 2) + newline, written atomically (run.json)."""
    try:
        write_atomic(path, json.dumps(value, indent=2, ensure_ascii=False) + "\n")
    except OSError as err:
        raise UserError(f"cannot write {path} ({err.strerror})") from None


def progress_line(step: int, steps: int, losses: dict[str, float], steps_per_second: float) -> str:
    """The progress line runtime/loop/progress.ts prints."""
    parts = "  ".join(f"{k} {v:.4f}" for k, v in losses.items())
    left = (steps - step) / steps_per_second if steps_per_second > 0 else math.inf
    if math.isfinite(left):
        s = round(left)
        h, m = s // 3600, (s % 3600) // 60
        eta = f"{h}h{m:02d}m" if h > 0 else f"{m}m{s % 60:02d}s" if m > 0 else f"{s}s"
    else:
        eta = "?"
    return f"step {step}/{steps}  {parts}  {steps_per_second:.2f} steps/s  ETA {eta}"
