"""The command line's exit statuses and its one way of saying what went wrong."""

import sys

__all__ = ["EXIT_CUT_SHORT", "EXIT_NOT_RUNNING", "EXIT_REFUSED", "EXIT_USAGE", "fail"]

EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_NOT_RUNNING = 3
# The output's reader went away first (`| head -1`): 128 + SIGPIPE, as a shell reports
# for cat or grep in the same place, so `set -o pipefail` scripts see the same thing.
EXIT_CUT_SHORT = 141


def fail(message: str, code: int) -> int:
    """Print message on stderr and return code."""
    print(f"backcare-tray: {message}", file=sys.stderr)
    return code
