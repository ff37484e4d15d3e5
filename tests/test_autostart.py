"""Autostart files in a temporary home, checked against the specs."""

import plistlib
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from support.platforms import linux_only
from support.waiting import wait_for

from backcare_tray import autostart
from backcare_tray.cli import main


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary home with its own XDG folders."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / ".local" / "share"))
    return tmp_path


def entry_path(home: Path) -> Path:
    """Return where the XDG autostart entry goes."""
    return home / ".config" / "autostart" / "backcare-tray.desktop"


def menu_path(home: Path) -> Path:
    """Return where the application menu entry goes."""
    return home / ".local" / "share" / "applications" / "backcare-tray.desktop"


def unit_path(home: Path) -> Path:
    """Return where the systemd user unit goes."""
    return home / ".config" / "systemd" / "user" / "backcare-tray.service"


# The command line writes these on Linux only; on Windows it sets the Run value instead.
xdg_only = linux_only("XDG autostart entries and systemd user units are Linux's starters")


@pytest.mark.desktop
def test_enable_status_disable_on_linux(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Enable writes valid desktop entries, idempotently; status and disable see them all."""
    entry, menu = entry_path(home), menu_path(home)
    assert main(["autostart", "enable", "--menu"]) == 0
    first = entry.read_bytes()
    assert main(["autostart", "enable", "--menu"]) == 0
    assert entry.read_bytes() == first  # idempotent
    for desktop_file in (entry, menu):
        check = subprocess.run(
            ["desktop-file-validate", str(desktop_file)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert check.returncode == 0 and check.stdout == "", check.stdout
    assert exec_argv(entry.read_text())[0].endswith("backcare-tray")
    assert Path(desktop_value(entry.read_text(), "Icon")).is_file()
    assert not unit_path(home).exists()  # the XDG entry is the one way it starts
    capsys.readouterr()
    assert main(["autostart", "status"]) == 0
    out = capsys.readouterr().out
    assert out.count("(installed)") == 2 and "systemd user unit" in out
    assert main(["autostart", "disable"]) == 0
    assert not entry.exists() and not menu.exists()


@xdg_only
def test_systemd_starts_it_instead_of_the_xdg_entry(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--systemd writes the unit and no XDG entry, so one thing starts it; disable undoes it."""
    entry, unit = entry_path(home), unit_path(home)
    assert main(["autostart", "enable", "--systemd"]) == 0
    assert unit.is_file() and not entry.exists()
    text = unit.read_text()
    assert "WantedBy=graphical-session.target" in text
    assert systemd_words(unit_value(text, "ExecStart"))[1:] == ["run"]
    # What `systemctl --user enable` makes; disable takes it away with the unit.
    wants = unit.parent / "graphical-session.target.wants"
    wants.mkdir()
    (wants / unit.name).symlink_to(unit)
    foreign = wants / "other.service"
    foreign.symlink_to(unit.parent / "other.service")
    capsys.readouterr()
    assert main(["autostart", "disable"]) == 0
    out = capsys.readouterr().out
    assert f"removed systemctl's link: {wants / unit.name}" in out
    assert "systemctl --user stop backcare-tray.service" in out
    assert not unit.exists() and not (wants / unit.name).is_symlink()
    assert foreign.is_symlink()  # not ours


@xdg_only
def test_switching_ways_removes_the_other_starter(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Enable one way after the other: the first way's file is removed, never both left."""
    entry, unit = entry_path(home), unit_path(home)
    assert main(["autostart", "enable"]) == 0
    assert entry.exists() and not unit.exists()
    capsys.readouterr()
    assert main(["autostart", "enable", "--systemd"]) == 0
    assert unit.exists() and not entry.exists()
    assert "removed XDG autostart entry" in capsys.readouterr().out
    assert main(["autostart", "enable", "--menu"]) == 0
    assert entry.exists() and not unit.exists() and menu_path(home).exists()
    assert main(["autostart", "enable", "--systemd"]) == 0
    assert menu_path(home).exists()  # a launcher in the menu starts nothing by itself


@xdg_only
def test_a_persons_own_entry_is_left_when_systemd_is_chosen(home: Path) -> None:
    """Only our own files are removed: an entry the person wrote stays beside the unit."""
    entry = entry_path(home)
    entry.parent.mkdir(parents=True)
    entry.write_text("[Desktop Entry]\nType=Application\nName=mine\nExec=mine\n")
    assert main(["autostart", "enable", "--systemd"]) == 0
    assert entry.read_text().endswith("Exec=mine\n") and unit_path(home).exists()


# Paths a person may really have: spaces, quotes, shell and systemd specials, non-ASCII.
HOSTILE_COMMANDS = [
    "/home/ann/my apps/bin/backcare-tray",
    "/home/o'brien/.local/bin/backcare-tray",
    '/home/ann/say "hi"/backcare-tray',
    "/home/ann/$HOME `pwd` (x) & y; z|w <a> ~b *?#/backcare-tray",
    "/home/ann/back\\slash/backcare-tray",
    "/home/ann/100% sure/%h %%/backcare-tray",
    "/home/zoë/ünïcode bin/backcare-tray",
    "/home/ann/tab\there/backcare-tray",
    "/usr/bin/backcare-tray",
]


def desktop_value(text: str, key: str) -> str:
    """Return a key of a desktop entry read by GLib's key-file parser (string escapes undone)."""
    import gi

    gi.require_version("GLib", "2.0")
    from gi.repository import GLib

    keys = GLib.KeyFile()
    keys.load_from_data(text, len(text.encode()), GLib.KeyFileFlags.NONE)
    value: str = keys.get_string("Desktop Entry", key)
    return value


def exec_argv(text: str) -> list[str]:
    """Return the argv a desktop entry's Exec gives, as GIO builds it (quotes, then %%)."""
    from gi.repository import GLib

    parsed, argv = GLib.shell_parse_argv(desktop_value(text, "Exec"))
    assert parsed
    return [word.replace("%%", "%") for word in argv]


@linux_only("reads the entry back with GLib's parsers, from PyGObject")
@pytest.mark.parametrize("command", HOSTILE_COMMANDS)
def test_the_exec_key_quotes_as_the_desktop_entry_spec_asks(command: str) -> None:
    """Read back with GLib's parsers, Exec gives exactly the command and run."""
    icon = Path(command).parent / "icon dir" / "back care.png"
    text = autostart.desktop_entry(command, icon)
    assert exec_argv(text) == [command, "run"]
    assert desktop_value(text, "Icon") == str(icon)
    if command == "/usr/bin/backcare-tray":
        assert "Exec=/usr/bin/backcare-tray run\n" in text  # plain stays plain


_C_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "s": " ",
    "\\": "\\",
    '"': '"',
    "'": "'",
}
_ESCAPE_DIGITS = {"x": (2, 16), "u": (4, 16), "U": (8, 16)}


def _escape(value: str, at: int) -> tuple[str, int]:
    """Return the character of the C escape at value[at] (just past the backslash), and after."""
    letter = value[at]
    if letter in _C_ESCAPES:
        return _C_ESCAPES[letter], at + 1
    if letter in _ESCAPE_DIGITS:
        width, base = _ESCAPE_DIGITS[letter]
        return chr(int(value[at + 1 : at + 1 + width], base)), at + 1 + width
    if letter in "01234567":
        return chr(int(value[at : at + 3], 8)), at + 3
    raise AssertionError(f"systemd would refuse the escape \\{letter} in {value!r}")


def systemd_words(value: str) -> list[str]:
    """Return the argv systemd makes of an ExecStart value (systemd.syntax(7), .service(5)).

    Specifiers first (only %% is ever written), then words split at unquoted whitespace, a
    word wholly in double or single quotes, C escapes in and out of quotes; in arguments,
    $$ is a dollar sign (a lone $ would start a variable, which is never written).
    """
    assert re.sub("%%", "", value).count("%") == 0, value
    value = value.replace("%%", "%")
    words: list[str] = []
    at = 0
    while True:
        while at < len(value) and value[at] in " \t":
            at += 1
        if at == len(value):
            break
        quote = value[at] if value[at] in "\"'" else None
        at += quote is not None
        word = ""
        while True:
            if at == len(value):
                assert quote is None, f"unterminated quote in {value!r}"
                break
            char = value[at]
            if quote is not None and char == quote:
                at += 1
                assert at == len(value) or value[at] in " \t", value
                break
            if quote is None and char in " \t":
                break
            if char == "\\":
                char, at = _escape(value, at + 1)
            else:
                at += 1
            word += char
        words.append(word)
    executable, *arguments = words
    for argument in arguments:
        assert re.sub(r"\$\$", "", argument).count("$") == 0, argument
    return [executable, *(argument.replace("$$", "$") for argument in arguments)]


def unit_value(text: str, key: str) -> str:
    """Return the value of a key in a unit file (one line each, as written here)."""
    (line,) = [line for line in text.splitlines() if line.startswith(f"{key}=")]
    return line.removeprefix(f"{key}=")


def test_the_test_parser_reads_systemd_syntax_as_documented() -> None:
    """The parser above on the examples of systemd.syntax(7) and systemd.service(5)."""
    assert systemd_words("/bin/echo \"one  two\" 'three' four\\sfive") == [
        "/bin/echo",
        "one  two",
        "three",
        "four five",
    ]
    assert systemd_words('/bin/echo "a\\"b\\\\c" $$HOME 100%%') == [
        "/bin/echo",
        'a"b\\c',
        "$HOME",
        "100%",
    ]
    assert systemd_words("/bin/echo \\x41\\101\\u00e9") == ["/bin/echo", "AAé"]


@pytest.mark.parametrize("command", HOSTILE_COMMANDS)
def test_exec_start_quotes_as_systemd_reads_it(command: str) -> None:
    """Parsed as systemd parses it, ExecStart runs exactly the command with run."""
    argv = systemd_words(unit_value(autostart.systemd_unit(command), "ExecStart"))
    unsafe = any(c in "\"'\\" or not c.isprintable() for c in command)
    # systemd refuses such an executable name outright: env is the executable instead.
    assert argv == ([autostart.ENV] if unsafe else []) + [command, "run"]
    if command == "/usr/bin/backcare-tray":
        assert "ExecStart=/usr/bin/backcare-tray run\n" in autostart.systemd_unit(command)


def spaced_program(base: Path, folder: str, record: Path) -> Path:
    """Write a stand-in backcare-tray under base/folder that records its argv in record."""
    program = base / folder / "backcare-tray"
    program.parent.mkdir(parents=True)
    program.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$0\" \"$@\" > '{record}'\n")
    program.chmod(0o755)
    return program


