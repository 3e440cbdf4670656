"""Unit test of ganspec_torch's say() (console.py): a line and its newline go out in one write on an
unbuffered stream, as gan-train starts Python, where print() takes two; and no module of the package
writes with print(). Run by test/torch-runtime.test.ts. Imports the standard library and
ganspec_torch."""
import ast
import io
import os
import unittest

import ganspec_torch
from ganspec_torch.console import say


class Writes(io.RawIOBase):
    """A raw stream that records each write it gets (what reaches the file descriptor)."""

    def __init__(self):
        super().__init__()
        self.writes = []

    def writable(self):
        return True

    def write(self, b):
        self.writes.append(bytes(b))
        return len(b)


def unbuffered():
    raw = Writes()
    return raw, io.TextIOWrapper(raw, encoding="utf-8", write_through=True)


class Say(unittest.TestCase):
    def test_one_write_per_line_where_print_takes_two(self):
        raw, stream = unbuffered()
        say("step 3/10  D 0.4568", stream)
        say("stopped by SIGINT at step 3", stream)
        self.assertEqual(raw.writes, [b"step 3/10  D 0.4568\n", b"stopped by SIGINT at step 3\n"])
        raw, stream = unbuffered()
        print("step 3/10", file=stream, flush=True)
        self.assertEqual(raw.writes, [b"step 3/10", b"\n"])

    def test_no_module_prints(self):
        package = os.path.dirname(ganspec_torch.__file__)
        printing = [name for name in sorted(os.listdir(package)) if name.endswith(".py") and any(
            isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"
            for node in ast.walk(ast.parse(open(os.path.join(package, name), encoding="utf-8").read())))]
        self.assertEqual(printing, [])


if __name__ == "__main__":
    unittest.main()
