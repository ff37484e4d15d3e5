"""The Notify call as jeepney writes it: every number fits the D-Bus type the spec gives it."""

from pathlib import Path

import pytest

from backcare_tray.adapters.notifications.protocol import (
    BUTTON_RULES,
    LONGEST_TIMEOUT_MS,
    notify,
    sent_actions,
)
from backcare_tray.commands import Command
from backcare_tray.engine import Tick, initial_state, step
from backcare_tray.moment import Moment
from backcare_tray.notice import Action, Notice, action_command, render_notice
from backcare_tray.settings import Settings

SETTINGS = Settings()


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


def due_actions() -> tuple[Action, ...]:
    """Return a due stretch's actions as the notice gives them: Start, Snooze, Done, Skip."""
    state, _ = step(initial_state(0.0, SETTINGS, 0), Tick(SETTINGS.sitting_interval), SETTINGS)
    at = SETTINGS.sitting_interval + 1
    notice = render_notice("due", state, Moment(at, 1.7e9 + at), SETTINGS)
    assert [a.key for a in notice.actions] == ["default", "snooze", "done", "skip"]
    return notice.actions


def test_gnome_shell_gets_three_buttons_with_start_a_real_one() -> None:
    """GNOME shows three buttons and hides "default": Start, Snooze, Done, and the body click."""
    sent = sent_actions(due_actions(), "gnome-shell")
    assert [(a.key, a.label) for a in sent] == [
        ("default", "Start"),
        ("start", "Start"),
        ("snooze", "Snooze 10 min"),
        ("done", "Done"),
    ]
    buttons = [a for a in sent if a.key != "default"]
    assert len(buttons) == BUTTON_RULES["gnome-shell"].most == 3
    assert {action_command(a.key) for a in sent} == {
        Command("start"),
        *(Command(name) for name in ("snooze", "done")),
    }


def test_servers_without_a_known_cap_get_every_action() -> None:
    """dunst, Plasma, xfce4-notifyd and the rest get all four, the body click included."""
    for server in ("dunst", "Plasma", "xfce4-notifyd", "", "gnome-shell-but-not"):
        assert sent_actions(due_actions(), server) == due_actions()


def test_a_capped_server_keeps_a_real_start_button_without_doubling_it() -> None:
    """A notice that already has a Start button (How to do it) gets no second one."""
    actions = (
        Action("start", "Start"),
        Action("snooze", "Snooze"),
        Action("done", "Done"),
        Action("skip", "Skip"),
    )
    assert [a.key for a in sent_actions(actions, "gnome-shell")] == ["start", "snooze", "done"]
    message = notify(
        Notice("howto", "How to", "Steps.", actions=actions),
        replaces_id=0,
        app_icon=Path("/icons/backcare.png"),
        with_actions=True,
        markup=False,
        server="gnome-shell",
    )
    assert message.body[5] == ["start", "Start", "snooze", "Snooze", "done", "Done"]


def test_a_timeout_of_0s_means_a_due_stretch_stays_until_answered() -> None:
    """[notifications] timeout = "0s" is accepted; the due notice is sent never to expire."""
    from backcare_tray.settings import settings_from_mapping

    settings = settings_from_mapping({"notifications": {"timeout": "0s"}})
    assert settings.notification_timeout == 0
    state, _ = step(initial_state(0.0, settings, 0), Tick(settings.sitting_interval), settings)
    at = settings.sitting_interval + 1
    for kind in ("due", "reminder"):
        notice = render_notice(kind, state, Moment(at, 1.7e9 + at), settings)
        assert notice.timeout == 0
        assert expire_timeout_sent(notice.timeout) == 0  # the spec's "never expires"