@pytest.mark.desktop
def test_a_spaced_quoted_path_is_valid_and_launches_as_written(tmp_path: Path) -> None:
    """desktop-file-validate takes the entry, and GIO launching it runs the program with run."""
    import gi

    gi.require_version("Gio", "2.0")
    from gi.repository import Gio

    record = tmp_path / "argv.txt"
    # No % here: GIO looks the program up before it turns %% back into % (a GLib quirk).
    program = spaced_program(tmp_path, 'my apps/o\'brien "q" $HOME `x` (y) \\ z', record)
    entry = tmp_path / "backcare-tray.desktop"
    entry.write_text(autostart.desktop_entry(str(program), tmp_path / "icon.png"))
    check = subprocess.run(
        ["desktop-file-validate", str(entry)], capture_output=True, text=True, check=False
    )
    assert (check.returncode, check.stdout) == (0, ""), check.stdout
    info = Gio.DesktopAppInfo.new_from_filename(str(entry))
    assert info is not None and info.launch([], None)
    wait_for(lambda: record.exists() and record.read_text().endswith("\n"), 10, "the launch")
    assert record.read_text().splitlines() == [str(program), "run"]


@pytest.mark.desktop
@pytest.mark.parametrize(
    "folder", ["my apps/100% sure $x", 'o\'brien "q"/back\\slash'], ids=["spaces", "quotes"]
)
def test_systemd_analyze_verifies_the_unit(tmp_path: Path, folder: str) -> None:
    """systemd-analyze verify finds the unit sound and its executable there, spaces and all."""
    program = spaced_program(tmp_path, folder, tmp_path / "argv.txt")
    unit = tmp_path / "backcare-tray.service"
    unit.write_text(autostart.systemd_unit(str(program)))
    check = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, check=False
    )
    assert (check.returncode, check.stderr) == (0, ""), check.stderr
    # And the executable it reads is exactly the path: a missing one is named in full.
    if "'" not in folder:
        program.unlink()
        check = subprocess.run(
            ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, check=False
        )
        assert f"Command {program} is not executable" in check.stderr, check.stderr


