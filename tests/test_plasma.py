"""On KDE Plasma 5.27 (kwin_x11 and plasmashell on Xvfb): its tray, notifications and settings.

One Plasma session serves the whole module; each test starts its own daemon on it, with a
fresh state and history.
"""

import colorsys
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from jeepney import DBusAddress, MessageType, Properties, new_method_call
from jeepney.io.blocking import open_dbus_connection
from support.bus_monitor import BusMonitor, Seen
from support.daemon import running_daemon
from support.desktop import Pixels, bus_has, centre, coloured_pixels, hue_distance
from support.plasma import (
    NOTIFICATIONS,
    WATCHER,
    PlasmaDesktop,
    buttons,
    plasma_desktop,
    text_rows,
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

[notifications]
timeout = "60s"

[idle]
natural_break = "1h"
check_every = "1s"
"""
WORKING_HUE = colorsys.rgb_to_hsv(*(c / 255 for c in TEAL[:3]))[0] * 360
DUE_HUE = colorsys.rgb_to_hsv(*(c / 255 for c in DISC["due"][:3]))[0] * 360
SERVER = DBusAddress("/org/freedesktop/Notifications", NOTIFICATIONS, NOTIFICATIONS)


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlasmaDesktop]:
    """One Plasma session for the module."""
    with plasma_desktop(tmp_path_factory.mktemp("plasma")) as desktop:
        yield desktop


@pytest.fixture
def plasma(session: PlasmaDesktop) -> Iterator[PlasmaDesktop]:
    """The module's Plasma, with no state, history or item left by an earlier test's daemon."""
    for folder in (".local/state/backcare-tray", ".local/share/backcare-tray"):
        shutil.rmtree(session.home / folder, ignore_errors=True)
    client = SniClient(session.env["DBUS_SESSION_BUS_ADDRESS"])
    try:
        wait_for(lambda: client.registered() == [], 10, "the last test's item to go")
    finally:
        client.close()
    session.tool("xdotool", "mousemove", "640", "300")
    yield session


def config(plasma: PlasmaDesktop, interval: str) -> Path:
    """Write a config with this sitting interval."""
    path = plasma.home / "plasma-test.toml"
    path.write_text(CONFIG.format(interval=interval), encoding="utf-8")
    return path


def panel_box(plasma: PlasmaDesktop) -> tuple[int, int, int, int]:
    """Return the right half of the panel, where the system tray is."""
    left, top, right, bottom = plasma.panel.box
    return (left + right) // 2, top, right, bottom


def drawn(plasma: PlasmaDesktop, before: Pixels, hue: float) -> Pixels:
    """Return the tray's coloured pixels new since before, if they are the icon in this hue."""
    now = coloured_pixels(plasma.screenshot(), panel_box(plasma))
    new = {at: h for at, h in now.items() if at not in before or hue_distance(h, before[at]) > 30}
    near = [h for h in new.values() if hue_distance(h, hue) < 30]
    return new if len(new) >= 30 and len(near) >= len(new) / 2 else {}


def sent_notifies(monitor: BusMonitor) -> list[Seen]:
    """Return the Notify calls sent to the server."""
    return [call for call in monitor.calls("Notify") if call.destination == NOTIFICATIONS]


def counted(found: list[tuple[int, int]], wanted: int) -> list[tuple[int, int]]:
    """Return what was found when there are as many as wanted, else nothing (look again)."""
    return found if len(found) == wanted else []


def section(report: str, title: str) -> list[str]:
    """Return the lines of one section of doctor's report."""
    lines = report.splitlines()
    body = []
    for line in lines[lines.index(f"{title}:") + 1 :]:
        if not line.startswith("  "):
            break
        body.append(line.strip())
    return body


def plasmashell_pid(plasma: PlasmaDesktop) -> int:
    """Return the process id of plasmashell."""
    (pid,) = plasma.session_pids("plasmashell")
    return pid


def owner_pid(plasma: PlasmaDesktop, name: str) -> int:
    """Return the process id of the connection owning a bus name."""
    from jeepney.bus_messages import message_bus

    with open_dbus_connection(bus=plasma.env["DBUS_SESSION_BUS_ADDRESS"]) as connection:
        reply = connection.send_and_get_reply(
            message_bus.GetConnectionUnixProcessID(name), timeout=5
        )
    assert reply.header.message_type == MessageType.method_return, reply.body
    return int(reply.body[0])


def test_the_item_registers_with_plasmas_watcher_and_the_tray_draws_it(
    plasma: PlasmaDesktop,
) -> None:
    """kded5 in the session is the watcher, plasmashell its host; the tray shows the icon."""
    before = coloured_pixels(plasma.screenshot(), panel_box(plasma))
    with running_daemon(plasma, config=config(plasma, "45m")) as daemon:
        client = SniClient(plasma.env["DBUS_SESSION_BUS_ADDRESS"])
        try:
            item = wait_for(lambda: client.find("backcare-tray"), 15, "the item in the watcher")
            assert item is not None
            assert owner_pid(plasma, WATCHER) in plasma.session_pids("kded5")
            host = f"org.kde.StatusNotifierHost-{plasmashell_pid(plasma)}"
            assert bus_has(plasma.env, host)
            watcher = Properties(DBusAddress("/StatusNotifierWatcher", WATCHER, WATCHER))
            (registered,) = client.call(watcher.get("IsStatusNotifierHostRegistered"))
            assert registered[1] is True
            assert owner_pid(plasma, item.bus_name) == daemon.pid
        finally:
            client.close()
        icon = wait_for(lambda: drawn(plasma, before, WORKING_HUE), 15, "the icon in the tray")
        left, top, right, bottom = panel_box(plasma)
        x, y = centre(icon)
        assert left < x < right and top <= y < bottom
    assert daemon.exit_code == 0


def test_a_click_in_plasmas_menu_marks_the_due_stretch_done(plasma: PlasmaDesktop) -> None:
    """A right click opens the item's menu; a click on Mark done counts the stretch."""
    before = coloured_pixels(plasma.screenshot(), panel_box(plasma))
    with running_daemon(plasma, config=config(plasma, "2s")) as daemon:
        wait_for(lambda: plasma.status()["state"] == "due", 15, "the stretch to fall due")
        icon = wait_for(lambda: drawn(plasma, before, DUE_HUE), 15, "the due icon in the tray")
        client = SniClient(plasma.env["DBUS_SESSION_BUS_ADDRESS"])
        try:
            item = client.find("backcare-tray")
            assert item is not None
            _, root = client.layout(item)
        finally:
            client.close()
        shown = [e for e in root.children if e.properties.get("type") != "separator"]
        shown = [e for e in shown if e.properties.get("visible", True)]
        plasma.click(*centre(icon), button=3)
        menus = wait_for(lambda: plasma.windows("POPUP_MENU"), 10, "the menu to open")
        (menu,) = menus
        # One row of text per entry, in the order the item exports them.
        rows = wait_for(
            lambda: counted(text_rows(plasma.screenshot(), menu.box), len(shown)),
            5,
            f"{len(shown)} rows of text in the menu",
        )
        labels = [e.label for e in shown]
        top, bottom = rows[labels.index("Mark done")]
        plasma.click(menu.x + 40, (top + bottom) // 2)
        wait_for(lambda: plasma.status()["today"]["done"] == 1, 10, "the stretch counted done")
        assert plasma.status()["state"] == "working"
        wait_for(lambda: not plasma.windows("POPUP_MENU"), 5, "the menu to close")
        # Submenus open off the right edge on Xvfb: read them as the tray does.
        snooze = [entry.label for entry in root.named("Snooze").children]
        assert snooze == ["5 min", "10 min", "15 min", "30 min"]
        assert root.named("Pause").children[0].label == "30 min"
    assert daemon.exit_code == 0
    history = plasma.run("history").stdout
    assert len(re.findall(r"\bdone\b.*\bmenu\b", history)) == 1, history


def test_plasmas_own_server_shows_the_buttons_and_a_click_snoozes_once(
    plasma: PlasmaDesktop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plasmashell takes the notification, shows Snooze, Done and Skip; a click snoozes."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", plasma.env["DBUS_SESSION_BUS_ADDRESS"])
    monitor = BusMonitor(NOTIFICATIONS)
    try:
        with running_daemon(plasma, config=config(plasma, "2s")) as daemon:
            (notify,) = wait_for(lambda: sent_notifies(monitor), 15, "the due notification")
            actions = notify.body[5]
            pairs = list(zip(actions[::2], actions[1::2], strict=True))
            assert pairs == [
                ("default", "Start"),
                ("snooze", "Snooze 10 min"),
                ("done", "Done"),
                ("skip", "Skip"),
            ]
            reply = wait_for(lambda: monitor.reply_to(notify), 5, "the server's answer")
            assert reply is not None and reply.kind == "return" and reply.sender is not None
            assert owner_pid(plasma, reply.sender) == plasmashell_pid(plasma)
            assert plasma.status()["notifications"]["server"].startswith("Plasma ")
            # The popup: the body click is Start, so three buttons, in the order sent.
            popups = wait_for(lambda: plasma.windows("NOTIFICATION"), 10, "the popup")
            shown = wait_for(
                lambda: counted(buttons(plasma.screenshot(), popups[0].box), 3),
                5,
                "three buttons on the popup",
            )
            plasma.click(*shown[0])  # Snooze 10 min
            wait_for(lambda: plasma.status()["state"] == "snoozed", 10, "the stretch snoozed")
            invoked = [s for s in monitor.seen() if s.member == "ActionInvoked"]
            assert [s.body[1] for s in invoked] == ["snooze"]
            assert stays_for(lambda: plasma.status()["today"]["snoozed"] == 1, 1.5)
        assert daemon.exit_code == 0
    finally:
        monitor.close()
    history = plasma.run("history").stdout
    assert len(re.findall(r"\bsnoozed\b", history)) == 1, history


def test_an_inhibition_holds_the_stretch_back_until_its_client_goes(
    plasma: PlasmaDesktop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a client holds Plasma's Inhibit, nothing is sent; when it leaves, the stretch comes."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", plasma.env["DBUS_SESSION_BUS_ADDRESS"])
    monitor = BusMonitor(NOTIFICATIONS)
    inhibitor = open_dbus_connection(bus=plasma.env["DBUS_SESSION_BUS_ADDRESS"])
    try:
        inhibit = new_method_call(SERVER, "Inhibit", "ssa{sv}", ("presenter", "slides", {}))
        reply = inhibitor.send_and_get_reply(inhibit, timeout=5)
        assert reply.header.message_type == MessageType.method_return, reply.body
        with running_daemon(plasma, config=config(plasma, "2s")) as daemon:
            wait_for(lambda: plasma.status()["state"] == "due", 15, "the stretch to fall due")
            status = plasma.status()
            assert status["dnd"] is True and status["status"].startswith("Held back"), status
            report = plasma.run("doctor").stdout
            assert "notification server Inhibited: on" in section(report, "Do not disturb")
            assert sent_notifies(monitor) == []
            inhibitor.close()  # Plasma ends the inhibition of a client that leaves
            wait_for(lambda: plasma.status()["dnd"] is False, 5, "status to read it ended")
            (notify,) = wait_for(lambda: sent_notifies(monitor), 10, "the held-back stretch")
            assert notify.body[3] == "Time to stretch: Hamstring stretch"
        assert daemon.exit_code == 0
    finally:
        inhibitor.close()
        monitor.close()


def test_doctor_names_plasmas_tray_server_and_inhibition_and_starts_no_xfconfd(
    plasma: PlasmaDesktop,
) -> None:
    """Doctor's tray host, server and do-not-disturb lines are Plasma's; xfconfd stays unstarted."""
    with running_daemon(plasma, config=config(plasma, "45m")) as daemon:
        result = plasma.run("doctor")
        assert result.returncode == 0, result.stderr
    assert daemon.exit_code == 0
    report = result.stdout
    assert "XDG_CURRENT_DESKTOP: KDE" in section(report, "Session")
    (kded,) = plasma.session_pids("kded5")
    assert section(report, "Tray host") == [
        "found: StatusNotifierItem host",
        f"watcher: kded5, pid {kded}",
        f"host: plasmashell, pid {plasmashell_pid(plasma)}",
        "backend: sni",
    ]
    notifications = section(report, "Notifications")
    assert re.fullmatch(r"Plasma 5\.\d+[.\d]*: offers buttons", notifications[0]), notifications
    assert "running daemon: no failure to notify (via freedesktop)" in notifications
    assert "notification server Inhibited: off" in section(report, "Do not disturb")
    # Nothing looked at xfce4-notifyd's setting by starting xfconfd...
    assert not bus_has(plasma.env, "org.xfce.Xfconf") and plasma.session_pids("xfconfd") == []
    # ...which this bus would start for any ordinary call (so the check above can fail).
    xfconf = DBusAddress("/org/xfce/Xfconf", "org.xfce.Xfconf", "org.xfce.Xfconf")
    with open_dbus_connection(bus=plasma.env["DBUS_SESSION_BUS_ADDRESS"]) as connection:
        reply = connection.send_and_get_reply(new_method_call(xfconf, "ListChannels"), timeout=10)
    assert reply.header.message_type == MessageType.method_return
    assert plasma.session_pids("xfconfd")


def test_quit_ends_the_daemon_and_its_item_leaves_the_tray(plasma: PlasmaDesktop) -> None:
    """Quit: the daemon ends within seconds, its item leaves the watcher and the tray."""
    before = coloured_pixels(plasma.screenshot(), panel_box(plasma))
    client = SniClient(plasma.env["DBUS_SESSION_BUS_ADDRESS"])
    try:
        with running_daemon(plasma, config=config(plasma, "45m")) as daemon:
            wait_for(lambda: client.find("backcare-tray"), 15, "the item in the watcher")
            wait_for(lambda: drawn(plasma, before, WORKING_HUE), 15, "the icon in the tray")
            asked = time.monotonic()
            assert plasma.run("quit").returncode == 0
            assert daemon.wait(timeout=5) == 0
            assert time.monotonic() - asked < 3
        wait_for(lambda: client.registered() == [], 5, "the item to leave the watcher")
        wait_for(lambda: not drawn(plasma, before, WORKING_HUE), 5, "the icon to leave the tray")
    finally:
        client.close()
