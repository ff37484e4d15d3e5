"""On GNOME Shell 43 (headless Wayland, the AppIndicator extension): its tray, banners and settings.

One shell serves the whole module; each test starts its own daemon on it, with a fresh state
and history, as the desktop's user.
"""

import colorsys
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from jeepney import DBusAddress, MessageType, new_method_call
from jeepney.io.blocking import open_dbus_connection
from support.bus_monitor import BusMonitor, Seen
from support.daemon import running_daemon
from support.desktop import Pixels, bus_has, centre, coloured_pixels, hue_distance
from support.gnome_shell import (
    BUTTON_RIGHT,
    NOTIFICATION_SERVICE,
    NOTIFICATIONS,
    PANEL,
    WATCHER,
    GnomeShell,
    errors_about_items,
    gnome_shell,
    item_without_accessible_desc,
)
from support.sni_client import SniClient
from support.waiting import stays_for, wait_for

from backcare_tray.art import DISC
from backcare_tray.figure import TEAL

pytestmark = pytest.mark.desktop

CONFIG = """\
[schedule]
sitting_interval = "{interval}"
remind_every = "0s"

[idle]
# The shell's idle time counts from its start, with no input but the tests' clicks.
natural_break = "1h"
check_every = "1s"
"""
# What each of the icon's states is drawn in, as a hue: the base art's teal, the due disc.
WORKING_HUE = colorsys.rgb_to_hsv(*(c / 255 for c in TEAL[:3]))[0] * 360
DUE_HUE = colorsys.rgb_to_hsv(*(c / 255 for c in DISC["due"][:3]))[0] * 360


@pytest.fixture(scope="module")
def gnome(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GnomeShell]:
    """One GNOME Shell for the module, its log kept in pytest's folders."""
    with gnome_shell(tmp_path_factory.mktemp("gnome-shell")) as desktop:
        yield desktop


@pytest.fixture
def shell(gnome: GnomeShell) -> Iterator[GnomeShell]:
    """The module's shell, with no state or history left by an earlier test's daemon."""
    for folder in (".local/state/backcare-tray", ".local/share/backcare-tray"):
        shutil.rmtree(gnome.home / folder, ignore_errors=True)
    gnome.park_pointer()
    client = SniClient(gnome.env["DBUS_SESSION_BUS_ADDRESS"])
    try:
        wait_for(lambda: client.registered() == [], 10, "the last test's item to go")
    finally:
        client.close()
    yield gnome
    gnome.park_pointer()


def config(shell: GnomeShell, interval: str) -> Path:
    """Write a config with this sitting interval where the desktop's user can read it."""
    path = shell.home / "gnome-test.toml"
    path.write_text(CONFIG.format(interval=interval), encoding="utf-8")
    return path


def drawn(shell: GnomeShell, before: Pixels, hue: float) -> Pixels:
    """Return the top bar's coloured pixels new since before, if they are the icon in this hue."""
    now = coloured_pixels(shell.screenshot(), PANEL)
    new = {at: h for at, h in now.items() if at not in before or hue_distance(h, before[at]) > 30}
    near = [h for h in new.values() if hue_distance(h, hue) < 30]
    return new if len(new) >= 30 and len(near) >= len(new) / 2 else {}


def sent_notifies(monitor: BusMonitor) -> list[Seen]:
    """Return the Notify calls sent to the server's name (not those it passes on inside)."""
    return [call for call in monitor.calls("Notify") if call.destination == NOTIFICATIONS]


def section(report: str, title: str) -> list[str]:
    """Return the lines of one section of doctor's report."""
    lines = report.splitlines()
    start = lines.index(f"{title}:") + 1
    body = []
    for line in lines[start:]:
        if not line.startswith("  "):
            break
        body.append(line.strip())
    return body


def shell_pid(shell: GnomeShell) -> int:
    """Return the process id of gnome-shell itself."""
    (pid,) = shell.session_pids("gnome-shell")
    return pid


def test_the_item_registers_with_the_extensions_watcher_and_the_top_bar_draws_it(
    shell: GnomeShell,
) -> None:
    """The watcher is the shell's own (the extension in it), and the top bar shows the icon."""
    before = coloured_pixels(shell.screenshot(), PANEL)
    assert drawn(shell, before, WORKING_HUE) == {}  # nothing of ours yet
    with running_daemon(shell, config=config(shell, "45m")) as daemon:
        client = SniClient(shell.env["DBUS_SESSION_BUS_ADDRESS"])
        try:
            item = wait_for(lambda: client.find("backcare-tray"), 15, "the item in the watcher")
            assert item is not None
            assert shell.owner_pid(WATCHER) == shell_pid(shell)
            assert shell.owner_pid(item.bus_name) == daemon.pid
            assert any(entry.startswith(item.bus_name) for entry in client.registered())
        finally:
            client.close()
        icon = wait_for(lambda: drawn(shell, before, WORKING_HUE), 15, "the icon in the top bar")
        x, y = centre(icon)
        assert PANEL[0] < x < PANEL[2] and 0 <= y < PANEL[3]
    assert daemon.exit_code == 0


