"""The daemon's memory: the saved state, the history, and the day's counters and streak."""

import logging
import random
from collections.abc import Callable
from datetime import date, timedelta

from backcare_tray import engine
from backcare_tray.adapters.history import DaemonMark
from backcare_tray.adapters.kit import HistoryLog, StateStorage
from backcare_tray.moment import Moment
from backcare_tray.report import DayCounts
from backcare_tray.settings import Settings
from backcare_tray.stats import days_meeting_goal, streak_ending

__all__ = ["RETRY_FIRST", "RETRY_MOST", "StateStore", "local_date"]

log = logging.getLogger(__name__)
# While events wait for the history, it is tried again after each event and after this
# delay, doubled after each scheduled try that fails, up to RETRY_MOST.
RETRY_FIRST = 10.0
RETRY_MOST = 300.0


def local_date(wall: float) -> str:
    """Return the local calendar date of a wall-clock time."""
    return date.fromtimestamp(wall).isoformat()


class StateStore:
    """Restores and saves the engine state, records history, counts today and the streak."""

    def __init__(
        self,
        history: HistoryLog,
        state_file: StateStorage,
        plan_retry: Callable[[float | None], object] = lambda delay: None,
    ) -> None:
        self.history = history
        self._state_file = state_file
        # Plans the next try of the waiting events on the loop (None cancels it).
        self._plan_retry = plan_retry
        self._retry_delay: float | None = None  # the delay of the try planned, None if none
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

    def record(self, record: engine.Record, at: Moment, say: bool = True) -> None:
        """Write a record to the history and count it in today's counters (and log it)."""
        if say:
            log.info("%s: %s", record.kind, record.exercise_id)
        self.history.record(record, at.wall)
        self._today = self._today.after(record.kind, local_date(at.wall))
        self._after_history(retried=False)

    def note(self, mark: DaemonMark) -> None:
        """Write a daemon event (started, stopped) that belongs to no stretch."""
        self.history.record(mark)
        self._after_history(retried=False)

    def retry(self) -> bool:
        """Try again to write the events waiting for the history; return whether any remain."""
        self.history.flush()
        self._after_history(retried=True)
        return self.history.waiting > 0

    def _after_history(self, *, retried: bool) -> None:
        """Plan the next try while events wait (later after each failed one), or cancel it."""
        if not self.history.waiting:
            if self._retry_delay is not None:
                self._retry_delay = None
                self._plan_retry(None)
            return
        if self._retry_delay is None:
            self._retry_delay = RETRY_FIRST
        elif retried:  # the planned try ran and failed: the next one waits longer
            self._retry_delay = min(RETRY_MOST, 2 * self._retry_delay)
        else:
            return  # a try is planned already
        self._plan_retry(self._retry_delay)

    def waiting(self) -> int:
        """Return how many events wait to be written into the history."""
        return self.history.waiting

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
        """Return whether history is being saved and what waits where, for status."""
        return {
            "saving": self.history.saving,
            "note": self.history.note,
            "waiting": self.history.waiting,
            "waiting_in": self.history.waiting_in,
        }

    def close(self) -> None:
        """Record the daemon's stop and close the history (no further try is planned)."""
        self.history.record("daemon_stopped")
        self.history.close()
