"""The command line's exit statuses and its one way of saying what went wrong."""

import sys

__all__ = ["EXIT_NOT_RUNNING", "EXIT_REFUSED", "EXIT_USAGE", "fail"]

EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_NOT_RUNNING = 3


def fail(message: str, code: int) -> int:
    """Print message on stderr and return code."""
    print(f"backcare-tray: {message}", file=sys.stderr)
    return code
