"""The history on real faults: a full tmpfs, read-only binds, the installed daemon and CLI.

Each test mounts in a private mount namespace (unshare, as root), so nothing leaks: the
daemon and the CLI join it with nsenter, and the test sees its files through /proc.
"""

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from support.daemon import QUICK_CONFIG, running_daemon
from support.desktop import Desktop, command_path, user_env
from support.mounts import MountSpace, fill, mount_space
from support.platforms import require_linux
from support.waiting import wait_for

from backcare_tray.adapters.history import read_events

pytestmark = pytest.mark.desktop
require_linux("private mount namespaces (unshare), tmpfs and bind mounts, as root")

SAVED_AGAIN = 60  # s: the planned tries come 10, 20, 40 s after the first failure


def config(desktop: Desktop, interval: str) -> Path:
    """Write a config with this sitting interval, a file of its own, and return it."""
    path = desktop.home / f"config-{interval}.toml"
    path.write_text(QUICK_CONFIG.format(interval=interval), encoding="utf-8")
    return path


def data_folder(home: Path) -> Path:
    """Return where the history lives for this home."""
    return home / ".local/share/backcare-tray"


def history_rows(desktop: Desktop, space: MountSpace) -> list[list[str]]:
    """Return `backcare-tray history --csv` as run inside the namespace, without its header."""
    done = desktop.run("history", "--csv", prefix=space.prefix())
    assert done.returncode == 0, done.stderr
    return list(csv.reader(io.StringIO(done.stdout)))[1:]


def kinds(desktop: Desktop, space: MountSpace) -> list[str]:
    """Return the kinds of the events `history` prints, oldest first."""
    return [row[2] for row in history_rows(desktop, space)]


def nothing_set_aside(space: MountSpace, home: Path) -> bool:
    """Return True when no history file was set aside as corrupt."""
    return not list(space.inside(data_folder(home)).glob("*.corrupt-*"))


def done_early(desktop: Desktop) -> None:
    """Do the next stretch before it is due: start it, then mark it done."""
    assert desktop.run("start").returncode == 0
    assert desktop.run("done").returncode == 0


def skip_when_due(desktop: Desktop) -> None:
    """Wait for the stretch to fall due (skip answers only a due one), then skip it."""
    wait_for(lambda: desktop.status()["state"] == "due", 15, "the stretch to fall due")
    skipped = desktop.run("skip")
    assert skipped.returncode == 0, skipped.stderr


def answered(kinds: list[str]) -> list[str]:
    """Return the event kinds without the stretches falling due."""
    return [kind for kind in kinds if kind != "notified"]


def test_a_full_disk_at_start_keeps_the_history_and_saves_it_once_there_is_room(
    desktop: Desktop,
) -> None:
    """Intact history on a full disk: kept, read, restarted twice, then saved again untouched."""
    data = data_folder(desktop.home)
    slow, quick = config(desktop, "45m"), config(desktop, "3s")
    with mount_space() as space:
        space.tmpfs(data, "1m")
        with running_daemon(desktop, config=slow, prefix=space.prefix()):
            done_early(desktop)
            assert kinds(desktop, space) == ["daemon_started", "started", "done"]
        before = ["daemon_started", "started", "done", "daemon_stopped"]
        # Stopped cleanly: no WAL index is left, so opening needs room for a new one.
        assert [p.name for p in space.inside(data).iterdir()] == ["history.sqlite3"]
        filler = fill(space.inside(data))
        for restart in range(2):  # two quick restarts on the full disk
            with running_daemon(
                desktop, config=slow, prefix=space.prefix(), log_name=f"full-{restart}.log"
            ):
                pass
        with running_daemon(desktop, config=quick, prefix=space.prefix(), log_name="full.log"):
            wait_for(lambda: desktop.status()["state"] == "due", 15, "the reminder")
            status = desktop.status()
            history = status["history"]
            assert history["saving"] is False
            assert "is full" in history["note"], history
            assert history["waiting"] == 6  # two restarts' start and stop; start, reminder
            assert status["today"]["done"] == 1  # from the state file: nothing is lost
            assert kinds(desktop, space) == before  # the old events are all there to read
            assert nothing_set_aside(space, desktop.home)
            said = desktop.run("status").stdout
            assert "History is not being saved: " in said and "is full" in said
            assert "6 events waiting to be saved" in said
            filler.unlink()  # room again: saved without a restart
            wait_for(
                lambda: desktop.status()["history"]["waiting"] == 0,
                SAVED_AGAIN,
                "the waiting events to be saved",
            )
            assert desktop.status()["history"]["saving"] is True
            restarts = ["daemon_started", "daemon_stopped"] * 2
            assert kinds(desktop, space) == [*before, *restarts, "daemon_started", "notified"]
        assert kinds(desktop, space)[-1] == "daemon_stopped"
        assert nothing_set_aside(space, desktop.home)


