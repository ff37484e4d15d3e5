"""Adapters against the real thing: sockets, files, locks, the scheduler, Pillow."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from support.engine_views import deadline, held_until
from support.platforms import linux_only

from backcare_tray.adapters.control import (
    ControlServer,
    Endpoint,
    NotRunning,
    endpoint_for,
    parse_request,
    send_request,
)
from backcare_tray.adapters.instance_lock import AlreadyRunning, InstanceLock
from backcare_tray.adapters.opener import open_command
from backcare_tray.adapters.scheduler import WakeupScheduler
from backcare_tray.adapters.state_file import load_state, save_state
from backcare_tray.adapters.tray import backend_candidates
from backcare_tray.commands import Command
from backcare_tray.engine import Pause, StartStretch, Tick, initial_state, step
from backcare_tray.moment import Moment
from backcare_tray.report import DayCounts
from backcare_tray.settings import Settings

SETTINGS = Settings()


@pytest.mark.parametrize(
    "platform",
    [
        pytest.param("linux", marks=linux_only("a Unix socket: Windows Python has no AF_UNIX")),
        "win32",
    ],
)
def test_control_round_trip_over_a_real_socket(tmp_path: Path, platform: str) -> None:
    """A command reaches the handler and its reply comes back, over either transport."""
    # The Windows transport (loopback TCP plus a token file) runs here for real as well.
    seen: list[Command] = []

    def handler(command: Command, answer_by: float) -> dict[str, object]:
        seen.append(command)
        return {"ok": True, "echo": command.name}

    endpoint = endpoint_for(tmp_path / "run", platform)
    server = ControlServer(endpoint, handler)
    server.start()
    try:
        if os.name == "posix":  # Windows has no such modes: the profile's ACLs keep it private
            assert os.stat(endpoint.path).st_mode & 0o777 == 0o600
        assert send_request(endpoint, Command("snooze", 120)) == {"ok": True, "echo": "snooze"}
        assert seen == [Command("snooze", 120)]
    finally:
        server.stop()
    assert not endpoint.path.exists()
    with pytest.raises(NotRunning):
        send_request(endpoint, Command("status"))


def test_tcp_transport_refuses_requests_without_the_token(tmp_path: Path) -> None:
    """On the loopback transport another local user cannot drive the daemon without the token."""
    endpoint = endpoint_for(tmp_path, "win32")
    server = ControlServer(endpoint, lambda c, by: {"ok": True})
    server.start()
    try:
        port = int(endpoint.path.read_text().split()[0])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
            client.sendall(b'{"command": "quit", "token": "guess"}\n')
            reply = json.loads(client.makefile().readline())
        assert reply == {"ok": False, "error": "request does not carry this daemon's token"}
    finally:
        server.stop()


@linux_only("a Unix socket: Windows Python has no AF_UNIX")
def test_stale_socket_from_a_crash_is_replaced(tmp_path: Path) -> None:
    """A socket file left by a killed daemon does not stop the next one."""
    endpoint = Endpoint("unix", tmp_path / "control.sock")
    endpoint.path.write_text("stale")
    server = ControlServer(endpoint, lambda c, by: {"ok": True})
    server.start()
    try:
        assert send_request(endpoint, Command("status")) == {"ok": True}
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (b"nonsense", "not JSON"),
        (b"[]", "JSON object"),
        (b'{"command": "rm -rf"}', "unknown command"),
        (b'{"command": "done", "seconds": 5}', "seconds"),
        (b'{"command": "pause", "seconds": "1h"}', "seconds"),
        (b'{"command": "pause", "seconds": true}', "seconds"),
        (b'{"command": "status", "extra": 1}', "unknown fields"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[" * 50_000, "longer than"),
        (b"[" * 3000, "nests deeper"),
        (b'{"command": []}', "unknown command"),
        (b'{"command": {"a": 1}}', "unknown command"),
        (b'{"command": "snooze", "seconds": 86401}', "longer than 1d"),
        (b'{"command": "pause", "seconds": 604801}', "longer than 7d"),
        (b'{"command": "snooze", "seconds": 0}', "more than zero"),
        (b'{"command": "snooze", "seconds": 1e400}', "whole number"),
    ],
)
def test_parse_request_rejects(line: bytes, problem: str) -> None:
    """Malformed requests are refused with a reason."""
    with pytest.raises(ValueError, match=problem):
        parse_request(line)


def test_state_round_trip_converts_clocks(tmp_path: Path) -> None:
    """Saved times are wall clock; loading maps them onto the new process's monotonic clock."""
    path = tmp_path / "state" / "state.json"
    state = initial_state(100.0, SETTINGS, seed=5)
    state, _ = step(state, Pause(200.0, 600), SETTINGS)
    save_state(path, state, DayCounts("2026-11-23", 2, 1, 0), Moment(200.0, 5000.0))
    loaded = load_state(path, Moment(9.0, 5100.0))  # 100 s later, after a restart
    assert loaded is not None
    restored, today = loaded
    assert restored.mode.name == "paused"
    assert deadline(restored) == pytest.approx(9.0 - 100.0 + 600.0)
    assert restored.rotation == state.rotation
    assert today == DayCounts("2026-11-23", 2, 1, 0)


