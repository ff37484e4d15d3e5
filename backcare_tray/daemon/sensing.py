"""What the sensors say at a wake-up, as the engine's Tick."""

import logging
from dataclasses import replace

from backcare_tray import engine
from backcare_tray.adapters.idle_probes import IdleProbe, ProbeError
from backcare_tray.adapters.kit import Adapters
from backcare_tray.hours import seconds_until
from backcare_tray.report import SensorReadings
from backcare_tray.settings import Settings

__all__ = ["PROBE_RETRY_SECONDS", "Senses"]

log = logging.getLogger(__name__)
# An idle probe missing at start (a compositor or service that came later) is looked for
# again at the daemon's own wake-ups, at most this often.
PROBE_RETRY_SECONDS = 30 * 60


class Senses:
    """Reads the idle probe, sleep, do-not-disturb, calls and working hours into a Tick."""

    def __init__(self, adapters: Adapters) -> None:
        self.adapters = adapters
        self.readings = SensorReadings()
        self.probe: IdleProbe | None = None
        self._probe_failing = False
        self._wanted_probe = "auto"
        self._probe_retry_at = 0.0

    def start(self, settings: Settings) -> None:
        """Choose the idle probe the settings ask for."""
        self._wanted_probe = settings.idle_probe
        self.probe = self.adapters.choose_probe(settings.idle_probe)
        self._probe_retry_at = self.adapters.clock().mono + PROBE_RETRY_SECONDS
        self.readings = replace(self.readings, probe=self.probe.name if self.probe else None)

    def want_probe(self, setting: str) -> None:
        """Take a new idle probe setting (on reload): it is looked for at the next chance."""
        if setting != self._wanted_probe:
            self._wanted_probe, self._probe_retry_at = setting, 0.0

    def no_probe(self) -> bool:
        """Return True when no idle probe is in use."""
        return self.probe is None or self._wanted_probe == "none"

    def _look_again_for_a_probe(self) -> None:
        """Choose an idle probe again if none answered before, or the one in use fails."""
        now = self.adapters.clock().mono
        working = self.probe is not None and not self._probe_failing
        if working or self._wanted_probe == "none" or now < self._probe_retry_at:
            return
        self._probe_retry_at = now + PROBE_RETRY_SECONDS
        found = self.adapters.choose_probe(self._wanted_probe)
        if found is not None:  # else a failing probe stays: it may come back by itself
            self.probe, self._probe_failing = found, False
            self.readings = replace(self.readings, probe=found.name)

    def _idle(self) -> tuple[float | None, bool]:
        """Return the idle seconds (None if unreadable) and whether the screen is locked."""
        self._look_again_for_a_probe()
        if self.probe is None:
            return None, False
        try:
            idle = self.probe.idle_seconds()
        except ProbeError as error:
            if not self._probe_failing:
                log.warning(
                    "The %s idle probe failed (%s); trying again later.", self.probe.name, error
                )
            self._probe_failing = True
            return None, False
        if self._probe_failing:
            log.info("The %s idle probe works again.", self.probe.name)
        self._probe_failing = False
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
            no_idle_probe=self.no_probe(),
        )
        counted, _ = engine.counted_idle(tick, settings)
        self.readings = replace(self.readings, idle_seconds=counted, dnd=dnd, in_call=in_call)
        return tick

    def natural_break(self, wall: float) -> None:
        """Remember when the last natural break was taken, for status."""
        self.readings = replace(self.readings, last_natural_break_at=wall)
