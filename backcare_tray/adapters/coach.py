"""The coach window's process seen from the daemon: started, fed a line a message, reaped."""

# The window is a Tk program in a process of its own (backcare_tray.coach), so the daemon never
# loads tkinter. The daemon writes one JSON message a line to its stdin; the window counts each
# step down by itself and sends its buttons' commands over the control channel like the CLI.
# Nothing here may hold up the daemon: on POSIX the pipe is non-blocking (a window that stops
# reading has its lines kept, up to PENDING_MOST bytes, then it is ended); elsewhere a writer
# thread per window does the blocking writes. A finished window is reaped on the next call of
# any method (no thread waits for it). A window that exits with UNAVAILABLE (no tkinter, no
# display) is said once in the log and not started again while this daemon runs; one the
# person closed, or that failed, is not started again until the next routine (after end() or
# close()), so a closed window does not come back at the next step.

import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backcare_tray.adapters.helper_process import NO_CONSOLE, last_line
from backcare_tray.adapters.line_pipe import PENDING_MOST, LinePipe
from backcare_tray.i18n import _, current

if TYPE_CHECKING:
    from backcare_tray.guide import Guidance

__all__ = [
    "MODULE",
    "PENDING_MOST",
    "UNAVAILABLE",
    "CoachWindow",
    "coach_display_problem",
    "coach_report",
    "end_message",
    "step_message",
    "tk_install_hint",
]

log = logging.getLogger(__name__)

MODULE = "backcare_tray.coach"
UNAVAILABLE = 3  # the window's exit code when tkinter does not import or no display opens
LOG_NAME = "coach.log"  # the window's stderr, in the runtime folder
STOP_WAIT = 2.0  # seconds the window may take to go after its stdin is closed
CLOSE_WAIT = 0.3  # close(): a window still showing its confirmation is ended after this
REPORT_TIMEOUT = 15.0

Spawn = Callable[..., "subprocess.Popen[bytes]"]


def step_message(guide: "Guidance", picture: str | None) -> dict[str, Any]:
    """Return the step message for a moment of a routine, with its picture's path if any."""
    return {
        "type": "step",
        "exercise": guide.exercise_name,
        "kind": guide.kind,
        "doing": guide.doing,
        "where": guide.where,
        "instruction": guide.instruction,
        "seconds_left": guide.seconds_left,
        "phase_seconds": guide.phase_seconds,
        "next_up": guide.next_up,
        "safety": guide.safety,
        "picture": picture,
        "paused": guide.paused,
        "step_number": guide.step_number,
        "step_count": guide.step_count,
    }


def end_message(title: str, text: str, counted: bool) -> dict[str, Any]:
    """Return the message that ends a routine: a confirmation, then the window closes."""
    return {"type": "end", "title": title, "text": text, "counted": counted}


