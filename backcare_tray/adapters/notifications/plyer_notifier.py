"""Notifications through plyer (Windows, macOS, and Linux without a session bus): no buttons."""

# plyer's Windows balloon runs in a thread plyer starts itself: an exception there (an icon
# LoadImageW cannot read) never reaches the caller, and the thread sleeps out the timeout
# before removing its extra tray icon, so a process that quits waits for it. So plyer is called
# from a daemon thread of ours: a thread inherits its starter's daemon flag, so plyer's balloon
# thread is a daemon thread too and quitting never waits for it (plyer's own atexit handler
# still removes the balloon's icon). An exception that escapes a thread through plyer's code is
# taken from threading.excepthook and reported as this notifier's failure; every other
# thread's exception goes to the hook that was there before.

import logging
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

from backcare_tray.notice import Notice

__all__ = [
    "CALL_TIMEOUT",
    "FIRST_CALL_TIMEOUT",
    "SETTLE",
    "UNTIL_ANSWERED_SECONDS",
    "IconFile",
    "PlyerNotifier",
    "raised_in_plyer",
]

log = logging.getLogger(__name__)

CALL_TIMEOUT = 2.0  # seconds show() waits for plyer's call; a hung backend is a failure
# The first call also loads plyer's backend (ctypes and the Win32 wrappers on Windows), which
# took over 2 s on a busy machine under Wine: it gets longer.
FIRST_CALL_TIMEOUT = 10.0
# Seconds to wait for a failure from a thread plyer's call left running (Windows' balloon
# fails within milliseconds when its icon cannot be loaded, and otherwise sleeps it out).
SETTLE = 0.3
IconFile = Callable[[], str | None]  # the icon file to hand plyer now, None for none
# A notice meant to stay until answered (timeout 0, as `[notifications] timeout = "0s"` asks
# of a due stretch) cannot stay here: Windows' balloon lasts as long as plyer's thread keeps
# its own tray icon, and 0 would remove it at once. So it gets this long, the longest that
# makes sense: plyer cannot replace a balloon, so each later notice (a reminder, each step of
# a routine) shows another balloon with another icon, and longer ones would pile up in the
# tray. macOS ignores plyer's timeout (the alert style the person chose decides).
UNTIL_ANSWERED_SECONDS = 30

_hook_lock = threading.Lock()
_previous_hook: Callable[[threading.ExceptHookArgs], object] = threading.excepthook
_hearer: list["PlyerNotifier"] = []  # the notifier that hears plyer's threads (one at most)


def raised_in_plyer(traceback: TracebackType | None) -> bool:
    """Return True when a traceback runs through plyer's code."""
    while traceback is not None:
        module = traceback.tb_frame.f_globals.get("__name__", "")
        if module == "plyer" or str(module).startswith("plyer."):
            return True
        traceback = traceback.tb_next
    return False


def _plyer_thread_hook(args: threading.ExceptHookArgs) -> None:
    """Hand a plyer thread's exception to the notifier; pass every other one on."""
    hearer = _hearer[0] if _hearer else None
    error = args.exc_value
    if hearer is not None and isinstance(error, Exception) and raised_in_plyer(args.exc_traceback):
        hearer.failed_in_thread(error)
        return
    _previous_hook(args)


def _hear_plyer_threads(notifier: "PlyerNotifier | None") -> None:
    """Make notifier the one that hears plyer's threads (None: nobody), hooking in once."""
    global _previous_hook
    with _hook_lock:
        _hearer[:] = [] if notifier is None else [notifier]
        if notifier is not None and threading.excepthook is not _plyer_thread_hook:
            _previous_hook = threading.excepthook
            threading.excepthook = _plyer_thread_hook


def _plyer_notification() -> Any:
    """Return plyer's notification facade (its platform's backend is loaded on first use)."""
    from plyer import notification

    return notification


class _Attempt:
    """One call of plyer's notify: when it is over and what went wrong, if anything."""

    def __init__(self) -> None:
        self.over = threading.Event()
        self.errored = threading.Event()
        self.error: Exception | None = None
        self.gave_up = False  # show() stopped waiting; what comes of the call is still news

    def fail(self, error: Exception) -> None:
        """Keep the first error."""
        if self.error is None:
            self.error = error
        self.errored.set()


