"""Idle-time probes, one per desktop: seconds since the last keyboard or mouse input."""

import logging
import re
import subprocess
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from backcare_tray.adapters.x11_wire import X11Connection

__all__ = [
    "PROBES",
    "Call",
    "DBusIdleProbe",
    "IdleProbe",
    "MacIdleProbe",
    "NeverLocked",
    "ProbeError",
    "WindowsIdleProbe",
    "X11IdleProbe",
    "auto_order",
    "choose_probe",
    "freedesktop_probe",
    "gnome_probe",
    "parse_hid_idle",
    "wayland_probe",
]

log = logging.getLogger(__name__)


class ProbeError(Exception):
    """The probe could not read idle time."""


class IdleProbe(Protocol):
    """Something that reads the seconds since the last input."""

    name: str

    def idle_seconds(self) -> float:
        """Return seconds since the last input; raise ProbeError when it cannot tell."""
        ...

    def locked(self) -> bool:
        """Return True when the screen is known to be locked."""
        ...


class NeverLocked:
    """For probes that cannot see the screen lock."""

    def locked(self) -> bool:
        """Return False: the lock is not visible to this probe."""
        return False


Call = tuple[str, str, str, str]  # bus name, object path, interface, method


class DBusIdleProbe:
    """Idle time from a D-Bus method returning milliseconds, and the screensaver's lock state."""

    def __init__(self, name: str, idle_call: Call, lock_call: Call) -> None:
        self.name = name
        self._idle_call = idle_call
        self._lock_call = lock_call
        self._connection: Any = None

    def idle_seconds(self) -> float:
        """Call the idle method on the session bus (jeepney, blocking, 2 s timeout)."""
        return float(self._call(self._idle_call)) / 1000

    def locked(self) -> bool:
        """Return the screensaver's GetActive; False when it cannot be read."""
        try:
            return bool(self._call(self._lock_call))
        except ProbeError:
            return False

    def _call(self, call: Call) -> Any:
        """Call a method with no arguments and return the first value of its reply."""
        from jeepney import DBusAddress, MessageType, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        bus_name, path, interface, method = call
        try:
            if self._connection is None:
                self._connection = open_dbus_connection(bus="SESSION")
            address = DBusAddress(path, bus_name=bus_name, interface=interface)
            reply = self._connection.send_and_get_reply(new_method_call(address, method), timeout=2)
        except Exception as error:  # no bus, connection lost, timeout
            self._connection = None
            raise ProbeError(f"{type(error).__name__}: {error}") from None
        if reply.header.message_type == MessageType.error:  # jeepney returns, not raises
            raise ProbeError(f"{bus_name}.{method}: {reply.body}")
        return reply.body[0]


def gnome_probe() -> DBusIdleProbe:
    """Return the GNOME Mutter idle monitor probe (X11 and Wayland)."""
    return DBusIdleProbe(
        "gnome",
        (
            "org.gnome.Mutter.IdleMonitor",
            "/org/gnome/Mutter/IdleMonitor/Core",
            "org.gnome.Mutter.IdleMonitor",
            "GetIdletime",
        ),
        ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", "GetActive"),
    )


def freedesktop_probe() -> DBusIdleProbe:
    """Return the freedesktop screensaver probe (KDE; milliseconds)."""
    saver = (
        "org.freedesktop.ScreenSaver",
        "/org/freedesktop/ScreenSaver",
        "org.freedesktop.ScreenSaver",
    )
    return DBusIdleProbe("freedesktop", (*saver, "GetSessionIdleTime"), (*saver, "GetActive"))


class X11IdleProbe(NeverLocked):
    """Idle time from the X server's MIT-SCREEN-SAVER extension (blind on Wayland)."""

    name = "x11"

    def __init__(self) -> None:
        self._connection: X11Connection | None = None

    def idle_seconds(self) -> float:
        """Ask the X server how long it has seen no input."""
        from backcare_tray.adapters.x11_wire import X11Connection, X11Error

        try:
            if self._connection is None:
                self._connection = X11Connection()
            return self._connection.idle_milliseconds() / 1000
        except X11Error as problem:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
            raise ProbeError(str(problem)) from None


