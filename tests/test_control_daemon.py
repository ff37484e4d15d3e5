"""The installed daemon's control channel on a real desktop: its folder, lock, load and signals."""

import dataclasses
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from support.daemon import RunningDaemon, running_daemon, write_config
from support.desktop import Desktop, command_path, virtual_desktop
from support.namespace import private_run_user
from support.waiting import wait_for

from backcare_tray.adapters.control import MAX_CLIENTS, READ_LIMIT

pytestmark = pytest.mark.desktop

NOBODY = 65534


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Desktop]:
    """A virtual desktop whose commands run where /run/user is empty and TMPDIR is the test's."""
    with virtual_desktop(tmp_path) as desktop, private_run_user() as wrap:
        temp = tmp_path / "tmp"
        temp.mkdir()
        yield dataclasses.replace(desktop, env={**desktop.env, "TMPDIR": str(temp)}, wrap=wrap)


def with_env(desktop: Desktop, **changes: str) -> Desktop:
    """Return the desktop with some environment variables changed."""
    return dataclasses.replace(desktop, env={**desktop.env, **changes})


def app_folder(desktop: Desktop) -> Path:
    """Return the daemon's folder under the desktop's XDG_RUNTIME_DIR."""
    return Path(desktop.env["XDG_RUNTIME_DIR"]) / "backcare-tray"


def fallback_folder(desktop: Desktop) -> Path:
    """Return the folder the rule falls back to, in the desktop's TMPDIR."""
    return Path(desktop.env["TMPDIR"]) / f"backcare-tray-{os.geteuid()}"


def mode(path: Path) -> int:
    """Return a file's permission bits."""
    return os.lstat(path).st_mode & 0o777


def ended(processes: list[subprocess.Popen[bytes]]) -> list[subprocess.Popen[bytes]]:
    """Return the processes that have ended."""
    return [process for process in processes if process.poll() is not None]


def logged(daemon: RunningDaemon, text: str) -> bool:
    """Return True once the daemon's log holds text."""
    return text in daemon.log_text()


def one_daemon(desktop: Desktop, pid: int) -> None:
    """Check that status answers and that a second `run` is refused naming pid."""
    assert desktop.run("status").returncode == 0
    second = desktop.run("run", "--no-tray")
    assert second.returncode == 1, second.stderr
    assert f"already running (pid {pid}" in second.stderr


def test_a_missing_runtime_folder_is_made_private_and_every_command_finds_the_daemon(
    session: Desktop, tmp_path: Path
) -> None:
    """XDG_RUNTIME_DIR names folders that do not exist: all made 0700; one daemon; quit stops it."""
    desktop = with_env(session, XDG_RUNTIME_DIR=str(tmp_path / "gone" / "deeper" / "run"))
    with running_daemon(desktop, "--no-tray") as daemon:
        for part in ("gone", "gone/deeper", "gone/deeper/run", "gone/deeper/run/backcare-tray"):
            assert mode(tmp_path / part) == 0o700, part
        one_daemon(desktop, daemon.pid)
        assert desktop.run("quit").returncode == 0
        assert daemon.wait() == 0
    assert desktop.run("status").returncode == 3


@pytest.mark.parametrize("problem", ["someone else's", "group-writable"])
def test_an_unusable_runtime_folder_is_left_by_the_daemon_and_the_commands_together(
    session: Desktop, tmp_path: Path, problem: str
) -> None:
    """Both fall back to the same private folder; the daemon's log says why."""
    xdg = tmp_path / "xdg"
    xdg.mkdir(mode=0o700)
    if problem == "someone else's":
        os.chown(xdg, NOBODY, NOBODY)
    else:
        os.chmod(xdg, 0o770)
    desktop = with_env(session, XDG_RUNTIME_DIR=str(xdg))
    with running_daemon(desktop, "--no-tray") as daemon:
        assert (fallback_folder(desktop) / "control.sock").exists()
        assert mode(fallback_folder(desktop)) == 0o700
        assert not (xdg / "backcare-tray").exists()
        said = "belongs to uid 65534" if problem == "someone else's" else "is writable by others"
        assert said in daemon.log_text()
        one_daemon(desktop, daemon.pid)
        assert desktop.run("quit").returncode == 0
        assert daemon.wait() == 0


@pytest.mark.parametrize("how", ["removed", "replaced"])
def test_a_runtime_folder_removed_or_replaced_is_made_again(
    session: Desktop, tmp_path: Path, how: str
) -> None:
    """Wiped as logind does at logout, or swapped for an empty one: socket and lock come back."""
    desktop = with_env(session, XDG_RUNTIME_DIR=str(tmp_path / "session-run"))
    with running_daemon(desktop, "--no-tray") as daemon:
        if how == "removed":
            shutil.rmtree(tmp_path / "session-run")
        else:
            os.rename(app_folder(desktop), tmp_path / "session-run" / "old")
            app_folder(desktop).mkdir(mode=0o700)
        wait_for(lambda: desktop.run("status").returncode == 0, 10, "status to answer again")
        assert (app_folder(desktop) / "daemon.lock").read_text() == str(daemon.pid)
        assert "made its lock and socket again" in daemon.log_text()
        one_daemon(desktop, daemon.pid)
    assert daemon.exit_code == 0


