"""The runtime folder's one rule, and the lock taken with its pid as one step, on real files."""

import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.platforms import linux_only

from backcare_tray.adapters.instance_lock import AlreadyRunning, InstanceLock, lock_holder
from backcare_tray.adapters.runtime_dir import (
    RuntimeDirError,
    runtime_dir,
    runtime_places,
)

UID = os.geteuid() if hasattr(os, "geteuid") else -1  # Windows has no uids
# Windows' runtime folder is platformdirs' own; the rule for these folders is POSIX's.
posix_rule = linux_only("the runtime folder's rule: uids, 0700 modes, /run/user and TMPDIR")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """An environment whose temporary folder is the test's own."""
    (tmp_path / "tmp").mkdir()
    return {"TMPDIR": str(tmp_path / "tmp")}


@pytest.fixture
def run_user(tmp_path: Path) -> Path:
    """An empty stand-in for /run/user (logind has made no folder for this user)."""
    folder = tmp_path / "run-user"
    folder.mkdir()
    return folder


def mode(path: Path) -> int:
    """Return a file's permission bits."""
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def stingy_umask() -> Iterator[None]:
    """A umask that would leave new folders without the owner's write bit."""
    old = os.umask(0o277)
    try:
        yield
    finally:
        os.umask(old)


@posix_rule
def test_a_missing_xdg_runtime_dir_is_made_0700_all_the_way(
    tmp_path: Path, env: dict[str, str], run_user: Path, stingy_umask: None
) -> None:
    """Every missing part is made 0700 whatever the umask, and the answer stays the same."""
    env["XDG_RUNTIME_DIR"] = str(tmp_path / "a" / "b" / "run")
    found = runtime_dir(env, run_user=run_user)
    assert found.path == tmp_path / "a" / "b" / "run" / "backcare-tray"
    assert found.note is None
    for part in ("a", "a/b", "a/b/run", "a/b/run/backcare-tray"):
        assert mode(tmp_path / part) == 0o700, part
    assert runtime_dir(env, run_user=run_user) == found
    assert runtime_places(env, run_user=run_user) == [found.path]


@posix_rule
@pytest.mark.parametrize(
    ("case", "said"),
    [
        ("relative", "is not an absolute path"),
        ("group-writable", "is writable by others (mode 0770)"),
        ("a file", "is not a folder"),
        ("too long", "is too long a path for a Unix socket"),
        ("cannot be made", "cannot be made: Not a directory"),
    ],
)
def test_an_unusable_xdg_runtime_dir_gives_the_same_fallback_every_time(
    tmp_path: Path, env: dict[str, str], run_user: Path, case: str, said: str
) -> None:
    """Passed over with the reason noted; the fallback is private and found again the same."""
    xdg = {
        "relative": Path("run"),
        "group-writable": tmp_path / "shared",
        "a file": tmp_path / "file",
        "too long": tmp_path / ("x" * 110),
        "cannot be made": tmp_path / "file" / "run",
    }[case]
    (tmp_path / "shared").mkdir(mode=0o700)
    os.chmod(tmp_path / "shared", 0o770)
    (tmp_path / "file").write_text("")
    env["XDG_RUNTIME_DIR"] = str(xdg)
    found = runtime_dir(env, run_user=run_user)
    fallback = tmp_path / "tmp" / f"backcare-tray-{UID}"
    assert found.path == fallback and mode(fallback) == 0o700
    assert found.note is not None and said in found.note
    assert runtime_dir(env, run_user=run_user) == found
    assert runtime_places(env, run_user=run_user) == [fallback]
    assert not (xdg / "backcare-tray").exists()


@posix_rule
def test_the_session_folder_of_logind_is_used_without_xdg_runtime_dir(
    env: dict[str, str], run_user: Path
) -> None:
    """No XDG_RUNTIME_DIR (sudo -u, cron): /run/user/UID if it is there, as the session's own."""
    fallback = runtime_dir(env, run_user=run_user)
    assert fallback.path.name == f"backcare-tray-{UID}"
    assert fallback.note is not None and "does not exist" in fallback.note
    (run_user / str(UID)).mkdir(mode=0o700)
    assert runtime_dir(env, run_user=run_user).path == run_user / str(UID) / "backcare-tray"
    # The folder made before is still found, so a daemon started there is found too.
    assert runtime_places(env, run_user=run_user) == [
        run_user / str(UID) / "backcare-tray",
        fallback.path,
    ]


