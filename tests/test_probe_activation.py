"""Probes only look: no probing call starts a service by D-Bus activation."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from jeepney import DBusAddress, MessageType, new_method_call
from jeepney.io.blocking import open_dbus_connection
from support.desktop import private_bus

from backcare_tray.adapters.dnd import DndSensor
from backcare_tray.adapters.idle import PROBES, ProbeError

pytestmark = pytest.mark.desktop

# Every service a probe asks, each activatable on the test bus by a script that notes its start.
SERVICES = (
    "org.freedesktop.Notifications",  # Inhibited, dunst's paused, mako's modes
    "org.xfce.Xfconf",  # xfce4-notifyd's do-not-disturb (xfconfd)
    "org.gnome.SessionManager",  # GNOME's idle inhibitors
    "org.freedesktop.login1",  # logind's idle inhibitors (the system bus is this bus here)
    "org.gnome.Mutter.IdleMonitor",
    "org.gnome.ScreenSaver",
    "org.freedesktop.ScreenSaver",
)


@pytest.fixture
def started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A bus (session and system) that can activate every probed service; yield the start log."""
    services, log = tmp_path / "services", tmp_path / "started"
    services.mkdir()
    script = tmp_path / "start-service"
    script.write_text(f'#!/bin/sh\necho "$1" >> {log}\nexit 1\n', encoding="utf-8")
    script.chmod(0o755)
    for name in SERVICES:
        (services / f"{name}.service").write_text(
            f"[D-BUS Service]\nName={name}\nExec={script} {name}\n", encoding="utf-8"
        )
    with private_bus(tmp_path, services) as address:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", address)
        monkeypatch.delenv("DISPLAY", raising=False)
        yield log


def test_an_ordinary_call_would_start_the_service(started: Path) -> None:
    """The stand-in is activatable: a plain call starts it (so the other test can fail)."""
    xfconf = DBusAddress("/org/xfce/Xfconf", "org.xfce.Xfconf", "org.xfce.Xfconf")
    with open_dbus_connection(bus="SESSION") as connection:
        reply = connection.send_and_get_reply(new_method_call(xfconf, "ListChannels"), timeout=5)
    assert reply.header.message_type == MessageType.error  # it started, then exited unowned
    assert started.read_text().split() == ["org.xfce.Xfconf"]


def test_no_probe_starts_a_service(started: Path) -> None:
    """Do-not-disturb, as the daemon and the doctor read it, and the idle probes start nothing."""
    sensor = DndSensor("linux", {"XDG_CURRENT_DESKTOP": "XFCE"})
    assert sensor.active() is False
    lines = sensor.describe()
    assert "xfce4-notifyd do-not-disturb: off" in lines
    assert "notification server Inhibited: off" in lines
    for name in ("gnome", "freedesktop"):
        probe = PROBES[name]()
        with pytest.raises(ProbeError, match="does not exist"):
            probe.idle_seconds()
        assert probe.locked() is False
    assert not started.exists(), started.read_text()