def test_skips_on_a_full_disk_are_all_counted_and_saved_once(desktop: Desktop) -> None:
    """Acknowledged skips on a full disk wait in the spool, outlive a restart, go in once."""
    data = data_folder(desktop.home)
    spool = desktop.home / ".local/state/backcare-tray/history-waiting.jsonl"
    slow, quick = config(desktop, "45m"), config(desktop, "3s")
    with mount_space() as space:
        space.tmpfs(data, "1m")
        with running_daemon(desktop, config=quick, prefix=space.prefix()):
            skip_when_due(desktop)
            filler = fill(space.inside(data))
            for _ in range(3):
                skip_when_due(desktop)
            status = desktop.status()
            assert status["today"]["skipped"] == 4
            waiting = status["history"]["waiting"]
            assert waiting >= 6 and status["history"]["waiting_in"] == str(spool)  # 3x2 at least
            assert "is full" in status["history"]["note"]
        spooled = [json.loads(line) for line in spool.read_text().splitlines()]
        assert answered([item["row"][2] for item in spooled if "row" in item]) == [
            *["skipped"] * 3,
            "daemon_stopped",
        ]
        with running_daemon(desktop, config=slow, prefix=space.prefix(), log_name="2.log"):
            status = desktop.status()
            assert status["today"]["skipped"] == 4 and status["history"]["waiting"] >= 8
            filler.unlink()
            wait_for(
                lambda: desktop.status()["history"]["waiting"] == 0,
                SAVED_AGAIN,
                "the waiting events to be saved",
            )
            rows = history_rows(desktop, space)
            assert answered([row[2] for row in rows]) == [
                "daemon_started",
                *["skipped"] * 4,
                "daemon_stopped",
                "daemon_started",
            ]
            assert not spool.exists()
        with running_daemon(desktop, config=slow, prefix=space.prefix(), log_name="3.log"):
            assert desktop.status()["today"]["skipped"] == 4
        assert kinds(desktop, space).count("skipped") == 4


def test_a_read_only_data_folder_is_read_and_written_once_it_is_writable(
    desktop: Desktop,
) -> None:
    """The daemon starts on a read-only folder, history and stats read it, saving resumes."""
    data = data_folder(desktop.home)
    slow, quick = config(desktop, "45m"), config(desktop, "3s")
    with mount_space() as space:
        with running_daemon(desktop, config=slow, prefix=space.prefix()):
            done_early(desktop)
        assert {p.name for p in data.iterdir()} == {"history.sqlite3"}  # a clean stop: no WAL
        space.read_only(data)
        with running_daemon(desktop, config=quick, prefix=space.prefix()):
            status = desktop.status()
            assert status["history"]["saving"] is False
            assert "read-only file system" in status["history"]["note"]
            assert status["today"]["done"] == 1
            assert kinds(desktop, space) == ["daemon_started", "started", "done", "daemon_stopped"]
            stats = desktop.run("stats", "--json", "--config", str(quick), prefix=space.prefix())
            assert stats.returncode == 0, stats.stderr
            assert json.loads(stats.stdout)["days"][-1]["done"] == 1
            wait_for(lambda: desktop.status()["state"] == "due", 15, "the reminder")
            space.writable(data)
            wait_for(
                lambda: desktop.status()["history"]["waiting"] == 0,
                SAVED_AGAIN,
                "the waiting events to be saved",
            )
            assert kinds(desktop, space)[4:] == ["daemon_started", "notified"]
        assert nothing_set_aside(space, desktop.home)


