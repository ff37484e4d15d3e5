"""What the sensors say at a wake-up, as the engine's Tick."""

import logging
from dataclasses import replace

from backcare_tray import engine
from backcare_tray.adapters.idle import IdleSupervisor, ProbeError
from backcare_tray.adapters.kit import Adapters
from backcare_tray.hours import seconds_until
from backcare_tray.report import SensorReadings
from backcare_tray.settings import Settings

__all__ = ["Senses"]

log = logging.getLogger(__name__)


class Senses:
    """Reads the idle probe, sleep, do-not-disturb, calls and working hours into a Tick."""

    def __init__(self, adapters: Adapters, probe_setting: str) -> None:
        self.adapters = adapters
        self.readings = SensorReadings()
        self.probe = IdleSupervisor(
            probe_setting,
            adapters.choose_probe,
            lambda: adapters.clock().mono,
            better=adapters.better_probe,
        )

    def start(self) -> None:
        """Choose the idle probe the settings ask for."""
        self.probe.start()

    def want_probe(self, setting: str) -> None:
        """Take the idle probe setting of a reloaded config (a changed one is chosen at once)."""
        self.probe.reconfigure(setting)

    def _idle(self) -> tuple[float | None, bool]:
        """Return the idle seconds (None if unreadable) and whether the screen is locked."""
        try:
            idle: float | None = self.probe.idle_seconds()
        except ProbeError:  # the supervisor has said so in the log, once
            idle = None
        return idle, self.probe.locked()

    def tick(self, state: engine.EngineState, settings: Settings) -> engine.Tick:
        """Return a Tick carrying the sleep since the last one and the idle time, if readable."""
        slept = self.adapters.slept()
        if slept:
            log.info("The machine was suspended for %.0f s.", slept)
        idle, locked = self._idle()
        now = self.adapters.clock().mono
        wanted = engine.sensors_wanted(state, now, idle, settings)
        dnd = wanted.dnd and self.adapters.dnd_active()
        in_call = wanted.calls and self.adapters.in_call()
        local = self.adapters.local_clock()
        change = settings.hours.next_change(local)
        tick = engine.Tick(
            now,
            idle_seconds=idle,
            slept_seconds=slept,
            locked=locked,
            dnd=dnd,
            in_call=in_call,
            active=settings.hours.is_active(local),
            active_change_at=None if change is None else now + seconds_until(change, local),
            no_idle_probe=not self.probe.available,
        )
        counted, _ = engine.counted_idle(tick, settings)
        self.readings = replace(
            self.readings, probe=self.probe.name, idle_seconds=counted, dnd=dnd, in_call=in_call
        )
        return tick

    def readings_now(self, settings: Settings) -> SensorReadings:
        """Return the readings with idle time and do-not-disturb read afresh, for status.

        The probe is not read on a timer (the next look may be many minutes away), so the
        last wake-up's idle time is stale; one more reading costs a round trip or a call.
        Do-not-disturb is read at wake-ups only while a stretch could be shown, so status
        reads it too (a few property reads) rather than say "off" while it is on.
        A call known at the last wake-up still counts as sitting (idle 0).
        """
        idle, _ = self._idle()
        if idle is not None and self.readings.in_call and settings.hold_during_calls:
            idle = 0.0
        dnd = self.adapters.dnd_active()
        return replace(self.readings, probe=self.probe.name, idle_seconds=idle, dnd=dnd)

    def natural_break(self, wall: float) -> None:
        """Remember when the last natural break was taken, for status."""
        self.readings = replace(self.readings, last_natural_break_at=wall)