def test_a_runtime_folder_that_cannot_be_made_again_stops_the_daemon_saying_so(
    session: Desktop, tmp_path: Path
) -> None:
    """Removed and its parent made immutable: the daemon stops cleanly, says why, exits 5."""
    parent = tmp_path / "session"
    desktop = with_env(session, XDG_RUNTIME_DIR=str(parent / "run"))
    try:
        with running_daemon(desktop, "--no-tray") as daemon:
            subprocess.run(
                ["sh", "-c", f"rm -rf {parent / 'run'} && chattr +i {parent}"], check=True
            )
            assert daemon.wait(15) == 5
        log = daemon.log_text()
        assert "Stopping: the runtime folder" in log and "cannot be made again" in log
        assert "backcare-tray stopped" in log
    finally:
        subprocess.run(["chattr", "-i", str(parent)], check=True)
    assert desktop.run("status").returncode == 3


def test_two_runs_at_the_same_instant_leave_one_daemon_and_the_other_names_it(
    session: Desktop,
) -> None:
    """Two `run` at once, ten times: one runs, the other names its pid (never a stale one)."""
    for round_ in range(10):
        pair = [
            session.spawn("run", "--no-tray", log=session.home / f"race-{round_}-{n}.log")
            for n in range(2)
        ]
        try:
            loser = wait_for(partial(ended, pair), 30, "one to give up")[0]
            winner = pair[1] if loser is pair[0] else pair[0]
            said = (session.home / f"race-{round_}-{pair.index(loser)}.log").read_text()
            assert loser.returncode == 1, said
            assert f"already running (pid {winner.pid})" in said, (round_, said)
            wait_for(lambda: session.run("status").returncode == 0, 20, "the winner to answer")
            assert winner.poll() is None
        finally:
            session.run("quit")
            for process in pair:
                process.wait(15)


@pytest.mark.parametrize("case", ["a folder at control.sock", "immutable folder", "too long"])
def test_os_errors_on_the_control_path_are_one_line_and_an_exit_code(
    session: Desktop, tmp_path: Path, case: str
) -> None:
    """`run` and a command each say what is wrong in one line and exit 5; no traceback."""
    desktop = with_env(session, XDG_RUNTIME_DIR=str(tmp_path / "xdg"))
    folder = app_folder(desktop)
    folder.mkdir(parents=True, mode=0o700)
    os.chmod(tmp_path / "xdg", 0o700)
    expected_status = 5
    if case == "a folder at control.sock":
        (folder / "control.sock").mkdir()
        said = "control.sock: it is a folder, not the daemon's socket: remove it"
    elif case == "immutable folder":
        subprocess.run(["chattr", "+i", str(folder)], check=True)
        said = "daemon.lock: Operation not permitted (someone else's, read-only or immutable?)"
        expected_status = 3  # nothing listens, and that is all a command can tell
    else:
        long = tmp_path / ("z" * 110)
        long.mkdir()
        desktop = with_env(desktop, XDG_RUNTIME_DIR=str(long), TMPDIR=str(long))
        said = "no usable runtime folder: XDG_RUNTIME_DIR"
    try:
        run = desktop.run("run", "--no-tray")
        status = desktop.run("status")
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    assert run.returncode == 5, run.stderr
    assert "Traceback" not in run.stderr and said in run.stderr
    assert [line for line in run.stderr.splitlines() if "backcare-tray: " in line]
    assert status.returncode == expected_status, status.stderr
    assert "Traceback" not in status.stderr and len(status.stderr.splitlines()) == 1
    if expected_status == 5:
        assert said in status.stderr


