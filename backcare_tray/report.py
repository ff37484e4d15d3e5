"""The status report that `backcare-tray status` prints, as plain data."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from backcare_tray.engine import EngineState
from backcare_tray.settings import Settings
from backcare_tray.wording import Moment, status_line

__all__ = ["DayCounts", "Presence", "next_break_at", "status_report"]


@dataclass(frozen=True)
class DayCounts:
    """How many stretches were done, snoozed and skipped on one local date."""

    date: str
    done: int = 0
    snoozed: int = 0
    skipped: int = 0


@dataclass(frozen=True)
class Presence:
    """What the sensors last said: the probe in use, idle time, the last natural break."""

    probe: str | None = None
    idle_seconds: float | None = None
    last_natural_break_at: float | None = None  # wall clock
    dnd: bool = False


def _iso(wall: float | None) -> str | None:
    """Return a wall-clock time as local ISO 8601 with its offset."""
    if wall is None:
        return None
    return datetime.fromtimestamp(wall, UTC).astimezone().isoformat("T", "seconds")


def next_break_at(state: EngineState, at: Moment, settings: Settings) -> float | None:
    """Return the engine time the next stretch is (or was) due, None while paused indefinitely."""
    match state.mode:
        case "working" | "snoozed":
            return state.deadline
        case "due" | "stretching":
            return at.mono
        case "paused" | "off":
            if state.deadline is None:
                return None
            return state.deadline + settings.sitting_interval
    raise AssertionError(state.mode)  # pragma: no cover


def status_report(
    state: EngineState,
    at: Moment,
    settings: Settings,
    today: DayCounts,
    presence: Presence = Presence(),
) -> dict[str, Any]:
    """Return the status as a JSON-ready mapping."""
    exercise = settings.exercise(state.rotation.current)
    due = next_break_at(state, at, settings)
    counting = state.mode in ("working", "due", "snoozed") and state.away_since is None
    return {
        "state": state.mode,
        "status": status_line(state, at, settings),
        "next_break_at": None if due is None else _iso(at.wall_of(due)),
        "seconds_until_break": None if due is None else max(0, round(due - at.mono)),
        "next_exercise": {"id": exercise.id, "name": exercise.name},
        "today": {
            "date": today.date,
            "done": today.done,
            "snoozed": today.snoozed,
            "skipped": today.skipped,
        },
        "sitting_seconds": round(at.mono - state.interval_started_at) if counting else 0,
        "idle_seconds": None if presence.idle_seconds is None else round(presence.idle_seconds),
        "away": state.away_since is not None,
        "idle_probe": presence.probe,
        "last_natural_break_at": _iso(presence.last_natural_break_at),
        "dnd": presence.dnd,
    }
