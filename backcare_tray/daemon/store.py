"""The daemon's memory: the saved state, the history, and the day's counters and streak."""

import logging
import random
from datetime import date, timedelta

from backcare_tray import engine
from backcare_tray.adapters.history import DaemonMark
from backcare_tray.adapters.kit import HistoryLog, StateStorage
from backcare_tray.moment import Moment
from backcare_tray.report import DayCounts
from backcare_tray.settings import Settings
from backcare_tray.stats import days_meeting_goal, streak_ending

__all__ = ["StateStore", "local_date"]

log = logging.getLogger(__name__)


def local_date(wall: float) -> str:
    """Return the local calendar date of a wall-clock time."""
    return date.fromtimestamp(wall).isoformat()


class StateStore:
    """Restores and saves the engine state, records history, counts today and the streak."""

    def __init__(self, history: HistoryLog, state_file: StateStorage) -> None:
        self.history = history
        self._state_file = state_file
        self._today = DayCounts("")
        self._save_failing = False
        self._streak_day = ""
        self._streak_until_yesterday = 0

    def restore(self, at: Moment, settings: Settings) -> engine.EngineState:
        """Return the saved state made valid for the settings, or a fresh one."""
        saved = self._state_file.load(at)
        if saved is None:
            seed = random.SystemRandom().randrange(2**31)
            state = engine.initial_state(at.mono, settings, seed)
            self._today = DayCounts(local_date(at.wall))
        else:
            state, self._today = saved
            state = engine.adapt_to_settings(state, at.mono, settings)
            state = engine.restarted(state, at.mono)  # a due stretch is shown again at once
        if self.history.saving:  # the history is the truth; the state file's copy if it fails
            self._today = self.history.day_counts(date.fromtimestamp(at.wall))
        return state

    def today(self, at: Moment) -> DayCounts:
        """Return today's counters, zero once the date has changed."""
        on = local_date(at.wall)
        return self._today if self._today.date == on else DayCounts(on)

    def record(self, record: engine.Record, at: Moment) -> None:
        """Write a record to the history and count it in today's counters."""
        log.info("%s: %s", record.kind, record.exercise_id)
        self.history.record(record, at.wall)
        self._today = self._today.after(record.kind, local_date(at.wall))

    def note(self, mark: DaemonMark) -> None:
        """Write a daemon event (started, stopped) that belongs to no stretch."""
        self.history.record(mark)

    def refresh_streak(self, at: Moment, goal: int) -> None:
        """Once a day, count the days up to yesterday that met the goal, from the history."""
        today = date.fromtimestamp(at.wall)
        if self._streak_day == today.isoformat():
            return
        self._streak_day = today.isoformat()
        met = days_meeting_goal(self.history.done_per_day(), goal)
        self._streak_until_yesterday = streak_ending(met, today - timedelta(days=1))

    def streak(self, at: Moment, goal: int) -> int:
        """Return the current streak: up to yesterday, plus today once the goal is met."""
        return self._streak_until_yesterday + (1 if self.today(at).done >= goal else 0)

    def forget_streak(self) -> None:
        """Count the streak again at the next refresh (the daily goal may have changed)."""
        self._streak_day = ""

    def save(self, state: engine.EngineState, at: Moment) -> None:
        """Write the state; a failure is logged once per outage, never fatal."""
        try:
            self._state_file.save(state, self._today, at)
        except OSError as error:
            if not self._save_failing:
                log.error("Could not save state to %s: %s", self._state_file.path, error)
            self._save_failing = True
        else:
            if self._save_failing:
                log.warning("State is saved again to %s.", self._state_file.path)
            self._save_failing = False

    def describe(self) -> dict[str, object]:
        """Return whether history is being saved, for status."""
        return {"saving": self.history.saving, "note": self.history.note}

    def close(self) -> None:
        """Record the daemon's stop and close the history."""
        self.note("daemon_stopped")
        self.history.close()
