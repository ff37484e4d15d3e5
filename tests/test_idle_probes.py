"""The idle probes: real X11 and D-Bus where they run here, fakes elsewhere."""

import ctypes
from collections.abc import Callable
from typing import Any

import pytest
from support.dbus_service import ExportedService
from support.desktop import Desktop
from support.waiting import wait_for

from backcare_tray.adapters.idle import (
    BETTER_PROBE_SECONDS,
    PROBES,
    IdleProbe,
    IdleSupervisor,
    NeverLocked,
    ProbeError,
    auto_order,
    better_probe,
    choose_probe,
)
from backcare_tray.adapters.idle.dbus import freedesktop_probe, gnome_probe
from backcare_tray.adapters.idle.macos import MacIdleProbe, parse_hid_idle
from backcare_tray.adapters.idle.windows import WindowsIdleProbe
from backcare_tray.adapters.idle.x11 import X11IdleProbe


@pytest.mark.desktop
def test_x11_probe_on_xvfb_is_reset_by_input(xdesktop: Desktop) -> None:
    """MIT-SCREEN-SAVER idle time grows, and xdotool input resets it."""
    probe = X11IdleProbe()
    wait_for(lambda: probe.idle_seconds() >= 1.5, 10, "idle time to grow")
    xdesktop.tool("xdotool", "mousemove", "200", "200", "mousemove", "300", "300")
    assert probe.idle_seconds() < 1.0


class IdleService:
    """An idle-time service on the test's private bus; GetActive answers too once locked is set."""

    def __init__(
        self, bus_name: str, path: str, interface: str, method: str, signature: str, millis: int
    ) -> None:
        self.millis = millis
        self.locked: bool | None = None
        self.calls = 0
        self._method = (path, interface, method, signature)
        self._service = ExportedService(bus_name, self._answer)

    def _answer(
        self, path: str, interface: str, member: str, body: tuple[Any, ...]
    ) -> tuple[str, tuple[Any, ...]] | None:
        """Answer the idle method, and GetActive on the same object when a lock state is set."""
        own_path, own_interface, method, signature = self._method
        if (path, interface, member) == (own_path, own_interface, method):
            self.calls += 1
            return signature, (self.millis,)
        if (path, interface, member) == (own_path, own_interface, "GetActive") and (
            self.locked is not None
        ):
            return "b", (self.locked,)
        return None

    def close(self) -> None:
        """Stop answering."""
        self._service.close()


@pytest.mark.parametrize(
    ("make_probe", "service", "signature"),
    [
        (
            gnome_probe,
            (
                "org.gnome.Mutter.IdleMonitor",
                "/org/gnome/Mutter/IdleMonitor/Core",
                "org.gnome.Mutter.IdleMonitor",
                "GetIdletime",
            ),
            "t",
        ),
        (
            freedesktop_probe,
            (
                "org.freedesktop.ScreenSaver",
                "/org/freedesktop/ScreenSaver",
                "org.freedesktop.ScreenSaver",
                "GetSessionIdleTime",
            ),
            "u",
        ),
    ],
)
@pytest.mark.desktop
def test_dbus_probes_against_a_service_on_a_private_bus(
    xdesktop: Desktop, make_probe: Any, service: tuple[str, str, str, str], signature: str
) -> None:
    """The GNOME and freedesktop probes read milliseconds from the real D-Bus method."""
    probe = make_probe()
    with pytest.raises(ProbeError):  # nobody owns the name yet: the error reply is unwrapped
        probe.idle_seconds()
    exported = IdleService(*service, signature, millis=42_500)
    try:
        assert probe.idle_seconds() == 42.5
        exported.millis = 1_000
        assert probe.idle_seconds() == 1.0
        assert exported.calls == 2
        assert probe.locked() is False  # no lock state to read: not locked
        exported.locked = True
        if probe.name == "freedesktop":  # GetActive sits on the same object there
            assert probe.locked() is True
    finally:
        exported.close()


@pytest.mark.desktop
def test_auto_choice_falls_through_to_the_first_working_probe(xdesktop: Desktop) -> None:
    """On a plain X desktop neither GNOME nor KDE answer, so auto picks X11."""
    probe = choose_probe("auto", "linux")
    assert probe is not None and probe.name == "x11"


class BrokenProbe(NeverLocked):
    """A probe that never works."""

    name = "broken"

    def idle_seconds(self) -> float:
        """Fail."""
        raise ProbeError("not here")


