"""Wait on a condition with a timeout instead of sleeping and hoping."""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(check: Callable[[], T], timeout: float = 10.0, what: str = "condition") -> T:
    """Return check()'s first truthy result, polling briefly; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    last: T = check()
    while not last:
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)
        last = check()
    return last


def holds_within(check: Callable[[], object], timeout: float) -> bool:
    """Return whether check() becomes true within timeout seconds (False instead of failing)."""
    try:
        wait_for(check, timeout)
    except AssertionError:
        return False
    return True


def stays_for(check: Callable[[], object], seconds: float) -> bool:
    """Return whether check() holds at every look for that long (for what must not happen)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not check():
            return False
        time.sleep(0.05)
    return bool(check())
