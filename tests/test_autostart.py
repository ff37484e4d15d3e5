"""Autostart files in a temporary home, checked against the specs."""

import plistlib
import subprocess
from pathlib import Path
from typing import Any

import pytest

from backcare_tray import autostart
from backcare_tray.cli import main


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary home with its own XDG folders."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / ".local" / "share"))
    return tmp_path


@pytest.mark.desktop
def test_enable_status_disable_on_linux(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Enable writes valid desktop entries and a unit, idempotently; disable removes them."""
    entry = home / ".config" / "autostart" / "backcare-tray.desktop"
    menu = home / ".local" / "share" / "applications" / "backcare-tray.desktop"
    unit = home / ".config" / "systemd" / "user" / "backcare-tray.service"
    assert main(["autostart", "enable", "--systemd", "--menu"]) == 0
    first = entry.read_bytes()
    assert main(["autostart", "enable", "--systemd", "--menu"]) == 0
    assert entry.read_bytes() == first  # idempotent
    for desktop_file in (entry, menu):
        check = subprocess.run(
            ["desktop-file-validate", str(desktop_file)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert check.returncode == 0 and check.stdout == "", check.stdout
    text = entry.read_text()
    assert "Exec=" in text and text.split("Exec=")[1].split()[0].endswith("backcare-tray")
    assert Path(text.split("Icon=")[1].splitlines()[0]).is_file()
    assert "ExecStart=" in unit.read_text() and "WantedBy=graphical-session.target" in (
        unit.read_text()
    )
    capsys.readouterr()
    assert main(["autostart", "status"]) == 0
    assert capsys.readouterr().out.count("(installed)") == 3
    assert main(["autostart", "disable"]) == 0
    assert not entry.exists() and not menu.exists() and not unit.exists()


def test_disable_leaves_files_it_did_not_write(home: Path) -> None:
    """A desktop entry the person wrote is neither overwritten nor removed."""
    entry = home / ".config" / "autostart" / "backcare-tray.desktop"
    entry.parent.mkdir(parents=True)
    entry.write_text("[Desktop Entry]\nType=Application\nName=mine\nExec=mine\n")
    assert main(["autostart", "enable"]) == 0
    assert main(["autostart", "disable"]) == 0
    assert entry.read_text().endswith("Exec=mine\n")


def test_macos_launch_agent_structure(tmp_path: Path) -> None:
    """The LaunchAgent is a valid plist with a label, the command and RunAtLoad."""
    (place,) = autostart.places(
        "darwin", tmp_path, "/usr/local/bin/backcare-tray", tmp_path / "icon.png"
    )
    assert place.path == tmp_path / "Library/LaunchAgents/org.backcare-tray.daemon.plist"
    agent = plistlib.loads(place.content)
    assert agent["Label"] == "org.backcare-tray.daemon"
    assert agent["ProgramArguments"] == ["/usr/local/bin/backcare-tray", "run"]
    assert agent["RunAtLoad"] is True
    assert autostart.enable([place]) and plistlib.loads(place.path.read_bytes()) == agent
    assert autostart.disable([place]) and not place.path.exists()


class FakeWinreg:
    """A stand-in for winreg holding one Run key in memory."""

    HKEY_CURRENT_USER = "HKCU"
    REG_SZ = 1

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def CreateKey(self, root: str, path: str) -> "FakeWinreg":
        """Open the Run key."""
        assert (root, path) == ("HKCU", autostart.RUN_KEY)
        return self

    def __enter__(self) -> "FakeWinreg":
        return self

    def __exit__(self, *_: Any) -> None:
        return None

    def QueryValueEx(self, key: Any, name: str) -> tuple[str, int]:
        """Return a value or raise FileNotFoundError like winreg."""
        if name not in self.values:
            raise FileNotFoundError(name)
        return self.values[name], self.REG_SZ

    def SetValueEx(self, key: Any, name: str, reserved: int, kind: int, value: str) -> None:
        """Set a value."""
        self.values[name] = value

    def DeleteValue(self, key: Any, name: str) -> None:
        """Delete a value."""
        del self.values[name]


def test_windows_run_entry() -> None:
    """Enable sets the HKCU Run value; disable removes only our own value."""
    registry = FakeWinreg()
    command = r"C:\\Python\\Scripts\\backcare-tray.exe"
    assert "not installed" in autostart.windows_run_entry(registry, command, "status")[0]
    autostart.windows_run_entry(registry, command, "enable")
    assert registry.values["backcare-tray"] == f'"{command}" run'
    assert "(installed)" in autostart.windows_run_entry(registry, command, "status")[0]
    autostart.windows_run_entry(registry, command, "disable")
    assert registry.values == {}
    registry.values["backcare-tray"] = "someone else's"
    assert autostart.windows_run_entry(registry, command, "disable") == []
    assert registry.values == {"backcare-tray": "someone else's"}
