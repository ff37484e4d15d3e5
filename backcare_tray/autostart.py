"""Start with the session: XDG autostart (and systemd), a macOS LaunchAgent, a Windows Run entry."""

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backcare_tray.i18n import N_, _

__all__ = [
    "ENV",
    "LABEL",
    "MARK",
    "RUN_KEY",
    "Place",
    "application_entry",
    "application_entry_path",
    "command_path",
    "desktop_entry",
    "disable",
    "enable",
    "ensure_application_entry",
    "every_place",
    "exec_line",
    "exec_start",
    "launch_agent",
    "places",
    "status",
    "systemd_unit",
    "windows_run_entry",
    "write_if_missing",
]

MARK = "X-Backcare-Tray-Written=true"  # only files carrying this are ever removed
LABEL = "org.backcare-tray.daemon"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
# systemd runs no executable whose path holds a quote, a backslash or a control character
# ("Executable name contains special characters"); such a path is handed to env instead.
ENV = "/usr/bin/env"

# The Desktop Entry spec's reserved characters in an Exec argument, and those that are
# escaped with a backslash inside its double quotes.
_EXEC_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")
_EXEC_ESCAPED = frozenset('"`$\\')
# The general escapes of a desktop entry's string values, applied after the quoting.
_STRING_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
# What needs no quotes in a systemd command line; anything else is quoted and C-escaped.
_UNIT_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._+:@,=-")
_UNIT_UNSAFE = frozenset("\"'\\")  # string_is_safe() in systemd refuses these and controls


def _desktop_string(text: str) -> str:
    """Return text escaped as a desktop entry's string value (backslash, newline, tab)."""
    return "".join(_STRING_ESCAPES.get(c, c) for c in text)


def _exec_word(word: str) -> str:
    """Return one word of an Exec key, quoted where the Desktop Entry spec requires it."""
    if word and not _EXEC_RESERVED.intersection(word):
        quoted = word
    else:
        quoted = '"' + "".join(f"\\{c}" if c in _EXEC_ESCAPED else c for c in word) + '"'
    return quoted.replace("%", "%%")  # a literal percent sign, not a field code


def exec_line(command: str, *arguments: str) -> str:
    """Return the Exec value (as written in the file) that runs command with arguments."""
    return _desktop_string(" ".join(_exec_word(word) for word in (command, *arguments)))


def _unit_word(word: str, *, executable: bool) -> str:
    """Return one word of a systemd command line: quoted and C-escaped where needed."""
    escaped = word.replace("%", "%%")  # specifiers are expanded in every word
    if not executable:
        escaped = escaped.replace("$", "$$")  # and variables in the arguments
    if escaped and set(escaped) <= _UNIT_PLAIN:
        return escaped
    return '"' + "".join(_c_escaped(c) for c in escaped) + '"'


def _c_escaped(c: str) -> str:
    """Return one character as it stands inside a systemd quoted word (C-style escapes)."""
    if c in '"\\':
        return "\\" + c
    if c.isprintable():
        return c
    code = ord(c)
    if code < 0x80:  # \x gives a byte: right for ASCII only
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def exec_start(command: str, *arguments: str) -> str:
    """Return the ExecStart value that runs command with arguments, as systemd reads it."""
    words = [command, *arguments]
    if _UNIT_UNSAFE.intersection(command) or not command.isprintable():
        words.insert(0, ENV)  # systemd refuses such an executable: env runs it for it
    return " ".join(_unit_word(word, executable=i == 0) for i, word in enumerate(words))


def desktop_entry(command: str, icon: Path) -> str:
    """Return a freedesktop .desktop entry that starts the daemon."""
    return "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            "Name=backcare-tray",
            "GenericName=Stretch reminder",
            "Comment=Reminds you to stand up and stretch your back",
            f"Exec={exec_line(command, 'run')}",
            f"Icon={_desktop_string(str(icon))}",
            "Terminal=false",
            "Categories=Utility;",
            "X-GNOME-Autostart-enabled=true",
            MARK,
            "",
        ]
    )


def application_entry(command: str, icon: Path) -> str:
    """Return the application's own entry: what notification settings find it by."""
    # Notifications carry the hint desktop-entry=backcare-tray: GNOME's and Plasma's
    # per-application notification settings look for backcare-tray.desktop to name the
    # program and give it a switch. Shown in the menu (NoDisplay=false), it also starts the
    # daemon by hand; a second start is refused by the instance lock.
    return "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            "Name=backcare-tray",
            "GenericName=Stretch reminder",
            "Comment=Reminds you to stand up and stretch your back",
            f"Exec={exec_line(command, 'run')}",
            f"Icon={_desktop_string(str(icon))}",
            "Terminal=false",
            "NoDisplay=false",
            "StartupNotify=false",
            "Categories=Utility;",
            "X-GNOME-UsesNotifications=true",
            MARK,
            "",
        ]
    )


def application_entry_path(home: Path) -> Path:
    """Return where the application entry goes: $XDG_DATA_HOME/applications."""
    data = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return data / "applications" / "backcare-tray.desktop"


def write_if_missing(path: Path, content: bytes) -> bool:
    """Write a file whole, and only where none is; return True when it was written.

    The content goes to a temporary file first, which is then linked into place: a reader
    never sees half a file, and a file that appeared meanwhile (another start) is kept.
    """
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
    finally:
        temporary.unlink()
    return True


