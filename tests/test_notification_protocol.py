"""The Notify call as jeepney writes it: every number fits the D-Bus type the spec gives it."""

from pathlib import Path

import pytest

from backcare_tray.adapters.notifications.protocol import LONGEST_TIMEOUT_MS, notify
from backcare_tray.notice import Notice


def expire_timeout_sent(seconds: int) -> int:
    """Return the expire_timeout a notice of seconds is sent with, after serialising it."""
    message = notify(
        Notice("due", "Time to stretch", "Up you get.", timeout=seconds),
        replaces_id=0,
        app_icon=Path("/icons/backcare.png"),
        with_actions=True,
        markup=False,
    )
    message.serialise(serial=1)  # as the bus gets it: struct.error for a number out of range
    timeout: int = message.body[-1]
    return timeout


@pytest.mark.parametrize(
    ("seconds", "milliseconds"),
    [
        (10, 10_000),
        (0, 0),  # until answered
        (2_147_483, 2_147_483_000),  # the most whole seconds int32 milliseconds hold
        (2_147_484, LONGEST_TIMEOUT_MS),
        (10**12, LONGEST_TIMEOUT_MS),
        (-5, 0),
    ],
)
def test_the_timeout_is_clamped_to_int32_milliseconds(seconds: int, milliseconds: int) -> None:
    """A notice's seconds become milliseconds, never past what a D-Bus int32 holds."""
    assert expire_timeout_sent(seconds) == milliseconds
    assert LONGEST_TIMEOUT_MS == 2**31 - 1