def test_a_socket_of_someone_else_is_a_permission_error_not_not_running() -> None:
    """A command run as another user that may not connect: exit 5 saying so."""
    base = Path(tempfile.mkdtemp(prefix="backcare-perm-"))  # outside pytest's root-only tmp
    try:
        os.chmod(base, 0o755)
        xdg, home = base / "xdg", base / "home"
        for folder in (xdg, xdg / "backcare-tray", home):
            folder.mkdir(mode=0o700)
            os.chown(folder, NOBODY, NOBODY)
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(str(xdg / "backcare-tray" / "control.sock"))  # root's, mode 0600
        os.chmod(xdg / "backcare-tray" / "control.sock", 0o600)
        listener.listen(1)
        env = {"PATH": os.environ["PATH"], "HOME": str(home), "XDG_RUNTIME_DIR": str(xdg)}
        as_nobody = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        result = subprocess.run(
            [*as_nobody, command_path(), "status"],
            env=env,
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
        listener.close()
    finally:
        shutil.rmtree(base)
    assert result.returncode == 5, result.stderr
    assert "control.sock: Permission denied" in result.stderr
    assert "Traceback" not in result.stderr


def raw_status(path: Path) -> dict[str, Any]:
    """Send one status request on a fresh connection and return the reply."""
    with socket.socket(socket.AF_UNIX) as client:
        client.settimeout(15)
        client.connect(str(path))
        client.sendall(b'{"command": "status"}\n')
        reply: dict[str, Any] = json.loads(client.makefile().readline())
        return reply


def test_fifty_clients_and_fifty_command_lines_at_once_are_all_answered(desktop: Desktop) -> None:
    """50 threads x 20 status on the socket, then 50 `status` processes: every one answered."""
    with running_daemon(desktop, "--no-tray") as daemon:
        path = app_folder(desktop) / "control.sock"
        replies: list[dict[str, Any]] = []
        barrier = threading.Barrier(50)

        def client() -> None:
            barrier.wait()
            replies.extend(raw_status(path) for _ in range(20))

        threads = [threading.Thread(target=client) for _ in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        refused = [reply for reply in replies if not reply["ok"]]
        assert len(replies) == 1000 and refused == [], refused[:3]
        processes = [
            subprocess.Popen(
                [command_path(), "status"],
                env=desktop.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for _ in range(50)
        ]
        failed = []
        for process in processes:
            _, err = process.communicate(timeout=60)
            if process.returncode:
                failed.append((process.returncode, err))
        assert failed == []
    assert daemon.exit_code == 0


def test_a_socket_held_by_silent_clients_still_answers_a_command(desktop: Desktop) -> None:
    """Every place taken by clients that say nothing: `status` waits its turn, exit 0."""
    with running_daemon(desktop, "--no-tray"):
        path = app_folder(desktop) / "control.sock"
        silent = []
        try:
            for _ in range(MAX_CLIENTS):
                client = socket.socket(socket.AF_UNIX)
                client.connect(str(path))
                silent.append(client)
            started = time.monotonic()
            status = desktop.run("status")
            assert status.returncode == 0, status.stderr
            assert time.monotonic() - started < READ_LIMIT + 3
        finally:
            for client in silent:
                client.close()


def test_a_command_given_up_on_while_the_daemon_was_stopped_is_never_applied(
    desktop: Desktop,
) -> None:
    """SIGSTOP with a stretch due: `skip` gives up (exit 4); after SIGCONT nothing was skipped."""
    with running_daemon(desktop, "--no-tray", config=write_config(desktop, "2s")) as daemon:
        wait_for(lambda: desktop.status()["state"] == "due", 15, "the stretch to fall due")
        os.kill(daemon.pid, signal.SIGSTOP)
        try:
            started = time.monotonic()
            skip = desktop.run("skip")
            gave_up_after = time.monotonic() - started
        finally:
            os.kill(daemon.pid, signal.SIGCONT)
        assert skip.returncode == 4, skip.stderr
        assert "no answer within 5 s" in skip.stderr and "was not carried out" in skip.stderr
        assert 4.5 < gave_up_after < 8
        status = desktop.status()  # answered after the skip was judged: it came first
        assert status["state"] == "due" and status["today"]["skipped"] == 0
        assert "skipped" not in desktop.run("history").stdout


def test_catchable_signals_are_logged_and_none_kills_the_daemon(desktop: Desktop) -> None:
    """USR1 writes the status to the log, USR2 and others are ignored with a line, QUIT stops."""
    with running_daemon(desktop, "--no-tray") as daemon:
        os.kill(daemon.pid, signal.SIGUSR1)
        wait_for(lambda: "Status: {" in daemon.log_text(), 10, "the status in the log")
        for signum, name in (
            (signal.SIGUSR2, "SIGUSR2"),
            (signal.SIGALRM, "SIGALRM"),
            (signal.SIGRTMIN + 4, "SIGRTMIN+4"),
        ):
            os.kill(daemon.pid, signum)
            wait_for(partial(logged, daemon, f"{name} received: ignored."), 10, name)
        assert desktop.status()["state"] == "working"
        line = next(line for line in daemon.log_text().splitlines() if "Status: {" in line)
        assert json.loads(line.split("Status: ", 1)[1])["state"] == "working"
        assert daemon.stop(signal.SIGQUIT) == 0
    assert "SIGQUIT received: stopping." in daemon.log_text()
    assert not (app_folder(desktop) / "control.sock").exists()