def ensure_application_entry(platform: str, home: Path, command: str, icon: Path) -> Path | None:
    """Write the application entry if there is none (Linux and the BSDs); return it if written."""
    if platform in ("win32", "darwin"):
        return None
    path = application_entry_path(home)
    return path if write_if_missing(path, application_entry(command, icon).encode()) else None


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
            f"ExecStart={exec_start(command, 'run')}",
            "Restart=on-failure",
            "",
            "[Install]",
            "WantedBy=graphical-session.target",
            "",
        ]
    )


def launch_agent(command: str) -> bytes:
    """Return a macOS LaunchAgent plist that starts the daemon at login."""
    import plistlib  # not at the top: the daemon imports this module at start

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
    """One thing autostart writes: where, what, and whether it starts the daemon at login."""

    what: str  # marked with N_(), translated where shown
    path: Path
    content: bytes
    starts: bool = True  # False for the application menu entry: it only offers a launcher


def every_place(platform: str, home: Path, command: str, icon: Path) -> list[Place]:
    """Return every file autostart may write on a platform (Windows uses the registry)."""
    if platform == "darwin":
        plist = home / "Library" / "LaunchAgents" / f"{LABEL}.plist"
        return [Place(N_("LaunchAgent"), plist, launch_agent(command))]
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    entry = desktop_entry(command, icon).encode()
    return [
        Place(N_("XDG autostart entry"), config / "autostart" / "backcare-tray.desktop", entry),
        Place(
            N_("application menu entry"),
            application_entry_path(home),
            application_entry(command, icon).encode(),
            starts=False,
        ),
        Place(
            N_("systemd user unit"),
            config / "systemd" / "user" / "backcare-tray.service",
            systemd_unit(command).encode(),
        ),
    ]


def places(
    platform: str,
    home: Path,
    command: str,
    icon: Path,
    *,
    systemd: bool = False,
) -> list[Place]:
    """Return the files enable writes: ONE way of starting, and the application entry.

    On Linux that way is the XDG autostart entry, or with systemd the user unit instead
    (never both: two starters would race, and the loser would be restarted on failure).
    The application entry is what notification settings find the program by.
    """
    found = every_place(platform, home, command, icon)
    if platform == "darwin":
        return found
    entry, menu_entry, unit = found
    return [unit if systemd else entry, menu_entry]


def _ours(path: Path) -> bool:
    """Return True when a file exists and was written by autostart."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return MARK.encode() in data or b"BackcareTrayWritten" in data


def enable(found: list[Place], every: list[Place] | None = None) -> list[str]:
    """Write each file (again), and remove our other starters of every; say what was done."""
    done = []
    for place in found:
        if place.path.exists() and not _ours(place.path):
            done.append(
                _("left alone: {path} (not written by backcare-tray)").format(path=place.path)
            )
            continue
        place.path.parent.mkdir(parents=True, exist_ok=True)
        place.path.write_bytes(place.content)
        done.append(_("{what}: {path}").format(what=_(place.what), path=place.path))
    chosen = {place.path for place in found}
    others = [p for p in every or [] if p.starts and p.path not in chosen]
    # Translators: a line of what disable did, then why: another way of starting was chosen.
    done += [_("{line} (started one way only)").format(line=line) for line in disable(others)]
    return done


def _links_to(unit: Path) -> list[Path]:
    """Return the links `systemctl --user enable` made to a unit in its *.wants folders."""
    target = unit.resolve()
    return [
        link
        for link in unit.parent.glob(f"*.wants/{unit.name}")
        if link.is_symlink() and (link.parent / os.readlink(link)).resolve() == target
    ]


def disable(found: list[Place]) -> list[str]:
    """Remove the files autostart wrote (and systemctl's links to them), and only those."""
    done = []
    for place in found:
        if _ours(place.path):
            links = _links_to(place.path) if place.path.suffix == ".service" else []
            for link in links:
                link.unlink()
                done.append(_("removed systemctl's link: {path}").format(path=link))
            place.path.unlink()
            done.append(_("removed {what}: {path}").format(what=_(place.what), path=place.path))
    return done


def status(found: list[Place]) -> list[str]:
    """Return what is installed and where."""
    return [
        (
            _("{what}: {path} (installed)")
            if _ours(place.path)
            else _("{what}: {path} (not installed)")
        ).format(what=_(place.what), path=place.path)
        for place in found
    ]


def windows_run_entry(winreg: Any, command: str, action: str) -> list[str]:
    """Enable, disable or report the HKCU Run entry (winreg is the module, or a stand-in)."""
    value = f'"{command}" run'
    entry = f"HKCU\\{RUN_KEY}\\backcare-tray"
    with winreg.CreateKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
        try:
            current = winreg.QueryValueEx(key, "backcare-tray")[0]
        except FileNotFoundError:
            current = None
        if action == "enable":
            winreg.SetValueEx(key, "backcare-tray", 0, winreg.REG_SZ, value)
            return [_("Run entry: {key} = {value}").format(key=entry, value=value)]
        if action == "disable":
            if current == value:
                winreg.DeleteValue(key, "backcare-tray")
                return [_("removed Run entry: {key}").format(key=entry)]
            return []
        if current == value:
            return [_("Run entry: {key} (installed)").format(key=entry)]
        return [_("Run entry: {key} (not installed)").format(key=entry)]


def command_path() -> str:
    """Return the absolute path of the installed backcare-tray command."""
    beside = Path(sys.executable).parent / (
        "backcare-tray.exe" if sys.platform == "win32" else "backcare-tray"
    )
    return str(beside if beside.exists() else Path(sys.argv[0]).resolve())
