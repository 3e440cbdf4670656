"""Unit test of ganspec_torch's allocator settings (allocator.py): with glibc's thresholds raised,
a large buffer freed and allocated again is served from memory already mapped, so once the heap
has room for it, filling it again takes (almost) no page faults. Run by test/torch-runtime.test.ts. Imports the
standard library, torch and ganspec_torch."""
import resource
import unittest

import torch

import ganspec_torch as gs

torch.set_num_threads(1)

MB = 64  # 64 MiB: far above glibc's default mmap threshold (128 KiB, at most 32 MiB when dynamic)
PAGES = MB * 1024 * 1024 // 4096


def faults_of_a_fill() -> int:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    t = torch.ones(MB * 1024 * 1024 // 4)  # every page written
    after = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    del t
    return after - before


class KeepFreedMemory(unittest.TestCase):
    def test_a_freed_64_mib_buffer_is_reused_without_page_faults(self):
        self.assertTrue(gs.keep_freed_memory())
        # The first fills map the pages. A small block allocated meanwhile (by unittest, say) may
        # be cut from the freed buffer's start, so the next fill extends the heap once more (seen
        # in about one run in eight): three fills leave room for it, as a training step's first
        # steps do.
        for _ in range(3):
            faults_of_a_fill()
        later = [faults_of_a_fill() for _ in range(3)]
        # Without the settings the buffer is unmapped on free and every page (16,384) faults again.
        self.assertLess(sum(later), PAGES // 100, f"{later} faults for {PAGES} pages per fill")


if __name__ == "__main__":
    unittest.main()
