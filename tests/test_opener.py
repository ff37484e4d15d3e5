"""How files are opened for people: the platform's opener, and Windows' fallback for text."""

from pathlib import Path

from backcare_tray.adapters.opener import open_command, windows_fallback


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
