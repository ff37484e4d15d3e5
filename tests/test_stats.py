"""Stats against a hand-computed fixture week, with a DST change and days without events."""

import json
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path

import pytest
from support.homes import use_home

from backcare_tray.adapters.history import History
from backcare_tray.cli import main
from backcare_tray.engine import Record
from backcare_tray.paths import app_paths
from backcare_tray.stats import BoutStats, HistoryEntry, compute_stats, last_days, sitting_bouts


def ev(
    at_utc: str,
    local_date: str,
    kind: str,
    exercise: str | None = "hamstring-stretch",
    seconds: int | None = None,
    how: str | None = None,
) -> HistoryEntry:
    """Return one history row."""
    return HistoryEntry(at_utc, local_date, kind, exercise, seconds, how)


# Berlin, the week the clocks go back (Sunday 2026-10-25, 03:00 CEST -> 02:00 CET).
WEEK = [
    # Friday 23rd (UTC+2): 2 due, 2 done (one guided, 70 s), sitting 08:00-08:45 and 08:46-09:46.
    ev("2026-10-23T06:00:00+00:00", "2026-10-23", "daemon_started", None),
    ev("2026-10-23T06:45:00+00:00", "2026-10-23", "notified", how="due"),
    ev("2026-10-23T06:46:00+00:00", "2026-10-23", "done", seconds=70, how="guided"),
    ev("2026-10-23T07:31:00+00:00", "2026-10-23", "notified", "calf-stretch", how="due"),
    ev("2026-10-23T07:36:00+00:00", "2026-10-23", "notified", "calf-stretch", how="reminder"),
    ev("2026-10-23T07:46:00+00:00", "2026-10-23", "done", "calf-stretch", how="cli"),
    ev("2026-10-23T08:00:00+00:00", "2026-10-23", "daemon_stopped", None),
    # Saturday 24th: nothing at all.
    # Sunday 25th, the DST day: a natural break of 30 min ends a sitting stretch of 1 h.
    ev("2026-10-25T08:00:00+00:00", "2026-10-25", "daemon_started", None),
    ev("2026-10-25T09:30:00+00:00", "2026-10-25", "natural_break", seconds=1800, how="idle"),
    ev("2026-10-25T09:40:00+00:00", "2026-10-25", "notified", how="due"),
    ev("2026-10-25T09:41:00+00:00", "2026-10-25", "snoozed", seconds=600),
    ev("2026-10-25T09:52:00+00:00", "2026-10-25", "skipped"),
    ev("2026-10-25T10:00:00+00:00", "2026-10-25", "daemon_stopped", None),
    # Monday 26th (UTC+1): one done, after sitting 31 min.
    ev("2026-10-26T07:30:00+00:00", "2026-10-26", "daemon_started", None),
    ev("2026-10-26T08:00:00+00:00", "2026-10-26", "notified", "ball-squat", how="due"),
    ev("2026-10-26T08:01:00+00:00", "2026-10-26", "done", "ball-squat", how="menu"),
]


