"""The status report that `backcare-tray status` prints, as plain data."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from backcare_tray.engine import EngineState
from backcare_tray.settings import Settings
from backcare_tray.wording import Moment, status_line


@dataclass(frozen=True)
class DayCounts:
    """How many stretches were done, snoozed and skipped on one local date."""

    date: str
    done: int = 0
    snoozed: int = 0
    skipped: int = 0


def next_break_at(state: EngineState, at: Moment, settings: Settings) -> float | None:
    """Return the engine time the next stretch is (or was) due, None while paused indefinitely."""
    match state.mode:
        case "working" | "snoozed":
            return state.deadline
        case "due" | "stretching":
            return at.mono
        case "paused":
            if state.deadline is None:
                return None
            return state.deadline + settings.sitting_interval
    raise AssertionError(state.mode)  # pragma: no cover


def status_report(
    state: EngineState, at: Moment, settings: Settings, today: DayCounts
) -> dict[str, Any]:
    """Return the status as a JSON-ready mapping."""
    exercise = settings.exercise(state.rotation.current)
    due = next_break_at(state, at, settings)
    return {
        "state": state.mode,
        "status": status_line(state, at, settings),
        "next_break_at": (
            None
            if due is None
            else datetime.fromtimestamp(at.wall_of(due), UTC).astimezone().isoformat("T", "seconds")
        ),
        "seconds_until_break": None if due is None else max(0, round(due - at.mono)),
        "next_exercise": {"id": exercise.id, "name": exercise.name},
        "today": {
            "date": today.date,
            "done": today.done,
            "snoozed": today.snoozed,
            "skipped": today.skipped,
        },
    }
