"""Add shared and form-made stretches to the user's config, pictures copied; write stretch files."""

# All or nothing: the stretch file and the config are checked before anything is written, the
# new config is checked with its copied pictures before it is saved, and a failure removes the
# pictures copied so far. The config keeps its comments (config_edit) and its backup.
# Only the window's process and the command line import this (never the daemon).

import tomllib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from tomlkit.exceptions import TOMLKitError

from backcare_tray.adapters.config_edit import (
    ConfigChanged,
    append_exercises,
    exercise_tables_text,
    read_draft,
    save_draft,
)
from backcare_tray.adapters.state_file import write_atomically
from backcare_tray.config_file import ConfigError, load_settings
from backcare_tray.exercises import Exercise
from backcare_tray.settings import Settings, settings_from_mapping
from backcare_tray.stretch_share import (
    SharedStretch,
    StretchError,
    StretchForm,
    builtin_ids,
    exercise_table,
    own_stretches,
    read_stretch_file,
    say,
    stretch_from_form,
    stretch_id,
)
from backcare_tray.validation import InvalidValue

__all__ = [
    "PICTURES_FOLDER",
    "Added",
    "Exported",
    "NotSaved",
    "add_stretch",
    "export_stretches",
    "import_stretches",
]

PICTURES_FOLDER = "stretches"  # beside the config: stretches/<id>/<picture>.png


class NotSaved(StretchError):
    """A file could not be written (or the config changed meanwhile); nothing was changed."""


@dataclass(frozen=True)
class Added:
    """Stretches added to a config: them, their pictures' new places, and the rotation's way."""

    config: Path
    exercises: tuple[Exercise, ...]
    pictures: tuple[Path, ...]  # every picture of theirs, where the config now names it
    # True: the config lists [rotation] exercises, and their ids were added at its end;
    # False: it leaves the rotation to the default, which has them (the user's own last).
    listed: bool

    @property
    def folder(self) -> Path:
        """Return the folder the pictures are copied into."""
        return self.config.parent / PICTURES_FOLDER


@dataclass(frozen=True)
class Exported:
    """A stretch file written: its path, the stretches in it and the pictures beside it."""

    path: Path
    exercises: tuple[Exercise, ...]
    pictures: tuple[Path, ...]


class _Made:
    """The files and folders made so far, to take away again if the whole cannot be done."""

    def __init__(self) -> None:
        self.files: list[Path] = []
        self.folders: list[Path] = []

    def folder(self, path: Path) -> None:
        """Make a folder and the ones above it that are missing, noting each one made."""
        missing = [p for p in (path, *path.parents) if not p.exists()]
        for folder in reversed(missing):
            folder.mkdir()
            self.folders.append(folder)

    def copy(self, source: Path, folder: Path, name: str) -> Path:
        """Copy source into folder as name, or name-2...; an identical file there is used."""
        data = source.read_bytes()
        stem, suffix = Path(name).stem, Path(name).suffix
        self.folder(folder)
        number = 1
        while True:
            target = folder / (name if number == 1 else f"{stem}-{number}{suffix}")
            try:
                with open(target, "xb") as handle:
                    self.files.append(target)
                    handle.write(data)
                return target
            except FileExistsError:
                if target.is_file() and target.read_bytes() == data:
                    return target
                number += 1

    def undo(self) -> None:
        """Remove what was made, newest first (a folder only when it is empty again)."""
        for file in reversed(self.files):
            file.unlink(missing_ok=True)
        for folder in reversed(self.folders):
            with suppress(OSError):
                folder.rmdir()


@contextmanager
def _all_or_nothing(path: Path) -> Iterator[_Made]:
    """Yield a record of what is made; if anything fails, remove it and say nothing changed."""
    made = _Made()
    try:
        yield made
    except ConfigChanged:
        made.undo()
        raise NotSaved([say("config_changed", path=path)]) from None
    except OSError as error:
        made.undo()
        reason = error.strerror or str(error)
        where = error.filename or path
        raise NotSaved([say("not_saved", path=where, reason=reason)]) from None
    except BaseException:
        made.undo()
        raise


def _settings(config: Path) -> Settings:
    """Return the config's settings, or raise StretchError when it has a mistake."""
    try:
        return load_settings(config)
    except ConfigError as error:
        raise StretchError([say("config_broken"), *str(error).splitlines()]) from None


