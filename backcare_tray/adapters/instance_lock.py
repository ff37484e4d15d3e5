"""Make sure only one daemon runs per user: an exclusive lock on a file holding the pid."""

# Taking the lock and writing the pid are one step for everyone else: both happen while holding
# a second, short lock (the gate: a lock on the folder itself), and a process that finds the
# file locked reads the pid only once it holds the gate. So a loser never reads the file between
# the winner's lock and its write (an empty file, or the pid of a daemon long gone).

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from backcare_tray.i18n import _

__all__ = ["GATE_WAIT", "AlreadyRunning", "InstanceLock", "lock_holder"]

GATE_WAIT = 2.0  # seconds to wait for the gate; only a process stopped inside it holds it longer


class AlreadyRunning(Exception):
    """Another daemon holds the lock; its pid is in the message."""


class InstanceLock:
    """An advisory lock held for the life of the daemon."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock with this pid written under it, or raise AlreadyRunning naming the pid."""
        with _gate(self.path.parent):
            handle = open(self.path, "a+", encoding="ascii")  # noqa: SIM115 - held open on purpose
            try:
                _lock(handle)
            except OSError:
                handle.seek(0)
                pid = handle.read().strip() or "unknown"
                handle.close()
                running = _("backcare-tray is already running (pid {pid})").format(pid=pid)
                raise AlreadyRunning(running) from None
            try:
                handle.seek(0)
                handle.truncate()
                handle.write(str(os.getpid()))
                handle.flush()
            except OSError:
                handle.close()
                raise
        self._handle = handle

    def intact(self) -> bool:
        """Return True while the file at the path is still the one this lock holds."""
        if self._handle is None:
            return False
        try:
            there, held = os.stat(self.path), os.fstat(self._handle.fileno())
        except OSError:
            return False
        return (there.st_dev, there.st_ino) == (held.st_dev, held.st_ino)

    def release(self) -> None:
        """Release the lock."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def lock_holder(path: Path) -> str | None:
    """Return the pid of the process holding the lock at path, or None when none does."""
    if sys.platform == "win32":
        return None
    import fcntl

    try:
        with _gate(path.parent), open(path, encoding="ascii") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError:
                return handle.read().strip() or "unknown"
            return None  # nobody holds it (closing the file lets our shared lock go)
    except OSError:
        return None


@contextmanager
def _gate(folder: Path) -> Iterator[None]:
    """Hold the folder's short lock, under which the pid is written and read."""
    if sys.platform == "win32":  # a folder cannot be locked there; the pid may be read early
        yield
        return
    import fcntl

    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        give_up = time.monotonic() + GATE_WAIT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > give_up:
                    break  # held by a stopped process: go on without it rather than hang
                time.sleep(0.005)
        yield
    finally:
        os.close(fd)  # lets the gate go


def _lock(handle: IO[str]) -> None:
    """Lock the whole file without waiting; raise OSError if another process holds it."""
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
