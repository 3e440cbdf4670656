"""Ctrl-C and kill (runtime/loop/train.ts's `stop`): the first SIGINT or SIGTERM asks the loop to
stop after the step in progress, which then writes that step's grid and checkpoint (before a
fresh run's first step: step 0's, the untrained networks); one that comes more than SAME_STOP_S
after it stops at once (KeyboardInterrupt). Within SAME_STOP_S a signal is the same request again: one
Ctrl-C reaches this process up to three times within milliseconds (from the terminal, from
gan-train passing it on, from torchrun passing it on).

The file $GANSPEC_STOP_FILE names (gan-train's, one per training) holds the request's signal
name, from whichever side had it first. This side writes it on its first request, so gan-train,
which may read its own signal seconds late (while it scores an evaluation), passes on nothing that
would count as a second request. gan-train writes it before passing a signal on, and starts this
process with SIGINT and SIGTERM ignored: a Ctrl-C or kill in its first milliseconds, before these
handlers are in place, is then not lost but read from the file when they are. Its parent's end is a SIGTERM too
(follow_parent): a gan-train killed with SIGKILL stops the training after its step.

May import: the standard library.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import time
from typing import Iterator

SAME_STOP_S = 0.5
STOP_FILE_ENV = "GANSPEC_STOP_FILE"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def held() -> Iterator[None]:
    """The stop signals blocked while the block runs (socket calls that fail on EINTR), then delivered."""
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


class StopRequest:
    """From its creation until restore(), SIGINT and SIGTERM set `signum` (the first signal's
    number; 0: none yet, or the one given, a signal that came before this process started)
    instead of raising."""

    def __init__(self, signum: int = 0) -> None:
        self.signum = signum
        self._at = time.monotonic()
        self._saved = {sig: signal.signal(sig, self._handle) for sig in STOP_SIGNALS}
        # After the handlers: a request gan-train passed on before them left the file first.
        if self.signum == 0:
            self.signum = _requested()

    def restore(self) -> None:
        for sig, handler in self._saved.items():
            signal.signal(sig, handler)

    def _handle(self, signum: int, _frame: object) -> None:
        now = time.monotonic()
        if self.signum == 0:
            self.signum, self._at = signum, now
            tell_gan_train(signum)
        elif now - self._at > SAME_STOP_S:
            raise KeyboardInterrupt


def _requested() -> int:
    """The signal the stop file names; 0 when there is none."""
    path = os.environ.get(STOP_FILE_ENV)
    if not path:
        return 0
    try:
        with open(path, encoding="utf-8") as f:
            return signal.Signals[f.read().strip()].value
    except (OSError, KeyError):
        return 0


def tell_gan_train(signum: int) -> None:
    """Writes the stop file, unless it is there: this process has the request (gan-train need not pass it on)."""
    path = os.environ.get(STOP_FILE_ENV)
    if path and not os.path.exists(path):
        try:
            with open(f"{path}.{os.getpid()}", "w", encoding="utf-8") as f:
                f.write(signal.Signals(signum).name)
            os.replace(f"{path}.{os.getpid()}", path)  # whole, for a reader in another process
        except OSError:
            pass  # gan-train then passes the signal on, as it did before the file


PARENT_ENV = "GANSPEC_PARENT_PID"
_PR_SET_PDEATHSIG = 1


def follow_parent() -> None:
    """A SIGTERM to this process when its parent ends (Linux: prctl PR_SET_PDEATHSIG), a stop
    request as a kill's: gan-train killed with SIGKILL, which runs no clean-up, would otherwise
    leave this process training on, writing a run whose lock names a dead process. The parent
    $GANSPEC_PARENT_PID names may have ended before this call: then the request is made here.
    Where prctl is missing, nothing. The children this process starts (torchrun's workers) follow
    it in turn: the variable names it for them."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM) != 0:
            return
    except (OSError, AttributeError):
        return
    parent = os.environ.get(PARENT_ENV)
    os.environ[PARENT_ENV] = str(os.getpid())
    if parent and parent.isdigit() and os.getppid() != int(parent):
        os.kill(os.getpid(), signal.SIGTERM)