def _own_ids(settings: Settings) -> list[str]:
    """Return the ids of the user's own stretches."""
    return [exercise.id for exercise in own_stretches(settings)]


def _add(config: Path, stretches: Sequence[SharedStretch], note: str) -> Added:
    """Copy the stretches' pictures beside the config and add their tables to it."""
    config = config.absolute()
    try:
        draft = read_draft(config)
    except ConfigError as error:
        raise StretchError([say("config_broken"), str(error)]) from None
    placed: list[Path] = []
    with _all_or_nothing(config) as made:
        tables = []
        for stretch in stretches:
            folder = config.parent / PICTURES_FOLDER / stretch_id(stretch.exercise.id, ())
            copies = [made.copy(p, folder, p.name) for p in stretch.pictures]
            names = [c.relative_to(config.parent).as_posix() for c in copies]
            tables.append(exercise_table(stretch.exercise, names))
            placed.extend(copies)
        try:  # the file's own [[exercises]] written another way (exercises = [...]) is refused
            listed = append_exercises(draft, tables, note)
        except TOMLKitError as error:
            raise StretchError([say("config_broken"), str(error)]) from None
        try:  # what the daemon will read, with the copied pictures in place
            settings_from_mapping(tomllib.loads(draft.text()), config.parent)
        except (InvalidValue, tomllib.TOMLDecodeError) as error:
            raise StretchError([say("config_broken"), *str(error).splitlines()]) from None
        try:
            save_draft(draft)
        except ConfigChanged as error:
            raise StretchError([str(error)]) from None
    exercises = tuple(stretch.exercise for stretch in stretches)
    return Added(config, exercises, tuple(placed), listed)


def import_stretches(source: Path, config: Path) -> Added:
    """Add every stretch of a stretch file to the config, or none (raise StretchError).

    StretchFileError: the file is refused (each line names it, the entry and the key);
    NotSaved: a file could not be written; StretchError: the config itself has a mistake.
    """
    settings = _settings(config)
    shared = read_stretch_file(source, _own_ids(settings))
    return _add(config, shared.stretches, say("import_note", file=source.name))


def add_stretch(form: StretchForm, config: Path) -> Added:
    """Add the new-stretch form's stretch to the config, its pictures copied beside it.

    Raises InvalidValue naming each field at fault (as form_problems lists them), or
    StretchError as import_stretches does.
    """
    settings = _settings(config)
    return _add(config, (stretch_from_form(form, _own_ids(settings)),), "")


def _chosen(settings: Settings, ids: Sequence[str]) -> tuple[Exercise, ...]:
    """Return the user's own stretches with these ids (all of them when none are given)."""
    own = own_stretches(settings)
    if not own:
        raise StretchError([say("no_own")])
    if not ids:
        return own
    by_id = {exercise.id: exercise for exercise in own}
    builtin = builtin_ids()
    problems = [
        say("builtin_not_shared", id=repr(i))
        if i in builtin
        else say("not_yours", id=repr(i), yours=", ".join(by_id))
        for i in ids
        if i not in by_id
    ]
    if problems:
        raise StretchError(problems)
    return tuple(by_id[i] for i in dict.fromkeys(ids))


def export_stretches(
    config: Path, target: Path, ids: Sequence[str] = (), *, replace: bool = False
) -> Exported:
    """Write the user's own stretches (those with these ids) to a stretch file, pictures beside.

    A picture is named after its stretch (neck-roll-1.png); an existing target is refused
    unless replace. Raises StretchError, or NotSaved when a file could not be written.
    """
    exercises = _chosen(_settings(config), ids)
    target = target.absolute()
    if target.is_dir() or (target.exists() and not replace):
        raise StretchError([say("exists", path=target)])
    placed: list[Path] = []
    with _all_or_nothing(target) as made:
        tables = []
        for exercise in exercises:
            stem = stretch_id(exercise.id, ())
            names = []
            for number, picture in enumerate(exercise.pictures, 1):
                name = f"{stem}-{number}{Path(picture).suffix or '.png'}"
                copy = made.copy(Path(picture), target.parent, name)
                names.append(copy.name)
                placed.append(copy)
            tables.append(exercise_table(exercise, names))
        header = "".join(
            f"# {line}\n" for line in say("export_header", file=target.name).split("\n")
        )
        write_atomically(target, header + "\n" + exercise_tables_text(tables))
    return Exported(target, exercises, tuple(placed))
