"""The coach window run by a test: fed through its stdin, watched through its debug lines."""

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support.marking import require_desktop_marker
from support.screen import RGB, write_png
from support.waiting import wait_for

COACH_CLASS = "BackcareTrayCoach"
PICTURE_COLOURS: tuple[RGB, RGB] = ((200, 30, 160), (40, 40, 200))  # found nowhere else
SQUARE = 44


def step_message(**changes: Any) -> dict[str, Any]:
    """Return a step message as the daemon writes it, with some fields changed."""
    message: dict[str, Any] = {
        "type": "step",
        "exercise": "Hamstring stretch",
        "kind": "hold",
        "doing": "Hold",
        "where": "Left leg, 1 of 3",
        "instruction": "Keep your back straight and lean forward from the hips until you feel "
        "a gentle pull behind the thigh.",
        "seconds_left": 10,
        "phase_seconds": 10,
        "next_up": "Next: release and rest",
        "safety": "",
        "picture": None,
        "paused": False,
        "step_number": 3,
        "step_count": 14,
    }
    message.update(changes)
    return message


def end_message(counted: bool = True) -> dict[str, Any]:
    """Return an end message as the daemon writes it."""
    if counted:
        return {
            "type": "end",
            "title": "Stretch counted",
            "text": "Today: 3 of 6. Next: Calf stretch at 15:20.",
            "counted": True,
        }
    return {"type": "end", "title": "Stopped", "text": "Not counted.", "counted": False}


def checkerboard(path: Path, width: int = 352, height: int = 264) -> Path:
    """Write a PNG of squares in the two picture colours and return its path."""
    first, second = PICTURE_COLOURS
    write_png(
        path,
        width,
        height,
        lambda x, y: first if (x // SQUARE + y // SQUARE) % 2 else second,
    )
    return path


@dataclass
class CoachRun:
    """A coach window process: its stdin, and its stderr in a file."""

    process: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str]
    started: float
    seen: int = field(default=0)

    def send(self, message: dict[str, Any] | bytes) -> None:
        """Write one message (or raw bytes) on its stdin."""
        assert self.process.stdin is not None
        data = message if isinstance(message, bytes) else json.dumps(message).encode() + b"\n"
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def close_stdin(self) -> None:
        """Close its stdin, as the daemon does after the end message."""
        assert self.process.stdin is not None
        self.process.stdin.close()

    def lines(self) -> list[str]:
        """Return every line it has written to stderr."""
        return self.log.read_text(errors="replace").splitlines() if self.log.exists() else []

    def events(self) -> list[dict[str, Any]]:
        """Return its debug lines, parsed."""
        found = []
        for line in self.lines():
            if line.startswith('{"coach"'):
                found.append(json.loads(line))
        return found

    def next_event(self, name: str, timeout: float = 10.0) -> dict[str, Any]:
        """Return the first debug line of that name after the last one returned."""

        def found() -> dict[str, Any] | None:
            if self.process.poll() is not None and not self._unseen(name):
                raise AssertionError(
                    f"the coach exited ({self.process.returncode}): {self.lines()}"
                )
            return self._unseen(name)

        event = wait_for(found, timeout, f"the coach's {name!r} line")
        assert event is not None
        self.seen = self.events().index(event) + 1
        return event

    def _unseen(self, name: str) -> dict[str, Any] | None:
        """Return the first debug line of that name not returned yet."""
        return next((e for e in self.events()[self.seen :] if e["coach"] == name), None)

    def window_id(self) -> int:
        """Return the X id of its mapped window (the one with its class)."""

        def search() -> list[str]:
            found = subprocess.run(
                ["xdotool", "search", "--onlyvisible", "--class", COACH_CLASS],
                env=self.env,
                capture_output=True,
                text=True,
                check=False,
            )
            return found.stdout.split()

        ids = wait_for(search, 10, "the coach window to be mapped")
        assert len(ids) == 1, ids
        return int(ids[0])

    def wait(self, timeout: float = 10.0) -> int:
        """Wait for it to exit and return its exit code."""
        return self.process.wait(timeout=timeout)

    def stop(self) -> None:
        """End it if it still runs."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=5)
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()


def start_coach(env: dict[str, str], runtime: Path, state: Path, log: Path) -> CoachRun:
    """Start the installed coach window with its debug lines on, fed by this test."""
    require_desktop_marker("the coach window on a display")
    started = time.monotonic()
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-P",
                "-m",
                "backcare_tray.coach",
                "--runtime",
                str(runtime),
                "--state",
                str(state),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=out,
            env={**env, "BACKCARE_TRAY_COACH_DEBUG": "1"},
        )
    return CoachRun(process, log, env, started)


def ask_to_close(display_name: str, window: int) -> None:
    """Ask a window to close as the window manager's close button does (WM_DELETE_WINDOW)."""
    from Xlib import X, display, protocol

    connection = display.Display(display_name)
    try:
        target = connection.create_resource_object("window", window)
        protocols = connection.intern_atom("WM_PROTOCOLS")
        delete = connection.intern_atom("WM_DELETE_WINDOW")
        message = protocol.event.ClientMessage(
            window=target, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0])
        )
        target.send_event(message, event_mask=X.NoEventMask)
        connection.sync()
    finally:
        connection.close()


def centre(box: list[int]) -> tuple[int, int]:
    """Return the middle of a debug line's box: x, y, width, height on the screen."""
    x, y, width, height = box
    return x + width // 2, y + height // 2


def os_environ_without_display() -> dict[str, str]:
    """Return this process's environment with no display in it."""
    return {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}


def coach_events(runtime: Path) -> list[dict[str, Any]]:
    """Return the debug lines of the window the daemon started (its stderr, in its log)."""
    log = runtime / "coach.log"
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return [json.loads(line) for line in lines if line.startswith('{"coach"')]


def coach_event(runtime: Path, name: str, after: int = 0) -> tuple[int, dict[str, Any]]:
    """Wait for the window's next debug line of that name; return its place and the line."""

    def found() -> tuple[int, dict[str, Any]] | None:
        events = coach_events(runtime)
        return next(
            ((i, e) for i, e in enumerate(events) if i >= after and e["coach"] == name), None
        )

    event = wait_for(found, 15, f"the coach window's {name!r}")
    assert event is not None
    return event
