"""The command line's exit statuses and its one way of saying what went wrong."""

import sys

__all__ = [
    "EXIT_BUSY",
    "EXIT_CUT_SHORT",
    "EXIT_NOT_RUNNING",
    "EXIT_REFUSED",
    "EXIT_SYSTEM",
    "EXIT_USAGE",
    "fail",
]

EXIT_REFUSED = 1  # the daemon said no (nothing to snooze...), or one is already running
EXIT_USAGE = 2  # bad usage or config
EXIT_NOT_RUNNING = 3  # no daemon listens
EXIT_BUSY = 4  # the daemon did not answer in time; the command was not carried out
EXIT_SYSTEM = 5  # the runtime folder, the lock or the socket cannot be used (the message says)
# The output's reader went away first (`| head -1`): 128 + SIGPIPE, as a shell reports
# for cat or grep in the same place, so `set -o pipefail` scripts see the same thing.
EXIT_CUT_SHORT = 141


def fail(message: str, code: int) -> int:
    """Print message on stderr and return code."""
    print(f"backcare-tray: {message}", file=sys.stderr)
    return code
