"""Make sure only one daemon runs per user: an exclusive lock on a file holding the pid."""

import os
import sys
from pathlib import Path
from typing import IO

__all__ = ["AlreadyRunning", "InstanceLock"]


class AlreadyRunning(Exception):
    """Another daemon holds the lock; its pid is in the message."""


class InstanceLock:
    """An advisory lock held for the life of the daemon."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock or raise AlreadyRunning naming the pid that holds it."""
        self._path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle = open(self._path, "a+", encoding="ascii")  # noqa: SIM115 - held open on purpose
        try:
            _lock(handle)
        except OSError:
            handle.seek(0)
            pid = handle.read().strip() or "unknown"
            handle.close()
            raise AlreadyRunning(f"backcare-tray is already running (pid {pid})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        """Release the lock."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _lock(handle: IO[str]) -> None:
    """Lock the whole file without waiting; raise OSError if another process holds it."""
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
