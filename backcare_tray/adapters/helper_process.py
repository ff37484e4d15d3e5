"""Run a short-lived helper process of the package: the way Pillow and synthesis stay out."""

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["NO_CONSOLE", "last_line", "run_helper"]

# The creationflags of the package's own children. On Windows a child python.exe of a daemon
# without a console (pythonw, autostart) would open a console window; CREATE_NO_WINDOW keeps
# it hidden. Elsewhere 0, as Popen requires.
NO_CONSOLE: int = getattr(subprocess, "CREATE_NO_WINDOW", 0)


def run_helper(module: str, arguments: Sequence[str], timeout: float, what: str) -> None:
    """Run `python -P -m module arguments`; raise OSError with its last words if it fails."""
    command = [sys.executable, "-P", "-m", module, *arguments]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            creationflags=NO_CONSOLE,
        )
    except subprocess.TimeoutExpired:
        raise OSError(f"{what} took over {timeout:.0f} s") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise OSError(f"{what} failed ({done.returncode}): {last}")


def last_line(log: Path) -> str:
    """Return the last line a helper wrote to its log file ("" when there is none)."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return next((line.strip() for line in reversed(lines) if line.strip()), "")