def test_state_saved_mid_routine_comes_back_due(tmp_path: Path) -> None:
    """A routine interrupted by a stop is restored as due."""
    path = tmp_path / "state.json"
    state, _ = step(initial_state(0.0, SETTINGS, 1), StartStretch(10.0), SETTINGS)
    save_state(path, state, DayCounts("d"), Moment(11.0, 1011.0))
    loaded = load_state(path, Moment(0.0, 1020.0))
    assert loaded is not None and loaded[0].mode.name == "due"
    _, effects = step(loaded[0], Tick(0.0), SETTINGS)
    assert any(getattr(e, "kind", None) == "reminder" for e in effects)


def test_unusable_state_file_is_ignored_and_kept(tmp_path: Path) -> None:
    """A corrupt state file is set aside, not overwritten."""
    path = tmp_path / "state.json"
    path.write_text("{ broken")
    assert load_state(path, Moment(0.0, 0.0)) is None
    kept = list(tmp_path.glob("state.json.unusable-*"))
    assert len(kept) == 1 and kept[0].read_text() == "{ broken"
    assert load_state(tmp_path / "absent.json", Moment(0.0, 0.0)) is None


GOOD_STATE = {
    "format": 1,
    "mode": "working",
    "interval_started_at": 1000.0,
    "deadline": 3700.0,
    "remind_at": None,
    "rotation": {"ids": ["ball-squat"], "index": 0, "cycle": 0, "seed": 0},
    "today": {"date": "2026-11-23", "done": 1, "snoozed": 0, "skipped": 0},
}


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        "null",
        "NaN",
        "7",
        '"state"',
        "[" * 100_000,
        json.dumps({**GOOD_STATE, "deadline": None}),
        json.dumps({**GOOD_STATE, "mode": "dancing"}),
        json.dumps({**GOOD_STATE, "today": {"date": 5, "done": -1, "snoozed": 0, "skipped": 0}}),
        json.dumps({**GOOD_STATE, "rotation": {"ids": [], "index": 0, "cycle": 0, "seed": 0}}),
        json.dumps(GOOD_STATE).replace("3700.0", "NaN"),
        json.dumps(GOOD_STATE).replace("3700.0", "Infinity"),
        json.dumps(GOOD_STATE).replace("3700.0", "true"),
        json.dumps({**GOOD_STATE, "format": 2, "mode": {"name": "working", "since": 1.0}}),
        json.dumps({**GOOD_STATE, "format": 2, "mode": {"name": "due", "since": 1, "x": 2}}),
        json.dumps({**GOOD_STATE, "format": 2, "mode": {"name": "stretching", "since": 1}}),
        json.dumps({**GOOD_STATE, "format": 2, "mode": ["working"]}),
        json.dumps({**GOOD_STATE, "format": 3}),
    ],
)
def test_damaged_state_files_are_set_aside_never_a_crash(tmp_path: Path, text: str) -> None:
    """Whatever the state file holds, loading gives a state or None, and keeps the file."""
    path = tmp_path / "state.json"
    path.write_text(text)
    assert load_state(path, Moment(0.0, 0.0)) is None
    assert [p.read_text() for p in tmp_path.glob("state.json.unusable-*")] == [text]


def test_the_good_state_above_loads(tmp_path: Path) -> None:
    """The base of the damaged files (format 1, read for upgrades) is itself fine."""
    path = tmp_path / "state.json"
    path.write_text(json.dumps(GOOD_STATE))
    loaded = load_state(path, Moment(0.0, 1000.0))
    assert loaded is not None and deadline(loaded[0]) == 2700.0


def test_off_hours_and_a_held_stretch_survive_a_restart(tmp_path: Path) -> None:
    """Stopped outside working hours it comes back off; a stretch held for DND stays held."""
    path = tmp_path / "state.json"
    state = initial_state(0.0, SETTINGS, 3)
    off, _ = step(state, Tick(10.0, active=False, active_change_at=5000.0), SETTINGS)
    save_state(path, off, DayCounts("d"), Moment(10.0, 1010.0))
    loaded = load_state(path, Moment(0.0, 1010.0))
    assert loaded is not None
    assert loaded[0].mode.name == "off" and loaded[0].rotation == off.rotation
    held, _ = step(state, Tick(SETTINGS.sitting_interval, dnd=True), SETTINGS)
    held_at = held_until(held)
    assert held_at is not None
    save_state(path, held, DayCounts("d"), Moment(held_at - 60, 1000.0))
    loaded = load_state(path, Moment(0.0, 1000.0))
    assert loaded is not None and held_until(loaded[0]) == pytest.approx(60.0)


