"""A wall clock set back or forward never delays a break nor fires a burst."""

import threading
import time
from pathlib import Path

import pytest
from support.daemon import running_daemon, write_config
from support.desktop import virtual_desktop
from support.waiting import wait_for

from backcare_tray.adapters.clock_change import ClockChangeListener

# Every test sets the system clock, which needs root (CAP_SYS_TIME).
pytestmark = pytest.mark.desktop

# Debian's faketime package, for whichever architecture this is.
LIBFAKETIME = next(iter(sorted(Path("/usr/lib").glob("*/faketime/libfaketimeMT.so.1"))), None)


def announce_a_clock_set() -> None:
    """Set the wall clock to what it reads: nothing moves, but the kernel tells listeners."""
    # Needs CAP_SYS_TIME (root here and in CI). The time read and written differ by the
    # microseconds between the two calls.
    time.clock_settime(time.CLOCK_REALTIME, time.clock_gettime(time.CLOCK_REALTIME))


def test_the_listener_hears_the_clock_being_set_and_stops() -> None:
    """A real clock set reaches the callback, each time; stop ends the thread."""
    heard = threading.Semaphore(0)
    listener = ClockChangeListener(heard.release)
    assert listener.start()
    try:
        for _ in range(2):
            announce_a_clock_set()
            assert heard.acquire(timeout=5)
    finally:
        listener.stop()
    wait_for(lambda: not any(t.name == "clock-change" for t in threading.enumerate()), 5, "stop")


def test_stop_from_the_callback_still_ends_the_thread() -> None:
    """A stop that lands while a clock set is being handled is not undone by the re-arm."""
    listener: ClockChangeListener
    heard = threading.Event()

    def stop_at_once() -> None:
        listener.stop()
        heard.set()

    listener = ClockChangeListener(stop_at_once)
    assert listener.start()
    announce_a_clock_set()
    assert heard.wait(timeout=5)
    wait_for(lambda: not any(t.name == "clock-change" for t in threading.enumerate()), 5, "stop")


@pytest.mark.parametrize("jump", ["-90s", "-3h", "+2h"])
def test_a_wall_clock_jump_moves_no_break(tmp_path: Path, jump: str) -> None:
    """The daemon's wall clock jumps; the stretch is still due after the sitting interval."""
    assert LIBFAKETIME is not None, "make test installs the faketime package"
    offset_file = tmp_path / "faketime"
    offset_file.write_text("+0\n")
    with virtual_desktop(tmp_path, notification_server=False, tray=None) as desktop:
        desktop.env.update(
            LD_PRELOAD=str(LIBFAKETIME),
            FAKETIME_TIMESTAMP_FILE=str(offset_file),
            FAKETIME_NO_CACHE="1",
            FAKETIME_DONT_FAKE_MONOTONIC="1",  # the awake clock stays true, as in real life
        )
        with running_daemon(desktop, "--no-tray", config=write_config(desktop, "8s")) as daemon:
            started = time.monotonic()
            offset_file.write_text(f"{jump}\n")  # the clock is set ...
            announce_a_clock_set()  # ... and the kernel says so, as it does for any clock set
            wait_for(lambda: desktop.status()["state"] == "due", 20, "the stretch to fall due")
            took = time.monotonic() - started
            assert 6.0 < took < 12.0, took  # 8 s of sitting, whichever way the clock went
            assert desktop.run("snooze", "2s").returncode == 0  # one more deadline after the jump
            wait_for(lambda: desktop.status()["state"] == "due", 10, "due again after the snooze")
            read = desktop.run("history")
            assert read.returncode == 0, read.stderr
            history = read.stdout
            assert history.count("notified") == 2, history  # once each time: no burst
        assert daemon.exit_code == 0
