"""Hear the runtime folder being removed or changed, through Linux's inotify (no polling)."""

# One inotify descriptor, read by the control server's selector beside its sockets: a watch on
# the runtime folder (its socket and lock removed, renamed or replaced, the folder itself
# removed, moved or given other permissions) and one on the folder it is in (that one removed
# or moved). Nothing is read until something happens. Where there is no inotify the server
# looks once a minute instead.

import ctypes
import errno
import logging
import os
import sys
from pathlib import Path

__all__ = ["FolderWatch"]

log = logging.getLogger(__name__)

IN_NONBLOCK = 0o4000
IN_CLOEXEC = 0o2000000
IN_ATTRIB = 0x004
IN_MOVED_FROM = 0x040
IN_MOVED_TO = 0x080
IN_DELETE = 0x200
IN_DELETE_SELF = 0x400
IN_MOVE_SELF = 0x800
IN_ONLYDIR = 0x1000000
FOLDER_EVENTS = IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF
PARENT_EVENTS = IN_DELETE_SELF | IN_MOVE_SELF


class FolderWatch:
    """An inotify descriptor watching one folder and its parent; unavailable off Linux."""

    def __init__(self) -> None:
        self._fd: int | None = None
        if not sys.platform.startswith("linux"):
            return
        try:
            self._libc = ctypes.CDLL(None, use_errno=True)
            fd = self._libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        except (OSError, AttributeError) as error:
            log.info("No inotify (%s); the runtime folder is looked at once a minute.", error)
            return
        if fd < 0:
            log.info(
                "No inotify (%s); the runtime folder is looked at once a minute.",
                os.strerror(ctypes.get_errno()),
            )
            return
        self._fd = fd

    @property
    def available(self) -> bool:
        """Return True when changes are heard (False: look now and then instead)."""
        return self._fd is not None

    def fileno(self) -> int:
        """Return the descriptor, readable when something changed."""
        assert self._fd is not None
        return self._fd

    def watch(self, folder: Path) -> None:
        """Watch folder and its parent (again, after either was made anew)."""
        if self._fd is None:
            return
        for path, events in ((folder, FOLDER_EVENTS), (folder.parent, PARENT_EVENTS)):
            if self._libc.inotify_add_watch(self._fd, os.fsencode(path), events | IN_ONLYDIR) < 0:
                error = ctypes.get_errno()
                if error != errno.ENOENT:  # gone already: the check that follows sees to it
                    log.warning("Cannot watch %s: %s", path, os.strerror(error))

    def drain(self) -> bool:
        """Read every pending event; return True when there was any."""
        if self._fd is None:
            return False
        heard = False
        while True:
            try:
                if not os.read(self._fd, 65536):
                    return heard
            except BlockingIOError:
                return heard
            heard = True

    def close(self) -> None:
        """Close the descriptor."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