def test_a_click_in_the_shells_menu_marks_the_due_stretch_done(shell: GnomeShell) -> None:
    """A right click on the icon opens the shell's menu; a click on Mark done counts it."""
    before = coloured_pixels(shell.screenshot(), PANEL)
    with running_daemon(shell, config=config(shell, "2s")) as daemon:
        wait_for(lambda: shell.status()["state"] == "due", 15, "the stretch to fall due")
        icon = wait_for(lambda: drawn(shell, before, DUE_HUE), 15, "the due icon in the top bar")
        shell.click(*centre(icon), BUTTON_RIGHT)
        x, y, width, height = shell.settled("Mark done")
        for label in ("Snooze", "Skip", "How to do it", "Pause", "Quit"):
            assert len(shell.find(label)) == 1, label  # the whole menu is shown
        shell.click(x + width / 2, y + height / 2)
        wait_for(lambda: shell.status()["today"]["done"] == 1, 10, "the stretch counted done")
        assert shell.status()["state"] == "working"
        wait_for(lambda: not shell.find("Mark done"), 5, "the menu to close")
        # The submenus the shell opens inline, as the item exports them.
        client = SniClient(shell.env["DBUS_SESSION_BUS_ADDRESS"])
        try:
            item = client.find("backcare-tray")
            assert item is not None
            _, root = client.layout(item)
        finally:
            client.close()
        snooze = [entry.label for entry in root.named("Snooze").children]
        assert snooze == ["5 min", "10 min", "15 min", "30 min"]
        assert root.named("Pause").children[0].label == "30 min"
    assert daemon.exit_code == 0
    history = shell.run("history").stdout
    assert len(re.findall(r"\bdone\b.*\bmenu\b", history)) == 1, history