def test_fixture_week_by_hand() -> None:
    """Every figure below was worked out by hand from WEEK."""
    stats = compute_stats(WEEK, date(2026, 10, 27), days=5, goal=2)
    by_date = {d.date: d for d in stats.days}
    assert [d.date for d in stats.days] == [
        "2026-10-23",
        "2026-10-24",
        "2026-10-25",
        "2026-10-26",
        "2026-10-27",
    ]
    friday = by_date["2026-10-23"]
    assert (friday.done, friday.skipped, friday.snoozed, friday.due) == (2, 0, 0, 2)
    assert friday.adherence == 1.0
    assert friday.stretching_seconds == 70
    assert friday.longest_sitting_seconds == 3600  # 06:46 -> 07:46 UTC
    saturday = by_date["2026-10-24"]
    assert (saturday.done, saturday.due, saturday.adherence) == (0, 0, None)
    sunday = by_date["2026-10-25"]
    assert (sunday.done, sunday.skipped, sunday.snoozed, sunday.due) == (0, 1, 1, 1)
    assert sunday.adherence == 0.0
    assert sunday.longest_sitting_seconds == 3600  # 08:00 -> 09:00 UTC, before the break
    # 08:00-09:00, 09:30-09:52 and 09:52-10:00; the snooze ended nothing.
    assert sunday.bouts == BoutStats(count=3, longest_seconds=3600, long=1, natural_breaks=1)
    monday = by_date["2026-10-26"]
    assert (monday.done, monday.due, monday.kept, monday.adherence) == (1, 1, 1, 1.0)
    assert monday.bouts == BoutStats(count=1, longest_seconds=1860, long=1)
    assert friday.bouts == BoutStats(count=3, longest_seconds=3600, long=2)  # 46m, 1h, 14m
    assert stats.bouts == BoutStats(count=7, longest_seconds=3600, long=4, natural_breaks=1)
    assert stats.bouts.long_share == 4 / 7
    assert stats.current_streak == 0 and stats.best_streak == 1
    assert [(e.exercise_id, e.name, e.done, e.last_done) for e in stats.exercises] == [
        ("ball-squat", "ball-squat", 1, "2026-10-26"),  # no names given: the ids
        ("calf-stretch", "calf-stretch", 1, "2026-10-23"),
        ("hamstring-stretch", "hamstring-stretch", 1, "2026-10-23"),
    ]
    names = {"ball-squat": "Ball squat", "hamstring-stretch": "Hamstring stretch"}
    named = compute_stats(WEEK, date(2026, 10, 27), days=5, goal=2, names=names)
    assert [e.name for e in named.exercises] == ["Ball squat", "calf-stretch", "Hamstring stretch"]


def test_streaks() -> None:
    """Today counts once met; a day not yet met does not break yesterday's streak."""
    events = [
        ev(f"2026-11-{d:02d}T10:00:00+00:00", f"2026-11-{d:02d}", "done")
        for d in (1, 2, 3, 5, 6, 7)
        for _ in range(2)
    ]
    assert compute_stats(events, date(2026, 11, 7), 7, 2).current_streak == 3
    assert compute_stats(events, date(2026, 11, 8), 7, 2).current_streak == 3
    assert compute_stats(events, date(2026, 11, 9), 7, 2).current_streak == 0
    assert compute_stats(events, date(2026, 11, 9), 7, 2).best_streak == 3


def user_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> History:
    """Point the user dirs at tmp_path and return the history the commands will read."""
    use_home(monkeypatch, tmp_path)
    return History(app_paths().history)


def yesterday_at(clock: str) -> float:
    """Return the wall time of a local clock time yesterday, e.g. "10:45"."""
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime.combine(date.today() - timedelta(days=1), dt_time(hour, minute)).timestamp()


def record_yesterday(history: History) -> None:
    """Record a morning: due at 10:45, done from the menu at 10:46, stopped at 11:00."""
    history.record("daemon_started", yesterday_at("10:00"))
    history.record(Record("notified", "ball-squat"), yesterday_at("10:45"))
    history.record(Record("done", "ball-squat", answered_by="menu"), yesterday_at("10:46"))
    history.record(Record("done", "retired-stretch", answered_by="menu"), yesterday_at("10:50"))
    history.record("daemon_stopped", yesterday_at("11:00"))
    history.close()


