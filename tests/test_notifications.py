"""The freedesktop notifier against a real notification service on a private D-Bus session."""

import logging
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from support.notification_service import INTERFACE, PATH, RecordingNotificationServer
from support.waiting import wait_for

from backcare_tray.adapters.notifications.freedesktop import FreedesktopNotifier
from backcare_tray.notice import Action, Notice, answer_hint

# Every test talks to a private dbus-daemon.
pytestmark = pytest.mark.desktop

DUE = Notice(
    "due",
    "Time to stretch: Calf stretch",
    "Draw the toes up.",
    actions=(Action("default", "Start"), Action("snooze", "Snooze 10 min")),
    answer_hint=answer_hint(),
)
COUNTDOWN = Notice("stretching", "Calf stretch: left leg, 1 of 3", "Hold - 9 s left")


class RecordingFallback:
    """A notifier stand-in that records what was handed to it."""

    def __init__(self) -> None:
        self.shown: list[Notice] = []

    def show(self, notice: Notice) -> bool:
        """Record notice and report failure, as plyer does with no server."""
        self.shown.append(notice)
        return False


@pytest.fixture
def clicks() -> list[str]:
    """The action keys the notifier reported."""
    return []


@pytest.fixture
def notifier(bus: str, clicks: list[str]) -> Iterator[FreedesktopNotifier]:
    """A notifier on the private bus, reporting clicks into the clicks list."""
    made = FreedesktopNotifier(Path("/icons/backcare.png"), clicks.append)
    yield made
    made.stop()


def serve(**options: Any) -> Iterator[RecordingNotificationServer]:
    """Run a recording server until the test ends."""
    server = RecordingNotificationServer(**options)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def server(bus: str) -> Iterator[RecordingNotificationServer]:
    """A recording notification server that offers buttons."""
    yield from serve(with_actions=True)


def test_one_notification_replaced_in_place_then_closed(
    notifier: FreedesktopNotifier, server: RecordingNotificationServer
) -> None:
    """Show, then updates reuse the id the server gave; close removes it; no updates after."""
    assert notifier.show(DUE)
    assert notifier.show(replace(DUE, title="Still waiting: Calf stretch"))  # in place
    notifier.refresh(COUNTDOWN)
    calls = server.calls()
    assert [c.replaces_id for c in calls] == [0, 1, 1]
    assert {c.answered_id for c in calls} == {1}
    assert calls[0].actions == {"default": "Start", "snooze": "Snooze 10 min"}
    assert calls[0].body == "Draw the toes up."  # buttons shown, so no hint in the body
    assert calls[0].hints["desktop-entry"] == ("s", "backcare-tray")
    notifier.close()
    assert server.closed_ids == [1]
    notifier.refresh(COUNTDOWN)
    assert len(server.calls()) == 3
    assert notifier.describe()["server"] == "recorder 1.0"
    assert notifier.describe()["actions"] is True


def test_an_update_identical_to_the_one_shown_is_not_sent(
    notifier: FreedesktopNotifier, server: RecordingNotificationServer
) -> None:
    """Plasma refuses a repeat (ExcessNotificationGeneration): only changes are sent."""
    assert notifier.show(DUE)
    assert notifier.show(DUE)
    notifier.refresh(COUNTDOWN)
    notifier.refresh(COUNTDOWN)
    notifier.refresh(replace(COUNTDOWN, body="Hold - 8 s left"))
    assert [c.body for c in server.calls()] == [DUE.body, COUNTDOWN.body, "Hold - 8 s left"]
    server.dismiss()  # gone from the screen: the same content is a new notification
    wait_for(lambda: notifier.show(COUNTDOWN) and len(server.calls()) == 4, 5, "a new one")
    assert server.calls()[-1].replaces_id == 0


