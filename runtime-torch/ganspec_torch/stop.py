"""Ctrl-C and kill (runtime/loop/train.ts's `stop`): the first SIGINT or SIGTERM asks the loop to
stop after the step in progress, which then writes that step's grid and checkpoint (before a
fresh run's first step: step 0's, the untrained networks); one that comes more than SAME_STOP_S
after it stops at once (KeyboardInterrupt). Within SAME_STOP_S a signal is the same request again: one
Ctrl-C reaches this process up to three times within milliseconds (from the terminal, from
gan-train passing it on, from torchrun passing it on). gan-train passes a signal on only when it
reached gan-train alone (a kill of its pid): the first request leaves the file $GANSPEC_STOP_FILE
names, and gan-train, which may read its own signal seconds late (while it scores an evaluation),
then passes nothing on that would count as a second one.

May import: the standard library.
"""
from __future__ import annotations

import os
import signal
import time

SAME_STOP_S = 0.5
STOP_FILE_ENV = "GANSPEC_STOP_FILE"


class StopRequest:
    """From its creation until restore(), SIGINT and SIGTERM set `signum` (the first signal's
    number; 0: none yet, or the one given, a signal that came before this process started)
    instead of raising."""

    def __init__(self, signum: int = 0) -> None:
        self.signum = signum
        self._at = time.monotonic()
        self._saved = {sig: signal.signal(sig, self._handle) for sig in (signal.SIGINT, signal.SIGTERM)}

    def restore(self) -> None:
        for sig, handler in self._saved.items():
            signal.signal(sig, handler)

    def _handle(self, signum: int, _frame: object) -> None:
        now = time.monotonic()
        if self.signum == 0:
            self.signum, self._at = signum, now
            _tell_gan_train()
        elif now - self._at > SAME_STOP_S:
            raise KeyboardInterrupt


def _tell_gan_train() -> None:
    """Leaves the file $GANSPEC_STOP_FILE names: this process has the request (gan-train need not pass it on)."""
    path = os.environ.get(STOP_FILE_ENV)
    if path:
        try:
            open(path, "a", encoding="utf-8").close()
        except OSError:
            pass  # gan-train then passes the signal on, as it did before the file
