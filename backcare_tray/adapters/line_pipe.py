"""A child's stdin written a line at a time without ever blocking the writer (the daemon)."""

# On POSIX the pipe is made non-blocking and what it does not take yet is kept, up to
# PENDING_MOST bytes; elsewhere (Windows pipes cannot be non-blocking) a writer thread per
# pipe does the blocking writes. Either way write() says when the reader is not keeping up.

import contextlib
import os
import queue
import threading
from typing import IO

__all__ = ["PENDING_MOST", "LinePipe"]

PENDING_MOST = 64 * 1024  # bytes kept for a reader that does not read before it is ended


class LinePipe:
    """A child's stdin, written without ever blocking the caller."""

    def __init__(self, stream: IO[bytes], threaded: bool) -> None:
        self._stream = stream
        self._pending = b""  # non-blocking: what the pipe did not take yet
        self._queued = 0  # threaded: bytes handed to the writer and not yet written
        self._count = threading.Lock()
        self.broken = False
        self._lines: queue.SimpleQueue[bytes | None] | None = None
        if threaded:
            self._lines = queue.SimpleQueue()
            threading.Thread(target=self._write_in_turn, name="pipe-writer", daemon=True).start()
        else:
            os.set_blocking(stream.fileno(), False)

    def write(self, line: bytes) -> bool:
        """Send a line (or keep it for later); return False when the reader is not keeping up."""
        if self.broken:
            return False
        if self._lines is not None:
            with self._count:
                self._queued += len(line)
                queued = self._queued
            self._lines.put(line)
            return queued <= PENDING_MOST
        self._pending += line
        self._flush()
        return len(self._pending) <= PENDING_MOST

    def close(self) -> None:
        """Close the pipe (after the lines queued, when a thread writes them)."""
        if self._lines is not None:
            self._lines.put(None)
            return
        self._flush()
        self.broken = True
        with contextlib.suppress(OSError):
            self._stream.close()

    def _flush(self) -> None:
        """Write what the pipe takes now of the lines kept."""
        while self._pending and not self.broken:
            try:
                written = os.write(self._stream.fileno(), self._pending)
            except BlockingIOError:
                return
            except OSError:  # the reader has gone (EPIPE): nothing more will be read
                self.broken = True
                return
            self._pending = self._pending[written:]

    def _write_in_turn(self) -> None:
        """Write the queued lines one by one, blocking here rather than in the daemon."""
        assert self._lines is not None
        while (line := self._lines.get()) is not None:
            if not self.broken:
                try:
                    self._stream.write(line)
                    self._stream.flush()
                except OSError:
                    self.broken = True
            with self._count:
                self._queued -= len(line)
        with contextlib.suppress(OSError):
            self._stream.close()
