"""say(line): one whole line to stdout (or stderr), in one write. Under PYTHONUNBUFFERED (as gan-train
starts this process) print() writes the text and its newline apart, and gan-train writes to the same
terminal: a message of gan-train's that came between them ended up on the end of a step line.

May import: the standard library.
"""
from __future__ import annotations

import sys
from typing import TextIO


def say(line: str, stream: TextIO | None = None) -> None:
    out = stream if stream is not None else sys.stdout
    out.write(line + "\n")
    out.flush()
