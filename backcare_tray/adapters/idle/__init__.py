"""Idle-time probes, one per desktop: the registry and the choice."""

# Each probe lives in its own module and is imported only when it is tried, so the daemon
# loads only the probes its desktop gets to; base.py is all they share.

import logging
from collections.abc import Callable

from backcare_tray.adapters.idle.base import IdleProbe, NeverLocked, ProbeError

__all__ = [
    "PROBES",
    "IdleProbe",
    "NeverLocked",
    "ProbeError",
    "auto_order",
    "choose_probe",
]

log = logging.getLogger(__name__)


def _gnome() -> IdleProbe:
    """Return the GNOME Mutter idle monitor probe."""
    from backcare_tray.adapters.idle.dbus import gnome_probe

    return gnome_probe()


def _freedesktop() -> IdleProbe:
    """Return the freedesktop ScreenSaver probe."""
    from backcare_tray.adapters.idle.dbus import freedesktop_probe

    return freedesktop_probe()


def _wayland() -> IdleProbe:
    """Return the probe hearing the Wayland compositor's idle notifications."""
    from backcare_tray.adapters.idle.wayland import WaylandIdleProbe

    return WaylandIdleProbe()


def _x11() -> IdleProbe:
    """Return the X server's MIT-SCREEN-SAVER probe."""
    from backcare_tray.adapters.idle.x11 import X11IdleProbe

    return X11IdleProbe()


def _windows() -> IdleProbe:
    """Return the GetLastInputInfo probe."""
    from backcare_tray.adapters.idle.windows import WindowsIdleProbe

    return WindowsIdleProbe()


def _macos() -> IdleProbe:
    """Return the HIDIdleTime probe."""
    from backcare_tray.adapters.idle.macos import MacIdleProbe

    return MacIdleProbe()


PROBES: dict[str, Callable[[], IdleProbe]] = {
    "gnome": _gnome,
    "freedesktop": _freedesktop,
    "wayland": _wayland,
    "x11": _x11,
    "windows": _windows,
    "macos": _macos,
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