def test_stats_command_json_and_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Stats read the history file directly; JSON and CSV carry the same figures, with names."""
    record_yesterday(user_history(tmp_path, monkeypatch))
    assert main(["stats", "--days", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["goal"] == 6 and len(data["days"]) == 3
    yesterday = data["days"][1]
    assert (yesterday["done"], yesterday["due"], yesterday["kept"]) == (2, 1, 1)
    assert yesterday["adherence"] == 1.0 and yesterday["longest_sitting_seconds"] == 46 * 60
    assert "bouts" not in yesterday  # they are under the top-level bouts
    assert data["exercises"] == [
        {
            "exercise_id": "ball-squat",
            "name": "Ball squat",
            "done": 1,
            "last_done": yesterday["date"],
        },
        {
            "exercise_id": "retired-stretch",
            "name": "retired-stretch",
            "done": 1,
            "last_done": yesterday["date"],
        },
    ]
    bouts = data["bouts"]
    assert bouts["long_seconds"] == 1800
    assert [day["date"] for day in bouts["days"]] == [day["date"] for day in data["days"]]
    # 10:00-10:46 (long), 10:46-10:50, 10:50-11:00.
    assert bouts["days"][1] == {
        "date": yesterday["date"],
        "count": 3,
        "longest_seconds": 46 * 60,
        "long": 1,
        "natural_breaks": 0,
        "long_share": 1 / 3,
    }
    assert bouts["days"][0]["long_share"] is None
    assert bouts["summary"] == {
        "count": 3,
        "longest_seconds": 46 * 60,
        "long": 1,
        "natural_breaks": 0,
        "long_share": 1 / 3,
    }
    assert main(["stats", "--days", "3", "--csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == (
        "date,done,skipped,snoozed,due,adherence,stretching_seconds,longest_sitting_seconds,"
        "kept,bouts,long_bouts,natural_breaks"
    )
    assert rows[2].split(",")[1:] == ["2", "0", "0", "1", "1.00", "0", "2760", "1", "3", "1", "0"]
    assert main(["stats", "--days", "3"]) == 0
    text = capsys.readouterr().out
    assert "Streak: 0 days" in text
    line = (
        f"{yesterday['date']}     2       0       0    1  100%         0s         46m   1/3      0"
    )
    assert line in text.splitlines()
    assert "Sitting: longest 46m; 1 of 3 bouts 30m or longer (33%); 0 natural breaks" in text
    assert "  Ball squat: 1 done, last " in text
    assert "  retired-stretch: 1 done, last " in text  # no longer in the library: its id


def test_chart_is_drawn_with_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--chart writes a PNG of the week; without matplotlib it names the extra to install."""
    history = user_history(tmp_path, monkeypatch)
    for exercise in ("ball-squat", "calf-stretch", "calf-stretch"):
        history.record(Record("done", exercise, answered_by="menu"))
    history.close()
    chart = tmp_path / "week.png"
    assert main(["stats", "--chart", str(chart)]) == 0
    legend = tmp_path / "week.svg"  # the format follows the suffix: SVG keeps the text
    assert main(["stats", "--chart", str(legend)]) == 0
    drawn = legend.read_text(encoding="utf-8")
    assert "Ball squat" in drawn and "Calf stretch" in drawn and "calf-stretch" not in drawn
    assert chart.read_bytes().startswith(b"\x89PNG")
    from PIL import Image

    with Image.open(chart) as image:
        assert image.size == (800, 450)
        assert len(image.convert("RGB").getcolors(maxcolors=100_000) or []) > 5  # not blank
    monkeypatch.setitem(__import__("sys").modules, "matplotlib", None)
    capsys.readouterr()
    assert main(["stats", "--chart", str(tmp_path / "no.png")]) == 1
    assert "pip install 'backcare-tray[charts]'" in capsys.readouterr().err


def test_the_daemon_never_imports_matplotlib() -> None:
    """Only the chart command loads matplotlib."""
    import subprocess
    import sys

    probe = (
        "import sys, backcare_tray.cli, backcare_tray.daemon, backcare_tray.stats; "
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "False"


def test_tray_tally_and_streak_helpers() -> None:
    """The tray says "Today: 4 of 6 - streak 3 days"; streaks count back from a given day."""
    from backcare_tray.stats import days_meeting_goal, done_per_day, streak_ending
    from backcare_tray.wording import today_line

    assert today_line(4, 6, 3) == "Today: 4 of 6 - streak 3 days"
    assert today_line(6, 6, 1) == "Today: 6 of 6 - streak 1 day"
    events = [
        ev(f"2026-11-{d:02d}T10:00:00+00:00", f"2026-11-{d:02d}", "done")
        for d in (20, 21, 22)
        for _ in range(6)
    ]
    met = days_meeting_goal(done_per_day(events), 6)
    assert met == {"2026-11-20", "2026-11-21", "2026-11-22"}
    assert streak_ending(met, date(2026, 11, 22)) == 3
    assert streak_ending(met, date(2026, 11, 23)) == 0


def row(
    when: str,
    kind: str,
    seconds: int | None = None,
    how: str | None = None,
    exercise: str | None = "hamstring-stretch",
) -> HistoryEntry:
    """Return a row at "YYYY-MM-DD HH:MM" UTC, dated that day (the local zone is UTC here)."""
    day, clock = when.split()
    return HistoryEntry(f"{day}T{clock}:00+00:00", day, kind, exercise, seconds, how)


TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 9, 10, tzinfo=UTC)