class WindowsIdleProbe(NeverLocked):
    """Idle time from GetLastInputInfo and GetTickCount (ctypes)."""

    name = "windows"

    def __init__(self, user32: Any = None, kernel32: Any = None) -> None:
        self._user32 = user32
        self._kernel32 = kernel32

    def idle_seconds(self) -> float:
        """Return the time since the last input, minding the 32-bit tick wrap."""
        import ctypes

        class LastInputInfo(ctypes.Structure):
            _fields_ = [("cbSize", ctypes.c_uint), ("dwTime", ctypes.c_uint)]

        user32 = self._user32 or ctypes.windll.user32  # type: ignore[attr-defined,unused-ignore]
        kernel32 = self._kernel32 or ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
        info = LastInputInfo(ctypes.sizeof(LastInputInfo), 0)
        if not user32.GetLastInputInfo(ctypes.byref(info)):
            raise ProbeError("GetLastInputInfo failed")
        return float((kernel32.GetTickCount() - info.dwTime) & 0xFFFFFFFF) / 1000


_HID_IDLE = re.compile(r'"HIDIdleTime"\s*=\s*(\d+)')


def parse_hid_idle(ioreg_output: str) -> float:
    """Return seconds from the HIDIdleTime (nanoseconds) in `ioreg -c IOHIDSystem` output."""
    match = _HID_IDLE.search(ioreg_output)
    if match is None:
        raise ProbeError("no HIDIdleTime in ioreg output")
    return int(match.group(1)) / 1e9


def _run_ioreg() -> str:
    """Return the IOHIDSystem registry entries."""
    return subprocess.run(
        ["ioreg", "-c", "IOHIDSystem", "-d", "4"],
        capture_output=True,
        text=True,
        check=True,
        timeout=5,
    ).stdout


class MacIdleProbe(NeverLocked):
    """Idle time from macOS's HIDIdleTime."""

    name = "macos"

    def __init__(self, run: Callable[[], str] = _run_ioreg) -> None:
        self._run = run

    def idle_seconds(self) -> float:
        """Read HIDIdleTime through ioreg."""
        try:
            return parse_hid_idle(self._run())
        except (OSError, subprocess.SubprocessError) as error:
            raise ProbeError(f"ioreg: {error}") from None


def wayland_probe() -> IdleProbe:
    """Return the probe hearing the Wayland compositor's idle notifications."""
    from backcare_tray.adapters.wayland_idle import WaylandIdleProbe

    return WaylandIdleProbe()


PROBES: dict[str, Callable[[], IdleProbe]] = {
    "gnome": gnome_probe,
    "freedesktop": freedesktop_probe,
    "wayland": wayland_probe,
    "x11": X11IdleProbe,
    "windows": WindowsIdleProbe,
    "macos": MacIdleProbe,
}


def auto_order(platform: str) -> list[str]:
    """Return the probes to try on a platform, best first."""
    if platform == "win32":
        return ["windows"]
    if platform == "darwin":
        return ["macos"]
    return ["gnome", "freedesktop", "wayland", "x11"]


def choose_probe(
    setting: str, platform: str, factories: dict[str, Callable[[], IdleProbe]] = PROBES
) -> IdleProbe | None:
    """Return the first probe that gives a reading ("auto"), the one named, or None."""
    if setting == "none":
        log.info("Idle probe off by configuration: all time counts as sitting.")
        return None
    failures = []
    for name in auto_order(platform) if setting == "auto" else [setting]:
        probe = factories[name]()
        try:
            idle = probe.idle_seconds()
        except ProbeError as error:
            failures.append(f"{name}: {error}")
            continue
        log.info("Idle probe: %s (idle now %.0f s).", name, idle)
        return probe
    log.warning("No idle probe works (%s): all time counts as sitting.", "; ".join(failures))
    return None