def test_atomic_write_survives_a_kill_mid_burst(tmp_path: Path) -> None:
    """SIGKILL during a burst of writes leaves a whole, parseable file."""
    path = tmp_path / "state.json"
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from backcare_tray.adapters.state_file import write_atomically\n"
        "p = Path(sys.argv[1])\n"
        "i = 0\n"
        "while True:\n"
        "    write_atomically(p, json.dumps({'n': i, 'pad': 'x' * 20000}))\n"
        "    i += 1\n"
    )
    writer = subprocess.Popen([sys.executable, "-c", script, str(path)])
    try:
        from support.waiting import wait_for

        def written_often() -> bool:
            try:
                return bool(json.loads(path.read_text())["n"] > 20)
            except FileNotFoundError:
                return False
            except PermissionError:  # Windows: opened just as the writer replaced it
                if os.name != "nt":
                    raise
                return False

        wait_for(written_often, 20, "writes")
    finally:
        writer.kill()
        writer.wait()
    assert json.loads(path.read_text())["pad"] == "x" * 20000


def test_instance_lock_is_exclusive_across_processes(tmp_path: Path) -> None:
    """A second process cannot take the lock and learns the holder's pid."""
    lock_path = tmp_path / "daemon.lock"
    lock = InstanceLock(lock_path)
    lock.acquire()
    try:
        probe = (
            "import sys\nfrom pathlib import Path\n"
            "from backcare_tray.adapters.instance_lock import InstanceLock, AlreadyRunning\n"
            "try:\n    InstanceLock(Path(sys.argv[1])).acquire()\n"
            "except AlreadyRunning as e:\n    print(e); sys.exit(1)\n"
        )
        other = subprocess.run(
            [sys.executable, "-c", probe, str(lock_path)],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
        assert other.returncode == 1
        assert f"pid {os.getpid()}" in other.stdout
        with pytest.raises(AlreadyRunning):
            InstanceLock(lock_path).acquire()
    finally:
        lock.release()
    again = InstanceLock(lock_path)
    again.acquire()
    again.release()


def test_scheduler_fires_the_latest_plan_once(tmp_path: Path) -> None:
    """Replanning a job replaces it; a cancelled job never fires."""
    scheduler = WakeupScheduler()
    scheduler.start()
    fired: list[str] = []
    done = threading.Event()

    def fire_new() -> None:
        fired.append("new")
        done.set()

    try:
        scheduler.plan("wake", 30.0, lambda: fired.append("old"))
        scheduler.plan("wake", 0.05, fire_new)
        scheduler.plan("other", 0.01, lambda: fired.append("cancelled"))
        scheduler.plan("other", None, lambda: None)
        assert done.wait(5)
        scheduler.plan("wake", None, lambda: None)  # already ran: cancelling is harmless
    finally:
        scheduler.shutdown()
    assert fired == ["new"]


def test_scheduler_runs_a_past_time_at_once() -> None:
    """A wake-up already due (after a restart) fires immediately."""
    scheduler = WakeupScheduler()
    scheduler.start()
    done = threading.Event()
    started = time.monotonic()
    try:
        scheduler.plan("wake", -100.0, done.set)
        assert done.wait(5)
    finally:
        scheduler.shutdown()
    assert time.monotonic() - started < 5


def test_backends_never_include_xorg() -> None:
    """Linux: our own SNI item where a watcher is, GTK only for XEmbed; the env var wins."""
    both = ["StatusNotifierItem host", "XEmbed system tray"]
    assert backend_candidates("linux", None, ["StatusNotifierItem host"]) == ["sni"]
    assert backend_candidates("linux", None, both) == ["sni"]
    assert backend_candidates("linux", None, ["XEmbed system tray"]) == ["gtk", "appindicator"]
    assert backend_candidates("linux", None, []) == ["gtk", "appindicator"]  # X11: may dock later
    assert backend_candidates("linux", None, [], x11=False) == ["sni"]  # Wayland: waits for a host
    assert backend_candidates("linux", "gtk", ["StatusNotifierItem host"]) == ["gtk"]
    assert backend_candidates("win32", None, []) == ["win32"]
    assert backend_candidates("darwin", None, []) == ["darwin"]


def test_opener_commands() -> None:
    """Each platform opens files with its own default handler."""
    config = Path("/x.toml")
    assert open_command("linux", config) == ["xdg-open", str(config)]
    assert open_command("darwin", config) == ["open", str(config)]
    assert open_command("win32", config) is None


class RecordingMsvcrt:
    """A stand-in for Windows' msvcrt that records lock calls and can refuse them."""

    LK_NBLCK = 2

    def __init__(self, refuse: bool) -> None:
        self.refuse = refuse
        self.calls: list[tuple[int, int]] = []

    def locking(self, fileno: int, mode: int, length: int) -> None:
        """Record the call; raise like Windows does when another process holds the lock."""
        self.calls.append((mode, length))
        if self.refuse:
            raise PermissionError(13, "Permission denied")


@pytest.mark.parametrize("refuse", [False, True])
def test_windows_lock_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, refuse: bool) -> None:
    """On Windows the lock is a non-blocking msvcrt lock on the first byte."""
    fake = RecordingMsvcrt(refuse)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    lock = InstanceLock(tmp_path / "daemon.lock")
    if refuse:
        with pytest.raises(AlreadyRunning):
            lock.acquire()
    else:
        lock.acquire()
        lock.release()
    assert fake.calls == [(RecordingMsvcrt.LK_NBLCK, 1)]
