"""A private mount namespace for a test's daemon and commands, held open by one process."""

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

from support.marking import require_desktop_marker

# unshare makes the namespace and, inside it, an empty tmpfs on /run/user: so no folder of
# logind's (a real session's /run/user/UID) is seen by the runtime folder's rule. The holder
# then sleeps; nsenter runs each command in its namespace (entering a mount namespace needs no
# fork, so a daemon started that way keeps the pid the test sees).
HOLD = "mount -t tmpfs -o mode=0755 tmpfs /run/user && echo ready && exec sleep 1000000"


@contextmanager
def private_run_user() -> Iterator[tuple[str, ...]]:
    """Hold a mount namespace with an empty /run/user; yield the prefix that runs in it."""
    require_desktop_marker("unshare")
    holder = subprocess.Popen(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", HOLD],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        if holder.stdout.readline() != "ready\n":
            raise RuntimeError("unshare could not make a mount namespace (needs root)")
        yield ("nsenter", f"--target={holder.pid}", "--mount", "--")
    finally:
        holder.kill()
        holder.wait(5)
