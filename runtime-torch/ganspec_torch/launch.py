"""torchrun, as gan-train --nproc N starts it: `python3 -m ganspec_torch.launch --nproc_per_node N
-m ganspec_torch train ...` runs torch.distributed.run (the code behind the torchrun script)
after mending one bug of torch 1.13 under Python 3.11: Std.from_str("0") returns None there
(3.11 no longer lists a Flag's zero member when iterating it), so torchrun's default
`--redirects 0` crashes before starting any worker. A Ctrl-C or kill while torch loads here is
passed on to the workers as --stop-requested (they save step 0 and stop), not a traceback.

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
_early.restore()
if _early.signum:  # the workers' arguments end the command line
    sys.argv += ["--stop-requested", signal.Signals(_early.signum).name]

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

if __name__ == "__main__":
    sys.exit(main())