def test_a_server_that_answers_each_call_twice_does_not_end_the_notifier(
    notifier: FreedesktopNotifier, bus: str, clicks: list[str]
) -> None:
    """A reply, then an error for the same call (mako 1.7): the first counts, all goes on."""
    for server in serve(with_actions=True, answer_twice=True):
        for count in range(5):  # each call races its second answer against the reply's waiter
            assert notifier.show(replace(DUE, body=f"Due for {count} min."))
        server.click("snooze")
        wait_for(lambda: clicks, 5, "the click")  # the reader thread is still alive
        assert [c.replaces_id for c in server.calls()] == [0, 1, 1, 1, 1]
        assert notifier.describe()["server"] == "recorder 1.0"


def test_a_click_right_behind_the_reply_to_notify_is_not_lost(
    notifier: FreedesktopNotifier, bus: str, clicks: list[str]
) -> None:
    """The router may hand on the click before show() has the id: it is held, then answered."""
    for server in serve(with_actions=True, instant_click="snooze"):

        def clicked(count: int) -> Callable[[], bool]:
            return lambda: len(clicks) >= count

        for round_ in range(1, 21):  # a new notification each round, then one replaced
            notifier.close()
            assert notifier.show(DUE)
            wait_for(clicked(2 * round_ - 1), 5, "the click on a new one")
            assert notifier.show(replace(DUE, title="Still waiting: Calf stretch"))
            wait_for(clicked(2 * round_), 5, "the click on a replaced one")
        assert clicks == ["snooze"] * 40
        assert len(server.calls()) == 40


def test_a_click_on_our_notification_is_reported(
    notifier: FreedesktopNotifier, server: RecordingNotificationServer, clicks: list[str]
) -> None:
    """ActionInvoked for our id, sent only to our connection, reaches the daemon."""
    notifier.show(DUE)
    server.click("snooze")
    wait_for(lambda: clicks, 5, "the click")
    assert clicks == ["snooze"]


def test_signals_for_other_notifications_are_ignored(
    notifier: FreedesktopNotifier, server: RecordingNotificationServer, clicks: list[str]
) -> None:
    """Another application's button press or close is none of ours; a broadcast of ours counts."""
    notifier.show(DUE)
    emit = server._service.emit
    emit(PATH, INTERFACE, "ActionInvoked", "us", (99, "default"))
    emit(PATH, INTERFACE, "NotificationClosed", "uu", (99, 2))
    emit(PATH, INTERFACE, "ActionInvoked", "us", (1, "default"))  # broadcast, to every listener
    wait_for(lambda: clicks, 5, "the broadcast click")
    assert clicks == ["default"]
    notifier.refresh(COUNTDOWN)  # still open: the close of id 99 was not ours
    assert server.calls()[-1].replaces_id == 1


def test_a_dismissed_notification_is_not_brought_back_by_updates(
    notifier: FreedesktopNotifier, server: RecordingNotificationServer, clicks: list[str]
) -> None:
    """Closing it is no answer; countdown updates stop; the next show is a new notification."""
    notifier.show(DUE)
    server.dismiss()
    wait_for(lambda: notifier._shown_id == 0, 5, "the close to be heard")
    notifier.refresh(COUNTDOWN)
    assert len(server.calls()) == 1 and clicks == []
    notifier.show(DUE)
    assert server.calls()[-1].replaces_id == 0
    assert server.calls()[-1].answered_id == 2


def test_a_server_without_buttons_gets_none_and_the_body_says_how_to_answer(
    bus: str, notifier: FreedesktopNotifier
) -> None:
    """No "actions" capability: no buttons, and the tray and command line are named."""
    for server in serve(with_actions=False):
        notifier.show(DUE)
        (call,) = server.calls()
        assert call.actions == {}
        assert call.body == f"Draw the toes up.\n{answer_hint()}"
        assert notifier.describe()["actions"] is False


