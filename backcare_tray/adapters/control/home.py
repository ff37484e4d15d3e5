"""The daemon's place: its runtime folder, the instance lock and the endpoint, kept whole."""

# claim() finds the folder by the one rule (adapters/runtime_dir.py), takes the lock there
# (refusing when a daemon holds the lock in another folder of the rule) and publishes the
# endpoint; repair() runs whenever the folder may have changed (heard by inotify, or once a
# minute where there is none). A folder made anew at the same place gets the lock and the
# socket again; a lock someone else now holds, or a rule that now gives another folder (the
# session's runtime folder removed at logout, say), means this daemon should stop.

import errno
import logging
import os
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from backcare_tray.adapters.control.client import (
    LOOPBACK,
    Endpoint,
    describe_os_error,
    endpoint_for,
)
from backcare_tray.adapters.instance_lock import AlreadyRunning, InstanceLock, lock_holder
from backcare_tray.adapters.runtime_dir import (
    RuntimeDir,
    RuntimeDirError,
    runtime_dir,
    runtime_places,
)
from backcare_tray.adapters.state_file import write_atomically
from backcare_tray.i18n import _

__all__ = ["LOCK_NAME", "ControlHome", "ControlUnavailable", "Listening", "Repair"]

log = logging.getLogger(__name__)

LOCK_NAME = "daemon.lock"


class ControlUnavailable(Exception):
    """The endpoint cannot be opened; the message says why in one line."""


class Listening:
    """A published endpoint: the listening socket and the file clients find it by."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        path = endpoint.path
        try:
            if path.is_dir():  # unlink would say "is a directory", bind "address in use"
                raise OSError(errno.EISDIR, os.strerror(errno.EISDIR))
            path.unlink(missing_ok=True)  # left by a crash; the instance lock is already ours
            if endpoint.kind == "unix":
                self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.token: str | None = None
                try:
                    self.socket.bind(str(path))
                    os.chmod(path, 0o600)
                    self.socket.listen(socket.SOMAXCONN)
                except OSError:
                    self.socket.close()
                    raise
            else:
                self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                self.socket.bind((LOOPBACK, 0))
                self.socket.listen(socket.SOMAXCONN)
                import secrets  # loads OpenSSL: only where a token is needed (loopback TCP)

                self.token = secrets.token_hex(16)
                write_atomically(path, f"{self.socket.getsockname()[1]} {self.token}\n")
                os.chmod(path, 0o600)
            self._identity = _identity(path)
        except OSError as error:
            why = describe_os_error(error, path)
            raise ControlUnavailable(
                _("cannot listen on {path}: {problem}").format(path=path, problem=why)
            ) from None

    def intact(self) -> bool:
        """Return True while the path still leads to this socket (or port file)."""
        return _identity(self.endpoint.path) == self._identity

    def close(self, *, unlink: bool = True) -> None:
        """Stop listening; remove the path if it is still this one's."""
        self.socket.close()
        if unlink and self.intact():
            try:
                self.endpoint.path.unlink()
            except OSError as error:
                log.debug("Could not remove %s: %s", self.endpoint.path, error)


