"""The status report that `backcare-tray status` prints, as plain data."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from backcare_tray.engine import (
    SITTING,
    Due,
    EngineState,
    Off,
    Paused,
    Snoozed,
    Stretching,
    Working,
    coming_due_at,
    is_away,
    sitting_since,
)
from backcare_tray.moment import Moment
from backcare_tray.settings import Settings
from backcare_tray.wording import status_line

__all__ = ["DayCounts", "SensorReadings", "next_break_at", "status_report"]


@dataclass(frozen=True)
class DayCounts:
    """How many stretches were done, snoozed and skipped on one local date."""

    date: str
    done: int = 0
    snoozed: int = 0
    skipped: int = 0

    @classmethod
    def of(cls, on: str, kinds: Mapping[str, int]) -> "DayCounts":
        """Return the counts of a date from how many events of each kind it had."""
        return cls(on, kinds.get("done", 0), kinds.get("snoozed", 0), kinds.get("skipped", 0))

    def after(self, kind: str, on: str) -> "DayCounts":
        """Return the counts after an event of kind on a date (a new date starts afresh)."""
        counts = self if self.date == on else DayCounts(on)
        if kind in ("done", "snoozed", "skipped"):
            return replace(counts, **{kind: getattr(counts, kind) + 1})
        return counts


@dataclass(frozen=True)
class SensorReadings:
    """What the sensors last said: the probe in use, idle time, the last natural break."""

    probe: str | None = None
    idle_seconds: float | None = None
    last_natural_break_at: float | None = None  # wall clock
    dnd: bool = False
    in_call: bool = False


def _iso(wall: float | None) -> str | None:
    """Return a wall-clock time as local ISO 8601 with its offset."""
    if wall is None:
        return None
    return datetime.fromtimestamp(wall, UTC).astimezone().isoformat("T", "seconds")


def next_break_at(state: EngineState, at: Moment, settings: Settings) -> float | None:
    """Return the engine time the next stretch is (or was) due, None while paused indefinitely."""
    mode = state.mode
    match mode:
        case Working() | Snoozed():
            return coming_due_at(mode)
        case Due() | Stretching():
            return at.mono
        case Paused(until=None) | Off(until=None):
            return None
        case Paused(until=float() as until) | Off(until=float() as until):
            return until + settings.sitting_interval
    raise AssertionError(mode)  # pragma: no cover


def status_report(
    state: EngineState,
    at: Moment,
    settings: Settings,
    today: DayCounts,
    readings: SensorReadings = SensorReadings(),
) -> dict[str, Any]:
    """Return the status as a JSON-ready mapping."""
    exercise = settings.exercise(state.rotation.current)
    due = next_break_at(state, at, settings)
    since = sitting_since(state.mode)
    counting = isinstance(state.mode, SITTING) and not is_away(state)
    return {
        "state": state.mode.name,
        "status": status_line(state, at, settings, readings.in_call, exact=True),
        "next_break_at": None if due is None else _iso(at.wall_of(due)),
        "seconds_until_break": None if due is None else max(0, round(due - at.mono)),
        "next_exercise": {"id": exercise.id, "name": exercise.name},
        "today": {
            "date": today.date,
            "done": today.done,
            "snoozed": today.snoozed,
            "skipped": today.skipped,
        },
        "sitting_seconds": round(at.mono - since) if counting and since is not None else 0,
        "idle_seconds": None if readings.idle_seconds is None else round(readings.idle_seconds),
        "away": is_away(state),
        "idle_probe": readings.probe,
        "last_natural_break_at": _iso(readings.last_natural_break_at),
        "dnd": readings.dnd,
        "in_call": readings.in_call,
    }