def test_a_read_only_history_file_starts_the_daemon_and_is_read(desktop: Desktop) -> None:
    """Only the file read-only: the daemon says so, reminds, and history reads the file."""
    history = data_folder(desktop.home) / "history.sqlite3"
    with mount_space() as space:
        with running_daemon(desktop, config=config(desktop, "45m"), prefix=space.prefix()):
            done_early(desktop)
        space.read_only(history)
        with running_daemon(desktop, config=config(desktop, "3s"), prefix=space.prefix()):
            note = desktop.status()["history"]["note"]
            assert "read-only" in note and "1 event waiting to be saved" in note
            wait_for(lambda: desktop.status()["state"] == "due", 15, "the reminder")
            assert kinds(desktop, space) == ["daemon_started", "started", "done", "daemon_stopped"]
        assert nothing_set_aside(space, desktop.home)


def test_an_unopenable_history_starts_the_daemon_and_it_keeps_reminding(
    desktop: Desktop,
) -> None:
    """A folder where the file should be: the daemon starts, says why, and reminds."""
    history = data_folder(desktop.home) / "history.sqlite3"
    history.mkdir(parents=True)
    with running_daemon(desktop, config=config(desktop, "3s")):
        note = desktop.status()["history"]["note"]
        assert "unable to open database file" in note
        wait_for(lambda: desktop.status()["state"] == "due", 15, "the reminder")
        assert desktop.run("done").returncode == 0
        assert desktop.status()["today"]["done"] == 1
        history.rmdir()
        assert desktop.run("start").returncode == 0  # the next event writes them all
        assert desktop.status()["history"]["waiting"] == 0
        found = [event.kind for event in read_events(history)]
        assert found == ["daemon_started", "notified", "done", "started"]


WRITER = """
import os, sys
from pathlib import Path
from backcare_tray.adapters.history import History
from backcare_tray.engine import Record

history = History(Path(sys.argv[1]))
for n in range(3):
    history.record(Record("done", f"ex-{n}"))
if sys.argv[2] == "wal":  # stopped dead: the events are only in the WAL
    os._exit(0)
history.close()
"""


@pytest.mark.parametrize("place", ["file", "folder"])
@pytest.mark.parametrize("wal", ["clean", "wal"])
def test_history_and_stats_read_a_read_only_history(tmp_path: Path, place: str, wal: str) -> None:
    """A read-only file or folder, checkpointed or with its events still in the WAL."""
    env = user_env(tmp_path / "home", tmp_path / "run")
    path = data_folder(tmp_path / "home") / "history.sqlite3"
    path.parent.mkdir(parents=True)
    subprocess.run([sys.executable, "-c", WRITER, str(path), wal], check=True)
    if wal == "wal":
        Path(f"{path}-shm").unlink()  # no index to share: a copy has to be read
        assert Path(f"{path}-wal").stat().st_size > 0
    with mount_space() as space:
        space.read_only(path if place == "file" else path.parent)
        shown = space.run(command_path(), "history", "--csv", env=env)
        assert [row[3] for row in csv.reader(io.StringIO(shown))][1:] == ["ex-0", "ex-1", "ex-2"]
        stats = json.loads(space.run(command_path(), "stats", "--json", env=env))
        assert sum(exercise["done"] for exercise in stats["exercises"]) == 3