@xdg_only
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


def validate(desktop_file: Path) -> None:
    """Fail unless desktop-file-validate takes the file without a word."""
    check = subprocess.run(
        ["desktop-file-validate", str(desktop_file)], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0 and check.stdout == "", check.stdout


@pytest.mark.desktop
def test_the_first_run_writes_the_application_entry_once(home: Path) -> None:
    """The file the desktop-entry hint names is written where missing, valid, and only then."""
    from backcare_tray.adapters.notifications.protocol import DESKTOP_ENTRY
    from backcare_tray.cli.run import _write_application_entry

    menu = menu_path(home)
    assert menu.name == f"{DESKTOP_ENTRY}.desktop"
    _write_application_entry()
    validate(menu)
    text = menu.read_text()
    assert desktop_value(text, "NoDisplay") == "false"
    assert desktop_value(text, "X-GNOME-UsesNotifications") == "true"
    assert desktop_value(text, "StartupNotify") == "false"
    assert exec_argv(text)[1:] == ["run"] and Path(desktop_value(text, "Icon")).is_file()
    assert "X-GNOME-Autostart-enabled" not in text  # a launcher, not a starter
    assert sorted(p.name for p in menu.parent.iterdir()) == [menu.name]  # no temporary left
    menu.write_text("[Desktop Entry]\nType=Application\nName=Mine\nExec=mine\n")
    _write_application_entry()
    assert "Name=Mine" in menu.read_text()  # a file already there is never replaced


def test_write_if_missing_keeps_a_file_that_appeared_meanwhile(tmp_path: Path) -> None:
    """Two starts at once: the first file in place stays whole, the other writes nothing."""
    path = tmp_path / "applications" / "backcare-tray.desktop"
    assert autostart.write_if_missing(path, b"first\n")
    assert not autostart.write_if_missing(path, b"second\n")
    assert path.read_bytes() == b"first\n" and len(list(path.parent.iterdir())) == 1
    assert autostart.ensure_application_entry("darwin", tmp_path, "/bin/x", tmp_path) is None


@pytest.mark.desktop
def test_enable_writes_the_application_entry_without_being_asked(home: Path) -> None:
    """Autostart enable writes the application entry too (notification settings need it)."""
    assert main(["autostart", "enable"]) == 0
    validate(menu_path(home))
    validate(entry_path(home))
    assert desktop_value(menu_path(home).read_text(), "X-GNOME-UsesNotifications") == "true"
    assert main(["autostart", "disable"]) == 0
    assert not menu_path(home).exists()
