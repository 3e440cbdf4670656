"""Probe helper: PyTorch's convolution rates on given shapes, for bench/probes/conv-rates.ts.

Reads shapes from argv as n,h,w,cin,cout,k,stride (NHWC sizes, a k x k kernel, padding k // 2, as
'same' pads these odd kernels) and prints one JSON line per shape: the best ms of 7 forward
passes, and of 7 backward passes (input and filter gradients together, from a fixed dy), after
two warm-ups, on torch.get_num_threads() threads (OMP_NUM_THREADS sets it). Imports torch only.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F


def best_ms(run) -> float:
    for _ in range(2):
        run()
    times = []
    for _ in range(7):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return 1000 * min(times)


def main() -> None:
    torch.manual_seed(0)
    for arg in sys.argv[1:]:
        n, h, w, cin, cout, k, stride = (int(v) for v in arg.split(','))
        x = torch.randn(n, cin, h, w, requires_grad=True)
        weight = torch.randn(cout, cin, k, k, requires_grad=True)

        def forward() -> torch.Tensor:
            return F.conv2d(x, weight, stride=stride, padding=k // 2)

        with torch.no_grad():
            fwd = best_ms(forward)
        y = forward()
        dy = torch.randn_like(y)
        bwd = best_ms(lambda: torch.autograd.grad(y, [x, weight], dy, retain_graph=True))
        print(json.dumps({'shape': arg, 'out': list(y.shape), 'forwardMs': fwd, 'backwardMs': bwd, 'threads': torch.get_num_threads()}))


if __name__ == '__main__':
    main()
