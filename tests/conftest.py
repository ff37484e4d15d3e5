"""Shared fixtures: a real virtual desktop and a running daemon on it."""

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from desktop import Desktop, private_bus, virtual_desktop
from waiting import wait_for

QUICK_CONFIG = """\
[schedule]
sitting_interval = "{interval}"
remind_every = "0s"

[notifications]
timeout = "30s"
"""


@pytest.fixture
def desktop(tmp_path: Path) -> Iterator[Desktop]:
    """A fresh virtual desktop with a tray and a notification server."""
    with virtual_desktop(tmp_path) as running:
        yield running


def write_config(desktop: Desktop, interval: str = "45m") -> Path:
    """Write a config with the given sitting interval into the desktop's home."""
    path = desktop.home / "test-config.toml"
    path.write_text(QUICK_CONFIG.format(interval=interval), encoding="utf-8")
    return path


def start_daemon(
    desktop: Desktop, *args: str, config: Path | None = None, log_name: str = "daemon.log"
) -> subprocess.Popen[bytes]:
    """Start the installed daemon and wait until it answers status."""
    config_args = ["--config", str(config)] if config else []
    process = desktop.spawn("run", *config_args, *args, log=desktop.home / log_name)
    wait_for(
        lambda: process.poll() is not None or desktop.run("status").returncode == 0,
        20,
        "the daemon to answer status",
    )
    assert process.poll() is None, (desktop.home / log_name).read_text()
    return process


def stop_daemon(process: subprocess.Popen[bytes], signum: int = signal.SIGTERM) -> int:
    """Stop a daemon with a signal (SIGTERM by default) and return its exit code."""
    if process.poll() is None:
        process.send_signal(signum)
    return process.wait(timeout=10)


@pytest.fixture
def bus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private session bus with nothing on it, used by this process."""
    with private_bus(tmp_path) as address:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        yield address
