"""Events the history cannot take yet: kept in order, written once, never a sound file set aside.

Real failures on real files, no root: a folder where the database file should be (SQLite
cannot open it), a write lock held by another connection, a page limit (SQLite's own "disk
is full"), damaged bytes, a spool whose folder is a file. The full disk, the read-only
mounts and the installed daemon are in test_history_faults.py (desktop: they need mounts).
"""

import json
import logging
import os
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from support.platforms import linux_only

from backcare_tray.adapters.history import (
    WAITING_LIMIT,
    History,
    is_damage,
    read_events,
    set_aside,
)
from backcare_tray.adapters.history_spool import Spool
from backcare_tray.engine import Record

WALL = 1_795_000_000.0


def kinds_and_ids(path: Path) -> list[tuple[str, str | None]]:
    """Return each stored event's kind and exercise, oldest first."""
    return [(e.kind, e.exercise_id) for e in read_events(path)]


def set_aside_files(folder: Path) -> list[Path]:
    """Return the databases set aside in a folder (not their WAL files)."""
    kept = folder.glob("h.sqlite3.corrupt-*")
    return sorted(p for p in kept if not p.name.endswith(("-wal", "-shm")))


def blocked(path: Path) -> Path:
    """Put a folder where the database file goes, so SQLite cannot open it; return it."""
    path.mkdir(parents=True)
    return path


def history_with_events(path: Path, *exercises: str) -> None:
    """Write a history holding a done event per exercise."""
    history = History(path)
    for exercise in exercises:
        assert history.record(Record("done", exercise), WALL)
    history.close()


def a_malformed_file(path: Path) -> None:
    """Write a history and spoil the page its events table lives on."""
    history_with_events(path, *[f"ex-{n}" for n in range(50)])
    data = bytearray(path.read_bytes())
    page = 4096
    data[2 * page : 2 * page + 64] = b"\xff" * 64  # the events table's root page header
    path.write_bytes(bytes(data))