FULL_AT_START = """
import json, os, sys
from datetime import date
from pathlib import Path

sys.path.insert(0, sys.argv[2])
from support.mounts import fill
from backcare_tray.adapters.history import History, read_events
from backcare_tray.engine import Record

folder = Path(sys.argv[1])
path, spool = folder / "history.sqlite3", folder / "waiting.jsonl"
ids = lambda: [e.exercise_id for e in read_events(path)]
found = {}
before = History(path, spool)
found["saved before"] = [before.record(Record("done", f"before-{n}")) for n in range(3)]
before.close()
found["original"] = ids()
filler = fill(folder)
for _ in range(2):  # two restarts in a row on the full disk
    History(path, spool).close()
top_up = fill(folder, "top-up")  # what closing the history gave back (its -shm)
history = History(path, spool)
found["saved while full"] = [history.record(Record("skipped", f"waiting-{n}")) for n in range(3)]
found["saving"], found["note"] = history.saving, history.note
found["waiting"] = [history.waiting, history.waiting_in]
found["skipped today"] = history.day_counts(date.today()).skipped
found["set aside"] = sorted(p.name for p in folder.glob("*.corrupt-*"))
found["while full"] = ids()
os.unlink(filler)
os.unlink(top_up)
found["saved after"] = history.record(Record("done", "after"))
history.close()
found["after"] = ids()
found["spool left"] = spool.exists()
print(json.dumps(found))
"""


def test_history_on_a_full_disk_waits_in_memory_and_is_never_set_aside(tmp_path: Path) -> None:
    """History and spool on one full tmpfs: quick restarts set nothing aside, memory keeps it."""
    folder = tmp_path / "data"
    tests = str(Path(__file__).parent)
    with mount_space() as space:  # SQLite resolves /proc/<pid>/root: run inside instead
        space.tmpfs(folder, "1m")
        found = json.loads(space.run(sys.executable, "-c", FULL_AT_START, str(folder), tests))
    original = ["before-0", "before-1", "before-2"]
    assert found["saved before"] == [True] * 3 and found["original"] == original
    assert found["saved while full"] == [False] * 3
    assert found["saving"] is False and "full" in found["note"]
    assert found["waiting"] == [3, "memory"] and found["skipped today"] == 3
    assert found["set aside"] == [] and found["while full"] == original
    assert found["saved after"] is True
    assert found["after"] == [*original, "waiting-0", "waiting-1", "waiting-2", "after"]
    assert found["spool left"] is False


AS_NOBODY = """
import json, sys
from pathlib import Path
from backcare_tray.adapters.history import History
from backcare_tray.engine import Record

folder = Path(sys.argv[1])
history = History(folder / "data" / "history.sqlite3", folder / "state" / "waiting.jsonl")
saved = history.record(Record("done", "unreadable"))
print(json.dumps([history.saving, history.note, saved, history.waiting, history.waiting_in]))
history.close()
"""


def test_a_history_its_owner_may_not_read_waits_and_is_never_set_aside() -> None:
    """Mode 000, run as nobody (root reads anything): the events wait, the file stays."""
    folder = Path(tempfile.mkdtemp(prefix="backcare-tray-unreadable-"))
    try:
        folder.chmod(0o755)
        path = folder / "data" / "history.sqlite3"
        path.parent.mkdir()
        subprocess.run([sys.executable, "-c", WRITER, str(path), "clean"], check=True)
        for place in (folder, path.parent, path):
            import pwd  # POSIX only, as is this whole module

            os.chown(place, pwd.getpwnam("nobody").pw_uid, pwd.getpwnam("nobody").pw_gid)
        path.chmod(0)
        nobody = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        found = subprocess.run(
            [*nobody, sys.executable, "-c", AS_NOBODY, str(folder)],
            capture_output=True,
            text=True,
            check=True,
        )
        saving, note, saved, waiting, waiting_in = json.loads(found.stdout)
        assert (saving, saved, waiting) == (False, False, 1)
        assert f"{path} may not be read" in note
        assert waiting_in == str(folder / "state" / "waiting.jsonl")
        assert sorted(p.name for p in path.parent.iterdir()) == ["history.sqlite3"]
        path.chmod(0o600)
        assert [e.exercise_id for e in read_events(path)] == ["ex-0", "ex-1", "ex-2"]
    finally:
        shutil.rmtree(folder)
