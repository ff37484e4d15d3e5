"""A test's own user folders: XDG variables on Linux, the profile folders on Windows."""

import os
from collections.abc import Mapping
from pathlib import Path

import pytest

from backcare_tray.paths import AppPaths, app_paths

# platformdirs asks Windows for the known folders and reads these overrides before that;
# the plain variables are what other code (and child processes) read.
WINDOWS_FOLDERS = {
    "APPDATA": Path("AppData") / "Roaming",
    "LOCALAPPDATA": Path("AppData") / "Local",
}
OVERRIDES = {"APPDATA": "WIN_PD_OVERRIDE_APPDATA", "LOCALAPPDATA": "WIN_PD_OVERRIDE_LOCAL_APPDATA"}
XDG_FOLDERS = {
    "XDG_CONFIG_HOME": Path(".config"),
    "XDG_STATE_HOME": Path(".local") / "state",
    "XDG_DATA_HOME": Path(".local") / "share",
    "XDG_CACHE_HOME": Path(".cache"),
}


def windows_home_env(home: Path) -> dict[str, str]:
    """Return the variables that put a Windows user's profile folders under home."""
    env = {"USERPROFILE": str(home)}
    for name, below in WINDOWS_FOLDERS.items():
        env[name] = env[OVERRIDES[name]] = str(home / below)
    return env


def home_env(home: Path) -> dict[str, str]:
    """Return the variables that put every user folder of either platform under home."""
    env = {"HOME": str(home), **windows_home_env(home)}
    env.update({name: str(home / below) for name, below in XDG_FOLDERS.items()})
    return env


def windows_home(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """Point this process's Windows profile folders under home, for this test."""
    for name, value in windows_home_env(home).items():
        monkeypatch.setenv(name, value)


def use_home(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """Point every user folder of either platform under home, for this test."""
    for name, value in home_env(home).items():
        monkeypatch.setenv(name, value)


def with_windows_basics(env: dict[str, str]) -> dict[str, str]:
    """Return env plus what a Windows child process needs of ours to start (none elsewhere)."""
    basics = ("SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "TEMP", "TMP", "COMSPEC", "PATHEXT")
    return {**{name: os.environ[name] for name in basics if name in os.environ}, **env}


def app_paths_in(env: Mapping[str, str]) -> AppPaths:
    """Return the paths a process with these variables finds for its files."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        return app_paths()
