"""Progress from the history: per day, per stretch, and streaks of days meeting the goal (pure)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

__all__ = [
    "ANSWERS",
    "ENDS",
    "LONG_BOUT_SECONDS",
    "NOT_COUNTED",
    "STARTS",
    "Bout",
    "BoutStats",
    "DayStats",
    "ExerciseStats",
    "HistoryEntry",
    "Stats",
    "compute_stats",
    "days_meeting_goal",
    "done_per_day",
    "last_days",
    "sitting_bouts",
    "streak_ending",
]

# A bout of sitting starts at these events and ends at the next of ENDS; a start with no end
# before the next start (a crash, then daemon_started) is left out: when it ended is not known.
STARTS = {"daemon_started", "done", "skipped", "natural_break", "resumed", "hours_started"}
ENDS = {"done", "skipped", "natural_break", "paused", "daemon_stopped", "hours_ended"}
# After these the desk time is not counted (the engine is paused, or off hours): a stretch
# done or skipped then starts no bout, nor does a restart (the engine keeps the pause or the
# off hours); the next resumed or hours_started does.
NOT_COUNTED = {"paused", "hours_ended"}
_STARTS_WHEN_COUNTED_ONLY = {"done", "skipped", "daemon_started"}
# A stretch that fell due is answered, or given up, at the first of these: a snooze only puts
# it off (its return is notified again, the same stretch), and a restart shows it again.
ANSWERS = {"done", "skipped", "natural_break", "paused", "hours_ended"}
# Bouts this long or longer are the ones the research on breaking up sitting counts.
LONG_BOUT_SECONDS = 30 * 60


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
class Bout:
    """One bout of sitting: the local date it began on, when (UTC), and how long it lasted."""

    local_date: str
    began_utc: str
    seconds: int
    still_going: bool = False  # open at now, counted up to it


@dataclass(frozen=True)
class BoutStats:
    """The sitting bouts of a day or of the whole window, and the natural breaks taken."""

    count: int = 0
    longest_seconds: int = 0
    long: int = 0  # bouts of LONG_BOUT_SECONDS or longer
    natural_breaks: int = 0

    @property
    def long_share(self) -> float | None:
        """Return the share of bouts that were long (None when there was no bout)."""
        return self.long / self.count if self.count else None


@dataclass(frozen=True)
class DayStats:
    """One local day."""

    date: str
    done: int = 0
    skipped: int = 0
    snoozed: int = 0
    due: int = 0  # stretches that fell due (a snoozed one coming back is the same stretch)
    stretching_seconds: int = 0
    longest_sitting_seconds: int = 0
    kept: int = 0  # of the stretches that fell due this day, those done in answer
    bouts: BoutStats = BoutStats()

    @property
    def adherence(self) -> float | None:
        """Return the share of due stretches done in answer (None on a day none fell due)."""
        return min(1.0, self.kept / self.due) if self.due else None


@dataclass(frozen=True)
class ExerciseStats:
    """How often one stretch was done, and when last."""

    exercise_id: str
    name: str
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
    bouts: BoutStats = BoutStats()  # the whole window's


def _when(event: HistoryEntry) -> datetime:
    """Return the event's UTC time."""
    return datetime.fromisoformat(event.at_utc)


def _bout(
    began: HistoryEntry, began_at: datetime, ended: datetime, still_going: bool = False
) -> list[Bout]:
    """Return the bout from an event to a time: none when it lasted no time at all."""
    seconds = round((ended - began_at).total_seconds())
    return [Bout(began.local_date, began.at_utc, seconds, still_going)] if seconds > 0 else []


def sitting_bouts(
    events: Iterable[HistoryEntry], today: date, now: datetime | None = None
) -> list[Bout]:
    """Return the bouts of sitting, oldest first; one begun today and open at now runs to it."""
    return _bouts(sorted(events, key=_when), today, now)


# The kinds that start, end or interrupt a bout; the others (notified, snoozed) change nothing.
_BOUT_KINDS = STARTS | ENDS | NOT_COUNTED | {"started", "cancelled"}


def _bouts(ordered: list[HistoryEntry], today: date, now: datetime | None) -> list[Bout]:
    """Return the bouts of sitting of events already in time order (see sitting_bouts)."""
    # A bout belongs to the local date it began on, one that goes on past midnight too. A
    # stretch falling due (notified) or snoozed ends nothing: the person sits on until they
    # answer, as the engine counts it. A guided routine ends the bout when it starts (the
    # person stands up), unless it is stopped (cancelled): the engine goes back to the same sit.
    bouts: list[Bout] = []
    since: tuple[HistoryEntry, datetime] | None = None  # the event the bout began at, and when
    stood_up: datetime | None = None  # a routine started during it, not stopped
    counted = True
    for event in ordered:
        kind = event.kind
        if kind not in _BOUT_KINDS:
            continue
        if kind == "started" and since is not None and stood_up is None:
            stood_up = _when(event)
        elif kind == "cancelled":
            stood_up = None
        at = _when(event)
        if kind in ENDS and since is not None:
            ended = stood_up or at
            if kind == "natural_break" and event.seconds and stood_up is None:
                ended -= timedelta(seconds=event.seconds)  # the person left that long ago
            bouts += _bout(*since, ended)
            since, stood_up = None, None
        if kind in NOT_COUNTED:
            counted = False
        elif kind in STARTS and (counted or kind not in _STARTS_WHEN_COUNTED_ONLY):
            since, stood_up, counted = (event, at), None, True
    # Only a bout begun today runs on to now: an older one still open means the history cannot
    # tell when it ended (a daemon that crashed, or a person away whose break is not written
    # until they come back), and counting it up to now would make it hours or days long.
    if since is not None and now is not None and since[0].local_date == today.isoformat():
        bouts += _bout(*since, stood_up or now, still_going=stood_up is None)
    return bouts


