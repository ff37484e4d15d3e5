"""Per-platform clocks: the engine's awake-time clock and a meter of time spent suspended."""

import sys
import time
from collections.abc import Callable

from backcare_tray.moment import Moment

__all__ = ["Clock", "SleepMeter", "clock_now", "platform_clocks"]

Clock = Callable[[], float]


def _windows_unbiased_seconds() -> float:
    """Return Windows' interrupt time without suspended time, in seconds."""
    import ctypes

    value = ctypes.c_ulonglong()
    ctypes.windll.kernel32.QueryUnbiasedInterruptTime(ctypes.byref(value))  # type: ignore[attr-defined,unused-ignore]
    return value.value / 10_000_000


def platform_clocks(platform: str) -> tuple[Clock, Clock]:
    """Return (awake, total) clocks: awake stops while suspended, total keeps counting."""
    # Neither moves with the wall clock, so setting the clock, NTP and DST change nothing.
    if platform.startswith("linux"):
        return time.monotonic, lambda: time.clock_gettime(time.CLOCK_BOOTTIME)
    if platform == "darwin":  # macOS: CLOCK_MONOTONIC counts sleep, time.monotonic does not
        return time.monotonic, lambda: time.clock_gettime(time.CLOCK_MONOTONIC)
    if platform == "win32":
        return _windows_unbiased_seconds, time.monotonic
    return time.monotonic, time.time  # elsewhere: the wall clock is the best there is


class SleepMeter:
    """Measures suspended time between calls as the growth of total time over awake time."""

    # Below this, a difference is scheduling noise, not a suspend.
    NOISE_SECONDS = 2.0

    def __init__(self, awake: Clock, total: Clock) -> None:
        self._awake = awake
        self._total = total
        self._last = (awake(), total())

    def slept(self) -> float:
        """Return the seconds spent suspended since the previous call."""
        now = (self._awake(), self._total())
        gap = (now[1] - self._last[1]) - (now[0] - self._last[0])
        self._last = now
        return gap if gap >= self.NOISE_SECONDS else 0.0


AWAKE_CLOCK, TOTAL_CLOCK = platform_clocks(sys.platform)


def clock_now() -> Moment:
    """Return the current instant on the engine's awake-time clock and the wall clock."""
    return Moment(AWAKE_CLOCK(), time.time())
