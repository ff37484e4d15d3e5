"""Shared stretch files and the new-stretch form: read, checked and turned into config tables."""

# A stretch file is a TOML file of [[exercises]] tables, the same fields as in the config, with
# its PNG pictures beside it (named relative to it), so a physiotherapist's routine can be
# handed on. This module only reads; adapters/stretch_import.py changes the user's files.

import tomllib
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, Literal

from backcare_tray.exercises import LONGEST_TEXT, Exercise, builtin_exercises, exercise_from_table
from backcare_tray.i18n import N_, _, ngettext
from backcare_tray.settings import Settings
from backcare_tray.validation import InvalidValue, InvalidValues, raise_problems, unknown_key

__all__ = [
    "MESSAGES",
    "MOST_FILE_BYTES",
    "MOST_PICTURE_BYTES",
    "MessageKey",
    "SharedStretch",
    "StretchError",
    "StretchFile",
    "StretchFileError",
    "StretchForm",
    "builtin_ids",
    "count_text",
    "each_problem",
    "exercise_table",
    "form_problems",
    "own_stretches",
    "read_stretch_file",
    "say",
    "stretch_from_form",
    "stretch_id",
]

MOST_FILE_BYTES = 1024 * 1024  # a stretch file is text: a megabyte holds hundreds of stretches
MOST_PICTURE_BYTES = 10 * 1024 * 1024  # one step's picture; a photo of a page is far less
FALLBACK_ID = "my-stretch"  # the id of a stretch whose name has no letter or digit to use

MessageKey = Literal[
    "cannot_read",
    "not_toml",
    "too_big",
    "not_a_file",
    "no_stretches",
    "not_tables",
    "not_a_table",
    "top_level_key",
    "builtin_id",
    "own_id",
    "twice",
    "picture_not_beside",
    "picture_too_big",
    "config_broken",
    "config_changed",
    "not_saved",
    "no_own",
    "not_yours",
    "builtin_not_shared",
    "exists",
    "import_note",
    "export_header",
    "added",
    "added_line",
    "pictures_copied",
    "in_rotation",
    "by_default",
    "reloaded",
    "reload_refused",
    "reload_failed",
    "not_running",
    "exported",
    "in_file",
]

# Every sentence of sharing stretches, in one place: marked here, translated by say() where
# it is used. The {names} are filled in by say(); a file's, an entry's and a key's names are
# data in placeholders, never translated.
MESSAGES: Mapping[MessageKey, str] = {
    "cannot_read": N_("{file}: cannot be read: {reason}"),
    "not_toml": N_("{file}: is not a valid stretch file (TOML): {reason}"),
    "too_big": N_("{file}: is {size} bytes long, too big for a stretch file (at most {most})"),
    "not_a_file": N_("{file}: is a folder, not a stretch file"),
    "no_stretches": N_("{file}: has no stretches in it: write each one as an [[exercises]] table"),
    "not_tables": N_("must be written as [[exercises]] tables"),
    "not_a_table": N_("{value} is not a table"),
    "top_level_key": N_("{problem}; a stretch file holds only [[exercises]] tables"),
    "builtin_id": N_("{id} is the id of a built-in stretch; give this one another id"),
    "own_id": N_("{id} is already one of your stretches (was this file imported before?)"),
    "twice": N_("{id} is used twice in this file (also by {other})"),
    "picture_not_beside": N_(
        "{name} must be a file beside the stretch file, named without a folder above it"
        " (such as 'neck-1.png')"
    ),
    "picture_too_big": N_("{name} is {size} bytes, too big for a picture (at most {most})"),
    "config_broken": N_("Your config has a mistake; fix it first (check-config shows it):"),
    "config_changed": N_("{path} was changed by another program meanwhile; nothing was changed"),
    "not_saved": N_("{path}: cannot be written: {reason}; nothing was changed"),
    "no_own": N_("You have no stretches of your own to share yet"),
    "not_yours": N_("no stretch of yours has the id {id} (yours: {yours})"),
    "builtin_not_shared": N_("{id} is a built-in stretch; only your own stretches are shared"),
    "exists": N_("{path} already exists; choose another name"),
    # Translators: a comment written into the config above the stretches imported from a file.
    "import_note": N_("Imported from {file}"),
    # Translators: the comment at the top of an exported stretch file; keep the command as is.
    "export_header": N_(
        "Stretches shared from backcare-tray, with their pictures beside this file.\n"
        "To use them: backcare-tray import-stretches {file}"
    ),
    "added": N_("Added {count} from {file}:"),
    # Translators: one stretch imported, in a list: its name and its id in brackets.
    "added_line": N_("  {name} [{id}]"),
    "pictures_copied": N_("Pictures copied to {folder}"),
    "in_rotation": N_("They are at the end of your rotation."),
    "by_default": N_("They are in your rotation (your own stretches come last)."),
    "reloaded": N_("backcare-tray has read your settings again."),
    "reload_refused": N_("backcare-tray did not read your settings again: {reason}"),
    "reload_failed": N_(
        "backcare-tray could not be told to read your settings again ({reason});"
        " run: backcare-tray reload"
    ),
    "not_running": N_("backcare-tray is not running; it will use them when it next starts."),
    "exported": N_("Wrote {count} to {file}"),
    # Translators: a problem in a stretch file: the file's name, then the problem.
    "in_file": N_("{file}: {problem}"),
}


