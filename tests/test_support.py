"""The suite's own helpers: running the daemon in a with block, and the desktop marker's guard."""

import signal
from pathlib import Path

import pytest
from support import marking
from support.daemon import running_daemon
from support.desktop import Desktop, user_env


def headless(tmp_path: Path, bus: str) -> Desktop:
    """Return a session with a bus and no display: enough for `run --no-tray`."""
    home = tmp_path / "home"
    return Desktop({**user_env(home, tmp_path / "runtime"), "DBUS_SESSION_BUS_ADDRESS": bus}, home)


@pytest.mark.desktop
def test_running_daemon_stops_it_and_tells_its_exit_code_and_log_when_a_test_fails(
    tmp_path: Path, bus: str
) -> None:
    """A failing body still stops the daemon (SIGTERM), and the failure carries code and log."""
    desktop = headless(tmp_path, bus)
    with (
        pytest.raises(AssertionError, match="the body failed") as failure,
        running_daemon(desktop, "--no-tray") as daemon,
    ):
        assert desktop.status()["state"] == "working"
        raise AssertionError("the body failed")
    assert daemon.exit_code == 0
    (note,) = failure.value.__notes__
    assert f"daemon pid {daemon.pid}, exit code 0" in note
    assert daemon.log_text()[-200:] in note and "backcare-tray" in daemon.log_text()


@pytest.mark.desktop
def test_running_daemon_leaves_a_daemon_the_test_stopped_alone(tmp_path: Path, bus: str) -> None:
    """A test may stop it with its own signal and read the exit code; the exit adds nothing."""
    with running_daemon(headless(tmp_path, bus), "--no-tray") as daemon:
        assert daemon.exit_code is None
        assert daemon.stop(signal.SIGINT) == 0
    assert daemon.exit_code == 0


def test_the_desktop_helpers_refuse_a_test_without_the_marker() -> None:
    """Inside an unmarked test the guard fails with the way out; in a marked one it is quiet."""
    with (
        marking.running_test("tests/test_x.py::test_y", marked=False),
        pytest.raises(AssertionError, match=r"test_y starts Xvfb: mark it"),
    ):
        marking.require_desktop_marker("Xvfb")
    with marking.running_test("tests/test_x.py::test_z", marked=True):
        marking.require_desktop_marker("Xvfb")
