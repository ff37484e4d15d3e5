"""Start with the session: XDG autostart (and systemd), a macOS LaunchAgent, a Windows Run entry."""

import os
import plistlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "LABEL",
    "MARK",
    "RUN_KEY",
    "Place",
    "command_path",
    "desktop_entry",
    "disable",
    "enable",
    "launch_agent",
    "places",
    "status",
    "systemd_unit",
    "windows_run_entry",
]

MARK = "X-Backcare-Tray-Written=true"  # only files carrying this are ever removed
LABEL = "org.backcare-tray.daemon"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"


def desktop_entry(command: str, icon: Path) -> str:
    """Return a freedesktop .desktop entry that starts the daemon."""
    return "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            "Name=backcare-tray",
            "GenericName=Stretch reminder",
            "Comment=Reminds you to stand up and stretch your back",
            f"Exec={command} run",
            f"Icon={icon}",
            "Terminal=false",
            "Categories=Utility;",
            "X-GNOME-Autostart-enabled=true",
            MARK,
            "",
        ]
    )


def systemd_unit(command: str) -> str:
    """Return a systemd user unit that runs the daemon with the graphical session."""
    return "\n".join(
        [
            f"# {MARK}",
            "[Unit]",
            "Description=backcare-tray stretch reminder",
            "PartOf=graphical-session.target",
            "After=graphical-session.target",
            "",
            "[Service]",
            f"ExecStart={command} run",
            "Restart=on-failure",
            "",
            "[Install]",
            "WantedBy=graphical-session.target",
            "",
        ]
    )


def launch_agent(command: str) -> bytes:
    """Return a macOS LaunchAgent plist that starts the daemon at login."""
    return plistlib.dumps(
        {
            "Label": LABEL,
            "ProgramArguments": [command, "run"],
            "RunAtLoad": True,
            "ProcessType": "Interactive",
            "BackcareTrayWritten": True,
        }
    )


@dataclass(frozen=True)
class Place:
    """One thing autostart writes: where, and what."""

    what: str
    path: Path
    content: bytes


def places(
    platform: str,
    home: Path,
    command: str,
    icon: Path,
    *,
    systemd: bool = False,
    menu: bool = False,
) -> list[Place]:
    """Return the files autostart manages on a platform (Windows uses the registry instead)."""
    if platform == "darwin":
        plist = home / "Library" / "LaunchAgents" / f"{LABEL}.plist"
        return [Place("LaunchAgent", plist, launch_agent(command))]
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    data = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    entry = desktop_entry(command, icon).encode()
    candidates = [
        (True, "XDG autostart entry", config / "autostart" / "backcare-tray.desktop", entry),
        (menu, "application menu entry", data / "applications" / "backcare-tray.desktop", entry),
        (
            systemd,
            "systemd user unit",
            config / "systemd" / "user" / "backcare-tray.service",
            systemd_unit(command).encode(),
        ),
    ]
    found = [Place(what, path, content) for wanted, what, path, content in candidates if wanted]
    return found


def _ours(path: Path) -> bool:
    """Return True when a file exists and was written by autostart."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return MARK.encode() in data or b"BackcareTrayWritten" in data


def enable(found: list[Place]) -> list[str]:
    """Write each file (again); return what was done, one line each."""
    done = []
    for place in found:
        if place.path.exists() and not _ours(place.path):
            done.append(f"left alone: {place.path} (not written by backcare-tray)")
            continue
        place.path.parent.mkdir(parents=True, exist_ok=True)
        place.path.write_bytes(place.content)
        done.append(f"{place.what}: {place.path}")
    return done


def disable(found: list[Place]) -> list[str]:
    """Remove the files autostart wrote, and only those."""
    done = []
    for place in found:
        if _ours(place.path):
            place.path.unlink()
            done.append(f"removed {place.what}: {place.path}")
    return done


def status(found: list[Place]) -> list[str]:
    """Return what is installed and where."""
    return [
        f"{place.what}: {place.path} ({'installed' if _ours(place.path) else 'not installed'})"
        for place in found
    ]


def windows_run_entry(winreg: Any, command: str, action: str) -> list[str]:
    """Enable, disable or report the HKCU Run entry (winreg is the module, or a stand-in)."""
    value = f'"{command}" run'
    with winreg.CreateKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
        try:
            current = winreg.QueryValueEx(key, "backcare-tray")[0]
        except FileNotFoundError:
            current = None
        if action == "enable":
            winreg.SetValueEx(key, "backcare-tray", 0, winreg.REG_SZ, value)
            return [f"Run entry: HKCU\\{RUN_KEY}\\backcare-tray = {value}"]
        if action == "disable":
            if current == value:
                winreg.DeleteValue(key, "backcare-tray")
                return [f"removed Run entry: HKCU\\{RUN_KEY}\\backcare-tray"]
            return []
        state = "installed" if current == value else "not installed"
        return [f"Run entry: HKCU\\{RUN_KEY}\\backcare-tray ({state})"]


def command_path() -> str:
    """Return the absolute path of the installed backcare-tray command."""
    beside = Path(sys.executable).parent / (
        "backcare-tray.exe" if sys.platform == "win32" else "backcare-tray"
    )
    return str(beside if beside.exists() else Path(sys.argv[0]).resolve())