# (rows, now, the bouts as (local date, minutes, still going)), each worked out by hand.
BOUTS: dict[str, tuple[list[HistoryEntry], datetime | None, list[tuple[str, float, bool]]]] = {
    "a due stretch left unanswered runs on to now": (
        [
            row("2026-11-24 08:00", "daemon_started", exercise=None),
            row("2026-11-24 08:45", "notified", how="due"),
            row("2026-11-24 08:50", "notified", how="reminder"),
        ],
        NOW,
        [("2026-11-24", 70, True)],
    ),
    "without now an open bout is left out": (
        [
            row("2026-11-24 08:00", "daemon_started", exercise=None),
            row("2026-11-24 08:45", "notified", how="due"),
        ],
        None,
        [],
    ),
    "the sit after a stretch done runs on to now": (
        [
            row("2026-11-24 08:00", "daemon_started", exercise=None),
            row("2026-11-24 08:45", "notified", how="due"),
            row("2026-11-24 08:46", "done", how="notification"),
        ],
        NOW,
        [("2026-11-24", 46, False), ("2026-11-24", 24, True)],
    ),
    "one still open from yesterday is not run on to now": (
        [
            row("2026-11-23 16:00", "daemon_started", exercise=None),
            row("2026-11-23 16:30", "skipped"),
        ],
        NOW,
        [("2026-11-23", 30, False)],
    ),
    "a snooze and its return end nothing; the done does": (
        [
            row("2026-11-24 08:00", "daemon_started", exercise=None),
            row("2026-11-24 08:45", "notified", how="due"),
            row("2026-11-24 08:46", "snoozed", seconds=600),
            row("2026-11-24 08:56", "notified", how="due"),
            row("2026-11-24 08:57", "done", how="menu"),
            row("2026-11-24 09:00", "daemon_stopped", exercise=None),
        ],
        NOW,
        [("2026-11-24", 57, False), ("2026-11-24", 3, False)],
    ),
    "a guided routine ends the sit when it starts": (
        [
            row("2026-11-24 08:00", "daemon_started", exercise=None),
            row("2026-11-24 08:45", "notified", how="due"),
            row("2026-11-24 08:50", "started"),
            row("2026-11-24 08:53", "done", seconds=150, how="guided"),
        ],
        NOW,
        [("2026-11-24", 50, False), ("2026-11-24", 17, True)],
    ),
    "a routine under way now ended the sit when it started": (
        [
            row("2026-11-24 08:00", "daemon_started", exercise=None),
            row("2026-11-24 09:08", "started"),
        ],
        NOW,
        [("2026-11-24", 68, False)],
    ),
    "a stopped routine goes back to the same sit": (
        [
            row("2026-11-24 08:00", "daemon_started", exercise=None),
            row("2026-11-24 08:45", "notified", how="due"),
            row("2026-11-24 08:46", "started"),
            row("2026-11-24 08:47", "cancelled"),
            row("2026-11-24 08:55", "skipped"),
            row("2026-11-24 08:58", "paused"),
        ],
        NOW,
        [("2026-11-24", 55, False), ("2026-11-24", 3, False)],
    ),
    "a natural break ends the sit when the person left": (
        [
            row("2026-11-24 08:00", "daemon_started", exercise=None),
            row("2026-11-24 08:40", "natural_break", seconds=900, how="idle"),
            row("2026-11-24 09:00", "daemon_stopped", exercise=None),
        ],
        NOW,
        [("2026-11-24", 25, False), ("2026-11-24", 20, False)],
    ),
    "a bout over midnight belongs to the day it began": (
        [
            row("2026-11-22 23:40", "daemon_started", exercise=None),
            row("2026-11-23 00:20", "daemon_stopped", exercise=None),
        ],
        NOW,
        [("2026-11-22", 40, False)],
    ),
    "a stretch done while paused starts no sit": (
        [
            row("2026-11-24 08:00", "daemon_started", exercise=None),
            row("2026-11-24 08:10", "paused", seconds=3600),
            row("2026-11-24 08:15", "started"),
            row("2026-11-24 08:17", "done", seconds=110, how="guided"),
            row("2026-11-24 08:30", "daemon_stopped", exercise=None),
        ],
        NOW,
        [("2026-11-24", 10, False)],
    ),
    "resumed and working hours start sits; their end is counted": (
        [
            row("2026-11-24 07:00", "paused"),
            row("2026-11-24 07:20", "resumed"),
            row("2026-11-24 07:30", "hours_ended"),
            row("2026-11-24 08:00", "hours_started"),
            row("2026-11-24 08:35", "daemon_stopped", exercise=None),
        ],
        NOW,
        [("2026-11-24", 10, False), ("2026-11-24", 35, False)],
    ),
    "a sit whose end was never written (a crash) is left out": (
        [
            row("2026-11-24 06:00", "daemon_started", exercise=None),
            row("2026-11-24 06:30", "done", how="cli"),
            row("2026-11-24 08:00", "daemon_started", exercise=None),
            row("2026-11-24 08:20", "daemon_stopped", exercise=None),
        ],
        NOW,
        [("2026-11-24", 30, False), ("2026-11-24", 20, False)],
    ),
    "a restart while paused starts no sit; the resume does": (
        [
            row("2026-11-24 07:00", "daemon_started", exercise=None),
            row("2026-11-24 07:30", "paused", seconds=3600),
            row("2026-11-24 07:40", "daemon_stopped", exercise=None),
            row("2026-11-24 07:50", "daemon_started", exercise=None),
            row("2026-11-24 08:30", "resumed"),
            row("2026-11-24 08:50", "daemon_stopped", exercise=None),
            row("2026-11-24 09:00", "daemon_started", exercise=None),
        ],
        NOW,
        [("2026-11-24", 30, False), ("2026-11-24", 20, False), ("2026-11-24", 10, True)],
    ),
    "a restart after working hours starts no sit; their start does": (
        [
            row("2026-11-23 17:00", "hours_ended"),
            row("2026-11-23 19:00", "daemon_started", exercise=None),
            row("2026-11-23 21:00", "daemon_stopped", exercise=None),
            row("2026-11-24 08:00", "daemon_started", exercise=None),
            row("2026-11-24 08:01", "hours_started"),
        ],
        NOW,
        [("2026-11-24", 69, True)],
    ),
    "a sit of no time at all is none": (
        [
            row("2026-11-24 08:00", "daemon_started", exercise=None),
            row("2026-11-24 08:00", "daemon_stopped", exercise=None),
        ],
        NOW,
        [],
    ),
}


