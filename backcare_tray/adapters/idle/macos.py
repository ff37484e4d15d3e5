"""Idle time on macOS, from the HID system's HIDIdleTime (read through ioreg)."""

import re
import subprocess
from collections.abc import Callable

from backcare_tray.adapters.idle.base import NeverLocked, ProbeError

__all__ = ["MacIdleProbe", "parse_hid_idle"]

_HID_IDLE = re.compile(r'"HIDIdleTime"\s*=\s*(\d+)')


def parse_hid_idle(ioreg_output: str) -> float:
    """Return seconds from the HIDIdleTime (nanoseconds) in `ioreg -c IOHIDSystem` output."""
    match = _HID_IDLE.search(ioreg_output)
    if match is None:
        raise ProbeError("no HIDIdleTime in ioreg output")
    return int(match.group(1)) / 1e9


def _run_ioreg() -> str:
    """Return the IOHIDSystem registry entries."""
    return subprocess.run(
        ["ioreg", "-c", "IOHIDSystem", "-d", "4"],
        capture_output=True,
        text=True,
        check=True,
        timeout=5,
    ).stdout


class MacIdleProbe(NeverLocked):
    """Idle time from macOS's HIDIdleTime."""

    name = "macos"

    def __init__(self, run: Callable[[], str] = _run_ioreg) -> None:
        self._run = run

    def idle_seconds(self) -> float:
        """Read HIDIdleTime through ioreg."""
        try:
            return parse_hid_idle(self._run())
        except (OSError, subprocess.SubprocessError) as error:
            raise ProbeError(f"ioreg: {error}") from None
