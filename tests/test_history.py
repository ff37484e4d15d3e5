"""The SQLite history on real files: round trips, SIGKILL mid-burst, migrations, corruption."""

import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from support.homes import use_home
from support.platforms import linux_only

from backcare_tray.adapters.history import (
    SCHEMA_VERSION,
    Columns,
    DaemonMark,
    History,
    read_events,
    stored_columns,
)
from backcare_tray.cli import main
from backcare_tray.engine import Record, RecordKind
from backcare_tray.paths import app_paths
from backcare_tray.report import DayCounts


def test_events_round_trip_with_dates_and_durations(tmp_path: Path) -> None:
    """Each event keeps its kind, exercise, seconds, how, UTC time and local date."""
    history = History(tmp_path / "history.sqlite3")
    snoozed = Record("snoozed", "calf-stretch", snooze_seconds=600)
    assert history.record(snoozed, wall=1_795_000_000.0)
    assert history.record(Record("done", "calf-stretch", answered_by="guided"), 1_795_000_900.0)
    history.close()
    events = list(read_events(tmp_path / "history.sqlite3"))
    assert [(e.kind, e.exercise_id, e.seconds, e.how) for e in events] == [
        ("snoozed", "calf-stretch", 600, None),
        ("done", "calf-stretch", None, "guided"),
    ]
    assert events[0].at_utc == "2026-11-18T11:06:40+00:00"
    assert events[0].local_date == date.fromtimestamp(1_795_000_000.0).isoformat()


def test_day_counts_and_since(tmp_path: Path) -> None:
    """Counts per kind for one local date; --since filters by local date."""
    history = History(tmp_path / "h.sqlite3")
    kinds: tuple[RecordKind, ...] = ("done", "done", "snoozed", "skipped")
    for kind in kinds:
        history.record(Record(kind, "ball-squat"), wall=1_795_000_000.0)
    history.record(Record("done", "ball-squat"), wall=1_795_000_000.0 + 3 * 86400)
    on = date.fromtimestamp(1_795_000_000.0)
    assert history.day_counts(on) == DayCounts(on.isoformat(), done=2, snoozed=1, skipped=1)
    later = date.fromtimestamp(1_795_000_000.0 + 3 * 86400)
    assert [e.local_date for e in read_events(tmp_path / "h.sqlite3", later)] == [later.isoformat()]
    # What the daemon reads for the streak: one number a day, not every event.
    assert history.done_per_day() == {on.isoformat(): 2, later.isoformat(): 1}


def test_wal_mode_and_schema_version(tmp_path: Path) -> None:
    """The file is in WAL mode and carries its schema version."""
    History(tmp_path / "h.sqlite3").close()
    connection = sqlite3.connect(tmp_path / "h.sqlite3")
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_sigkill_mid_burst_loses_no_acknowledged_event(tmp_path: Path) -> None:
    """Every event the writer said was saved is in the file after kill -9."""
    path = tmp_path / "h.sqlite3"
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from pathlib import Path\n"
            "from backcare_tray.adapters.history import History\n"
            "from backcare_tray.engine import Record\n"
            "h = History(Path(sys.argv[1]))\n"
            "n = 0\n"
            "while True:\n"
            "    assert h.record(Record('done', f'ex-{n}'))\n"
            "    print(n, flush=True)\n"
            "    n += 1\n",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    acknowledged = [writer.stdout.readline() for _ in range(200)]
    writer.kill()
    writer.wait()
    acknowledged += writer.stdout.read().splitlines()
    saved = {e.exercise_id for e in read_events(path)}
    assert {f"ex-{line.strip()}" for line in acknowledged if line.strip()} <= saved


def test_migrates_an_empty_version_0_file(tmp_path: Path) -> None:
    """A file from before the first schema (version 0) is brought up to date."""
    path = tmp_path / "h.sqlite3"
    sqlite3.connect(path).close()
    history = History(path)
    assert history.saving and history.note is None
    assert history.record(Record("done", "x"))


def test_a_newer_schema_is_left_alone(tmp_path: Path) -> None:
    """A file written by a newer release is neither migrated nor moved: saving just stops."""
    path = tmp_path / "h.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    history = History(path)
    assert not history.saving and "newer" in (history.note or "")
    assert not history.record(Record("done", "x"))
    assert list(tmp_path.iterdir()) == [path]


