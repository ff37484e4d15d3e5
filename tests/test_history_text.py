"""Each kind of history row in words: names for ids, lengths in units (a table by hand)."""

import pytest

from backcare_tray.history_text import WORDING, event_words, history_line
from backcare_tray.stats import HistoryEntry

NAMES = {"hamstring-stretch": "Hamstring stretch", "calf-stretch": "Calf stretch"}

# (kind, exercise id, seconds, how) -> the words after the kind.
ROWS: list[tuple[str, str | None, int | None, str | None, str]] = [
    ("notified", "hamstring-stretch", None, "due", "Hamstring stretch fell due"),
    ("notified", "hamstring-stretch", None, "reminder", "Hamstring stretch still due (reminder)"),
    ("started", "calf-stretch", None, None, "Calf stretch (guided)"),
    ("done", "calf-stretch", 70, "guided", "Calf stretch (guided, 1m10s stretching)"),
    ("done", "calf-stretch", None, "menu", "Calf stretch (from the menu)"),
    ("done", "calf-stretch", None, "cli", "Calf stretch (from the command line)"),
    ("done", "calf-stretch", None, "notification", "Calf stretch (from a notification)"),
    ("done", "calf-stretch", 40, "menu", "Calf stretch (from the menu, 40s stretching)"),
    ("done", "calf-stretch", None, None, "Calf stretch"),
    ("snoozed", "hamstring-stretch", 600, None, "Hamstring stretch for 10m"),
    ("snoozed", "hamstring-stretch", 90, None, "Hamstring stretch for 1m30s"),
    ("skipped", "hamstring-stretch", None, None, "Hamstring stretch"),
    ("skipped", "gone-stretch", None, None, "gone-stretch"),  # no longer in the library
    ("cancelled", "calf-stretch", None, None, "Calf stretch (stopped, not counted)"),
    ("paused", "calf-stretch", 1800, None, "reminders for 30m"),
    ("paused", "calf-stretch", None, None, "reminders until resumed"),
    ("resumed", "calf-stretch", None, None, "reminders"),
    ("natural_break", "calf-stretch", 900, "idle", "away from the desk for 15m"),
    ("natural_break", "calf-stretch", 7200, "sleep", "the computer slept for 2h"),
    ("hours_started", "calf-stretch", None, None, ""),
    ("hours_ended", "calf-stretch", None, None, ""),
    ("daemon_started", None, None, None, ""),
    ("daemon_stopped", None, None, None, ""),
    ("jumped", "calf-stretch", 5, "high", "Calf stretch 5 high"),  # a later release's kind
]


@pytest.mark.parametrize(
    ("kind", "exercise", "seconds", "how", "words"), ROWS, ids=[f"{r[0]} {r[3]}" for r in ROWS]
)
def test_each_kind_in_words(
    kind: str, exercise: str | None, seconds: int | None, how: str | None, words: str
) -> None:
    """The words say what the row's seconds and how mean for its kind."""
    event = HistoryEntry("2026-11-24T08:00:00+00:00", "2026-11-24", kind, exercise, seconds, how)
    assert event_words(event, NAMES) == words


def test_every_kind_the_engine_and_daemon_write_has_its_wording() -> None:
    """No kind falls back on the raw columns: each record kind and daemon mark is worded."""
    from typing import get_args

    from backcare_tray.adapters.history import DaemonMark
    from backcare_tray.engine import RecordKind

    assert set(WORDING) == {*get_args(RecordKind), *get_args(DaemonMark)}


def test_a_line_is_time_kind_and_words() -> None:
    """The kind is padded so the words line up; a line with no words has no trailing space."""
    snoozed = HistoryEntry(
        "2026-11-24T08:00:00+00:00", "2026-11-24", "snoozed", "calf-stretch", 60, None
    )
    assert (
        history_line(snoozed, NAMES)
        == "2026-11-24T08:00:00+00:00  snoozed         Calf stretch for 1m"
    )
    started = HistoryEntry(
        "2026-11-24T08:00:00+00:00", "2026-11-24", "daemon_started", None, None, None
    )
    assert history_line(started, NAMES) == "2026-11-24T08:00:00+00:00  daemon_started"


def test_history_dates_in_words_read_as_strftime_does_in_english() -> None:
    """The chart's and the history's dates, named by the catalog, read as before in English."""
    from datetime import date, timedelta

    from backcare_tray.dates import day_and_month, weekday_and_day

    for back in range(400):
        on = date(2026, 12, 3) - timedelta(days=back)
        assert weekday_and_day(on) == on.strftime("%a %d")
        assert day_and_month(on) == on.strftime("%d %b")


def test_wide_characters_take_two_columns_so_japanese_lines_up() -> None:
    """A Japanese heading is padded by the columns a terminal shows it in, not its characters."""
    from backcare_tray.columns import padded, shown_width

    assert shown_width("スキップ") == 8 and shown_width("skipped") == 7
    assert padded("日付", 6) == "日付  " and padded("done", 6, ">") == "  done"
    assert shown_width(padded("スキップ", 11, ">")) == shown_width(padded("skipped", 11, ">"))