def _bout_stats(bouts: Iterable[Bout], natural_breaks: int) -> BoutStats:
    """Return the count, longest and long ones of some bouts, with the natural breaks."""
    lengths = [bout.seconds for bout in bouts]
    long = sum(seconds >= LONG_BOUT_SECONDS for seconds in lengths)
    return BoutStats(len(lengths), max(lengths, default=0), long, natural_breaks)


# What _per_day counts for each day, beside the bouts.
_COUNTED = (
    "done",
    "skipped",
    "snoozed",
    "due",
    "stretching_seconds",
    "kept",
    "natural_breaks",
)


def _per_day(events: list[HistoryEntry], today: date, now: datetime | None) -> dict[str, DayStats]:
    """Return the counts, kept stretches, stretching time and bouts of every day with events."""
    counts: dict[str, dict[str, int]] = {}
    due_on: str | None = None  # the date the stretch due now fell due on
    for event in events:
        day = counts.setdefault(event.local_date, dict.fromkeys(_COUNTED, 0))
        if event.kind in ("done", "skipped", "snoozed"):
            day[event.kind] += 1
        if event.kind == "done" and event.how == "guided" and event.seconds:
            day["stretching_seconds"] += event.seconds
        if event.kind == "natural_break":
            day["natural_breaks"] += 1
        # A stretch falls due at its first notification (a reminder where the history begins
        # with one due already), and stays due until one of ANSWERS.
        if event.kind == "notified" and due_on is None:
            due_on = event.local_date
            day["due"] += 1
        elif event.kind == "done" and due_on is not None:
            counts[due_on]["kept"] += 1  # counted on the day it fell due: never above due
        if event.kind in ANSWERS:
            due_on = None
    by_day: dict[str, list[Bout]] = {}
    for bout in _bouts(events, today, now):
        by_day.setdefault(bout.local_date, []).append(bout)
    days: dict[str, DayStats] = {}
    for on, day in counts.items():
        bouts = _bout_stats(by_day.get(on, []), day["natural_breaks"])
        days[on] = DayStats(
            on,
            done=day["done"],
            skipped=day["skipped"],
            snoozed=day["snoozed"],
            due=day["due"],
            stretching_seconds=day["stretching_seconds"],
            longest_sitting_seconds=bouts.longest_seconds,
            kept=day["kept"],
            bouts=bouts,
        )
    return days


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


def compute_stats(
    events: Iterable[HistoryEntry],
    today: date,
    days: int,
    goal: int,
    *,
    now: datetime | None = None,
    names: Mapping[str, str] | None = None,
) -> Stats:
    """Return the stats of the last `days` local days up to today, and all-time streaks."""
    # now is the moment today is at (UTC, aware): a bout of sitting still open then counts up
    # to it (None: it is left out). names gives each stretch's name by id; an id that is not
    # there (a stretch no longer in the library) is its own name.
    ordered = sorted(events, key=_when)
    per_day = _per_day(ordered, today, now)
    window = tuple(
        per_day.get(on, DayStats(on))
        for on in ((today - timedelta(days=back)).isoformat() for back in range(days - 1, -1, -1))
    )
    done: dict[str, list[str]] = {}
    for event in ordered:
        if event.kind == "done" and event.exercise_id:
            done.setdefault(event.exercise_id, []).append(event.local_date)
    named = names or {}
    exercises = tuple(
        ExerciseStats(exercise_id, named.get(exercise_id, exercise_id), len(dates), max(dates))
        for exercise_id, dates in sorted(done.items())
    )
    current, best = _streaks(per_day, today, goal)
    return Stats(goal, window, exercises, current, best, _summary(window))


def _summary(window: tuple[DayStats, ...]) -> BoutStats:
    """Return the bouts of a run of days taken together."""
    return BoutStats(
        sum(day.bouts.count for day in window),
        max((day.bouts.longest_seconds for day in window), default=0),
        sum(day.bouts.long for day in window),
        sum(day.bouts.natural_breaks for day in window),
    )


def last_days(stats: Stats, days: int) -> Stats:
    """Return the stats of the last `days` days of a longer window, without reading again."""
    window = stats.days[-days:]
    return replace(stats, days=window, bouts=_summary(window))