def test_corrupt_file_is_set_aside_and_a_fresh_one_started(tmp_path: Path) -> None:
    """A file that is not a database is kept under a timestamped name; saving goes on."""
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    history = History(path)
    kept = list(tmp_path.glob("h.sqlite3.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"this is not")
    assert history.saving and "kept as" in (history.note or "")
    assert history.record(Record("done", "x"))


def test_unwritable_place_is_reported_not_raised(tmp_path: Path) -> None:
    """Where no file can be made at all, history says it is not saving and nothing raises."""
    history = History(Path("/proc/self/no-such-dir/history.sqlite3"))
    assert not history.saving
    assert not history.record(Record("done", "x"))
    assert "not being saved" in (history.note or "")


def test_disk_full_stops_saving_and_it_resumes_once_there_is_room(tmp_path: Path) -> None:
    """SQLite's own "database or disk is full" is survived, and saving picks up again."""
    history = History(tmp_path / "h.sqlite3")
    assert history.record(Record("done", "first"))
    connection = sqlite3.connect(tmp_path / "h.sqlite3")
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.close()
    assert history._connection is not None
    history._connection.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now full
    for n in range(500):
        if not history.record(Record("done", f"filler-{n}" + "x" * 500)):
            break
    else:
        raise AssertionError("the database never filled up")
    assert not history.saving and "full" in (history.note or "")
    history._connection.execute("PRAGMA max_page_count = 100000")
    assert history.record(Record("done", "after"))
    assert history.saving and history.note is None


def test_history_command_prints_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """backcare-tray history --csv reads the file directly, daemon or not."""
    use_home(monkeypatch, tmp_path)
    history = History(app_paths().history)
    history.record(Record("done", "hip-flexor-stretch", answered_by="cli"), wall=1_795_000_000.0)
    history.close()
    assert main(["history", "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "at_utc,local_date,kind,exercise_id,seconds,how,name"
    assert lines[1].startswith("2026-11-18T11:06:40+00:00,")
    assert lines[1].endswith(",done,hip-flexor-stretch,,cli,Hip flexor stretch")


def test_history_command_prints_names_and_units(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each line says what happened in words, with the stretch's name and lengths in units."""
    use_home(monkeypatch, tmp_path)
    history = History(app_paths().history)
    at = 1_795_000_000.0  # 2026-11-18T11:06:40 UTC
    history.record("daemon_started", at)
    history.record(Record("notified", "hamstring-stretch"), at + 60)
    history.record(Record("snoozed", "hamstring-stretch", snooze_seconds=60), at + 120)
    history.record(Record("notified", "hamstring-stretch", reminder=True), at + 180)
    history.record(Record("started", "hamstring-stretch"), at + 240)
    done = Record("done", "hamstring-stretch", answered_by="guided", stretching_seconds=95)
    history.record(done, at + 340)
    history.record(
        Record("natural_break", "calf-stretch", cause="idle", away_seconds=900), at + 400
    )
    history.record(Record("paused", "calf-stretch", pause_seconds=5400), at + 460)
    history.record(Record("skipped", "retired-stretch"), at + 520)
    history.close()
    assert main(["history"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "2026-11-18T11:06:40+00:00  daemon_started",
        "2026-11-18T11:07:40+00:00  notified        Hamstring stretch fell due",
        "2026-11-18T11:08:40+00:00  snoozed         Hamstring stretch for 1m",
        "2026-11-18T11:09:40+00:00  notified        Hamstring stretch still due (reminder)",
        "2026-11-18T11:10:40+00:00  started         Hamstring stretch (guided)",
        "2026-11-18T11:12:20+00:00  done            Hamstring stretch (guided, 1m35s stretching)",
        "2026-11-18T11:13:20+00:00  natural_break   away from the desk for 15m",
        "2026-11-18T11:14:20+00:00  paused          reminders for 1h30m",
        "2026-11-18T11:15:20+00:00  skipped         retired-stretch",
    ]


def test_history_with_a_broken_config_still_prints_with_built_in_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A config with a mistake says so on stderr; the events are printed all the same."""
    use_home(monkeypatch, tmp_path)
    history = History(app_paths().history)
    history.record(Record("skipped", "calf-stretch"), 1_795_000_000.0)
    history.close()
    broken = tmp_path / "broken.toml"
    broken.write_text('[schedule]\nsitting_interval = "soon"\n', encoding="utf-8")
    assert main(["history", "--config", str(broken)]) == 0
    out, err = capsys.readouterr()
    assert out == "2026-11-18T11:06:40+00:00  skipped         Calf stretch\n"
    assert "sitting_interval" in err and "the built-in stretches' names are shown" in err


@linux_only("time.tzset, which changes the local zone in the process, is POSIX only")
def test_history_csv_over_a_dst_week(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Local dates follow the zone across the night the clocks go back; --since filters."""
    import time
    from datetime import datetime

    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
        history = History(tmp_path / "backcare-tray" / "history.sqlite3")
        week: list[tuple[str, RecordKind]] = [
            ("2026-10-23T21:30:00+00:00", "done"),  # 23:30 CEST, the 23rd
            ("2026-10-24T22:30:00+00:00", "snoozed"),  # 00:30 CEST, the 25th
            ("2026-10-25T22:30:00+00:00", "skipped"),  # 23:30 CET, the 25th
        ]
        for stamp, kind in week:
            wall = datetime.fromisoformat(stamp).timestamp()
            history.record(Record(kind, "calf-stretch"), wall=wall)
        history.close()
        assert main(["history", "--csv", "--since", "2026-10-24"]) == 0
        rows = capsys.readouterr().out.splitlines()
        assert rows[1:] == [
            "2026-10-24T22:30:00+00:00,2026-10-25,snoozed,calf-stretch,,,Calf stretch",
            "2026-10-25T22:30:00+00:00,2026-10-25,skipped,calf-stretch,,,Calf stretch",
        ]
    finally:
        monkeypatch.undo()
        time.tzset()


# Every record the engine makes, and the columns it has always been stored in: the file's
# layout is the same both ways, so older and newer releases read each other's files.
STORED: list[tuple[Record | DaemonMark, Columns]] = [
    (Record("done", "calf-stretch", answered_by="menu"), ("done", "calf-stretch", None, "menu")),
    (Record("done", "calf-stretch", answered_by="cli"), ("done", "calf-stretch", None, "cli")),
    (
        Record("done", "calf-stretch", answered_by="notification"),
        ("done", "calf-stretch", None, "notification"),
    ),
    (
        Record("done", "calf-stretch", answered_by="guided", stretching_seconds=70),
        ("done", "calf-stretch", 70, "guided"),
    ),
    (
        Record("done", "calf-stretch", answered_by="menu", stretching_seconds=3),
        ("done", "calf-stretch", 3, "menu"),
    ),
    (Record("notified", "calf-stretch"), ("notified", "calf-stretch", None, "due")),
    (
        Record("notified", "calf-stretch", reminder=True),
        ("notified", "calf-stretch", None, "reminder"),
    ),
    (
        Record("snoozed", "calf-stretch", snooze_seconds=600),
        ("snoozed", "calf-stretch", 600, None),
    ),
    (Record("paused", "calf-stretch", pause_seconds=3600), ("paused", "calf-stretch", 3600, None)),
    (Record("paused", "calf-stretch"), ("paused", "calf-stretch", None, None)),
    (
        Record("natural_break", "calf-stretch", cause="idle", away_seconds=600),
        ("natural_break", "calf-stretch", 600, "idle"),
    ),
    (
        Record("natural_break", "calf-stretch", cause="sleep", away_seconds=7200),
        ("natural_break", "calf-stretch", 7200, "sleep"),
    ),
    (Record("started", "calf-stretch"), ("started", "calf-stretch", None, None)),
    (Record("skipped", "calf-stretch"), ("skipped", "calf-stretch", None, None)),
    (Record("resumed", "calf-stretch"), ("resumed", "calf-stretch", None, None)),
    (Record("cancelled", "calf-stretch"), ("cancelled", "calf-stretch", None, None)),
    (Record("hours_started", "calf-stretch"), ("hours_started", "calf-stretch", None, None)),
    (Record("hours_ended", "calf-stretch"), ("hours_ended", "calf-stretch", None, None)),
    ("daemon_started", ("daemon_started", None, None, None)),
    ("daemon_stopped", ("daemon_stopped", None, None, None)),
]


@pytest.mark.parametrize(("entry", "columns"), STORED)
def test_each_record_is_stored_in_the_columns_it_always_had(
    entry: Record | DaemonMark, columns: Columns
) -> None:
    """A record's typed fields land in the kind, exercise_id, seconds and how columns."""
    assert stored_columns(entry) == columns


def test_a_written_record_reads_back_as_its_columns(tmp_path: Path) -> None:
    """What History.record writes is what read_events returns, column for column."""
    history = History(tmp_path / "h.sqlite3")
    for entry, _ in STORED:
        assert history.record(entry, wall=1_795_000_000.0)
    history.close()
    rows = [(e.kind, e.exercise_id, e.seconds, e.how) for e in read_events(tmp_path / "h.sqlite3")]
    assert rows == [columns for _, columns in STORED]


def test_rows_written_by_an_earlier_release_are_read(tmp_path: Path) -> None:
    """A file filled with plain INSERTs in today's layout (as earlier releases wrote) reads."""
    path = tmp_path / "h.sqlite3"
    History(path).close()
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "INSERT INTO events (at_utc, local_date, kind, exercise_id, seconds, how) "
            "VALUES ('2026-10-25T09:30:00+00:00', '2026-10-25', 'natural_break', 'x', 1800, "
            "'idle')"
        )
    connection.close()
    [entry] = read_events(path)
    assert (entry.kind, entry.exercise_id, entry.seconds, entry.how) == (
        "natural_break",
        "x",
        1800,
        "idle",
    )
