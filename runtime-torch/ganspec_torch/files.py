"""Writing files that must never be seen half-written, as runtime/atomic-write.ts does: a
`.tmp-` sibling, fsync, rename over the target; and fsync'd writes inside a directory that is
renamed into place later (checkpoints).

May import: the standard library.
"""
from __future__ import annotations

import os
import secrets

TEMP_PREFIX = ".tmp-"


def temp_sibling(target: str) -> str:
    """A fresh, unique `.tmp-` path next to `target` (crash leftovers are recognisable)."""
    head, tail = os.path.split(target)
    return os.path.join(head, f"{TEMP_PREFIX}{tail}-{os.getpid()}-{secrets.token_hex(4)}")


def write_durable(path: str, data: bytes | str) -> None:
    """Writes and fsyncs `path`."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with open(path, "wb") as f:
        f.write(raw)
        f.flush()
        os.fsync(f.fileno())


def write_atomic(path: str, data: bytes | str) -> None:
    """Replaces `path` in one step: readers see the old content or the new, never a part."""
    temp = temp_sibling(path)
    try:
        write_durable(temp, data)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise
