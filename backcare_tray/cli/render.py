"""Printing for people and programs: the daemon's status, the history and the stats."""

import csv
import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import fields
from typing import Any, TextIO

from backcare_tray.durations import format_duration
from backcare_tray.history_text import history_line
from backcare_tray.stats import LONG_BOUT_SECONDS, BoutStats, HistoryEntry, Stats

__all__ = [
    "HISTORY_COLUMNS",
    "STATS_COLUMNS",
    "print_history",
    "print_history_csv",
    "print_stats",
    "print_stats_csv",
    "print_stats_json",
    "print_status",
    "sitting_line",
]

STATS_COLUMNS = (
    "date",
    "done",
    "skipped",
    "snoozed",
    "due",
    "adherence",
    "stretching_seconds",
    "longest_sitting_seconds",
    # Added later, so at the end: a script that reads columns by place still finds its own.
    "kept",
    "bouts",
    "long_bouts",
    "natural_breaks",
)
HISTORY_COLUMNS = ("at_utc", "local_date", "kind", "exercise_id", "seconds", "how", "name")


def print_status(status: dict[str, Any]) -> None:
    """Print a status report for people."""
    today = status["today"]
    print(status["status"])
    print(f"State: {status['state']}; next stretch: {status['next_exercise']['name']}")
    print(f"Today: {today['done']} done, {today['snoozed']} snoozed, {today['skipped']} skipped")
    note = (status.get("history") or {}).get("note")
    if note:  # not being saved, events waiting, a file set aside
        print(note[:1].upper() + note[1:])


def print_history(events: Iterable[HistoryEntry], names: Mapping[str, str]) -> None:
    """Print the recorded events, one a line, with the stretches' names and lengths in units."""
    for event in events:
        print(history_line(event, names))


def print_history_csv(events: Iterable[HistoryEntry], names: Mapping[str, str]) -> None:
    """Print the recorded events as CSV, as stored, each with its stretch's name."""
    writer = csv.writer(sys.stdout)
    writer.writerow(HISTORY_COLUMNS)
    for event in events:
        exercise_id = event.exercise_id or ""
        writer.writerow(
            [
                event.at_utc,
                event.local_date,
                event.kind,
                exercise_id,
                "" if event.seconds is None else event.seconds,
                event.how or "",
                names.get(exercise_id, exercise_id),
            ]
        )


def _plain(record: Any, leave_out: str = "") -> dict[str, Any]:
    """Return a dataclass of plain values as a dict, one level deep (asdict copies deeply)."""
    return {f.name: getattr(record, f.name) for f in fields(record) if f.name != leave_out}


def _bouts_json(bouts: BoutStats) -> dict[str, Any]:
    """Return a day's or the window's bouts as JSON data, with the share of long ones."""
    return {**_plain(bouts), "long_share": bouts.long_share}


def print_stats_json(stats: Stats) -> None:
    """Print the stats as JSON: each day with its adherence, and the bouts of sitting."""
    data = _plain(stats)
    # A day's bouts go under the top-level bouts, by date.
    data["days"] = [{**_plain(day, "bouts"), "adherence": day.adherence} for day in stats.days]
    data["exercises"] = [_plain(exercise) for exercise in stats.exercises]
    data["bouts"] = {
        "long_seconds": LONG_BOUT_SECONDS,
        "days": [{"date": day.date, **_bouts_json(day.bouts)} for day in stats.days],
        "summary": _bouts_json(stats.bouts),
    }
    print(json.dumps(data, indent=2))


def print_stats_csv(stats: Stats) -> None:
    """Print the stats as CSV, a row per day."""
    write_stats_csv(stats, sys.stdout)


def write_stats_csv(stats: Stats, stream: TextIO) -> None:
    """Write the stats as CSV to a stream, a row per day (the window's export too)."""
    writer = csv.writer(stream)
    writer.writerow(STATS_COLUMNS)
    for day in stats.days:
        adherence = "" if day.adherence is None else f"{day.adherence:.2f}"
        writer.writerow(
            [
                day.date,
                day.done,
                day.skipped,
                day.snoozed,
                day.due,
                adherence,
                day.stretching_seconds,
                day.longest_sitting_seconds,
                day.kept,
                day.bouts.count,
                day.bouts.long,
                day.bouts.natural_breaks,
            ]
        )


def _long_of(bouts: BoutStats) -> str:
    """Return "2/5": how many of the bouts were long, or "-" when there was none."""
    return f"{bouts.long}/{bouts.count}" if bouts.count else "-"


def sitting_line(bouts: BoutStats) -> str:
    """Return the window's sitting in a line: its longest bout, the long ones, the breaks."""
    breaks = f"{bouts.natural_breaks} natural break{'' if bouts.natural_breaks == 1 else 's'}"
    if not bouts.count:
        return f"Sitting: no bouts recorded; {breaks}"
    share = f" ({bouts.long_share:.0%})" if bouts.long_share is not None else ""
    return (
        f"Sitting: longest {format_duration(bouts.longest_seconds)}; {bouts.long} of "
        f"{bouts.count} bouts {format_duration(LONG_BOUT_SECONDS)} or longer{share}; {breaks}"
    )


def print_stats(stats: Stats, days: int, goal: int) -> None:
    """Print the stats as a table for people, with the streak and each stretch's count."""
    print(f"Last {days} days (goal: {goal} a day)")
    long = f"{format_duration(LONG_BOUT_SECONDS)}+"
    print(
        f"{'date':<11}{'done':>5}{'skipped':>8}{'snoozed':>8}{'due':>5}{'kept':>6}"
        f"{'stretching':>11}{'longest sit':>12}{long:>6}{'breaks':>7}"
    )
    for day in stats.days:
        kept = "-" if day.adherence is None else f"{day.adherence:.0%}"
        print(
            f"{day.date:<11}{day.done:>5}{day.skipped:>8}{day.snoozed:>8}{day.due:>5}"
            f"{kept:>6}{format_duration(day.stretching_seconds):>11}"
            f"{format_duration(day.longest_sitting_seconds):>12}"
            f"{_long_of(day.bouts):>6}{day.bouts.natural_breaks:>7}"
        )
    print(sitting_line(stats.bouts))
    print(f"Streak: {stats.current_streak} days (best {stats.best_streak})")
    for exercise in stats.exercises:
        print(f"  {exercise.name}: {exercise.done} done, last {exercise.last_done}")
