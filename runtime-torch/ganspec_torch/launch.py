"""torchrun, as gan-train --nproc N (or --nnodes N) starts it: `python3 -m ganspec_torch.launch
--nproc_per_node N -m ganspec_torch train ...` runs torch.distributed.run (the code behind the
torchrun script) after mending one bug of torch 1.13 under Python 3.11: Std.from_str("0") returns
None there (3.11 no longer lists a Flag's zero member when iterating it), so torchrun's default
`--redirects 0` crashes before starting any worker; and without the agents' exit barrier (below). A Ctrl-C or kill before torchrun starts the
workers (while torch loads, during the rendezvous) reaches them as --stop-requested (they save
step 0 and stop), not as a traceback; from their start on, torchrun passes signals on itself,
and the workers start as gan-train starts this process, with SIGINT and SIGTERM ignored until
their stop is in place.

May import: torch, the standard library and ganspec_torch.stop.
"""
from __future__ import annotations

import signal
import sys
import time

from ganspec_torch.stop import SAME_STOP_S, STOP_SIGNALS, StopRequest, follow_parent, tell_gan_train

_early = StopRequest()
follow_parent()  # gan-train killed: a SIGTERM, which torchrun passes on to the workers
try:
    from torch.distributed.elastic.agent.server.api import SimpleElasticAgent
    from torch.distributed.elastic.multiprocessing import api
    from torch.distributed.run import main
except KeyboardInterrupt:  # a second signal: stop at once (nothing was started)
    sys.exit(128 + _early.signum)

if api.Std.from_str("0") is None:
    _from_str = api.Std.from_str

    def _mended(vm: str):
        value = _from_str(vm)
        if value is None:
            return api.Std.NONE
        if isinstance(value, dict):
            return {k: api.Std.NONE if v is None else v for k, v in value.items()}
        return value

    api.Std.from_str = staticmethod(_mended)

# The rendezvous's socket calls fail on EINTR: until the workers start, a signal waits (blocked),
# then counts as the early stop request.
_start = api.PContext.start


def _start_workers(self: api.PContext) -> None:
    """PContext.start, the workers told of a stop request that came before it (start() then puts
    torchrun's handlers in place of the early one; the workers inherit no blocked signal) and
    started with SIGINT and SIGTERM ignored, as gan-train starts this process, until their stop is
    in place: a Ctrl-C or kill in their first milliseconds reaches them through the stop file
    (stop.py), which torchrun's handler writes (_terminate_once)."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    told = ("--stop-requested", signal.Signals(_early.signum).name) if _early.signum else ()
    self.args = {rank: ("-c", 'trap "" INT TERM; exec "$0" "$@"', self.entrypoint, *args, *told) for rank, args in self.args.items()}
    self.entrypoint = "/bin/sh"
    _start(self)


api.PContext.start = _start_workers

# The workers meet at their own end (loop.py's last barrier). torchrun's agents meet once more
# after them, and on several machines a node whose torchrun ended on a Ctrl-C (a SignalException,
# which skips that meeting) left node 0's waiting 5 minutes for it: they do not meet again.
SimpleElasticAgent._exit_barrier = lambda self: None

_terminate = api._terminate_process_handler
_first_stop: list[float] = []


def _terminate_once(signum: int, frame: object) -> None:
    """torchrun's handler once the workers run (its SignalException: torchrun passes the signal to
    the workers and waits for them), which also writes the stop file; the same request again
    (within SAME_STOP_S: a Ctrl-C reaches torchrun from the terminal and from gan-train) is not a
    second one, which would end that wait and kill the workers."""
    now = time.monotonic()
    if _first_stop and now - _first_stop[0] <= SAME_STOP_S:
        return
    if not _first_stop:
        _first_stop.append(now)
        tell_gan_train(signum)
    _terminate(signum, frame)


api._terminate_process_handler = _terminate_once

if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # a second signal before the workers started: stop at once
        sys.exit(128 + _early.signum)
