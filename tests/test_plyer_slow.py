"""A slow plyer call: a longer first timeout, and a late return clears the failure."""

import logging
import threading
import time
from typing import Any

import pytest
from support.waiting import wait_for

from backcare_tray.adapters.notifications.plyer_notifier import PlyerNotifier
from backcare_tray.notice import Notice


class SlowFacade:
    """plyer's notification facade whose notify takes the given seconds, call by call."""

    def __init__(self, *delays: float) -> None:
        self.delays = list(delays)
        self.shown: list[str] = []
        self.returned = threading.Event()

    def notify(self, **fields: Any) -> None:
        """Take this call's time, then count the notification as shown."""
        self.returned.clear()
        time.sleep(self.delays.pop(0))
        self.shown.append(str(fields["title"]))
        self.returned.set()


def a_notice(title: str) -> Notice:
    """Return a notice with this title."""
    return Notice(kind="due", title=title, body="Stand up and stretch.")


def test_the_first_call_may_load_the_backend_for_longer() -> None:
    """A first call slower than the usual timeout but within the first one is a success."""
    facade = SlowFacade(0.6, 0.0)
    notifier = PlyerNotifier(lambda: None, facade, call_timeout=0.2, first_call_timeout=2.0)
    assert notifier.show(a_notice("first")) is True
    assert notifier.describe()["failing"] is False
    assert notifier.show(a_notice("second")) is True
    assert facade.shown == ["first", "second"]


def test_a_late_return_clears_the_failure(caplog: pytest.LogCaptureFixture) -> None:
    """Past the timeout the call counts as failing; when it returns, notifications work."""
    caplog.set_level(logging.INFO)
    facade = SlowFacade(0.0, 1.0)
    notifier = PlyerNotifier(lambda: None, facade, call_timeout=0.2, first_call_timeout=2.0)
    assert notifier.show(a_notice("quick")) is True
    assert notifier.show(a_notice("slow")) is False
    described = notifier.describe()
    assert described["failing"] is True
    assert "did not return within 0.2 s" in described["problem"]
    wait_for(lambda: facade.shown == ["quick", "slow"], 5, "the slow call to return")
    wait_for(lambda: notifier.describe()["failing"] is False, 5, "the failure to clear")
    assert notifier.describe()["problem"] is None
    assert "Notifications work again." in caplog.text
