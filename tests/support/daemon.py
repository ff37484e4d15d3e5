"""The installed daemon run on a test desktop, stopped (and its log told) however a test ends."""

import signal
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from support.desktop import Desktop
from support.waiting import wait_for

QUICK_CONFIG = """\
[schedule]
sitting_interval = "{interval}"
remind_every = "0s"

[notifications]
timeout = "30s"
"""
LOG_TAIL = 4000  # characters of the daemon's log added to a failing test's report


def write_config(desktop: Desktop, interval: str = "45m") -> Path:
    """Write a config with the given sitting interval into the desktop's home."""
    path = desktop.home / "test-config.toml"
    path.write_text(QUICK_CONFIG.format(interval=interval), encoding="utf-8")
    return path


@dataclass
class RunningDaemon:
    """A daemon started by running_daemon: its process and the file its output goes to."""

    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        """Return the daemon's process id."""
        return self.process.pid

    @property
    def exit_code(self) -> int | None:
        """Return the exit code once it has stopped, None while it runs."""
        return self.process.poll()

    def log_text(self) -> str:
        """Return what the daemon has written so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait(self, timeout: float = 10.0) -> int:
        """Wait for the daemon to stop by itself and return its exit code."""
        return self.process.wait(timeout=timeout)

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 10.0) -> int:
        """Stop it with a signal (unless it has stopped) and return its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
            raise AssertionError(
                f"the daemon did not stop within {timeout} s of signal {signum}; killed"
            ) from None

    def describe(self) -> str:
        """Return its exit code and the end of its log, for a failing test's report."""
        return (
            f"daemon pid {self.pid}, exit code {self.exit_code}, log {self.log}:\n"
            + (self.log_text()[-LOG_TAIL:])
        )


@contextmanager
def running_daemon(
    desktop: Desktop,
    *args: str,
    config: Path | None = None,
    log_name: str = "daemon.log",
    command: str | None = None,
    prefix: Sequence[str] = (),
) -> Iterator[RunningDaemon]:
    """Start the installed daemon (or another install's command) and yield it once it answers.

    prefix comes before the command (nsenter, to run it in a test's mount namespace).

    On the way out the daemon is stopped with SIGTERM unless the test stopped it; when the
    test fails, the daemon's exit code and the end of its log are added to the failure.
    """
    config_args = ["--config", str(config)] if config else []
    log = desktop.home / log_name
    process = desktop.spawn("run", *config_args, *args, log=log, command=command, prefix=prefix)
    daemon = RunningDaemon(process, log)
    try:
        wait_for(
            lambda: daemon.exit_code is not None or desktop.run("status").returncode == 0,
            20,
            "the daemon to answer status",
        )
        assert daemon.exit_code is None, "the daemon stopped as it started"
        yield daemon
    except BaseException as failure:
        try:
            daemon.stop()
        except AssertionError as stuck:
            failure.add_note(str(stuck))
        failure.add_note(daemon.describe())
        raise
    try:
        daemon.stop()
    except AssertionError as stuck:
        stuck.add_note(daemon.describe())
        raise