def test_the_shells_own_server_shows_start_snooze_and_done_and_a_click_snoozes_once(
    shell: GnomeShell, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GNOME's server takes the notification; its banner has three buttons; Snooze works."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", shell.env["DBUS_SESSION_BUS_ADDRESS"])
    monitor = BusMonitor(NOTIFICATIONS)
    try:
        with running_daemon(shell, config=config(shell, "2s")) as daemon:
            (notify,) = wait_for(lambda: sent_notifies(monitor), 15, "the due notification")
            actions = notify.body[5]
            pairs = list(zip(actions[::2], actions[1::2], strict=True))
            assert pairs == [
                ("default", "Start"),
                ("start", "Start"),
                ("snooze", "Snooze 10 min"),
                ("done", "Done"),
            ]
            reply = wait_for(lambda: monitor.reply_to(notify), 5, "the server's answer")
            assert reply is not None and reply.kind == "return" and reply.sender is not None
            server = shell.owner_pid(reply.sender)
            assert server == shell.owner_pid(NOTIFICATIONS) and server in shell.session_pids("gjs")
            assert NOTIFICATION_SERVICE in Path(f"/proc/{server}/cmdline").read_text()
            # The banner shows its buttons while the pointer is on it.
            x, y, width, height = shell.settled(notify.body[3])
            shell.move_to(x + width / 2, y + height / 2)
            shell.settled("Snooze 10 min")
            assert len(shell.find("Start")) == 1 and len(shell.find("Done")) == 1
            assert shell.find("Skip") == []  # at most three: Skip stays in the tray
            shell.click_text("Snooze 10 min")
            wait_for(lambda: shell.status()["state"] == "snoozed", 10, "the stretch snoozed")
            invoked = [s for s in monitor.seen() if s.member == "ActionInvoked"]
            assert invoked and all(s.body[1] == "snooze" for s in invoked)
            # GNOME sends the signal twice (the shell broadcasts it as well): answered once.
            assert stays_for(lambda: shell.status()["today"]["snoozed"] == 1, 1.5)
        assert daemon.exit_code == 0
    finally:
        monitor.close()
    history = shell.run("history").stdout
    assert len(re.findall(r"\bsnoozed\b", history)) == 1, history


def test_banners_off_hold_the_stretch_back_until_they_show_again(
    shell: GnomeShell, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GNOME's do-not-disturb (show-banners false): nothing is sent, then the stretch comes."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", shell.env["DBUS_SESSION_BUS_ADDRESS"])
    banners = ("org.gnome.desktop.notifications", "show-banners")
    shell.gsettings(*banners, "false")
    monitor = BusMonitor(NOTIFICATIONS)
    try:
        with running_daemon(shell, config=config(shell, "2s")) as daemon:
            wait_for(lambda: shell.status()["state"] == "due", 15, "the stretch to fall due")
            status = shell.status()
            assert status["dnd"] is True and status["status"].startswith("Held back"), status
            report = shell.run("doctor").stdout
            assert "GNOME do not disturb (banners hidden): on" in section(report, "Do not disturb")
            assert sent_notifies(monitor) == []
            shell.gsettings(*banners, "true")
            wait_for(lambda: shell.status()["dnd"] is False, 5, "status to read banners on")
            (notify,) = wait_for(lambda: sent_notifies(monitor), 10, "the held-back stretch")
            assert notify.body[3] == "Time to stretch: Hamstring stretch"
        assert daemon.exit_code == 0
    finally:
        shell.gsettings(*banners, "true")
        monitor.close()


def test_doctor_names_the_shell_its_server_and_banners_and_starts_no_xfconfd(
    shell: GnomeShell,
) -> None:
    """Doctor's tray host, server and do-not-disturb lines are GNOME's; xfconfd stays unstarted."""
    with running_daemon(shell, config=config(shell, "45m")) as daemon:
        result = shell.run("doctor")
        assert result.returncode == 0, result.stderr
    assert daemon.exit_code == 0
    report = result.stdout
    assert "XDG_CURRENT_DESKTOP: GNOME" in section(report, "Session")
    tray = section(report, "Tray host")
    assert tray == [
        "found: StatusNotifierItem host",
        f"watcher: gnome-shell, pid {shell_pid(shell)}",
        "backend: sni",
    ]
    notifications = section(report, "Notifications")
    assert re.fullmatch(r"gnome-shell 4\d[.\d]*: offers buttons", notifications[0]), notifications
    assert "running daemon: no failure to notify (via freedesktop)" in notifications
    quiet = section(report, "Do not disturb")
    assert "GNOME do not disturb (banners hidden): off" in quiet
    assert "notification server Inhibited: off" in quiet
    # The daemon and doctor looked at xfce4-notifyd's setting without starting xfconfd...
    assert not bus_has(shell.env, "org.xfce.Xfconf") and shell.session_pids("xfconfd") == []
    # ...which this bus would start for any ordinary call (so the check above can fail).
    xfconf = DBusAddress("/org/xfce/Xfconf", "org.xfce.Xfconf", "org.xfce.Xfconf")
    with open_dbus_connection(bus=shell.env["DBUS_SESSION_BUS_ADDRESS"]) as connection:
        reply = connection.send_and_get_reply(new_method_call(xfconf, "ListChannels"), timeout=10)
    assert reply.header.message_type == MessageType.method_return
    assert shell.session_pids("xfconfd")


def test_quit_ends_the_daemon_removes_its_item_and_the_shell_logged_no_error_about_it(
    shell: GnomeShell,
) -> None:
    """quit: the daemon ends in seconds, its item and icon go; the shell's log has no JS ERROR."""
    before = coloured_pixels(shell.screenshot(), PANEL)
    client = SniClient(shell.env["DBUS_SESSION_BUS_ADDRESS"])
    try:
        with running_daemon(shell, config=config(shell, "45m")) as daemon:
            wait_for(lambda: client.find("backcare-tray"), 15, "the item in the watcher")
            wait_for(lambda: drawn(shell, before, WORKING_HUE), 15, "the icon in the top bar")
            asked = time.monotonic()
            assert shell.run("quit").returncode == 0
            assert daemon.wait(timeout=5) == 0
            assert time.monotonic() - asked < 3
        wait_for(lambda: client.registered() == [], 5, "the item to leave the watcher")
        wait_for(lambda: not drawn(shell, before, WORKING_HUE), 5, "the icon to leave the bar")
    finally:
        client.close()
    # Every item the shell saw so far was ours: the extension logged no error about any.
    assert errors_about_items(shell.log_text()) == [], "\n".join(
        errors_about_items(shell.log_text())
    )
    # An item whose IconAccessibleDesc it cannot read gets one (so the check above can fail).
    with item_without_accessible_desc(shell) as stand_in:
        wait_for(lambda: stand_in.last_caller, 10, "the extension to read the stand-in")
        stand_in.emit("/StatusNotifierItem", "org.kde.StatusNotifierItem", "NewIcon", "", ())
        wait_for(lambda: errors_about_items(shell.log_text()), 10, "the extension's JS ERROR")
