"""Do not disturb: the engine holds due notifications back; the sensors read the real desktop."""

import ctypes
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.bus_monitor import BusMonitor
from support.daemon import running_daemon
from support.dbus_service import ExportedService
from support.desktop import Desktop, private_bus, virtual_desktop
from support.engine_views import held_until, remind_at
from support.waiting import wait_for

from backcare_tray.adapters.dnd import (
    DndSensor,
    dunst_paused,
    gnome_idle_inhibited,
    logind_idle_inhibited,
    notifications_inhibited,
    windows_quiet,
    x11_fullscreen_active,
    xfce_do_not_disturb,
)
from backcare_tray.engine import Notify, Snooze, Tick, initial_state, step, wake_time
from backcare_tray.moment import Moment
from backcare_tray.settings import Settings
from backcare_tray.wording import status_line

SETTINGS = Settings(idle_probe="none", remind_every=300, dnd_max_delay=1800, idle_check_every=30)


def notes(effects: list[Any]) -> list[str]:
    """Return the kinds of the notifications among effects."""
    return [e.kind for e in effects if isinstance(e, Notify)]


def test_due_is_held_back_during_dnd_and_delivered_when_it_ends() -> None:
    """A fullscreen presentation at the deadline: nothing pops up until it ends."""
    state = initial_state(0.0, SETTINGS, 0)
    state, effects = step(state, Tick(2700.0, dnd=True), SETTINGS)
    assert state.mode.name == "due" and notes(effects) == []
    assert status_line(state, Moment(2700.0, 0.0), SETTINGS).startswith("Held back")
    assert wake_time(state) == 2730.0  # looks for the end of do-not-disturb
    state, effects = step(state, Tick(2730.0, dnd=True), SETTINGS)
    assert notes(effects) == []
    state, effects = step(state, Tick(2760.0, dnd=False), SETTINGS)
    assert notes(effects) == ["due"]
    assert held_until(state) is None and remind_at(state) == 2760.0 + 300


def test_held_back_at_most_dnd_max_delay() -> None:
    """A presentation that never ends still gets the notification after dnd_max_delay."""
    state = initial_state(0.0, SETTINGS, 0)
    state, _ = step(state, Tick(2700.0, dnd=True), SETTINGS)
    effects: list[Any] = []
    now = 2700.0
    while not notes(effects):
        now = wake_time(state) or now + 30
        state, effects = step(state, Tick(now, dnd=True), SETTINGS)
    assert now == 2700.0 + 1800


def test_reminders_are_held_too_and_snooze_clears_the_hold() -> None:
    """A reminder during do-not-disturb waits as well; snoozing drops the hold."""
    state = initial_state(0.0, SETTINGS, 0)
    state, _ = step(state, Tick(2700.0), SETTINGS)
    state, effects = step(state, Tick(3000.0, dnd=True), SETTINGS)
    assert notes(effects) == [] and held_until(state) == 3000.0 + 1800
    state, _ = step(state, Snooze(3010.0, 600), SETTINGS)
    assert state.mode.name == "snoozed" and held_until(state) is None


def test_respect_dnd_off_notifies_anyway() -> None:
    """With respect_dnd = false do-not-disturb is ignored."""
    settings = Settings(idle_probe="none", respect_dnd=False)
    state = initial_state(0.0, settings, 0)
    _, effects = step(state, Tick(2700.0, dnd=True), settings)
    assert notes(effects) == ["due"]