def test_no_server_is_logged_once_and_handed_to_the_fallback(
    bus: str, caplog: pytest.LogCaptureFixture
) -> None:
    """With nobody serving notifications, show fails loudly once, then recovers by itself."""
    fallback = RecordingFallback()
    notifier = FreedesktopNotifier(Path("/icons/backcare.png"), print, fallback=fallback)
    try:
        with caplog.at_level(logging.INFO):
            assert not notifier.show(DUE)
            assert not notifier.show(DUE)
            assert fallback.shown == [DUE, DUE]
            errors = [r for r in caplog.records if r.levelno == logging.ERROR]
            assert len(errors) == 1 and "No notification server" in errors[0].getMessage()
            for server in serve(with_actions=True):
                assert notifier.show(DUE)
                assert len(server.calls()) == 1
            assert "Notifications work again (recorder 1.0)." in caplog.text
    finally:
        notifier.stop()


def test_only_the_buttons_offered_are_answered(
    notifier: FreedesktopNotifier, server: RecordingNotificationServer, clicks: list[str]
) -> None:
    """A key the notification does not show (a stale or forged press) runs nothing."""
    notifier.show(DUE)
    server.click("skip")  # DUE offers Start and Snooze only
    notifier.show(DUE)
    server.click("snooze")
    wait_for(lambda: clicks, 5, "the click")
    assert clicks == ["snooze"]  # signals arrive in order: the skip was heard and dropped


def test_status_without_a_server_looks_for_one_once_a_minute_not_every_time(
    notifier: FreedesktopNotifier,
) -> None:
    """Five status requests with no server on the bus make one call, not five."""
    from support.bus_monitor import BusMonitor

    monitor = BusMonitor("org.freedesktop.Notifications")
    try:
        for _ in range(5):
            assert notifier.describe()["server"] is None
        wait_for(lambda: monitor.calls("GetCapabilities"), 5, "the one look-up")
        for server in serve(with_actions=True):  # a break's show() asks at once
            assert notifier.show(DUE)
            assert server.asked.count("GetCapabilities") == 1
        wait_for(lambda: len(monitor.calls("GetCapabilities")) >= 2, 5, "the break's look-up")
        assert len(monitor.calls("GetCapabilities")) == 2  # the five statuses made only one
    finally:
        monitor.close()


@pytest.mark.parametrize("address", [None, ""])
def test_no_session_bus_at_all_is_a_failure_handed_to_the_fallback(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, address: str | None
) -> None:
    """Without DBUS_SESSION_BUS_ADDRESS, status and show fail loudly, never with a crash."""
    if address is None:
        monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    else:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    fallback = RecordingFallback()
    notifier = FreedesktopNotifier(Path("/icons/backcare.png"), print, fallback=fallback)
    try:
        assert notifier.describe()["server"] is None
        with caplog.at_level(logging.ERROR):
            assert not notifier.show(DUE)
        assert fallback.shown == [DUE]
        assert "No notification server" in caplog.text
    finally:
        notifier.stop()


def test_gnome_shell_gets_start_as_a_button_and_no_fourth_that_it_would_drop(
    notifier: FreedesktopNotifier, bus: str, clicks: list[str]
) -> None:
    """Named gnome-shell, the server gets Start, Snooze, Done (and the body click); no Skip."""
    due = Notice(
        "due",
        "Time to stretch: Calf stretch",
        "Draw the toes up.",
        actions=(
            Action("default", "Start"),
            Action("snooze", "Snooze 10 min"),
            Action("done", "Done"),
            Action("skip", "Skip"),
        ),
    )
    for server in serve(with_actions=True, name="gnome-shell"):
        assert notifier.show(due)
        assert server.calls()[-1].actions == {
            "default": "Start",
            "start": "Start",
            "snooze": "Snooze 10 min",
            "done": "Done",
        }
        server.click("skip")  # not offered there: ignored (and the click closes it)
        assert notifier.show(due)
        server.click("start")
        wait_for(lambda: clicks, 5, "the click on Start")
        assert clicks == ["start"]
    for server in serve(with_actions=True, name="dunst"):
        assert notifier.show(due)
        assert list(server.calls()[-1].actions) == ["default", "snooze", "done", "skip"]