def sqlite_error(action: str, tmp: Path) -> sqlite3.Error:
    """Return the real error SQLite raises for one kind of trouble."""
    path = tmp / f"{action}.sqlite3"
    try:
        if action == "not a database":
            path.write_bytes(b"this is not a database" * 100)
            sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()
        elif action == "malformed":
            a_malformed_file(path)
            sqlite3.connect(path).execute("SELECT count(*) FROM events").fetchall()
        elif action == "cannot open":
            blocked(path)
            sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()
        elif action == "read-only":
            history_with_events(path, "x")
            reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            reader.execute("INSERT INTO events (at_utc, local_date, kind) VALUES ('', '', '')")
        elif action == "full":
            history_with_events(path, "x")
            writer = sqlite3.connect(path)
            writer.execute("PRAGMA max_page_count = 1")
            writer.execute("CREATE TABLE filler (x)")
        elif action == "busy":
            history_with_events(path, "x")
            holder = sqlite3.connect(path, isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")
            sqlite3.connect(path, timeout=0).execute("BEGIN IMMEDIATE")
    except sqlite3.Error as error:
        return error
    raise AssertionError(f"{action}: no error")


@pytest.mark.parametrize(
    ("action", "damage"),
    [
        ("not a database", True),
        ("malformed", True),
        ("cannot open", False),
        ("read-only", False),
        ("full", False),
        ("busy", False),
    ],
)
def test_only_a_damaged_file_counts_as_damage(tmp_path: Path, action: str, damage: bool) -> None:
    """SQLite's own errors: "not a database" and "malformed" are damage; the rest are not."""
    assert is_damage(sqlite_error(action, tmp_path)) is damage


def test_a_history_that_cannot_be_opened_is_never_set_aside(tmp_path: Path) -> None:
    """An unopenable history stays where it is; its events wait and go in once it opens."""
    path = blocked(tmp_path / "h.sqlite3")
    spool = tmp_path / "state" / "waiting.jsonl"
    history = History(path, spool)
    assert not history.saving and "unable to open database file" in (history.note or "")
    assert not history.record(Record("skipped", "first"), WALL)
    assert not history.record(Record("skipped", "second"), WALL + 1)
    assert (history.waiting, history.waiting_in) == (2, str(spool))
    assert "2 events waiting to be saved, kept in" in (history.note or "")
    assert not list(tmp_path.glob("h.sqlite3.corrupt-*"))
    rows = [json.loads(line)["row"] for line in spool.read_text().splitlines()]
    assert [row[3] for row in rows] == ["first", "second"]  # on disk, in order, synced
    path.rmdir()  # it can be opened now
    assert history.record(Record("done", "third"), WALL + 2)
    assert kinds_and_ids(path) == [("skipped", "first"), ("skipped", "second"), ("done", "third")]
    assert history.saving and history.waiting == 0 and history.note is None
    assert not spool.exists()
    history.close()
    assert kinds_and_ids(path) == [("skipped", "first"), ("skipped", "second"), ("done", "third")]


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_a_locked_history_is_waited_for_not_set_aside(tmp_path: Path, journal: str) -> None:
    """Another writer's lock (even an exclusive one at open) makes events wait, no more."""
    path = tmp_path / "h.sqlite3"
    history_with_events(path, "before")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute(f"PRAGMA journal_mode={journal}")
    holder.execute("BEGIN IMMEDIATE" if journal == "wal" else "BEGIN EXCLUSIVE")
    history = History(path, tmp_path / "waiting.jsonl")
    assert not history.saving and "locked" in (history.note or "")
    assert not history.record(Record("done", "while locked"), WALL)
    assert not list(tmp_path.glob("*.corrupt-*"))
    holder.execute("ROLLBACK")
    holder.close()
    assert history.flush()
    history.close()
    assert kinds_and_ids(path) == [("done", "before"), ("done", "while locked")]


def test_a_full_database_keeps_events_in_order_and_writes_them_once(tmp_path: Path) -> None:
    """SQLite's own "database or disk is full" mid-run: events wait, then go in, in order."""
    path = tmp_path / "h.sqlite3"
    history = History(path, tmp_path / "waiting.jsonl")
    assert history.record(Record("done", "before"), WALL)
    pages = sqlite3.connect(path).execute("PRAGMA page_count").fetchone()[0]
    assert history._connection is not None
    history._connection.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now full
    saved = [("done", "before")]
    for n in range(100):  # the last page fills up
        name = f"filler-{n}-" + "x" * 500
        if not history.record(Record("skipped", name), WALL):
            break
        saved.append(("skipped", name))
    else:
        raise AssertionError("the database never filled up")
    waiting = [name, "second", "third"]
    assert not history.record(Record("skipped", "second"), WALL)
    assert not history.record(Record("skipped", "third"), WALL)
    assert "database or disk is full" in (history.note or "") and history.waiting == 3
    assert history.day_counts(date.fromtimestamp(WALL)).skipped == len(saved) + 2  # counted
    history._connection.execute("PRAGMA max_page_count = 100000")  # space again
    assert history.flush()
    history.close()
    assert kinds_and_ids(path) == saved + [("skipped", name) for name in waiting]


def test_a_damaged_file_is_set_aside_and_its_waiting_events_go_into_the_new_one(
    tmp_path: Path,
) -> None:
    """A malformed file is real damage: kept aside with its WAL files, a fresh one started."""
    path = blocked(tmp_path / "h.sqlite3")
    spool = tmp_path / "waiting.jsonl"
    earlier = History(path, spool)
    earlier.record(Record("skipped", "waiting"), WALL)
    earlier.close()
    path.rmdir()
    a_malformed_file(path)
    original = path.read_bytes()
    history = History(path, spool)
    [kept] = set_aside_files(tmp_path)
    assert kept.read_bytes() == original
    assert history.saving and f"it was kept as {kept.name}" in (history.note or "")
    assert history.record(Record("done", "fresh"), WALL)
    history.close()
    assert kinds_and_ids(path) == [("skipped", "waiting"), ("done", "fresh")]
    assert not spool.exists()


def test_quick_restarts_never_overwrite_a_file_set_aside(tmp_path: Path) -> None:
    """Three damaged files in a row, and names already taken: every one is kept, none lost."""
    path = tmp_path / "h.sqlite3"
    now = time.time()
    taken = {}
    for offset in range(4):  # whatever second the restarts fall in, its name is taken
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now + offset))
        name = tmp_path / f"h.sqlite3.corrupt-{stamp}"
        name.write_bytes(f"kept earlier {offset}".encode())
        taken[name] = name.read_bytes()
    for restart in range(3):
        path.write_bytes(f"damaged {restart} ".encode() * 100)
        Path(f"{path}-wal").write_bytes(f"its wal {restart}".encode())
        History(path, tmp_path / "waiting.jsonl").close()
    assert {name: name.read_bytes() for name in taken} == taken
    mains = [p for p in set_aside_files(tmp_path) if p not in taken]
    assert sorted(p.read_bytes()[:9] for p in mains) == [b"damaged 0", b"damaged 1", b"damaged 2"]
    for main in mains:  # each kept with its own WAL
        number = main.read_bytes()[8:9]
        assert Path(f"{main}-wal").read_bytes() == b"its wal " + number