def say(key: MessageKey, **values: object) -> str:
    """Return one of MESSAGES in the language in use, with its {names} filled in."""
    return _(MESSAGES[key]).format(**values)


def count_text(number: int) -> str:
    """Return "1 stretch" or "3 stretches", for the messages that count them."""
    return ngettext("{count} stretch", "{count} stretches", number).format(count=number)


class StretchError(Exception):
    """Stretches cannot be shared or added; each problem is one line, said plainly."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


class StretchFileError(StretchError):
    """A stretch file is refused: each problem names the file, the entry and the key."""


@dataclass(frozen=True)
class SharedStretch:
    """One stretch ready to add: the checked exercise and its picture files (absolute)."""

    exercise: Exercise
    pictures: tuple[Path, ...]


@dataclass(frozen=True)
class StretchFile:
    """A checked stretch file: its stretches in file order."""

    path: Path
    stretches: tuple[SharedStretch, ...]


def each_problem(error: InvalidValue) -> tuple[InvalidValue, ...]:
    """Return the single problems an InvalidValue stands for (one, or an InvalidValues' all)."""
    return error.problems if isinstance(error, InvalidValues) else (error,)


def builtin_ids() -> set[str]:
    """Return the ids of the stretches that ship with the package."""
    return {exercise.id for exercise in builtin_exercises()}


def own_stretches(settings: Settings) -> tuple[Exercise, ...]:
    """Return the user's own stretches (not the built-in ones), in their config's order."""
    builtin = builtin_ids()
    return tuple(e for e in settings.exercises.values() if e.id not in builtin)


def _beside(name: str) -> bool:
    """Return True when a picture name stays in the stretch file's folder (no ~, / or ..)."""
    if name.startswith("~"):
        return False
    for pure in (PurePosixPath(name), PureWindowsPath(name)):
        if pure.is_absolute() or pure.drive or pure.root or ".." in pure.parts:
            return False
    return True


def _picture_problems(table: Mapping[str, Any], prefix: str) -> list[InvalidValue]:
    """Return a problem for each picture named outside the stretch file's folder."""
    names = table.get("pictures")
    if not isinstance(names, list):
        return []  # exercise_from_table says what is wrong with it
    return [
        InvalidValue(f"{prefix}pictures[{index}]", say("picture_not_beside", name=repr(name)))
        for index, name in enumerate(names)
        if isinstance(name, str) and not _beside(name.strip())
    ]


def _too_big(exercise: Exercise, prefix: str, names: Sequence[object]) -> list[InvalidValue]:
    """Return a problem for each picture file past MOST_PICTURE_BYTES."""
    found = []
    for index, path in enumerate(exercise.pictures):
        size = Path(path).stat().st_size
        if size > MOST_PICTURE_BYTES:
            problem = say(
                "picture_too_big", name=repr(names[index]), size=size, most=MOST_PICTURE_BYTES
            )
            found.append(InvalidValue(f"{prefix}pictures[{index}]", problem))
    return found


def _read_text(path: Path) -> str:
    """Return a stretch file's text, or raise StretchFileError saying why it cannot be read."""
    try:
        if path.is_dir():
            raise StretchFileError([say("not_a_file", file=path.name)])
        size = path.stat().st_size
        if size > MOST_FILE_BYTES:
            raise StretchFileError(
                [say("too_big", file=path.name, size=size, most=MOST_FILE_BYTES)]
            )
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise StretchFileError([say("cannot_read", file=path.name, reason=reason)]) from None


def _tables(data: Mapping[str, Any]) -> tuple[list[Any], list[InvalidValue]]:
    """Return the file's [[exercises]] entries and the problems of its other top-level keys."""
    problems = []
    for key in data:
        if key != "exercises":
            unknown = unknown_key(key, ["exercises"], "")
            problems.append(InvalidValue(key, say("top_level_key", problem=unknown.problem)))
    tables = data.get("exercises", [])
    if not isinstance(tables, list):
        problems.append(InvalidValue("exercises", say("not_tables")))
        return [], problems
    return tables, problems


def read_stretch_file(path: Path, own: Collection[str] = ()) -> StretchFile:
    """Read and check a stretch file; raise StretchFileError naming every problem in it.

    own: the ids of the user's own stretches, which the file's may not take (nor a built-in's).
    """
    try:
        data = tomllib.loads(_read_text(path))
    except tomllib.TOMLDecodeError as error:
        raise StretchFileError([say("not_toml", file=path.name, reason=error)]) from None
    tables, problems = _tables(data)
    if not tables and not problems:
        raise StretchFileError([say("no_stretches", file=path.name)])
    builtin = builtin_ids()
    first_use: dict[str, str] = {}
    stretches = []
    base = path.absolute().parent
    for index, table in enumerate(tables):
        prefix = f"exercises[{index}]."
        if not isinstance(table, dict):
            problems.append(
                InvalidValue(f"exercises[{index}]", say("not_a_table", value=repr(table)))
            )
            continue
        outside = _picture_problems(table, prefix)
        problems.extend(outside)
        try:
            checked = {k: v for k, v in table.items() if k != "pictures"} if outside else table
            exercise = exercise_from_table(checked, prefix, base)
        except InvalidValue as error:
            problems.extend(each_problem(error))
            continue
        clash = _clash(exercise.id, builtin, own, first_use.get(exercise.id))
        if clash:
            problems.append(InvalidValue(f"{prefix}id", clash))
            continue
        first_use[exercise.id] = f"exercises[{index}]"
        big = _too_big(exercise, prefix, table.get("pictures", []))
        problems.extend(big)
        if not big:
            pictures = tuple(Path(p) for p in exercise.pictures)
            stretches.append(SharedStretch(exercise, pictures))
    if problems:
        raise StretchFileError(say("in_file", file=path.name, problem=p) for p in problems)
    return StretchFile(path, tuple(stretches))


def _clash(
    exercise_id: str, builtin: Collection[str], own: Collection[str], other: str | None
) -> str:
    """Return why an id cannot be added, or "" when it is free."""
    if exercise_id in builtin:
        return say("builtin_id", id=repr(exercise_id))
    if exercise_id in own:
        return say("own_id", id=repr(exercise_id))
    if other is not None:
        return say("twice", id=repr(exercise_id), other=other)
    return ""


def exercise_table(exercise: Exercise, pictures: Sequence[str] = ()) -> dict[str, Any]:
    """Return an exercise as a config's [[exercises]] table, its pictures named as given."""
    table: dict[str, Any] = {
        "id": exercise.id,
        "name": exercise.name,
        "area": exercise.area,
        "summary": exercise.summary,
        "steps": list(exercise.steps),
        "hold_seconds": exercise.hold_seconds,
    }
    if exercise.hold_seconds_max is not None:
        table["hold_seconds_max"] = exercise.hold_seconds_max
    table["reps"] = exercise.reps
    if exercise.reps_max is not None:
        table["reps_max"] = exercise.reps_max
    table["sides"] = list(exercise.sides)
    if exercise.equipment != "none":
        table["equipment"] = exercise.equipment
    if exercise.safety:
        table["safety"] = exercise.safety
    if exercise.hold_step:
        table["hold_step"] = exercise.hold_step
    if pictures:
        table["pictures"] = list(pictures)
    return table


def stretch_id(name: str, taken: Collection[str]) -> str:
    """Return an id made from a name (lower case, words joined by hyphens) that none has yet."""
    folded = unicodedata.normalize("NFKD", name)
    letters = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    words = "".join(c if c.isalnum() else " " for c in letters).split()
    longest = LONGEST_TEXT["id"] - 4  # room for "-999"
    stem = "-".join(words)[:longest].strip("-") or FALLBACK_ID
    candidate, number = stem, 2
    while candidate in taken:
        candidate, number = f"{stem}-{number}", number + 1
    return candidate


@dataclass(frozen=True)
class StretchForm:
    """What a person types into the new-stretch form."""

    name: str
    steps: Sequence[str]
    hold_seconds: int  # 0: each repetition is a movement, not a hold
    reps: int
    sides: tuple[str, str] | None = None  # two labels, such as ("left leg", "right leg")
    safety: str = ""
    pictures: Sequence[Path] = ()  # none, or a PNG file per step
    summary: str = ""  # one line on what it does; empty: the first step
    area: str = "back"


def _form_table(form: StretchForm, taken: Collection[str]) -> dict[str, Any]:
    """Return the form as an [[exercises]] table (pictures as the chosen files' paths)."""
    steps = [step.strip() for step in form.steps]
    while steps and not steps[-1]:  # the form's empty last rows
        steps.pop()
    table: dict[str, Any] = {
        "id": stretch_id(form.name, {*taken, *builtin_ids()}),
        "name": form.name,
        "area": form.area.strip() or "back",
        "summary": form.summary.strip() or (steps[0] if steps else ""),
        "steps": steps,
        "hold_seconds": form.hold_seconds,
        "reps": form.reps,
        "sides": list(form.sides or ()),
        "safety": form.safety,
    }
    if not form.safety.strip():
        del table["safety"]
    if form.pictures:
        table["pictures"] = [str(Path(p).absolute()) for p in form.pictures]
    return table


def stretch_from_form(form: StretchForm, taken: Collection[str]) -> SharedStretch:
    """Return the form's stretch, with an id no other has; raise InvalidValue naming each field.

    taken: the ids of the user's own stretches. The keys of the problems are the form's
    fields as a config names them: name, steps, steps[1], hold_seconds, reps, sides, safety,
    pictures[0], ...
    """
    exercise = exercise_from_table(_form_table(form, taken), "")
    names = [Path(p).name for p in exercise.pictures]
    raise_problems(_too_big(exercise, "", names))
    return SharedStretch(exercise, tuple(Path(p) for p in exercise.pictures))


def form_problems(form: StretchForm, taken: Collection[str]) -> tuple[InvalidValue, ...]:
    """Return every problem of the form (none: it can be added), for the form to show."""
    try:
        stretch_from_form(form, taken)
    except InvalidValue as error:
        return each_problem(error)
    return ()
