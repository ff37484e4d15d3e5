"""Driving the application window on a virtual desktop: its debug lines, pointer and keys."""

import json
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from support.desktop import Desktop, start_openbox, virtual_desktop
from support.waiting import wait_for

__all__ = [
    "click",
    "events",
    "managed_virtual_desktop",
    "middle",
    "next_event",
    "type_into",
    "window_names",
    "xdotool",
]

EVENT_TIMEOUT = 30.0  # seconds a window may take to say it did something, on a loaded machine


@contextmanager
def managed_virtual_desktop(tmp: Path) -> Iterator[Desktop]:
    """A virtual desktop with a window manager, windows saying where their parts are."""
    with virtual_desktop(tmp) as desktop:
        start_openbox(desktop.env, desktop.processes, tmp / "openbox.log")
        desktop.env["BACKCARE_TRAY_WINDOW_DEBUG"] = "1"
        yield desktop


def events(log: Path) -> list[dict[str, Any]]:
    """Return what the window said it did, in order."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in lines if line.startswith('{"window"')]


def next_event(log: Path, name: str, after: int = 0, **matching: Any) -> dict[str, Any]:
    """Wait for the window's next event of a name (past the first `after` events)."""

    def found() -> dict[str, Any] | None:
        for event in events(log)[after:]:
            if event["window"] == name and all(event.get(k) == v for k, v in matching.items()):
                return event
        return None

    event = wait_for(found, EVENT_TIMEOUT, f"the window to say {name!r} with {matching}")
    assert event is not None
    return event


def xdotool(desktop: Desktop, *args: str) -> None:
    """Drive the pointer and keyboard."""
    subprocess.run(["xdotool", *args], env=desktop.env, check=True, timeout=20)


def middle(box: list[int]) -> tuple[int, int]:
    """Return the middle of a box on the screen (x, y, width, height)."""
    return box[0] + box[2] // 2, box[1] + box[3] // 2


def click(desktop: Desktop, box: list[int]) -> None:
    """Click the middle of a box on the screen."""
    x, y = middle(box)
    xdotool(desktop, "mousemove", str(x), str(y), "click", "1")


def type_into(desktop: Desktop, box: list[int], text: str, *, replace: bool = True) -> None:
    """Click into a field (selecting all of an entry by a triple click) and type text."""
    x, y = middle(box)
    clicks = "3" if replace else "1"
    xdotool(desktop, "mousemove", str(x), str(y), "click", "--repeat", clicks, "1")
    xdotool(desktop, "type", "--delay", "15", "--", text)


def window_names(desktop: Desktop) -> str:
    """Return the names of the windows on the screen, a line each."""
    done = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", ".", "getwindowname", "%@"],
        env=desktop.env,
        capture_output=True,
        text=True,
        check=False,
        timeout=10,
    )
    return done.stdout