def test_set_aside_takes_the_next_free_name(tmp_path: Path) -> None:
    """corrupt-<time>, then -2, -3: a name whose WAL is taken is skipped too."""
    path = tmp_path / "h.sqlite3"
    (tmp_path / "h.sqlite3.corrupt-T").write_bytes(b"first")
    (tmp_path / "h.sqlite3.corrupt-T-2-wal").write_bytes(b"a stray wal")
    path.write_bytes(b"second")
    assert set_aside(path, "T") == tmp_path / "h.sqlite3.corrupt-T-3"
    assert (tmp_path / "h.sqlite3.corrupt-T").read_bytes() == b"first"
    assert (tmp_path / "h.sqlite3.corrupt-T-3").read_bytes() == b"second"
    assert not path.exists() and not (tmp_path / "h.sqlite3.corrupt-T-2").exists()


def test_waiting_events_survive_a_restart_and_are_written_at_the_next_start(
    tmp_path: Path,
) -> None:
    """The spool outlives the process: the next start counts them, then writes them once."""
    path = blocked(tmp_path / "h.sqlite3")
    spool = tmp_path / "waiting.jsonl"
    first = History(path, spool)
    for kind in ("skipped", "snoozed", "done"):
        first.record(Record(kind, "calf-stretch"), WALL)
    first.close()
    second = History(path, spool)  # still blocked
    assert (second.waiting, second.saving) == (3, False)
    counts = second.day_counts(date.fromtimestamp(WALL))
    assert (counts.done, counts.snoozed, counts.skipped) == (1, 1, 1)
    assert second.done_per_day() == {date.fromtimestamp(WALL).isoformat(): 1}
    second.close()
    path.rmdir()
    third = History(path, spool)
    assert third.saving and third.waiting == 0 and not spool.exists()
    third.close()
    assert kinds_and_ids(path) == [
        ("skipped", "calf-stretch"),
        ("snoozed", "calf-stretch"),
        ("done", "calf-stretch"),
    ]


CRASH_AFTER_COMMIT = """
import os, sys
from pathlib import Path
from backcare_tray.adapters import history_spool
from backcare_tray.adapters.history import History
from backcare_tray.engine import Record

path, spool = Path(sys.argv[1]), Path(sys.argv[2])
history = History(path, spool)
for n in range(3):
    history.record(Record("skipped", f"waiting-{n}"))
path.rmdir()
# The power goes the moment the waiting rows are committed, before the spool is removed.
history_spool.Spool.remove = lambda self: os._exit(9)
history.record(Record("done", "last"))
"""


def test_a_crash_between_commit_and_spool_removal_writes_nothing_twice(tmp_path: Path) -> None:
    """Killed right after the waiting rows went in: the next start sees them there, once."""
    path = blocked(tmp_path / "h.sqlite3")
    spool = tmp_path / "waiting.jsonl"
    crashed = subprocess.run(
        [sys.executable, "-c", CRASH_AFTER_COMMIT, str(path), str(spool)], check=False
    )
    assert crashed.returncode == 9 and spool.exists()
    expected = [("skipped", f"waiting-{n}") for n in range(3)] + [("done", "last")]
    assert kinds_and_ids(path) == expected
    history = History(path, spool)
    assert history.waiting == 0 and history.saving and not spool.exists()
    assert history.record(Record("done", "after"), WALL)
    history.close()
    assert kinds_and_ids(path) == [*expected, ("done", "after")]


def test_a_drain_that_never_committed_is_written_once(tmp_path: Path) -> None:
    """A drain note whose rows are not in the history (the commit failed): written now, once."""
    path = tmp_path / "h.sqlite3"
    history_with_events(path, "before")
    spool = tmp_path / "waiting.jsonl"
    rows = [
        ["2026-11-18T11:06:40+00:00", "2026-11-18", "skipped", f"w-{n}", None, None] for n in "ab"
    ]
    lines = [{"row": rows[0]}, {"drain": [1, 0, 1]}, {"row": rows[1]}, {"drain": [1, 0, 2]}]
    spool.write_text("".join(json.dumps(line) + "\n" for line in lines))
    History(path, spool).close()
    assert kinds_and_ids(path) == [("done", "before"), ("skipped", "w-a"), ("skipped", "w-b")]
    assert not spool.exists()


def test_a_torn_last_line_is_cut_off_and_the_spool_goes_on(tmp_path: Path) -> None:
    """A crash mid-write leaves half a line: it is dropped, and the next event follows whole."""
    path = blocked(tmp_path / "h.sqlite3")
    spool = tmp_path / "waiting.jsonl"
    first = History(path, spool)
    first.record(Record("skipped", "whole"), WALL)
    first.close()
    with spool.open("ab") as handle:
        handle.write(b'{"row": ["2026-11-18T11:0')
    second = History(path, spool)
    assert second.waiting == 1
    second.record(Record("done", "next"), WALL)
    second.close()
    assert [json.loads(line)["row"][3] for line in spool.read_text().splitlines()] == [
        "whole",
        "next",
    ]