@pytest.fixture
def wm_desktop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desktop]:
    """A virtual desktop with openbox managing windows (Xvfb alone has no active window)."""
    with virtual_desktop(tmp_path) as desktop:
        openbox = subprocess.Popen(
            ["openbox"], env=desktop.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        desktop.processes.append(openbox)
        monkeypatch.setenv("DISPLAY", desktop.env["DISPLAY"])
        wait_for(
            lambda: "_NET_SUPPORTING_WM_CHECK" in desktop.tool("xprop", "-root"),
            10,
            "openbox to manage the screen",
        )
        yield desktop


@pytest.mark.desktop
def test_x11_fullscreen_window_is_seen(wm_desktop: Desktop) -> None:
    """A real window made fullscreen through the window manager turns do-not-disturb on."""
    from Xlib import X, display, protocol

    connection = display.Display()
    screen = connection.screen()
    window = screen.root.create_window(
        0, 0, 300, 200, 0, screen.root_depth, event_mask=X.StructureNotifyMask
    )
    window.set_wm_name("presentation")
    window.map()
    connection.sync()
    active = connection.intern_atom("_NET_ACTIVE_WINDOW")

    def is_active() -> bool:
        prop = screen.root.get_full_property(active, X.AnyPropertyType)
        return prop is not None and window.id in prop.value

    wait_for(is_active, 10, "the window to be active")
    assert not x11_fullscreen_active()

    def set_fullscreen(on: bool) -> None:
        message = protocol.event.ClientMessage(
            window=window,
            client_type=connection.intern_atom("_NET_WM_STATE"),
            data=(
                32,
                [1 if on else 0, connection.intern_atom("_NET_WM_STATE_FULLSCREEN"), 0, 1, 0],
            ),
        )
        screen.root.send_event(
            message, event_mask=X.SubstructureRedirectMask | X.SubstructureNotifyMask
        )
        connection.flush()

    set_fullscreen(True)
    wait_for(x11_fullscreen_active, 10, "fullscreen to be seen")
    assert DndSensor("linux").active()
    set_fullscreen(False)
    wait_for(lambda: not x11_fullscreen_active(), 10, "fullscreen to end")
    connection.close()


# A notification server's Inhibited property, gnome-session's IsInhibited, logind's
# BlockInhibited property: each service by the kind of stand-in.
STAND_IN_NAMES = {
    "server": "org.freedesktop.Notifications",
    "gnome": "org.gnome.SessionManager",
    "logind": "org.freedesktop.login1",
}


class InhibitorStandIn:
    """A service on the test bus answering as the real one does about being inhibited."""

    def __init__(self, kind: str, bus: str = "SESSION") -> None:
        self.inhibited = True
        self.kind = kind
        self._service = ExportedService(STAND_IN_NAMES[kind], self._answer, bus=bus)

    def _answer(
        self, path: str, interface: str, member: str, body: tuple[Any, ...]
    ) -> tuple[str, tuple[Any, ...]] | None:
        if self.kind == "server" and body == ("org.freedesktop.Notifications", "Inhibited"):
            return "v", (("b", self.inhibited),)
        if self.kind == "gnome" and member == "IsInhibited":
            return "b", (bool(self.inhibited and body[0] & 8),)
        if self.kind == "logind" and body == ("org.freedesktop.login1.Manager", "BlockInhibited"):
            return "v", (("s", "handle-lid-switch:idle:sleep" if self.inhibited else "sleep"),)
        return None

    def close(self) -> None:
        """Leave the bus."""
        self._service.close()


@pytest.mark.desktop
def test_notification_server_inhibited_property(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The desktop's own do-not-disturb is read from the Inhibited property."""
    with virtual_desktop(tmp_path, notification_server=False) as desktop:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", desktop.env["DBUS_SESSION_BUS_ADDRESS"])
        monkeypatch.delenv("DISPLAY", raising=False)
        assert DndSensor("linux").active() is False  # no server: counts as off
        service = InhibitorStandIn("server")
        try:
            assert notifications_inhibited() is True
            assert DndSensor("linux").active() is True
            service.inhibited = False
            assert notifications_inhibited() is False
        finally:
            service.close()


class FakeShell32:
    """Windows' SHQueryUserNotificationState answering a fixed state."""

    def __init__(self, state: int) -> None:
        self.state = state

    def SHQueryUserNotificationState(self, pointer: Any) -> int:
        """Write the state and report S_OK."""
        ctypes.cast(pointer, ctypes.POINTER(ctypes.c_int)).contents.value = self.state
        return 0


@pytest.mark.parametrize(
    ("state", "quiet"), [(1, False), (2, True), (3, True), (4, True), (5, False), (6, True)]
)
def test_windows_notification_state(state: int, quiet: bool) -> None:
    """Busy, fullscreen Direct3D, presentation mode and quiet time hold notifications back."""
    assert windows_quiet(FakeShell32(state)) is quiet


def test_dnd_is_only_looked_at_when_a_notification_could_show() -> None:
    """Working ahead of the deadline no DND check is needed; at it, or while held, one is."""
    from backcare_tray.engine import wants_dnd

    state = initial_state(0.0, SETTINGS, 0)
    assert not wants_dnd(state, 100.0)
    assert wants_dnd(state, 2700.0)
    held, _ = step(state, Tick(2700.0, dnd=True), SETTINGS)
    assert wants_dnd(held, 2730.0)
    released, _ = step(held, Tick(2760.0), SETTINGS)
    assert not wants_dnd(released, 2800.0)  # due, next reminder not yet


@pytest.fixture
def on_desktop_bus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desktop]:
    """A desktop with dunst whose session bus this process uses (and no display)."""
    with virtual_desktop(tmp_path) as desktop:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", desktop.env["DBUS_SESSION_BUS_ADDRESS"])
        monkeypatch.delenv("DISPLAY", raising=False)
        yield desktop


@pytest.mark.desktop
def test_paused_dunst_gets_nothing_and_the_stretch_arrives_when_it_resumes(
    on_desktop_bus: Desktop,
) -> None:
    """Dunst paused: nothing is sent into the pause, status says so, delivery follows."""
    desktop = on_desktop_bus
    desktop.tool("dunstctl", "set-paused", "true")
    assert dunst_paused() is True
    monitor = BusMonitor("org.freedesktop.Notifications")
    config = desktop.home / "dnd.toml"
    config.write_text('[schedule]\nsitting_interval = "2s"\n[idle]\ncheck_every = "1s"\n')
    try:
        with running_daemon(desktop, "--no-tray", config=config) as daemon:
            assert desktop.status()["dnd"] is True  # read when asked, even before it is due
            wait_for(lambda: desktop.status()["state"] == "due", 10, "the stretch to fall due")
            status = desktop.status()
            assert status["dnd"] is True and status["status"].startswith("Held back")
            assert monitor.calls("Notify") == []  # nothing went into the pause
            desktop.tool("dunstctl", "set-paused", "false")
            assert dunst_paused() is False
            wait_for(lambda: monitor.calls("Notify"), 10, "the notification after the pause")
            assert monitor.calls("Notify")[0].body[3] == "Time to stretch: Hamstring stretch"
            assert desktop.status()["dnd"] is False
        assert daemon.exit_code == 0
    finally:
        monitor.close()


@pytest.mark.desktop
def test_xfce4_notifyd_do_not_disturb_is_read_from_xfconf(on_desktop_bus: Desktop) -> None:
    """The setting xfce4-notifyd keeps in xfconf (the real xfconfd, D-Bus activated) holds."""
    assert xfce_do_not_disturb() is False  # never set: off
    query = ["xfconf-query", "-c", "xfce4-notifyd", "-p", "/do-not-disturb"]
    on_desktop_bus.tool(*query, "-n", "-t", "bool", "-s", "true")
    assert xfce_do_not_disturb() is True
    assert DndSensor("linux").active() is True
    on_desktop_bus.tool(*query, "-s", "false")
    assert xfce_do_not_disturb() is False


@pytest.mark.desktop
def test_gnome_banners_off_holds_the_stretch_back_until_they_are_on(
    on_desktop_bus: Desktop,
) -> None:
    """GNOME's do-not-disturb is show-banners = false, read through gsettings."""
    desktop = on_desktop_bus
    desktop.env.update(XDG_CURRENT_DESKTOP="ubuntu:GNOME", GSETTINGS_BACKEND="keyfile")

    def gsettings(*args: str) -> None:
        schema = "org.gnome.desktop.notifications"
        subprocess.run(["gsettings", *args[:1], schema, *args[1:]], env=desktop.env, check=True)

    gsettings("set", "show-banners", "false")
    monitor = BusMonitor("org.freedesktop.Notifications")
    config = desktop.home / "dnd.toml"
    config.write_text('[schedule]\nsitting_interval = "2s"\n[idle]\ncheck_every = "1s"\n')
    try:
        with running_daemon(desktop, "--no-tray", config=config) as daemon:
            assert desktop.status()["dnd"] is True  # read when asked, even before it is due
            wait_for(lambda: desktop.status()["state"] == "due", 10, "the stretch to fall due")
            assert desktop.status()["dnd"] is True and monitor.calls("Notify") == []
            gsettings("set", "show-banners", "true")
            wait_for(lambda: monitor.calls("Notify"), 10, "the notification once banners are on")
        assert daemon.exit_code == 0
    finally:
        monitor.close()


@pytest.mark.desktop
def test_an_idle_inhibitor_held_in_gnome_or_logind_counts_as_do_not_disturb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone presenting or watching holds an idle inhibitor: the stretch waits."""
    (tmp_path / "session").mkdir()
    (tmp_path / "system").mkdir()
    with private_bus(tmp_path / "session") as session, private_bus(tmp_path / "system") as system:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session)
        monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", system)
        monkeypatch.delenv("DISPLAY", raising=False)
        monkeypatch.delenv("XDG_CURRENT_DESKTOP", raising=False)
        assert not gnome_idle_inhibited() and not logind_idle_inhibited()  # neither there
        for kind, bus, check in (
            ("gnome", "SESSION", gnome_idle_inhibited),
            ("logind", "SYSTEM", logind_idle_inhibited),
        ):
            stand_in = InhibitorStandIn(kind, bus)
            try:
                assert check() is True
                assert DndSensor("linux").active() is True
                stand_in.inhibited = False
                assert check() is False
                assert DndSensor("linux").active() is False
            finally:
                stand_in.close()


@pytest.mark.parametrize(
    ("show_banners", "line"),
    [
        ("true", "GNOME do not disturb (banners hidden): off"),
        ("false", "GNOME do not disturb (banners hidden): on"),
        ("'odd'", "GNOME do not disturb (banners hidden): cannot be read"),
    ],
)
def test_doctor_says_gnome_do_not_disturb_is_off_while_banners_show(
    show_banners: str, line: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Banners shown (show-banners true) is do-not-disturb off, and the doctor says so."""
    for bus in ("DBUS_SESSION_BUS_ADDRESS", "DBUS_SYSTEM_BUS_ADDRESS"):  # no bus is reached
        monkeypatch.setenv(bus, "unix:path=/nonexistent/backcare-tray-test-bus")
    read: list[tuple[str, str]] = []

    def gsettings(schema: str, key: str) -> str:
        read.append((schema, key))
        return show_banners

    sensor = DndSensor("linux", {"XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}, gsettings)
    lines = [entry for entry in sensor.describe() if entry.startswith("GNOME do not")]
    assert len(lines) == 1 and lines[0].startswith(line), lines
    assert read == [("org.gnome.desktop.notifications", "show-banners")]
    assert sensor.active() is (show_banners == "false")
    elsewhere = DndSensor("linux", {"XDG_CURRENT_DESKTOP": "KDE"}, gsettings)
    assert "GNOME do not disturb (banners hidden): off" in elsewhere.describe()
    assert len(read) == 2  # outside GNOME the key is not read
