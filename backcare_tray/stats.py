"""Progress from the history: per day, per stretch, and streaks of days meeting the goal (pure)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

__all__ = [
    "ENDS",
    "STARTS",
    "DayStats",
    "ExerciseStats",
    "HistoryEntry",
    "Stats",
    "compute_stats",
    "days_meeting_goal",
    "done_per_day",
    "streak_ending",
]

# A sitting stretch starts at these events and ends at the next of ENDS.
STARTS = {"daemon_started", "done", "skipped", "natural_break", "resumed", "hours_started"}
ENDS = {"done", "skipped", "natural_break", "paused", "daemon_stopped", "hours_ended"}


@dataclass(frozen=True)
class HistoryEntry:
    """One row of the history as stored; seconds and how mean what the row's kind says."""

    at_utc: str
    local_date: str
    kind: str
    exercise_id: str | None
    seconds: int | None
    how: str | None


@dataclass(frozen=True)
class DayStats:
    """One local day."""

    date: str
    done: int = 0
    skipped: int = 0
    snoozed: int = 0
    due: int = 0
    stretching_seconds: int = 0
    longest_sitting_seconds: int = 0

    @property
    def adherence(self) -> float | None:
        """Return done out of due (None on a day nothing fell due)."""
        return min(1.0, self.done / self.due) if self.due else None


@dataclass(frozen=True)
class ExerciseStats:
    """How often one stretch was done, and when last."""

    exercise_id: str
    done: int
    last_done: str


@dataclass(frozen=True)
class Stats:
    """Everything `backcare-tray stats` shows."""

    goal: int
    days: tuple[DayStats, ...]
    exercises: tuple[ExerciseStats, ...]
    current_streak: int
    best_streak: int


def _when(event: HistoryEntry) -> datetime:
    """Return the event's UTC time."""
    return datetime.fromisoformat(event.at_utc)


def _per_day(events: list[HistoryEntry]) -> dict[str, DayStats]:
    """Return the counts, stretching time and longest sitting stretch of every day with events."""
    days: dict[str, dict[str, int]] = {}
    sitting_since: datetime | None = None
    for event in events:
        day = days.setdefault(
            event.local_date,
            {
                "done": 0,
                "skipped": 0,
                "snoozed": 0,
                "due": 0,
                "stretching_seconds": 0,
                "longest_sitting_seconds": 0,
            },
        )
        if event.kind in ("done", "skipped", "snoozed"):
            day[event.kind] += 1
        if event.kind == "notified" and event.how != "reminder":
            day["due"] += 1
        if event.kind == "done" and event.how == "guided" and event.seconds:
            day["stretching_seconds"] += event.seconds
        if event.kind in ENDS and sitting_since is not None:
            ended = _when(event)
            if event.kind == "natural_break" and event.seconds:
                ended -= timedelta(seconds=event.seconds)  # the person left that long ago
            sat = round((ended - sitting_since).total_seconds())
            day["longest_sitting_seconds"] = max(day["longest_sitting_seconds"], sat)
            sitting_since = None
        if event.kind in STARTS:
            sitting_since = _when(event)
    return {on: DayStats(on, **counts) for on, counts in days.items()}


def _streaks(per_day: dict[str, DayStats], today: date, goal: int) -> tuple[int, int]:
    """Return (current, best) runs of consecutive days with at least goal stretches done."""
    met = days_meeting_goal({on: day.done for on, day in per_day.items()}, goal)
    # Each run is counted once, from its last day (a met day whose next day was not met).
    days = (date.fromisoformat(on) for on in met)
    ends = [day for day in days if (day + timedelta(days=1)).isoformat() not in met]
    best = max((streak_ending(met, end) for end in ends), default=0)
    young = today.isoformat() not in met  # today may be young: the run up to yesterday counts
    current = streak_ending(met, today - timedelta(days=1) if young else today)
    return current, best


def done_per_day(events: Iterable[HistoryEntry]) -> dict[str, int]:
    """Return how many stretches were done on each local date."""
    done: dict[str, int] = {}
    for event in events:
        if event.kind == "done":
            done[event.local_date] = done.get(event.local_date, 0) + 1
    return done


def days_meeting_goal(done: Mapping[str, int], goal: int) -> set[str]:
    """Return the local dates on which at least goal stretches were done."""
    return {on for on, count in done.items() if count >= goal}


def streak_ending(met: set[str], last: date) -> int:
    """Return how many consecutive days up to and including last are in met."""
    count = 0
    while (last - timedelta(days=count)).isoformat() in met:
        count += 1
    return count


def compute_stats(events: Iterable[HistoryEntry], today: date, days: int, goal: int) -> Stats:
    """Return the stats of the last `days` local days up to today, and all-time streaks."""
    ordered = sorted(events, key=_when)
    per_day = _per_day(ordered)
    window = tuple(
        per_day.get(on, DayStats(on))
        for on in ((today - timedelta(days=back)).isoformat() for back in range(days - 1, -1, -1))
    )
    done: dict[str, list[str]] = {}
    for event in ordered:
        if event.kind == "done" and event.exercise_id:
            done.setdefault(event.exercise_id, []).append(event.local_date)
    exercises = tuple(
        ExerciseStats(exercise_id, len(dates), max(dates))
        for exercise_id, dates in sorted(done.items())
    )
    current, best = _streaks(per_day, today, goal)
    return Stats(goal, window, exercises, current, best)
