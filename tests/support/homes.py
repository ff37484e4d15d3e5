"""A test's own user folders: XDG variables on Linux, the profile folders on Windows."""

from pathlib import Path

import pytest

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
