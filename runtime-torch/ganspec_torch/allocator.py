"""Allocator settings for a training process. glibc's malloc hands every freed block above its
mmap threshold back to the kernel (and trims the heap's free top above its trim threshold), so a
training step, which frees and allocates the same large activations and im2col buffers every
step, page-faults all of them back in each time: about 7,000 minor faults per step of the deep convolutional spec at batch
32 on CPU. `keep_freed_memory()` raises both thresholds with mallopt, so the freed memory is
reused, with no faults, from the next step on. A no-op (False) where the C library is not glibc.
Imports the standard library only."""
from __future__ import annotations

import ctypes
import ctypes.util

#: mallopt's parameter numbers (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
#: Blocks up to 1 GiB come from the heap and stay there when freed.
THRESHOLD = 1 << 30


def keep_freed_memory() -> bool:
    """Raises glibc's mmap and trim thresholds for this process; True when both took effect."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return mallopt(_M_MMAP_THRESHOLD, THRESHOLD) == 1 and mallopt(_M_TRIM_THRESHOLD, THRESHOLD) == 1
