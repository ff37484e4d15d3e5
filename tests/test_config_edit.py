"""Saving the config as the window does: comments kept, a backup, nothing written unchanged."""

import os
import stat
from pathlib import Path

import pytest

from backcare_tray.adapters.config_edit import (
    ConfigChanged,
    backup_path,
    read_draft,
    save_draft,
)
from backcare_tray.config_file import ConfigError, load_settings
from backcare_tray.settings_schema import setting_named

USER_FILE = """\
# My settings, tuned after the physio's advice.
[schedule]
sitting_interval = "50m"   # fifty, not forty-five
snooze = "5m"

# Mornings only
[rotation]
order = "shuffle"
"""


def test_a_changed_value_changes_only_its_own_text(tmp_path: Path) -> None:
    """The comments, spacing and other keys stay byte for byte; the old file is the backup."""
    path = tmp_path / "config.toml"
    path.write_text(USER_FILE, encoding="utf-8")
    draft = read_draft(path)
    draft.set(setting_named("schedule.snooze"), "15m")
    assert save_draft(draft)
    assert path.read_text(encoding="utf-8") == USER_FILE.replace('snooze = "5m"', 'snooze = "15m"')
    assert backup_path(path).read_text(encoding="utf-8") == USER_FILE
    assert load_settings(path).snooze == 15 * 60


def test_a_setting_of_a_section_the_file_lacks_gets_the_section(tmp_path: Path) -> None:
    """A new section is added at the end, and the file still loads with the value in it."""
    path = tmp_path / "config.toml"
    path.write_text(USER_FILE, encoding="utf-8")
    draft = read_draft(path)
    draft.set(setting_named("goals.daily_stretches"), 9)
    draft.set(setting_named("schedule.remind_every"), "0s")
    save_draft(draft)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(USER_FILE.split("\n\n")[0])
    assert "[goals]\ndaily_stretches = 9" in text
    settings = load_settings(path)
    assert (settings.daily_goal, settings.remind_every) == (9, 0)


def test_nothing_is_written_when_nothing_changed(tmp_path: Path) -> None:
    """Setting the value the file has already writes nothing, not even a backup."""
    path = tmp_path / "config.toml"
    path.write_text(USER_FILE, encoding="utf-8")
    draft = read_draft(path)
    draft.set(setting_named("schedule.sitting_interval"), "50m")
    assert not draft.changed()
    assert not save_draft(draft)
    assert not backup_path(path).exists()


def test_a_missing_file_starts_from_the_example(tmp_path: Path) -> None:
    """With no config yet, the saved file is the documented example with the change."""
    path = tmp_path / "backcare-tray" / "config.toml"
    draft = read_draft(path)
    assert draft.value(setting_named("schedule.sitting_interval")) == "45m"
    draft.set(setting_named("schedule.sitting_interval"), "30m")
    assert save_draft(draft)
    text = path.read_text(encoding="utf-8")
    assert "# backcare-tray configuration." in text
    assert load_settings(path, required=True).sitting_interval == 30 * 60
    assert not backup_path(path).exists()


def test_a_file_changed_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    """An edit made in an editor after the window read the file is refused, not lost."""
    path = tmp_path / "config.toml"
    path.write_text(USER_FILE, encoding="utf-8")
    draft = read_draft(path)
    draft.set(setting_named("schedule.snooze"), "15m")
    edited = USER_FILE + "\n[goals]\ndaily_stretches = 3\n"
    path.write_text(edited, encoding="utf-8")
    with pytest.raises(ConfigChanged):
        save_draft(draft)
    assert path.read_text(encoding="utf-8") == edited


def test_broken_toml_is_refused_with_the_file_named(tmp_path: Path) -> None:
    """A file that is not TOML is not opened for editing (and is left as it is)."""
    path = tmp_path / "config.toml"
    path.write_text("[schedule\nsnooze = 5m\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config\.toml: not valid TOML"):
        read_draft(path)
    assert path.read_text(encoding="utf-8") == "[schedule\nsnooze = 5m\n"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            'schedule = { sitting_interval = "30m", snooze = "7m" }  # mine\n',
            'schedule = { sitting_interval = "30m", snooze = "7m", remind_every = "2m"}  # mine\n',
        ),
        (
            'schedule.snooze = "7m"  # dotted\n# the end\n',
            'schedule.snooze = "7m"  # dotted\nschedule.remind_every = "2m"\n# the end\n',
        ),
    ],
)
def test_a_section_written_inline_or_dotted_keeps_its_other_keys(
    tmp_path: Path, before: str, after: str
) -> None:
    """A setting added to `schedule = {...}` or `schedule.x = ...` goes beside the others."""
    path = tmp_path / "config.toml"
    path.write_text(before, encoding="utf-8")
    draft = read_draft(path)
    draft.set(setting_named("schedule.remind_every"), "2m")
    save_draft(draft)
    assert path.read_text(encoding="utf-8") == after
    settings = load_settings(path)
    assert (settings.snooze, settings.remind_every) == (7 * 60, 2 * 60)


@pytest.mark.skipif(os.name != "posix", reason="symbolic links and modes as POSIX has them")
def test_a_linked_config_is_written_through_its_link_with_its_mode(tmp_path: Path) -> None:
    """A dotfiles link stays a link, its target gets the change, and 0644 stays 0644."""
    target = tmp_path / "dotfiles" / "config.toml"
    target.parent.mkdir()
    target.write_text(USER_FILE, encoding="utf-8")
    target.chmod(0o644)
    link = tmp_path / "config.toml"
    link.symlink_to(target)
    draft = read_draft(link)
    draft.set(setting_named("schedule.snooze"), "15m")
    save_draft(draft)
    assert link.is_symlink()
    assert 'snooze = "15m"' in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert backup_path(target).read_text(encoding="utf-8") == USER_FILE
    assert stat.S_IMODE(backup_path(target).stat().st_mode) == 0o644


def test_a_file_with_windows_line_endings_keeps_them(tmp_path: Path) -> None:
    """A file written in Notepad (CRLF) comes back CRLF, its new lines too."""
    path = tmp_path / "config.toml"
    path.write_bytes(USER_FILE.replace("\n", "\r\n").encode())
    draft = read_draft(path)
    draft.set(setting_named("schedule.snooze"), "15m")
    draft.set(setting_named("goals.daily_stretches"), 4)
    save_draft(draft)
    written = path.read_bytes()
    assert b'snooze = "15m"\r\n' in written and b"daily_stretches = 4\r\n" in written
    assert b"\n" not in written.replace(b"\r\n", b"")
