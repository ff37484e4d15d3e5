"""How files are opened for people: the platform's opener, and Windows' fallback for text."""

import os
from pathlib import Path

import pytest
from support.platforms import linux_only
from support.waiting import wait_for

from backcare_tray.adapters.opener import open_command, open_with_default_app, windows_fallback


def test_each_platform_has_its_opener() -> None:
    """Linux uses xdg-open, macOS open, Windows its file associations (os.startfile)."""
    config = Path("/x.toml")
    assert open_command("linux", config) == ["xdg-open", str(config)]
    assert open_command("darwin", config) == ["open", str(config)]
    assert open_command("win32", config) is None


def test_windows_opens_text_in_notepad_when_no_program_is_associated() -> None:
    """A fresh Windows has no program for .toml: the config and reports go to Notepad."""
    for name in ("config.toml", "progress.txt", "backcare-tray.log", "week.CSV"):
        assert windows_fallback(Path(name)) == ["notepad.exe", name]
    assert windows_fallback(Path("progress.png")) is None  # no guessing for pictures


def is_zombie(pid: int) -> bool:
    """Return True while a process has ended and its parent has not collected it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False  # collected: gone from /proc
    return state == "Z"


@linux_only("reads /proc and runs a shell script as xdg-open")
def test_an_opener_that_has_exited_is_collected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """xdg-open that returns at once leaves no zombie behind while the daemon runs on."""
    opened = tmp_path / "opened"
    fake = tmp_path / "bin" / "xdg-open"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\necho "$$ $1" > {opened}\n', encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:{os.environ['PATH']}")
    assert open_with_default_app(tmp_path / "progress.txt")
    wait_for(lambda: opened.exists() and opened.read_text().strip(), 10, "xdg-open to run")
    pid, path = opened.read_text().strip().split(" ", 1)
    assert path == str(tmp_path / "progress.txt")
    wait_for(lambda: not is_zombie(int(pid)), 10, "the ended xdg-open to be collected")
