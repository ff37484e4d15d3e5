"""Printing for people and programs: the daemon's status, the history and the stats."""

import csv
import json
import sys
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from backcare_tray.durations import format_duration
from backcare_tray.stats import HistoryEntry, Stats

__all__ = [
    "STATS_COLUMNS",
    "print_history",
    "print_history_csv",
    "print_stats",
    "print_stats_csv",
    "print_stats_json",
    "print_status",
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
)


def print_status(status: dict[str, Any]) -> None:
    """Print a status report for people."""
    today = status["today"]
    print(status["status"])
    print(f"State: {status['state']}; next stretch: {status['next_exercise']['name']}")
    print(f"Today: {today['done']} done, {today['snoozed']} snoozed, {today['skipped']} skipped")
    note = (status.get("history") or {}).get("note")
    if note:  # not being saved, events waiting, a file set aside
        print(note[:1].upper() + note[1:])


def print_history(events: Iterable[HistoryEntry]) -> None:
    """Print the recorded events, one a line."""
    for event in events:
        extra = " ".join(str(x) for x in (event.exercise_id, event.seconds, event.how) if x)
        print(f"{event.at_utc}  {event.kind:<15} {extra}".rstrip())


def print_history_csv(events: Iterable[HistoryEntry]) -> None:
    """Print the recorded events as CSV."""
    writer = csv.writer(sys.stdout)
    writer.writerow(["at_utc", "local_date", "kind", "exercise_id", "seconds", "how"])
    for event in events:
        writer.writerow(
            [
                event.at_utc,
                event.local_date,
                event.kind,
                event.exercise_id or "",
                "" if event.seconds is None else event.seconds,
                event.how or "",
            ]
        )


def print_stats_json(stats: Stats) -> None:
    """Print the stats as JSON, each day with its adherence."""
    data = asdict(stats)
    for day, row in zip(stats.days, data["days"], strict=True):
        row["adherence"] = day.adherence
    print(json.dumps(data, indent=2))


def print_stats_csv(stats: Stats) -> None:
    """Print the stats as CSV, a row per day."""
    writer = csv.writer(sys.stdout)
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
            ]
        )


def print_stats(stats: Stats, days: int, goal: int) -> None:
    """Print the stats as a table for people, with the streak and each stretch's count."""
    print(f"Last {days} days (goal: {goal} a day)")
    print(
        f"{'date':<11}{'done':>5}{'skipped':>8}{'snoozed':>8}{'due':>5}{'kept':>6}"
        f"{'stretching':>11}{'longest sit':>12}"
    )
    for day in stats.days:
        kept = "-" if day.adherence is None else f"{day.adherence:.0%}"
        print(
            f"{day.date:<11}{day.done:>5}{day.skipped:>8}{day.snoozed:>8}{day.due:>5}"
            f"{kept:>6}{format_duration(day.stretching_seconds):>11}"
            f"{format_duration(day.longest_sitting_seconds):>12}"
        )
    print(f"Streak: {stats.current_streak} days (best {stats.best_streak})")
    for exercise in stats.exercises:
        print(f"  {exercise.exercise_id}: {exercise.done} done, last {exercise.last_done}")
