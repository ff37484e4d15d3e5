"""Show the week's progress: a chart drawn by a child process, or the text report."""

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

__all__ = ["ProgressOpener"]


class ProgressOpener:
    """Draws the progress in a child process (the daemon never imports matplotlib) and opens it."""

    def __init__(self, cache: Path, open_file: Callable[[Path], bool]) -> None:
        self._cache = cache
        self._open_file = open_file

    def open(self) -> None:
        """Draw and open the progress on a thread of its own; return at once."""
        threading.Thread(target=self._draw_and_open, name="progress", daemon=True).start()

    def _draw_and_open(self) -> None:
        """Draw the weekly chart, or write the text report where it cannot be drawn or opened."""
        chart = self._cache / "progress.png"
        base = [sys.executable, "-m", "backcare_tray", "stats"]
        drawn = subprocess.run(
            [*base, "--chart", str(chart)], capture_output=True, check=False, timeout=60
        )
        # No program for pictures (Wine has none) still leaves the text for Notepad
        if drawn.returncode == 0 and self._open_file(chart):
            return
        text = subprocess.run(base, capture_output=True, text=True, check=False, timeout=60)
        report = self._cache / "progress.txt"
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(text.stdout or text.stderr, encoding="utf-8")
        self._open_file(report)
