"""Printing for people and programs: the daemon's status, the history and the stats."""

import csv
import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import fields
from typing import Any, TextIO

from backcare_tray.columns import padded, shown_width
from backcare_tray.durations import format_duration
from backcare_tray.history_text import history_line
from backcare_tray.i18n import _, ngettext, pgettext
from backcare_tray.stats import LONG_BOUT_SECONDS, BoutStats, HistoryEntry, Stats
from backcare_tray.wording import percent_text

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
    # Translators: {state} is the daemon's state as `status --json` names it (working, due...).
    line = _("State: {state}; next stretch: {name}")
    print(line.format(state=status["state"], name=status["next_exercise"]["name"]))
    counts = ngettext(
        "Today: {done} done, {snoozed} snoozed, {skipped} skipped",
        "Today: {done} done, {snoozed} snoozed, {skipped} skipped",
        today["done"],
    )
    print(counts.format(done=today["done"], snoozed=today["snoozed"], skipped=today["skipped"]))
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
    breaks = ngettext(
        "{count} natural break", "{count} natural breaks", bouts.natural_breaks
    ).format(count=bouts.natural_breaks)
    if not bouts.count:
        return _("Sitting: no bouts recorded; {breaks}").format(breaks=breaks)
    facts = {
        "longest": format_duration(bouts.longest_seconds),
        "long": bouts.long,
        "count": bouts.count,
        "threshold": format_duration(LONG_BOUT_SECONDS),
        "breaks": breaks,
    }
    if bouts.long_share is None:
        line = ngettext(
            "Sitting: longest {longest}; {long} of {count} bout {threshold} or longer; {breaks}",
            "Sitting: longest {longest}; {long} of {count} bouts {threshold} or longer; {breaks}",
            bouts.count,
        )
        return line.format(**facts)
    line = ngettext(
        "Sitting: longest {longest}; {long} of {count} bout {threshold} or longer ({share});"
        " {breaks}",
        "Sitting: longest {longest}; {long} of {count} bouts {threshold} or longer ({share});"
        " {breaks}",
        bouts.count,
    )
    return line.format(**facts, share=percent_text(bouts.long_share))


def _columns() -> list[tuple[str, int]]:
    """Return the stats table's headings, each with its width (wider for a longer heading)."""
    headings = [
        # Translators: the headings of `backcare-tray stats`' table: keep them short.
        (pgettext("stats column", "date"), 11),
        (pgettext("stats column", "done"), 5),
        (pgettext("stats column", "skipped"), 8),
        (pgettext("stats column", "snoozed"), 8),
        (pgettext("stats column", "due"), 5),
        (pgettext("stats column", "kept"), 6),
        (pgettext("stats column", "stretching"), 11),
        (pgettext("stats column", "longest sit"), 12),
        (f"{format_duration(LONG_BOUT_SECONDS)}+", 6),
        (pgettext("stats column", "breaks"), 7),
    ]
    return [(heading, max(width, shown_width(heading) + 1)) for heading, width in headings]


def print_stats(stats: Stats, days: int, goal: int) -> None:
    """Print the stats as a table for people, with the streak and each stretch's count."""
    heading = ngettext(
        "Last {days} day (goal: {goal} a day)", "Last {days} days (goal: {goal} a day)", days
    )
    print(heading.format(days=days, goal=goal))
    columns = _columns()
    widths = [width for _heading, width in columns]
    first, *rest = columns
    print(padded(first[0], first[1]) + "".join(padded(text, width, ">") for text, width in rest))
    for day in stats.days:
        kept = "-" if day.adherence is None else percent_text(day.adherence)
        cells = [
            day.done,
            day.skipped,
            day.snoozed,
            day.due,
            kept,
            format_duration(day.stretching_seconds),
            format_duration(day.longest_sitting_seconds),
            _long_of(day.bouts),
            day.bouts.natural_breaks,
        ]
        row = "".join(
            padded(cell, width, ">") for cell, width in zip(cells, widths[1:], strict=True)
        )
        print(f"{padded(day.date, widths[0])}{row}")
    print(sitting_line(stats.bouts))
    streak = ngettext(
        "Streak: {days} day (best {best})",
        "Streak: {days} days (best {best})",
        stats.current_streak,
    )
    print(streak.format(days=stats.current_streak, best=stats.best_streak))
    for exercise in stats.exercises:
        # Translators: a stretch's line in the stats: its name, how many were done, the last date.
        done = ngettext(
            "  {name}: {done} done, last {date}",
            "  {name}: {done} done, last {date}",
            exercise.done,
        )
        print(done.format(name=exercise.name, done=exercise.done, date=exercise.last_done))
