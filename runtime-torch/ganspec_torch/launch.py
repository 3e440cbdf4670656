"""torchrun, as gan-train --nproc N starts it: `python3 -m ganspec_torch.launch --nproc_per_node N
-m ganspec_torch train ...` runs torch.distributed.run (the code behind the torchrun script)
after mending one bug of torch 1.13 under Python 3.11: Std.from_str("0") returns None there
(3.11 no longer lists a Flag's zero member when iterating it), so torchrun's default
`--redirects 0` crashes before starting any worker. A Ctrl-C or kill before torchrun starts the
workers (while torch loads, during the rendezvous) reaches them as --stop-requested (they save
step 0 and stop), not as a traceback; from their start on, torchrun passes signals on itself.

May import: torch, the standard library and ganspec_torch.stop.
"""
from __future__ import annotations

import signal
import sys

from ganspec_torch.stop import StopRequest

_early = StopRequest()
try:
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
_HELD = {signal.SIGINT, signal.SIGTERM}
_start = api.PContext.start


def _start_workers(self: api.PContext) -> None:
    """PContext.start, the workers told of a stop request that came before it (start() then puts
    torchrun's handlers in place of the early one; the workers inherit no blocked signal)."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
    if _early.signum:
        name = signal.Signals(_early.signum).name
        self.args = {rank: (*args, "--stop-requested", name) for rank, args in self.args.items()}
    _start(self)


api.PContext.start = _start_workers

if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # a second signal before the workers started: stop at once
        sys.exit(128 + _early.signum)
