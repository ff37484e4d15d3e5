"""Change the user's config file as a person would: comments and layout kept, written atomically."""

# tomlkit reads a TOML file into a document that writes itself back byte for byte, so a value
# set here changes only its own line: the person's comments, order, spacing and keys we do not
# know all stay. Only the window's process and the command line import this (not the daemon).

import os
import re
import stat
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import InlineTable
from tomlkit.items import Table as TomlTable

from backcare_tray.adapters.state_file import write_atomically
from backcare_tray.config_file import ConfigError, example_config_text
from backcare_tray.i18n import _
from backcare_tray.settings_schema import SCHEMA, Setting, TomlValue

__all__ = [
    "BACKUP_SUFFIX",
    "ConfigChanged",
    "ConfigDraft",
    "append_exercises",
    "backup_path",
    "exercise_tables_text",
    "read_draft",
    "save_draft",
]

BACKUP_SUFFIX = ".bak"  # config.toml.bak: the file as it was before the last save


class ConfigChanged(Exception):
    """The file changed on disk since it was read: saving would lose that change."""


def backup_path(path: Path) -> Path:
    """Return where the previous version of a config file is kept."""
    return path.with_name(path.name + BACKUP_SUFFIX)


def _plain(value: Any) -> Any:
    """Return a tomlkit item as plain Python values (str, int, bool, list, dict)."""
    unwrap = getattr(value, "unwrap", None)
    return unwrap() if callable(unwrap) else value


@dataclass
class ConfigDraft:
    """A config file being edited: the text it was read from, and its document to change."""

    path: Path
    original: str  # the file's text when read ("" when there was no file)
    document: tomlkit.TOMLDocument
    existed: bool

    def value(self, setting: Setting) -> TomlValue | None:
        """Return the value the file gives a setting, None when the file does not set it."""
        section = self.document.get(setting.section)
        if not isinstance(section, Mapping) or setting.key not in section:
            return None
        value: TomlValue = _plain(section[setting.key])
        return value

    def values(self) -> dict[str, object]:
        """Return every setting the file sets, by dotted name, as plain values."""
        found: dict[str, object] = {}
        for setting in SCHEMA:
            value = self.value(setting)
            if value is not None:
                found[setting.name] = value
        return found

    def set(self, setting: Setting, value: TomlValue) -> None:
        """Set a setting's value, adding its section or key where the file has none."""
        section = self.document.get(setting.section)
        if section is None:
            section = tomlkit.table()
            self.document[setting.section] = section
        elif not isinstance(section, TomlTable | InlineTable):  # [schedule] or schedule = {...}
            problem = _("{path}: {section} is not a table").format(
                path=self.path, section=setting.section
            )
            raise ConfigError(problem)
        if self.value(setting) == value:
            return  # the same value keeps the person's spelling of it
        section[setting.key] = value

    def data(self) -> dict[str, Any]:
        """Return the document as plain data, as the config loader reads it."""
        plain: dict[str, Any] = self.document.unwrap()
        return plain

    def text(self) -> str:
        """Return the file's text with the changes made so far, in the file's line endings."""
        text = tomlkit.dumps(self.document)
        if "\r\n" in self.original:  # the lines added end as the person's own do
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        return text

    def copy(self) -> "ConfigDraft":
        """Return a draft of the same file and text whose changes do not touch this one."""
        return ConfigDraft(self.path, self.original, tomlkit.parse(self.text()), self.existed)

    def changed(self) -> bool:
        """Return whether saving would change the file."""
        return self.text() != self.original or not self.existed