class FixedProbe:
    """A probe with a fixed reading."""

    name = "fixed"

    def idle_seconds(self) -> float:
        """Return seven seconds."""
        return 7.0


def test_choice_order_and_none(caplog: pytest.LogCaptureFixture) -> None:
    """Auto tries in order; a named probe is used alone; none working says so once."""
    assert auto_order("linux") == ["gnome", "freedesktop", "wayland", "x11"]
    assert auto_order("win32") == ["windows"] and auto_order("darwin") == ["macos"]
    factories: dict[str, Any] = {
        "gnome": BrokenProbe,
        "freedesktop": FixedProbe,
        "x11": BrokenProbe,
    }
    assert isinstance(choose_probe("auto", "linux", factories), FixedProbe)
    assert choose_probe("x11", "linux", factories) is None
    assert "No idle probe works (x11: not here)" in caplog.text
    assert choose_probe("none", "linux", factories) is None


class FakeUser32:
    """Windows' GetLastInputInfo, answering a fixed last-input tick."""

    def __init__(self, last_input_tick: int) -> None:
        self.last_input_tick = last_input_tick

    def GetLastInputInfo(self, pointer: Any) -> int:
        """Fill in LASTINPUTINFO.dwTime and report success."""
        info = ctypes.cast(pointer, ctypes.POINTER(ctypes.c_uint * 2)).contents
        info[1] = self.last_input_tick
        return 1


class FakeKernel32:
    """Windows' GetTickCount at a fixed tick."""

    def __init__(self, tick: int) -> None:
        self.tick = tick

    def GetTickCount(self) -> int:
        """Return the tick count set."""
        return self.tick


def test_windows_probe_minds_the_tick_wrap() -> None:
    """Idle is now minus last input, modulo 2**32 milliseconds."""
    probe = WindowsIdleProbe(FakeUser32(1_000), FakeKernel32(61_000))
    assert probe.idle_seconds() == 60.0
    wrapped = WindowsIdleProbe(FakeUser32(2**32 - 5_000), FakeKernel32(5_000))
    assert wrapped.idle_seconds() == 10.0


def test_mac_probe_reads_hid_idle_time() -> None:
    """HIDIdleTime is in nanoseconds."""
    sample = '  | |   "HIDIdleTime" = 12500000000\n  | |   "HIDKeyboard" = Yes\n'
    assert parse_hid_idle(sample) == 12.5
    assert MacIdleProbe(lambda: sample).idle_seconds() == 12.5
    with pytest.raises(ProbeError):
        MacIdleProbe(lambda: "nothing here").idle_seconds()


def test_every_registered_probe_carries_its_own_name() -> None:
    """Each factory makes the probe its key names, without reading anything yet."""
    for name, make in PROBES.items():
        assert make().name == name


class X11StandIn(NeverLocked):
    """Stands in for X11 under Plasma: it works, but "auto" ranks it below the ScreenSaver."""

    name = "x11"

    def idle_seconds(self) -> float:
        """Return seven seconds."""
        return 7.0


@pytest.mark.desktop
def test_a_screensaver_service_that_appears_later_replaces_the_probe_in_use(bus: str) -> None:
    """Plasma's ksmserver brings org.freedesktop.ScreenSaver after the daemon chose X11."""
    clock = [1000.0]
    x11 = X11StandIn()

    def down() -> IdleProbe:
        return BrokenProbe()

    factories: dict[str, Callable[[], IdleProbe]] = {
        "gnome": PROBES["gnome"],
        "freedesktop": PROBES["freedesktop"],
        "wayland": down,
    }
    idle = IdleSupervisor(
        "auto",
        lambda setting: x11,
        lambda: clock[0],
        better=lambda current: better_probe(current, "linux", factories),
    )
    idle.start()
    clock[0] += BETTER_PROBE_SECONDS
    assert idle.idle_seconds() == 7.0 and idle.name == "x11"  # nothing better yet
    saver = IdleService(
        "org.freedesktop.ScreenSaver",
        "/org/freedesktop/ScreenSaver",
        "org.freedesktop.ScreenSaver",
        "GetSessionIdleTime",
        "u",
        millis=12_000,
    )
    try:
        assert idle.idle_seconds() == 7.0  # the next look is minutes away
        assert saver.calls == 0
        clock[0] += BETTER_PROBE_SECONDS
        assert idle.idle_seconds() == 12.0 and idle.name == "freedesktop"
    finally:
        saver.close()
