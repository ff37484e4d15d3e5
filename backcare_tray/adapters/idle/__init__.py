"""Idle-time probes, one per desktop: the registry, the choice, and the supervisor of the choice."""

# Each probe lives in its own module and is imported only when it is tried, so the daemon
# loads only the probes its desktop gets to; base.py is all they share.

import logging
import time
from collections.abc import Callable

from backcare_tray.adapters.idle.base import IdleProbe, NeverLocked, ProbeError

__all__ = [
    "BETTER_PROBE_SECONDS",
    "PROBES",
    "PROBE_RETRY_SECONDS",
    "IdleProbe",
    "IdleSupervisor",
    "NeverLocked",
    "ProbeError",
    "auto_order",
    "better_probe",
    "choose_probe",
]

log = logging.getLogger(__name__)

# A probe missing at start (a compositor or service that came later), or one that fails, is
# looked for again at the caller's own readings, at most this often.
PROBE_RETRY_SECONDS = 30 * 60
# A working probe below the best of "auto" (X11 while Plasma's ksmserver, which brings
# org.freedesktop.ScreenSaver, starts later) is replaced by a better one found this often.
BETTER_PROBE_SECONDS = 5 * 60


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


def better_probe(
    current: str, platform: str, factories: dict[str, Callable[[], IdleProbe]] = PROBES
) -> IdleProbe | None:
    """Return a probe "auto" ranks above current that gives a reading now, or None."""
    order = auto_order(platform)
    if current not in order:
        return None
    for name in order[: order.index(current)]:
        probe = factories[name]()
        try:
            idle = probe.idle_seconds()
        except ProbeError:
            close = getattr(probe, "close", None)
            if close is not None:
                close()
            continue
        log.info("A better idle probe appeared: %s (idle now %.0f s).", name, idle)
        return probe
    return None


class IdleSupervisor:
    """The idle probe the daemon reads: it chooses the real one, and looks again when needed."""

    # No timer and no thread: every look happens inside the caller's own idle_seconds(), when
    # no probe was found or the one in use fails, and at most every retry_seconds. A failing
    # probe is kept when nothing else answers (a restarted compositor may bring it back).
    # With "auto", a working probe that is not the best is asked to make way: better() is
    # tried at most every better_seconds for one ranked above it.

    def __init__(
        self,
        setting: str,
        choose: Callable[[str], IdleProbe | None],
        clock: Callable[[], float] = time.monotonic,
        retry_seconds: float = PROBE_RETRY_SECONDS,
        better: Callable[[str], IdleProbe | None] | None = None,
        better_seconds: float = BETTER_PROBE_SECONDS,
    ) -> None:
        self._setting = setting
        self._choose = choose
        self._clock = clock
        self._retry_seconds = retry_seconds
        self._better = better
        self._better_seconds = better_seconds
        self._better_at = 0.0
        self._probe: IdleProbe | None = None
        self._failing = False
        self._started = False
        self._standing_in = False  # the probe is the one before a reload, until the new answers
        self._look_at = 0.0

    @property
    def name(self) -> str | None:
        """Return the name of the probe in use, failing or not; None when there is none."""
        return None if self._probe is None else self._probe.name

    @property
    def available(self) -> bool:
        """Return True when a probe is in use (even one failing now: it is still read)."""
        return self._probe is not None

    @property
    def failing(self) -> bool:
        """Return True when the probe in use failed at its last reading."""
        return self._failing

    @property
    def setting(self) -> str:
        """Return the configured choice: "auto", "none" or a probe's name."""
        return self._setting

    def start(self) -> None:
        """Choose the probe for the setting now (the daemon's start)."""
        self._started = True
        self._probe, self._failing = self._choose(self._setting), False
        self._standing_in = False
        self._look_at = self._clock() + self._retry_seconds
        self._better_at = self._clock() + self._better_seconds

    def reconfigure(self, setting: str) -> None:
        """Take the setting of a reloaded config: a changed one is chosen again at once."""
        if setting == self._setting and self._started:
            return
        kept, self._setting = self._probe, setting
        self.start()
        if self._probe is None and setting != "none" and kept is not None:
            # Nothing answers the new setting yet: read the old probe meanwhile (rather than
            # count all time as sitting), and look for the new one as for a missing probe.
            self._probe, self._standing_in = kept, True

    def idle_seconds(self) -> float:
        """Return the probe's reading; raise ProbeError when there is no probe or it fails."""
        if not self._started:
            self.start()
        else:
            self._look_again()
        probe = self._probe
        if probe is None:
            why = "off by configuration" if self._setting == "none" else "none works"
            raise ProbeError(f"no idle probe ({why})")
        try:
            idle = probe.idle_seconds()
        except ProbeError as error:
            if not self._failing:
                log.warning("The %s idle probe failed (%s); trying again later.", probe.name, error)
            self._failing = True
            raise
        if self._failing:
            log.info("The %s idle probe works again.", probe.name)
        self._failing = False
        return idle

    def locked(self) -> bool:
        """Return the probe's lock state; False without a probe or while it fails."""
        if self._probe is None or self._failing:
            return False
        return self._probe.locked()

    def _look_again(self) -> None:
        """Choose again if no probe answered, or the one in use fails, and the wait is over."""
        working = self._probe is not None and not self._failing and not self._standing_in
        now = self._clock()
        if working:
            self._look_for_better(now)
            return
        if self._setting == "none" or now < self._look_at:
            return
        self._look_at = now + self._retry_seconds
        found = self._choose(self._setting)
        if found is not None:  # else a failing probe stays: it may come back by itself
            self._probe, self._failing, self._standing_in = found, False, False

    def _look_for_better(self, now: float) -> None:
        """With "auto", take a better probe than the working one if one answers now."""
        probe = self._probe
        if self._better is None or self._setting != "auto" or probe is None or not probe.name:
            return
        if now < self._better_at:
            return
        self._better_at = now + self._better_seconds
        found = self._better(probe.name)
        if found is not None:
            log.info("Idle probe: %s in place of %s.", found.name, probe.name)
            self._probe = found