@pytest.mark.parametrize(("rows", "now", "expected"), BOUTS.values(), ids=BOUTS.keys())
def test_sitting_bouts(
    rows: list[HistoryEntry], now: datetime | None, expected: list[tuple[str, float, bool]]
) -> None:
    """Each bout runs from a start to the next end, as the engine sits; worked out by hand."""
    found = [(b.local_date, b.seconds / 60, b.still_going) for b in sitting_bouts(rows, TODAY, now)]
    assert found == expected


def test_the_longest_sit_today_counts_the_one_still_going() -> None:
    """Right after a sit that ended in a due stretch, today's longest sit is no longer 0s."""
    rows = BOUTS["a due stretch left unanswered runs on to now"][0]
    (today,) = compute_stats(rows, TODAY, 1, 6, now=NOW).days
    assert today.longest_sitting_seconds == 70 * 60
    assert today.bouts == BoutStats(count=1, longest_seconds=70 * 60, long=1)
    assert compute_stats(rows, TODAY, 1, 6).days[0].longest_sitting_seconds == 0  # no now


def test_bouts_per_day_and_for_the_window() -> None:
    """Per day: bouts, the longest, those of 30 min or more and natural breaks; then all."""
    rows = [
        row("2026-11-23 08:00", "daemon_started", exercise=None),
        row("2026-11-23 08:29", "natural_break", seconds=60, how="idle"),  # 28 min: not long
        row("2026-11-23 09:00", "natural_break", seconds=60, how="sleep"),  # 30 min: long
        row("2026-11-23 09:45", "done", how="menu"),  # 45 min
        row("2026-11-23 10:00", "daemon_stopped", exercise=None),  # 15 min
        row("2026-11-24 08:00", "daemon_started", exercise=None),  # 70 min up to now
    ]
    stats = compute_stats(rows, TODAY, 3, 6, now=NOW)
    assert [d.bouts for d in stats.days] == [
        BoutStats(),
        BoutStats(count=4, longest_seconds=45 * 60, long=2, natural_breaks=2),
        BoutStats(count=1, longest_seconds=70 * 60, long=1),
    ]
    assert [d.bouts.long_share for d in stats.days] == [None, 0.5, 1.0]
    assert stats.bouts == BoutStats(count=5, longest_seconds=70 * 60, long=3, natural_breaks=2)
    assert stats.bouts.long_share == 0.6


