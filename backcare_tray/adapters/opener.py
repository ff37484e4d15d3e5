"""Open a file with the operating system's default handler."""

import logging
import os
import subprocess
import sys
from pathlib import Path

__all__ = ["open_command", "open_with_default_app"]

log = logging.getLogger(__name__)


def open_command(platform: str, path: Path) -> list[str] | None:
    """Return the command that opens path on this platform (None: use os.startfile)."""
    if platform == "win32":
        return None
    if platform == "darwin":
        return ["open", str(path)]
    return ["xdg-open", str(path)]


def open_with_default_app(path: Path) -> bool:
    """Open path in the default app without waiting; log and return False on failure."""
    command = open_command(sys.platform, path)
    try:
        if command is None:
            os.startfile(path)  # type: ignore[attr-defined,unused-ignore]
        else:
            subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
    except OSError as error:
        log.error("Could not open %s: %s", path, error)
        return False
    return True