def _identity(path: Path) -> tuple[int, int] | None:
    """Return the file at path as (device, inode), or None when there is none."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


@dataclass(frozen=True)
class Repair:
    """What repair() did: the endpoint it replaced (to close), or why the daemon should stop."""

    replaced: Listening | None = None
    stop: str | None = None


class ControlHome:
    """The runtime folder with the lock and the endpoint in it, for as long as the daemon runs."""

    def __init__(
        self,
        find: Callable[[], RuntimeDir] = runtime_dir,
        others: Callable[[], list[Path]] = runtime_places,
        platform: str = sys.platform,
        *,
        fixed: Endpoint | None = None,
    ) -> None:
        self._find: Callable[[], RuntimeDir] | None = None if fixed else find
        self._others = others
        self._platform = platform
        self._fixed = fixed
        self.folder: Path | None = None if fixed is None else fixed.path.parent
        self.note: str | None = None
        self.listening: Listening | None = None
        self._lock: InstanceLock | None = None
        self.stopped_for: str | None = None  # why repair() asked the daemon to stop
        self.taken_over = False  # because another daemon holds the lock now

    @classmethod
    def at(cls, endpoint: Endpoint) -> "ControlHome":
        """Return a home with a fixed endpoint and no lock (a server on its own, in tests)."""
        return cls(fixed=endpoint)

    @property
    def endpoint(self) -> Endpoint:
        """Return where clients find the daemon."""
        if self._fixed is not None:
            return self._fixed
        assert self.folder is not None, "claim() first"
        return endpoint_for(self.folder, self._platform)

    @property
    def lock_path(self) -> Path | None:
        """Return the lock file's path once the folder is known."""
        return None if self.folder is None else self.folder / LOCK_NAME

    def claim(self) -> RuntimeDir:
        """Find the folder and take the lock; raise AlreadyRunning, RuntimeDirError or OSError."""
        assert self._find is not None
        found = self._find()
        self.folder, self.note = found.path, found.note
        lock = InstanceLock(found.path / LOCK_NAME)
        lock.acquire()
        for other in self._others():
            pid = None if other == found.path else lock_holder(other / LOCK_NAME)
            if pid is not None:
                lock.release()
                running = _("backcare-tray is already running (pid {pid}, in {folder})")
                raise AlreadyRunning(running.format(pid=pid, folder=other))
        self._lock = lock
        return found

    def publish(self) -> Listening:
        """Open the endpoint; raise ControlUnavailable with the reason if it cannot be."""
        if self._find is None:
            assert self.folder is not None
            try:
                self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            except OSError as error:
                why = describe_os_error(error, self.folder)
                raise ControlUnavailable(
                    _("cannot make {path}: {problem}").format(path=self.folder, problem=why)
                ) from None
        self.listening = Listening(self.endpoint)
        return self.listening

    def repair(self) -> Repair:
        """Make the folder, the lock and the endpoint whole again after a change."""
        assert self.listening is not None and self.folder is not None
        if self._find is not None:
            try:
                found = self._find()
            except RuntimeDirError as error:
                return self._stop(f"the runtime folder {self.folder} cannot be used now: {error}")
            if found.path != self.folder:
                return self._stop(
                    f"the runtime folder {self.folder} is gone and cannot be made again "
                    f"({found.note}); a command line would look in {found.path} now"
                )
        else:
            try:
                self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            except OSError as error:
                why = describe_os_error(error, self.folder)
                return self._stop(f"cannot make {self.folder} again: {why}")
        redone = []
        if self._lock is not None and not self._lock.intact():
            fresh = InstanceLock(self._lock.path)
            try:
                fresh.acquire()
            except AlreadyRunning as error:
                self.taken_over = True
                return self._stop(f"the lock in {self.folder} was replaced: {error}")
            except OSError as error:
                why = describe_os_error(error, fresh.path)
                return self._stop(f"cannot take the lock {fresh.path} again: {why}")
            self._lock.release()
            self._lock = fresh
            redone.append("lock")
        replaced = None
        if not self.listening.intact():
            try:
                fresh_listening = Listening(self.endpoint)
            except ControlUnavailable as error:
                return self._stop(str(error))
            replaced, self.listening = self.listening, fresh_listening
            redone.append("socket")
        if redone:
            log.warning(
                "The runtime folder %s was changed under the daemon; made its %s again.",
                self.folder,
                " and ".join(redone),
            )
        return Repair(replaced=replaced)

    def _stop(self, reason: str) -> Repair:
        """Note why the daemon should stop and say so."""
        self.stopped_for = reason
        return Repair(stop=reason)

    def close_endpoint(self) -> None:
        """Stop listening and remove the endpoint if it is still this one's."""
        if self.listening is not None:
            self.listening.close()
            self.listening = None

    def release(self) -> None:
        """Close the endpoint (removing it if still ours) and let the lock go."""
        self.close_endpoint()
        if self._lock is not None:
            self._lock.release()
            self._lock = None