# (rows, per date: done, due, kept, adherence), each worked out by hand.
KEPT: dict[str, tuple[list[HistoryEntry], dict[str, tuple[int, int, int, float | None]]]] = {
    "five done of four due, one done early, is 4 of 4": (
        [
            *[
                r
                for hour in (8, 9, 10, 11)
                for r in (
                    row(f"2026-11-24 {hour:02d}:00", "notified", how="due"),
                    row(f"2026-11-24 {hour:02d}:05", "done", how="notification"),
                )
            ],
            row("2026-11-24 11:30", "started"),  # early, from the menu: nothing was due
            row("2026-11-24 11:32", "done", seconds=100, how="guided"),
        ],
        {"2026-11-24": (5, 4, 4, 1.0)},
    ),
    "a snoozed stretch coming back is one stretch due": (
        [
            row("2026-11-24 08:00", "notified", how="due"),
            row("2026-11-24 08:01", "snoozed", seconds=600),
            row("2026-11-24 08:11", "notified", how="due"),
            row("2026-11-24 08:16", "notified", how="reminder"),
            row("2026-11-24 08:20", "done", how="cli"),
        ],
        {"2026-11-24": (1, 1, 1, 1.0)},
    ),
    "skipped, left for a break or paused is due, not kept": (
        [
            row("2026-11-24 08:00", "notified", how="due"),
            row("2026-11-24 08:05", "skipped"),
            row("2026-11-24 09:00", "notified", how="due"),
            row("2026-11-24 09:20", "natural_break", seconds=900, how="idle"),
            row("2026-11-24 10:00", "notified", how="due"),
            row("2026-11-24 10:01", "paused", seconds=1800),
            row("2026-11-24 10:05", "started"),  # done while paused: nothing is due
            row("2026-11-24 10:07", "done", seconds=100, how="guided"),
        ],
        {"2026-11-24": (1, 3, 0, 0.0)},
    ),
    "done the next morning after a restart: kept on the day it fell due": (
        [
            row("2026-11-23 16:55", "notified", how="due"),
            row("2026-11-23 17:00", "daemon_stopped", exercise=None),
            row("2026-11-24 08:00", "daemon_started", exercise=None),
            row("2026-11-24 08:00", "notified", how="reminder"),
            row("2026-11-24 08:02", "done", how="notification"),
        ],
        {"2026-11-23": (0, 1, 1, 1.0), "2026-11-24": (1, 0, 0, None)},
    ),
    "a history that begins with a reminder: that stretch was due": (
        [
            row("2026-11-24 08:00", "notified", how="reminder"),
            row("2026-11-24 08:03", "done", how="menu"),
        ],
        {"2026-11-24": (1, 1, 1, 1.0)},
    ),
}


@pytest.mark.parametrize(("rows", "expected"), KEPT.values(), ids=KEPT.keys())
def test_kept_counts_only_stretches_done_when_due(
    rows: list[HistoryEntry], expected: dict[str, tuple[int, int, int, float | None]]
) -> None:
    """Kept is done in answer to a due stretch out of those that fell due: never above 100%."""
    stats = compute_stats(rows, TODAY, 2, 6, now=NOW)
    found = {d.date: (d.done, d.due, d.kept, d.adherence) for d in stats.days if d.done or d.due}
    assert found == expected


def test_the_last_days_of_a_window_are_its_own_stats_for_those_days() -> None:
    """A week taken from a month's stats equals the week's own: days, bouts, streaks."""
    rows = [r for case in BOUTS.values() for r in case[0]]
    month = compute_stats(rows, TODAY, 30, 1, now=NOW)
    assert last_days(month, 7) == compute_stats(rows, TODAY, 7, 1, now=NOW)
    assert last_days(month, 7).bouts.count > 0
