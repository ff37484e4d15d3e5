"""The application window's process seen from the daemon: opened, raised, or stood in for."""

# The window (settings, progress, the stretch library) is a Tk program in a process of its
# own (backcare_tray.window), like the coach window, so the daemon never loads tkinter. One is
# open at a time: a second request writes a line to the open window's stdin, which raises it
# at the page asked for. A thread waits for each window's process (no polling), so it is
# reaped when it closes. Where the window cannot run (it exits with UNAVAILABLE: no tkinter,
# no display) that is said once in the log and the request is answered as before the window
# existed: the config file in the desktop's editor, the progress as a chart or a text.

import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from backcare_tray.adapters.helper_process import NO_CONSOLE, last_line
from backcare_tray.adapters.line_pipe import LinePipe
from backcare_tray.commands import WindowPage

__all__ = ["MODULE", "UNAVAILABLE", "AppWindow", "show_message"]

log = logging.getLogger(__name__)

MODULE = "backcare_tray.window"
UNAVAILABLE = 3  # the window's exit code when tkinter does not import or no display opens
LOG_NAME = "window.log"  # the window's stderr, in the runtime folder
CLOSE_WAIT = 2.0  # seconds the window may take to go after its stdin is closed

Spawn = Callable[..., "subprocess.Popen[bytes]"]


def show_message(page: WindowPage) -> dict[str, Any]:
    """Return the line that raises the open window at a page."""
    return {"type": "show", "page": page}


class AppWindow:
    """The one application window: a process while it is open, None when closed."""

    def __init__(
        self,
        runtime_dir: Path,
        config: Path,
        stand_in: Callable[[WindowPage], object],
        spawn: Spawn = subprocess.Popen,
        *,
        threaded_writes: bool = os.name != "posix",
    ) -> None:
        self.runtime_dir = runtime_dir
        self.config = config
        self._stand_in = stand_in
        self._spawn = spawn
        self._threaded = threaded_writes
        self._lock = threading.Lock()  # the process and its pipe, between callers and waiters
        self._process: subprocess.Popen[bytes] | None = None
        self._pipe: LinePipe | None = None
        self._page: WindowPage | None = None  # the page last asked for
        self._unavailable: str | None = None
        self._last_exit: int | None = None

    @property
    def log_path(self) -> Path:
        """Return the file the window's messages (its stderr) go to."""
        return self.runtime_dir / LOG_NAME

    def command(self, page: WindowPage) -> list[str]:
        """Return the command that opens the window at a page."""
        return [
            sys.executable,
            "-P",
            "-m",
            MODULE,
            page,
            "--config",
            str(self.config),
            "--runtime",
            str(self.runtime_dir),
            "--follow-stdin",
        ]

    def open(self, page: WindowPage) -> str:
        """Open the window at a page, or raise the open one there; return what was done."""
        with self._lock:
            self._page = page
            if self._unavailable is not None:
                done = "stood in"
            elif self._process is not None and self._pipe is not None:
                line = json.dumps(show_message(page)).encode("utf-8") + b"\n"
                if self._pipe.write(line):
                    return "raised"
                done = "stood in"  # a window that does not read: the old way, this once
            elif self._start(page):
                return "opened"
            else:
                done = "stood in"
        self._stand_in(page)
        return done

    def close(self) -> None:
        """Close the window (its stdin closed, it goes), waiting a moment for it.

        A window holding settings not yet saved stays open, on its own: ending it would lose
        them.
        """
        with self._lock:
            process, pipe = self._process, self._pipe
            self._pipe = None
        if pipe is not None:
            pipe.close()
        if process is not None:
            try:
                process.wait(timeout=CLOSE_WAIT)
            except subprocess.TimeoutExpired:
                log.info("The window stays open (pid %d): it has unsaved settings.", process.pid)

    def describe(self) -> dict[str, Any]:
        """Return what the status says of the window: can it run, is it open, its last exit."""
        with self._lock:
            return {
                "available": self._unavailable is None,
                "problem": self._unavailable,
                "open": self._process is not None,
                "pid": None if self._process is None else self._process.pid,
                "last_exit": self._last_exit,
                "log": str(self.log_path),
            }

    def _start(self, page: WindowPage) -> bool:
        """Start the window's process (under the lock); False, said in the log, when it can't."""
        try:
            self.runtime_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            with open(self.log_path, "wb") as messages:
                process = self._spawn(
                    self.command(page),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    stderr=messages,
                    creationflags=NO_CONSOLE,
                )
        except OSError as error:
            log.warning("Cannot start the window: %s", error)
            return False
        assert process.stdin is not None
        self._process = process
        self._pipe = LinePipe(process.stdin, self._threaded)
        threading.Thread(
            target=self._wait_for, args=(process,), name="window-wait", daemon=True
        ).start()
        log.debug("Window started at %s, pid %d.", page, process.pid)
        return True

    def _wait_for(self, process: "subprocess.Popen[bytes]") -> None:
        """Wait for the window to close; stand in for it if it turned out unable to run."""
        code = process.wait()
        with self._lock:
            if self._process is process:
                self._process = None
                if self._pipe is not None:
                    self._pipe.close()
                    self._pipe = None
            self._last_exit = code
            page = self._page
            unavailable = code == UNAVAILABLE and self._unavailable is None
            if unavailable:
                self._unavailable = self._last_words() or "exit code 3"
                log.warning(
                    "The window cannot open here (%s); opening files instead", self._unavailable
                )
            elif code != 0:
                log.warning("The window failed (exit code %d): %s", code, self._last_words())
        if unavailable and page is not None:
            self._stand_in(page)

    def _last_words(self) -> str:
        """Return the last line the window wrote to its log."""
        return last_line(self.log_path).removeprefix("backcare-tray window: ")
