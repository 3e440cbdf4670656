"""UserError: a problem the user can fix, printed as one line (no traceback) by __main__.

May import: nothing.
"""
from __future__ import annotations


class UserError(Exception):
    """An error whose message is the whole story: one line, no traceback."""