@posix_rule
@pytest.mark.parametrize(
    ("case", "said"),
    [
        ("symlink", "is not a folder (a symbolic link or a file)"),
        ("world-writable", "is writable by others (mode 0777)"),
        ("file", "is not a folder"),
    ],
)
def test_an_unsafe_app_folder_is_refused_not_passed_over(
    tmp_path: Path, env: dict[str, str], run_user: Path, case: str, said: str
) -> None:
    """Someone could control what is in it: refused with the reason, in the fallback too."""
    for base in (tmp_path / "xdg", tmp_path / "tmp"):
        base.mkdir(mode=0o700, exist_ok=True)
        name = "backcare-tray" if base.name == "xdg" else f"backcare-tray-{UID}"
        folder = base / name
        if case == "symlink":
            (tmp_path / "elsewhere").mkdir(mode=0o700, exist_ok=True)
            folder.symlink_to(tmp_path / "elsewhere")
        elif case == "world-writable":
            folder.mkdir()
            os.chmod(folder, 0o777)
        else:
            folder.write_text("")
    for xdg in (str(tmp_path / "xdg"), ""):
        with pytest.raises(RuntimeDirError, match=re.escape(said)):
            runtime_dir({**env, "XDG_RUNTIME_DIR": xdg}, run_user=run_user)
    places = runtime_places({**env, "XDG_RUNTIME_DIR": str(tmp_path / "xdg")}, run_user=run_user)
    assert places == []


@posix_rule
def test_an_app_folder_only_readable_by_others_is_made_private(
    tmp_path: Path, env: dict[str, str], run_user: Path
) -> None:
    """A folder of one's own left 0755 by an older release is tightened to 0700."""
    folder = tmp_path / "xdg" / "backcare-tray"
    folder.mkdir(parents=True)
    os.chmod(tmp_path / "xdg", 0o700)
    os.chmod(folder, 0o755)
    found = runtime_dir({**env, "XDG_RUNTIME_DIR": str(tmp_path / "xdg")}, run_user=run_user)
    assert found.path == folder and mode(folder) == 0o700


@posix_rule
def test_no_usable_folder_at_all_is_one_clear_error(tmp_path: Path, run_user: Path) -> None:
    """XDG_RUNTIME_DIR and the temporary folder both too long: one message naming both."""
    long = tmp_path / ("y" * 110)
    long.mkdir()
    with pytest.raises(RuntimeDirError) as raised:
        runtime_dir({"XDG_RUNTIME_DIR": str(long), "TMPDIR": str(long)}, run_user=run_user)
    message = str(raised.value)
    assert message.startswith("no usable runtime folder: XDG_RUNTIME_DIR")
    assert "the temporary folder" in message and "set XDG_RUNTIME_DIR" in message


RACER = """
import os, sys
from pathlib import Path
from backcare_tray.adapters.instance_lock import AlreadyRunning, InstanceLock
lock = InstanceLock(Path(sys.argv[1]))
print("ready", flush=True)
sys.stdin.readline()
try:
    lock.acquire()
except AlreadyRunning as error:
    print("lost", error, flush=True)
    sys.exit(1)
print("won", os.getpid(), flush=True)
sys.stdin.readline()
"""


def test_racing_processes_name_the_winner_never_a_pid_from_before(tmp_path: Path) -> None:
    """Four processes take the lock at once, 25 times: each loser names that round's winner."""
    path = tmp_path / "daemon.lock"
    path.write_text("999999")  # a daemon long gone
    for round_ in range(25):
        racers = [
            subprocess.Popen(
                [sys.executable, "-c", RACER, str(path)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        try:
            for racer in racers:
                assert racer.stdout is not None and racer.stdout.readline() == "ready\n"
            for racer in racers:  # released together
                assert racer.stdin is not None
                racer.stdin.write("\n")
                racer.stdin.flush()
            said = {racer.pid: racer.stdout.readline().split() for racer in racers}  # type: ignore[union-attr]
            winners = [pid for pid, words in said.items() if words[0] == "won"]
            assert len(winners) == 1, (round_, said)
            for pid, words in said.items():
                if pid != winners[0]:
                    assert words[-1] == f"{winners[0]})", (round_, said)
            if sys.platform != "win32":  # there it is None: Windows has no other folders to ask
                assert lock_holder(path) == str(winners[0])
        finally:
            for racer in racers:
                assert racer.stdin is not None
                racer.stdin.close()
                racer.wait(10)
    assert lock_holder(path) is None


@linux_only("removes a file that is held open, which Windows refuses to do")
def test_a_lock_whose_file_was_removed_is_no_longer_intact(tmp_path: Path) -> None:
    """The daemon can tell that its lock file is gone (a wiped runtime folder) and take it anew."""
    lock = InstanceLock(tmp_path / "daemon.lock")
    lock.acquire()
    try:
        assert lock.intact()
        (tmp_path / "daemon.lock").unlink()
        assert not lock.intact()
        fresh = InstanceLock(tmp_path / "daemon.lock")
        fresh.acquire()  # a new file: nothing holds it, though the old lock is still held
        assert lock_holder(tmp_path / "daemon.lock") == str(os.getpid())
        with pytest.raises(AlreadyRunning, match=f"pid {os.getpid()}"):
            InstanceLock(tmp_path / "daemon.lock").acquire()
        fresh.release()
    finally:
        lock.release()