def _read(path: Path) -> str:
    """Return a file's text exactly as it is (its line endings kept)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def _toml_problem(text: str, error: TOMLKitError) -> str:
    """Return the problem of text that is not TOML, in the loader's (tomllib's) words."""
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as decode_error:
        return str(decode_error)
    return str(error)


def read_draft(path: Path) -> ConfigDraft:
    """Read a config file to edit; a missing one starts from the documented example."""
    try:
        original = _read(path)
        existed = True
    except FileNotFoundError:
        original, existed = "", False
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            _("{path}: cannot be read: {error}").format(path=path, error=error)
        ) from None
    try:
        document = tomlkit.parse(original if existed else example_config_text())
    except TOMLKitError as error:
        problem = _toml_problem(original, error)
        raise ConfigError(
            _("{path}: not valid TOML: {error}").format(path=path, error=problem)
        ) from None
    return ConfigDraft(path, original, document, existed)


def save_draft(draft: ConfigDraft) -> bool:
    """Write the draft over its file, keeping the old file as the backup; False: no change."""
    text = draft.text()
    if draft.existed and text == draft.original:
        return False
    target = draft.path.resolve()  # through a symbolic link (dotfiles), not over it
    try:
        now: str | None = _read(target)
        mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        now, mode = None, None
    if now != (draft.original if draft.existed else None):
        raise ConfigChanged(f"{draft.path} was changed by another program since it was read")
    if now is not None:
        write_atomically(backup_path(target), now, mode=mode)
    write_atomically(target, text, mode=mode)
    draft.original, draft.existed = text, True
    return True


def exercise_tables_text(tables: Sequence[Mapping[str, Any]], note: str = "") -> str:
    """Return [[exercises]] tables as TOML text, steps a line each, note as each one's comment."""
    document = tomlkit.document()
    written = tomlkit.aot()
    for table in tables:
        item = tomlkit.table()
        if note:
            item.add(tomlkit.comment(" ".join(note.split())))  # one line, whatever it says
        for key, value in table.items():
            if isinstance(value, list) and len(value) > 1:
                lines = tomlkit.array()
                lines.extend(value)
                item[key] = lines.multiline(True)
            else:
                item[key] = value
        written.append(item)
    document.append("exercises", written)
    return tomlkit.dumps(document)


def _extend_rotation(draft: ConfigDraft, ids: Sequence[str]) -> bool:
    """Add ids to the end of [rotation] exercises when the file lists it; False if it does not."""
    section = draft.document.get("rotation")
    listed = section.get("exercises") if isinstance(section, Mapping) else None
    if not isinstance(listed, list):
        return False
    listed.extend([i for i in ids if i not in listed])
    return True


_HEADER = re.compile(r"[ \t]*\[")  # a line that opens a table (or an array of tables)
_EXERCISES = re.compile(r"[ \t]*\[\[[ \t]*exercises[ \t]*\]\]")
_ASIDE = re.compile(r"[ \t]*(#.*)?\r?\n?")  # a blank line or a comment line


def _after_last_exercise(text: str, added: str) -> str:
    """Return text with added right after its last [[exercises]] table, before what follows.

    Comments and blank lines above the next table stay with that table. When no table follows
    (or the text is too unusual to place it), added goes at the end.
    """
    lines = text.splitlines(keepends=True)
    last = max((n for n, line in enumerate(lines) if _EXERCISES.match(line)), default=None)
    following = [n for n, line in enumerate(lines) if _HEADER.match(line) and n > (last or 0)]
    if not text.endswith("\n"):
        text += "\n"
    at_end = text + ("\n" if text.strip() and not text.endswith("\n\n") else "") + added
    if last is None or not following:
        return at_end
    start = following[0]
    while start - 1 > last and _ASIDE.fullmatch(lines[start - 1]):
        start -= 1
    head, tail = "".join(lines[:start]), "".join(lines[start:])
    gap = "" if head.endswith("\n\n") else "\n"
    placed = head + gap + added + ("" if _ASIDE.fullmatch(lines[start]) else "\n") + tail
    try:  # a table header inside a multi-line string, say: then the end is the place
        same = tomllib.loads(placed) == tomllib.loads(at_end)
    except tomllib.TOMLDecodeError:
        same = False
    return placed if same else at_end


def append_exercises(
    draft: ConfigDraft, tables: Sequence[Mapping[str, Any]], note: str = ""
) -> bool:
    """Add [[exercises]] tables after the file's last one, and their ids to a listed rotation.

    Return whether the file lists [rotation] exercises (the ids were added there); a file that
    leaves it out has every stretch in its rotation, its own last, already.
    """
    ids = [str(table["id"]) for table in tables]
    listed = _extend_rotation(draft, ids)  # first: a change to the document re-renders it
    # The tables are added as text, the rest kept byte for byte: given one more table, tomlkit
    # moves an array of tables that another table interrupts, with the comments around it.
    added = exercise_tables_text(tables, note)
    draft.document = tomlkit.parse(_after_last_exercise(draft.text(), added))
    return listed
