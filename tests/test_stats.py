"""Stats against a hand-computed fixture week, with a DST change and days without events."""

import json
from datetime import date
from pathlib import Path

import pytest
from support.homes import use_home

from backcare_tray.adapters.history import History
from backcare_tray.cli import main
from backcare_tray.engine import Record
from backcare_tray.paths import app_paths
from backcare_tray.stats import HistoryEntry, compute_stats


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
    # Monday 26th (UTC+1): one done.
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
    monday = by_date["2026-10-26"]
    assert (monday.done, monday.due, monday.adherence) == (1, 1, 1.0)
    assert stats.current_streak == 0 and stats.best_streak == 1
    assert [(e.exercise_id, e.done, e.last_done) for e in stats.exercises] == [
        ("ball-squat", 1, "2026-10-26"),
        ("calf-stretch", 1, "2026-10-23"),
        ("hamstring-stretch", 1, "2026-10-23"),
    ]


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


def test_stats_command_json_and_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Stats read the history file directly; JSON and CSV carry the same figures."""
    history = user_history(tmp_path, monkeypatch)
    history.record(Record("notified", "ball-squat"))
    history.record(Record("done", "ball-squat", answered_by="menu"))
    history.close()
    assert main(["stats", "--days", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["goal"] == 6 and len(data["days"]) == 3
    assert data["days"][-1]["done"] == 1 and data["days"][-1]["adherence"] == 1.0
    assert main(["stats", "--days", "3", "--csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].startswith("date,done,skipped,snoozed,due,adherence")
    assert rows[-1].split(",")[1:6] == ["1", "0", "0", "1", "1.00"]
    assert main(["stats"]) == 0
    assert "Streak: 0 days" in capsys.readouterr().out


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
