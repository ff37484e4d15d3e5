"""Open a file with the operating system's default handler."""

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

__all__ = ["open_command", "open_with_default_app", "windows_fallback"]

log = logging.getLogger(__name__)

# What backcare-tray opens for people to read or edit: the config, progress.txt, the log.
# A fresh Windows has no program for .toml files, so these fall back to Notepad there.
TEXT_SUFFIXES = frozenset({".toml", ".txt", ".log", ".csv"})


def open_command(platform: str, path: Path) -> list[str] | None:
    """Return the command that opens path on this platform (None: use os.startfile)."""
    if platform == "win32":
        return None
    if platform == "darwin":
        return ["open", str(path)]
    return ["xdg-open", str(path)]


def windows_fallback(path: Path) -> list[str] | None:
    """Return the command that opens path when Windows has no program for its type."""
    return ["notepad.exe", str(path)] if path.suffix.lower() in TEXT_SUFFIXES else None


def _spawn(command: list[str]) -> None:
    """Start a program without waiting for it; a thread collects it, so no zombie is left."""
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    threading.Thread(target=process.wait, name="opener-wait", daemon=True).start()


def _start_on_windows(path: Path) -> None:
    """Open path with its associated program, or a text file in Notepad when there is none."""
    try:
        os.startfile(path)  # type: ignore[attr-defined,unused-ignore]
    except OSError as error:
        fallback = windows_fallback(path)
        if fallback is None:
            raise
        log.info("No program opens %s files (%s): opening %s in Notepad.", path.suffix, error, path)
        _spawn(fallback)


def open_with_default_app(path: Path) -> bool:
    """Open path in the default app without waiting; log and return False on failure."""
    command = open_command(sys.platform, path)
    try:
        if command is None:
            _start_on_windows(path)
        else:
            _spawn(command)
    except OSError as error:
        log.error("Could not open %s: %s", path, error)
        return False
    return True
