"""Output into a pipe whose reader has gone: a quiet exit 141, never a traceback."""

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from support.daemon import running_daemon
from support.desktop import Desktop, command_path, user_env
from support.homes import app_paths_in, home_env, with_windows_basics

from backcare_tray.adapters.history import History
from backcare_tray.cli import EXIT_CUT_SHORT
from backcare_tray.engine import Record

START_WALL = 1_780_000_000.0


def home_with_history(home: Path, events: int) -> dict[str, str]:
    """Return a person's environment in home, with a log and a history of so many events."""
    env = with_windows_basics({**user_env(home, home / "runtime"), **home_env(home)})
    paths = app_paths_in(env)
    history = History(paths.history)
    for number in range(events):
        history.record(Record("done", "calf-stretch", answered_by="cli"), START_WALL + 60 * number)
    history.close()
    log = paths.log
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("".join(f"line {n}\n" for n in range(100)), encoding="utf-8")
    return env


def into_closed_pipe(argv: Sequence[str], env: dict[str, str]) -> tuple[int, str]:
    """Run argv with stdout a pipe whose reader closed before it began; return code, stderr."""
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            argv, stdout=write, stderr=subprocess.PIPE, env=env, timeout=60, check=False
        )
    finally:
        os.close(write)
    return done.returncode, done.stderr.decode(errors="replace")


def head_one(argv: Sequence[str], env: dict[str, str]) -> tuple[str, int, str]:
    """Run argv | head -1: read one line, close the pipe; return that line, code and stderr."""
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as process:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline().decode()
        process.stdout.close()
        err = process.stderr.read().decode(errors="replace")
        code = process.wait(timeout=60)
    return first, code, err


PRINTING = [
    ["history"],
    ["history", "--csv"],
    ["stats", "--days", "400"],
    ["stats", "--days", "400", "--csv"],
    ["stats", "--days", "400", "--json"],
    ["exercises"],
    ["show", "calf-stretch"],
    ["logs"],
    ["doctor"],
    ["autostart", "status"],
    ["--help"],
]


@pytest.mark.parametrize("command", PRINTING, ids=" ".join)
def test_every_printing_command_exits_quietly_when_its_reader_is_gone(
    tmp_path: Path, command: list[str]
) -> None:
    """No BrokenPipeError traceback and no 'Exception ignored': exit 141 and nothing said."""
    env = home_with_history(tmp_path, 3)
    python = [sys.executable, "-m", "backcare_tray"]  # the installed package, run as a program
    code, err = into_closed_pipe([*python, *command], env)
    assert (code, err) == (EXIT_CUT_SHORT, ""), err


def test_output_to_an_open_pipe_still_exits_0(tmp_path: Path) -> None:
    """A reader that takes everything sees the whole output and exit 0."""
    env = home_with_history(tmp_path, 3)
    done = subprocess.run(
        [sys.executable, "-m", "backcare_tray", "history"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr, len(done.stdout.splitlines())) == (0, "", 3)


@pytest.mark.desktop
@pytest.mark.parametrize(
    "command",
    [
        ["history"],
        ["history", "--csv"],
        ["stats", "--days", "3660"],
        ["stats", "--days", "3660", "--csv"],
        ["stats", "--days", "3660", "--json"],
    ],
    ids=" ".join,
)
def test_the_installed_command_piped_into_head(tmp_path: Path, command: list[str]) -> None:
    """backcare-tray history | head -1, with more output than a pipe holds: one line, quiet."""
    env = home_with_history(tmp_path, 2000)  # about 120 KB of history: the pipe holds 64 KiB
    first, code, err = head_one([command_path(), *command], env)
    assert first.strip()
    assert (code, err) == (EXIT_CUT_SHORT, ""), err


@pytest.mark.desktop
def test_status_of_the_running_daemon_piped_into_head(desktop: Desktop) -> None:
    """backcare-tray status | head -1 and status --json | head -1 end quietly too."""
    with running_daemon(desktop):
        for form in ([], ["--json"]):
            code, err = into_closed_pipe([command_path(), "status", *form], desktop.env)
            assert (code, err) == (EXIT_CUT_SHORT, ""), err
            first, code, err = head_one([command_path(), "status", *form], desktop.env)
            assert first.strip() and code in (0, EXIT_CUT_SHORT) and err == "", err
