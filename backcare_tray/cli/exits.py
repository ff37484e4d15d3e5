"""The command line's exit statuses and its one way of saying what went wrong."""

import sys

__all__ = ["EXIT_BUSY", "EXIT_NOT_RUNNING", "EXIT_REFUSED", "EXIT_SYSTEM", "EXIT_USAGE", "fail"]

EXIT_REFUSED = 1  # the daemon said no (nothing to snooze...), or one is already running
EXIT_USAGE = 2  # bad usage or config
EXIT_NOT_RUNNING = 3  # no daemon listens
EXIT_BUSY = 4  # the daemon did not answer in time; the command was not carried out
EXIT_SYSTEM = 5  # the runtime folder, the lock or the socket cannot be used (the message says)


def fail(message: str, code: int) -> int:
    """Print message on stderr and return code."""
    print(f"backcare-tray: {message}", file=sys.stderr)
    return code
