"""Hear the wall clock being set, so scheduled wake-ups can be planned again at once."""

# APScheduler keeps its jobs in wall-clock time. The engine's deadlines are on the awake
# clock, so the only risk is a job waiting for a wall time that a clock set moved: back an
# hour, and a wake-up would come an hour late. Linux says when the clock is set: a timerfd
# armed with TFD_TIMER_CANCEL_ON_SET fails its read with ECANCELED. One thread blocks on that
# read and does nothing else. Elsewhere there is no such listener (the README says so).

import ctypes
import errno
import logging
import os
import sys
import threading
from collections.abc import Callable

__all__ = [
    "CLOCK_REALTIME",
    "FAR_AWAY",
    "TFD_CLOEXEC",
    "TFD_TIMER_ABSTIME",
    "TFD_TIMER_CANCEL_ON_SET",
    "ClockChangeListener",
]

log = logging.getLogger(__name__)

CLOCK_REALTIME = 0
TFD_CLOEXEC = 0o2000000
TFD_TIMER_ABSTIME = 1
TFD_TIMER_CANCEL_ON_SET = 2
FAR_AWAY = 2**40  # seconds since the epoch: the timer itself never expires


class _Timespec(ctypes.Structure):
    _fields_ = (("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long))


class _Itimerspec(ctypes.Structure):
    _fields_ = (("it_interval", _Timespec), ("it_value", _Timespec))


class ClockChangeListener:
    """Calls on_change (from its own thread) each time the wall clock is set."""

    def __init__(self, on_change: Callable[[], None]) -> None:
        self._on_change = on_change
        self._fd: int | None = None
        self._stopping = False
        # Held while arming the timer, so stop() can never be undone by a re-arm.
        self._lock = threading.Lock()

    def start(self) -> bool:
        """Start listening; return False (and log why) where the system cannot say."""
        if not sys.platform.startswith("linux"):
            log.info(
                "Clock changes are not heard on %s; wake-ups follow the wall clock.", sys.platform
            )
            return False
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            fd = libc.timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC)
            if fd < 0:
                raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
            self._fd, self._libc = fd, libc
            self._arm(fd, FAR_AWAY)
        except (OSError, AttributeError) as error:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            log.warning("Cannot hear clock changes (%s); a clock set back delays wake-ups.", error)
            return False
        threading.Thread(target=self._listen, args=(fd,), name="clock-change", daemon=True).start()
        return True

    def _arm(self, fd: int, value: int) -> None:
        """Arm the timer to fire at value, or to be cancelled by the next clock set."""
        spec = _Itimerspec(_Timespec(0, 0), _Timespec(value, 0))
        flags = TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET
        if self._libc.timerfd_settime(fd, flags, ctypes.byref(spec), None) != 0:
            error = ctypes.get_errno()
            if error != errno.ECANCELED:  # set again meanwhile: armed all the same (timerfd(2))
                raise OSError(error, os.strerror(error))

    def _listen(self, fd: int) -> None:
        """Call on_change for each clock set until stopped; then close the timer."""
        try:
            while self._wait_for_clock_set(fd):
                log.info("The wall clock was set; planning wake-ups again.")
                self._on_change()  # after re-arming: a set from here on is heard next time
        finally:
            with self._lock:
                os.close(fd)
                self._fd = None

    def _wait_for_clock_set(self, fd: int) -> bool:
        """Block until the clock is set and re-arm (True), or until stopped (False)."""
        try:
            os.read(fd, 8)
        except OSError as error:
            if error.errno != errno.ECANCELED:
                log.warning("Stopped hearing clock changes: %s", error)
                return False
            with self._lock:
                if self._stopping:
                    return False
                try:
                    self._arm(fd, FAR_AWAY)
                except OSError as rearm_error:
                    log.warning("Stopped hearing clock changes: %s", rearm_error)
                    return False
            return True
        return False  # the timer fired: only stop() arms it to

    def stop(self) -> None:
        """End the listening thread (by letting the timer fire now)."""
        with self._lock:
            self._stopping = True
            if self._fd is None:
                return
            try:
                self._arm(self._fd, 1)  # an absolute time long past: the read returns at once
            except OSError as error:
                log.debug("Could not stop the clock listener cleanly: %s", error)