class CoachWindow:
    """The coach window of the guided routines: one process a routine, at most one at a time."""

    def __init__(
        self,
        runtime_dir: Path,
        state_dir: Path,
        spawn: Spawn = subprocess.Popen,
        *,
        threaded_writes: bool = os.name != "posix",
    ) -> None:
        self.runtime_dir = runtime_dir
        self.state_dir = state_dir
        self._spawn = spawn
        self._threaded = threaded_writes
        self._process: subprocess.Popen[bytes] | None = None
        self._pipe: LinePipe | None = None  # None once the routine's end was sent
        self._unavailable: str | None = None
        self._held_back = False  # closed by the person or failed: not again this routine
        self._last_exit: int | None = None
        self._ending: list[subprocess.Popen[bytes]] = []  # told to end, not yet collected
        self._start_failed = False  # said once in the log

    @property
    def log_path(self) -> Path:
        """Return the file the window's messages (its stderr) go to."""
        return self.runtime_dir / LOG_NAME

    def command(self) -> list[str]:
        """Return the command that starts the window, in the daemon's language."""
        return [
            sys.executable,
            "-P",
            "-m",
            MODULE,
            "--runtime",
            str(self.runtime_dir),
            "--state",
            str(self.state_dir),
            "--language",
            current().code,
        ]

    def show(self, message: dict[str, Any]) -> None:
        """Show a step, starting the window for a step when none is open; never blocks."""
        self.reap()
        if self._process is not None and self._pipe is None:
            if message.get("type") != "step":
                return
            # A new routine while the last one's confirmation still shows: end that window
            # without waiting for it (reap() collects it) and open a new one.
            self._process.terminate()
            self._ending.append(self._process)
            self._process = None
        if self._process is None:
            if message.get("type") != "step" or self._held_back or self._unavailable:
                return
            if not self._start():
                return
        self._send(message)

    def end(self, message: dict[str, Any]) -> None:
        """Send the end of the routine and close the window's stdin; it closes by itself."""
        self.reap()
        if self._pipe is not None:
            self._send(message)
            self._close_pipe()
        self._held_back = False

    def close(self) -> None:
        """Close the window now, even one showing its confirmation, and reap it."""
        self._close_pipe()
        if self._process is not None:  # quitting must not wait out a confirmation
            self._stop(self._process, patience=CLOSE_WAIT)
        self._held_back = False

    def reap(self) -> None:
        """Collect the window's process if it has finished, so no zombie is left."""
        self._ending = [process for process in self._ending if process.poll() is None]
        if self._process is not None and self._process.poll() is not None:
            self._finished(self._process.returncode)

    def available(self) -> bool:
        """Return False once the window turned out not to be able to run here."""
        self.reap()
        return self._unavailable is None

    def describe(self) -> dict[str, Any]:
        """Return what the status says of the window: can it run, is it open, its last exit."""
        self.reap()
        return {
            "available": self._unavailable is None,
            "problem": self._unavailable,
            "open": self._process is not None,
            "pid": None if self._process is None else self._process.pid,
            "last_exit": self._last_exit,
            "log": str(self.log_path),
        }

    def _start(self) -> bool:
        """Start the window's process; return False (said in the log) when it cannot start."""
        try:
            self.runtime_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            with open(self.log_path, "wb") as messages:
                process = self._spawn(
                    self.command(),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    stderr=messages,
                    creationflags=NO_CONSOLE,
                )
        except OSError as error:
            self._held_back = True
            level = logging.DEBUG if self._start_failed else logging.WARNING
            log.log(level, "Cannot start the coach window: %s", error)
            self._start_failed = True
            return False
        assert process.stdin is not None
        self._process = process
        self._pipe = LinePipe(process.stdin, self._threaded)
        log.debug("Coach window started, pid %d.", process.pid)
        return True

    def _send(self, message: dict[str, Any]) -> None:
        """Write one message as a line; end a window that has stopped reading."""
        if self._pipe is None or self._process is None:
            return
        line = json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n"
        if not self._pipe.write(line) and not self._pipe.broken:
            log.warning("The coach window stopped reading its messages; closing it.")
            self._close_pipe()
            self._process.kill()
            self._process.wait()
            self._finished(self._process.returncode)
            self._held_back = True

    def _stop(self, process: "subprocess.Popen[bytes]", patience: float = STOP_WAIT) -> None:
        """End the window (its stdin closed: it goes at once; else ended) and reap it."""
        self._close_pipe()
        try:
            process.wait(timeout=patience)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.wait(timeout=STOP_WAIT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._finished(process.returncode, expected=True)

    def _close_pipe(self) -> None:
        """Close the window's stdin, if it is open."""
        if self._pipe is not None:
            self._pipe.close()
            self._pipe = None

    def _finished(self, code: int, expected: bool = False) -> None:
        """Note how the window ended: unavailable for good, closed, or failed."""
        ended_by_us = expected or self._pipe is None
        self._close_pipe()
        self._process = None
        self._last_exit = code
        if code == UNAVAILABLE:
            reason = self._last_words().removeprefix("coach window: ") or "exit code 3"
            if self._unavailable is None:
                log.warning(
                    "coach window unavailable: %s; guiding in the notification only", reason
                )
            self._unavailable = reason
        elif code != 0 and not ended_by_us:
            self._held_back = True
            log.warning(
                "The coach window failed (exit code %d): %s", code, self._last_words() or "-"
            )
        elif not ended_by_us:
            self._held_back = True  # the person closed it: the routine goes on in the notice

    def _last_words(self) -> str:
        """Return the last line the window wrote to its log."""
        return last_line(self.log_path)


def tk_install_hint(platform: str = sys.platform) -> str:
    """Return how to get Tk for this platform's Python."""
    if platform == "win32":
        return _("install Python from python.org with its Tcl/Tk option")
    if platform == "darwin":
        return _("install Python from python.org, or Homebrew's python-tk")
    return _("install python3-tk")


def _tkinter_line() -> tuple[str, bool]:
    """Return whether tkinter imports, tried in a child so this process stays light."""
    probe = "import tkinter; print(tkinter.TkVersion)"
    try:
        done = subprocess.run(
            [sys.executable, "-P", "-c", probe],
            capture_output=True,
            text=True,
            timeout=REPORT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return _("tkinter: could not be tried ({error})").format(error=error), False
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [_("no message")])[-1]
        # Translators: {problem} is Python's error; {hint} says what to install
        text = _("tkinter: does not import ({problem}); {hint}")
        return text.format(problem=last, hint=tk_install_hint()), False
    return _("tkinter: imports (Tk {version})").format(version=done.stdout.strip()), True


def coach_display_problem() -> str | None:
    """Return why Tk cannot open a window on this display, None when it can."""
    if sys.platform in ("win32", "darwin"):
        return None
    state, works = _display_state()
    return None if works else state


def _display_state() -> tuple[str, bool]:
    """Return the display Tk would open, or why there is none (Tk speaks X11 here)."""
    x11, wayland = os.environ.get("DISPLAY"), os.environ.get("WAYLAND_DISPLAY")
    if x11 and wayland:
        text = _("DISPLAY {display} (Wayland {wayland}: through XWayland)")
        return text.format(display=x11, wayland=wayland), True
    if x11:
        return _("DISPLAY {display}").format(display=x11), True
    if wayland:
        return _("Wayland {wayland} without DISPLAY: Tk needs XWayland").format(
            wayland=wayland
        ), False
    return _("neither DISPLAY nor WAYLAND_DISPLAY is set"), False


def _display_line() -> tuple[str, bool]:
    """Return whether there is a display Tk can open (Tk speaks X11 on Linux and the BSDs)."""
    if sys.platform in ("win32", "darwin"):
        text = _("{platform}: the window opens on the desktop")
        return text.format(platform=sys.platform), True
    state, works = _display_state()
    # Translators: a doctor line: the display the coach window opens on, or why there is none
    return _("display: {state}").format(state=state), works


def coach_report() -> list[str]:
    """Return whether the coach window can open here, for doctor: tkinter, the display."""
    tk_line, tk_works = _tkinter_line()
    display_line, display_works = _display_line()
    if tk_works and display_works:
        verdict = _("guided stretches open the coach window beside the notification")
    else:
        verdict = _("guided stretches are guided in the notification only")
    return [tk_line, display_line, verdict]