class PlyerNotifier:
    """Desktop notifications via plyer, logging each outage once with its cause."""

    def __init__(
        self,
        icon: IconFile,
        notification: Any = None,
        call_timeout: float = CALL_TIMEOUT,
        first_call_timeout: float = FIRST_CALL_TIMEOUT,
    ) -> None:
        self._icon = icon
        self._notification = notification  # plyer's facade (None: plyer.notification)
        self._timeouts = [first_call_timeout, call_timeout]  # the next call's is first
        self._lock = threading.Lock()
        self._attempt: _Attempt | None = None
        self._failing = False
        self._problem: str | None = None
        self._title = ""  # plyer cannot replace a notification: refresh only on a new title

    def describe(self) -> dict[str, Any]:
        """Return how notifications are shown and whether they fail, for status and doctor."""
        return {
            "via": "plyer",
            "server": None,
            "actions": False,
            "capabilities": [],
            "icon": self._icon() or None,
            "failing": self._failing,
            "problem": self._problem,
        }

    def show(self, notice: Notice) -> bool:
        """Show notice, with how to answer in the body; return False if it is known to fail."""
        self._title = notice.title
        body = f"{notice.body}\n{notice.answer_hint}" if notice.answer_hint else notice.body
        fields = {
            "title": notice.title,
            "message": body,
            "app_name": "backcare-tray",
            "app_icon": self._icon() or "",  # none: the system's application icon
            "timeout": notice.timeout or UNTIL_ANSWERED_SECONDS,
        }
        attempt = _Attempt()
        with self._lock:
            self._attempt = attempt
        _hear_plyer_threads(self)
        threading.Thread(
            target=self._deliver, args=(attempt, fields), name="plyer-notify", daemon=True
        ).start()
        timeout = self._timeouts[0]
        del self._timeouts[:-1]  # every later call gets the usual timeout
        first = False
        if not attempt.over.wait(timeout + SETTLE):
            with self._lock:
                attempt.gave_up = not attempt.over.is_set()
                if attempt.gave_up:  # marked failing before _deliver can hear of a late return
                    first = self._mark_failing(
                        TimeoutError(f"plyer did not return within {timeout:g} s")
                    )
            if attempt.gave_up:  # the call goes on: _deliver says what came of it
                self._log_failure(first)
                return False
        if attempt.error is not None:
            self._report(attempt.error)
            return False
        self._recovered()
        return True

    def _deliver(self, attempt: _Attempt, fields: dict[str, Any]) -> None:
        """Call plyer on this daemon thread; wait briefly on a thread it left running."""
        before = set(threading.enumerate())
        try:
            (self._notification or _plyer_notification()).notify(**fields)
        except Exception as error:  # plyer raises whatever its backend raises
            attempt.fail(error)
        else:
            started = set(threading.enumerate()) - before - {threading.current_thread()}
            if started:
                attempt.errored.wait(SETTLE)
        finally:
            with self._lock:
                attempt.over.set()
                late = attempt.gave_up
        if late:  # show() stopped waiting: a slow plyer that showed it is working after all
            if attempt.error is None:
                self._recovered()
            else:
                self._report(attempt.error)

    def failed_in_thread(self, error: Exception) -> None:
        """Take an exception from a thread of plyer's: the current call's, or a later one."""
        with self._lock:
            attempt = self._attempt
        if attempt is not None and not attempt.over.is_set():
            attempt.fail(error)
        else:
            self._report(error)

    def _report(self, error: Exception) -> None:
        """Note a failure; log the first of an outage at ERROR with its cause."""
        with self._lock:
            first = self._mark_failing(error)
        self._log_failure(first)

    def _mark_failing(self, error: Exception) -> bool:
        """Note a failure (the lock held); return whether it starts an outage."""
        first = not self._failing
        self._failing = True
        self._problem = f"{type(error).__name__}: {error}"
        return first

    def _log_failure(self, first: bool) -> None:
        """Log the first failure of an outage at ERROR, later ones at DEBUG."""
        if first:
            log.error(
                "Notifications are not working (%s); the tray icon still shows when a "
                "stretch is due.",
                self._problem,
            )
        else:
            log.debug("Notifications still fail: %s", self._problem)

    def _recovered(self) -> None:
        """Say once that notifications work again after an outage."""
        with self._lock:
            was_failing = self._failing
            self._failing = False
            self._problem = None
        if was_failing:
            log.warning("Notifications work again.")

    def refresh(self, notice: Notice) -> None:
        """Show the next step of a routine as a new notification; skip countdown updates."""
        if notice.title != self._title:
            self.show(notice)

    def close(self) -> None:
        """Forget the shown title (plyer cannot close a notification)."""
        self._title = ""

    def stop(self) -> None:
        """Stop hearing plyer's threads (a balloon still showing ends with the process)."""
        with _hook_lock:
            if self in _hearer:
                _hearer.clear()