def test_without_a_spool_events_wait_in_memory_up_to_the_limit(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The spool's folder is a file: events wait in memory, at most limit, said once."""
    (tmp_path / "state").write_text("a file, not a folder")
    path = blocked(tmp_path / "h.sqlite3")
    history = History(path, tmp_path / "state" / "waiting.jsonl", limit=5)
    caplog.set_level(logging.INFO)
    for n in range(8):
        assert not history.record(Record("skipped", f"ex-{n}"), WALL + n)
    assert (history.waiting, history.waiting_in) == (5, "memory")
    assert "kept in memory only" in (history.note or "")
    assert "3 events could not be kept (the limit is 5)" in (history.note or "")
    messages = [record.getMessage() for record in caplog.records]
    assert sum("5 events wait to be saved, the most kept" in m for m in messages) == 1
    assert sum("cannot be kept in" in m for m in messages) == 1
    path.rmdir()
    assert history.record(Record("done", "after"), WALL + 9)
    history.close()
    assert kinds_and_ids(path) == [("skipped", f"ex-{n}") for n in range(5)] + [("done", "after")]


def test_the_limit_is_ten_thousand_events(tmp_path: Path) -> None:
    """With neither history nor spool, the 10,001st event is the first one not kept."""
    path = blocked(tmp_path / "h.sqlite3")
    history = History(path)
    for n in range(WAITING_LIMIT + 1):
        history.record(Record("notified", f"ex-{n}"), WALL + n)
    assert WAITING_LIMIT == 10_000 and history.waiting == WAITING_LIMIT
    assert "1 event could not be kept" in (history.note or "")


def test_events_only_in_memory_at_stop_are_said_to_be_lost(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Closing with events nowhere but in memory logs how many are lost."""
    history = History(blocked(tmp_path / "h.sqlite3"))
    history.record(Record("done", "x"), WALL)
    history.record(Record("done", "y"), WALL)
    with caplog.at_level(logging.ERROR):
        history.close()
    assert "2 events could not be saved anywhere and are lost" in caplog.text


PARTIAL_WRITE = """
import os, resource, signal, sys
from pathlib import Path
from backcare_tray.adapters.history_spool import Spool

spool = Spool(Path(sys.argv[1]))
spool.load()
spool.append_rows([("2026-11-18T11:06:40+00:00", "2026-11-18", "done", "x", None, None)])
size = spool.path.stat().st_size
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a signal
resource.setrlimit(resource.RLIMIT_FSIZE, (size + 30, size + 30))  # the next row half fits
try:
    spool.append_rows([("2026-11-18T11:07:00+00:00", "2026-11-18", "skipped", "y" * 50, 1, "z")])
except OSError as error:
    print(error.errno)
"""


@linux_only("RLIMIT_FSIZE and SIGXFSZ, to cut a write short, are POSIX only")
def test_a_write_that_fails_half_way_is_cut_back(tmp_path: Path) -> None:
    """A row that only half fits is taken back: the file ends with its last whole line."""
    path = tmp_path / "waiting.jsonl"
    run = subprocess.run(
        [sys.executable, "-c", PARTIAL_WRITE, str(path)], capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "27"  # EFBIG, after a write of 30 bytes went through
    [line] = path.read_bytes().splitlines(keepends=True)
    assert json.loads(line)["row"][3] == "x"
    spool = Spool(path)
    assert [row[3] for row in spool.load()[0]] == ["x"]


def test_a_history_in_a_folder_with_strange_characters_is_read(tmp_path: Path) -> None:
    """Spaces, "?", "#" and "%" in the path survive the read-only URI ("?" where names take it)."""
    path = tmp_path / ("a b?c#d%20e" if os.name == "posix" else "a b#c%20e") / "h.sqlite3"
    history_with_events(path, "x", "y")
    assert kinds_and_ids(path) == [("done", "x"), ("done", "y")]


def test_a_spool_left_with_only_saved_rows_is_removed_at_start(tmp_path: Path) -> None:
    """Rows an earlier run saved, and their drain note: nothing waits, the file goes."""
    path = tmp_path / "h.sqlite3"
    history_with_events(path, "saved")
    reader = sqlite3.connect(path)
    columns = "at_utc, local_date, kind, exercise_id, seconds, how"
    row = list(reader.execute(f"SELECT {columns} FROM events").fetchone())
    reader.close()
    spool = tmp_path / "waiting.jsonl"
    spool.write_text(json.dumps({"row": row}) + "\n" + json.dumps({"drain": [0, 0, 1]}) + "\n")
    history = History(path, spool)
    assert history.waiting == 0 and history.saving and not spool.exists()
    history.close()
    assert kinds_and_ids(path) == [("done", "saved")]
