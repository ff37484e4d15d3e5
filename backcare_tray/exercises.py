"""The stretch library: exercises as data, their guided phases, and the built-in set."""

import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Literal, TypeVar

from backcare_tray.i18n import _, current, ngettext
from backcare_tray.validation import (
    InvalidValue,
    Table,
    raise_problems,
    take_int,
    take_str,
    take_str_list,
    unknown_keys,
)

__all__ = [
    "LONGEST_TEXT",
    "MOST_HOLD_SECONDS",
    "MOST_PHASES",
    "MOST_REPS",
    "MOST_STEPS",
    "MOVEMENT_SECONDS",
    "PNG_SIGNATURE",
    "REST_SECONDS",
    "SETUP_SECONDS",
    "Exercise",
    "Phase",
    "PhaseKind",
    "builtin_exercises",
    "builtin_tables",
    "exercise_from_table",
    "phases",
    "side_noun",
    "written_without_spaces",
]

# Seconds given to one repetition of a movement that has no hold (a squat up and down).
MOVEMENT_SECONDS = 5
# Seconds to release and get ready between two holds.
REST_SECONDS = 5
# Seconds given to each set-up step before the first hold on a side, at least: read it (or
# hear it) and get there; a longer step gets the time it takes to say at WORDS_A_SECOND.
SETUP_SECONDS = 6
WORDS_A_SECOND = 2.5
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# What a body can do at a desk, and what a notification can show: a stretch of one's own is
# held to these, so no number in a config file sizes a routine, a timer or a message.
MOST_REPS = 50  # repetitions per side (reps and reps_max)
MOST_HOLD_SECONDS = 600  # ten minutes in one hold (hold_seconds and hold_seconds_max)
MOST_STEPS = 12
# The longest each text may be, in characters; a step's text is each entry of steps.
LONGEST_TEXT = {
    "id": 40,
    "name": 60,
    "area": 60,
    "summary": 300,
    "steps": 300,
    "sides": 30,
    "equipment": 100,
    "safety": 300,
}
_ONE_LINE = {"id", "name", "area", "sides", "equipment"}  # shown in a menu or a title
# The most phases a routine can have: per side, a set-up phase per step before the held one
# (the second side's first is its switch), then every hold with a rest between two.
MOST_PHASES = 2 * ((MOST_STEPS - 1) + MOST_REPS + (MOST_REPS - 1))

_T = TypeVar("_T")
_FIELDS = {
    "id",
    "name",
    "area",
    "summary",
    "steps",
    "hold_seconds",
    "hold_seconds_max",
    "reps",
    "reps_max",
    "sides",
    "equipment",
    "safety",
    "hold_step",
    "pictures",
}


@dataclass(frozen=True)
class Exercise:
    """One stretch with its instructions and dose."""

    id: str
    name: str
    area: str
    summary: str
    steps: tuple[str, ...]
    hold_seconds: int
    reps: int
    sides: tuple[str, ...] = ()
    equipment: str = "none"
    safety: str = ""
    hold_seconds_max: int | None = None
    reps_max: int | None = None
    # The step (1-based) that is held or repeated; the steps before it set the stretch up and
    # the ones after it let go. 0: the last step but one (the last one with fewer than 3).
    hold_step: int = 0
    # A picture file per step (PNG, absolute paths); () for none, or the built-in drawings.
    pictures: tuple[str, ...] = ()
    # What each side is, read from the sides as written ("leg" for "left leg"/"right leg");
    # "" for a plain "side". A built-in's is read before its sides are translated.
    side_noun: str = ""

    def __post_init__(self) -> None:
        """Refuse a dose past the bounds, whoever builds it (the loader names the key first)."""
        reps = (self.reps, self.reps_max or self.reps)
        holds = (self.hold_seconds, self.hold_seconds_max or self.hold_seconds)
        if not all(1 <= n <= MOST_REPS for n in reps) or not all(
            0 <= n <= MOST_HOLD_SECONDS for n in holds
        ):
            raise ValueError(f"{self.id}: a dose past the bounds: reps {reps}, holds {holds}")
        if not 1 <= len(self.steps) <= MOST_STEPS or len(self.sides) not in (0, 2):
            raise ValueError(f"{self.id}: {len(self.steps)} steps and {len(self.sides)} sides")

    @property
    def held_step(self) -> int:
        """Return the index (0-based) of the step that is held or repeated."""
        if self.hold_step:
            return min(self.hold_step, len(self.steps)) - 1
        return max(0, len(self.steps) - 2) if len(self.steps) >= 3 else len(self.steps) - 1


# setup: one step that gets the person into position, before the first hold on a side;
# switch: the first set-up step on the second side, after letting go of the first;
# hold: the held (or repeated) step; rest: letting go between two holds on one side.
PhaseKind = Literal["setup", "switch", "hold", "rest"]


@dataclass(frozen=True)
class Phase:
    """One timed step of a guided routine: setting up, a hold (or movement), or a rest."""

    kind: PhaseKind
    seconds: int
    side: str | None
    rep: int
    reps: int
    step: int = 0  # the index (0-based) of the exercise's step this phase shows
    side_index: int | None = None  # 0 for the first side, 1 for the other; None: no sides


class _Reader:
    """Reads the fields of one [[exercises]] table, noting every problem instead of stopping."""

    def __init__(self, table: Table, prefix: str) -> None:
        self.table = table
        self.prefix = prefix
        self.problems: list[InvalidValue] = unknown_keys(table, _FIELDS, prefix)

    def take(self, read: Callable[[], _T], fallback: _T) -> _T:
        """Return what read returns, or fallback after noting its problem."""
        try:
            return read()
        except InvalidValue as error:
            self.problems.append(error)
            return fallback

    def _fits(self, key: str, text: str, where: str) -> bool:
        """Return True when a text is short enough (and one line where it must be); else note it."""
        longest = LONGEST_TEXT[key]
        if len(text) > longest:
            shown = f"{text[:30]!r}..."
            problem = _("{text} is {length} characters long; at most {most} are allowed").format(
                text=shown, length=len(text), most=longest
            )
            self.problems.append(InvalidValue(where, problem))
            return False
        if key in _ONE_LINE and any(ord(c) < 32 or ord(c) == 127 for c in text):
            problem = _("{text} must be one line of text").format(text=repr(text))
            self.problems.append(InvalidValue(where, problem))
            return False
        return True

    def text(self, key: str, default: str | None = None) -> str:
        """Return a string field no longer than its key allows."""
        value = self.take(lambda: take_str(self.table, key, self.prefix, default), "")
        return value if self._fits(key, value, f"{self.prefix}{key}") else ""

    def number(self, key: str, default: int, minimum: int = 0, maximum: int | None = None) -> int:
        """Return a whole-number field from minimum to maximum."""
        return self.take(
            lambda: take_int(self.table, key, self.prefix, default, minimum, maximum), minimum
        )

    def texts(
        self, key: str, allowed: Callable[[list[str]], bool], problem: str, most: int | None = None
    ) -> list[str]:
        """Return a list-of-strings field (empty when absent) that allowed accepts.

        Each text is held to its key's longest (when it has one), the list to most entries.
        """
        try:
            value = take_str_list(self.table, key, self.prefix, [])
        except InvalidValue as error:
            self.problems.append(error)
            return []
        if most is not None and len(value) > most:
            many = ngettext(
                "{count} entry; at most {most} are allowed",
                "{count} entries; at most {most} are allowed",
                len(value),
            ).format(count=len(value), most=most)
            self.problems.append(InvalidValue(f"{self.prefix}{key}", many))
            return []
        if not allowed(value):
            self.problems.append(InvalidValue(f"{self.prefix}{key}", problem.format(value=value)))
            return []
        if key in LONGEST_TEXT:
            where = f"{self.prefix}{key}"
            if not all([self._fits(key, text, f"{where}[{i}]") for i, text in enumerate(value)]):
                return []
        return value

    def pictures(self, key: str, steps: int, base: Path | None) -> tuple[str, ...]:
        """Return one readable PNG file per step, as absolute paths (relative to base)."""
        if not steps:  # no usable steps: that is reported already, and nothing to match
            return ()
        files = self.texts(
            key,
            lambda v: not v or len(v) == steps,
            _("needs one file per step ({steps})").format(steps=steps),
        )
        found: list[str] = []
        for index, name in enumerate(files):
            path = Path(name).expanduser()
            if not path.is_absolute() and base is not None:
                path = base / path
            path = path.absolute()  # a server reads an image path from its own folder
            try:
                with open(path, "rb") as handle:
                    readable = handle.read(len(PNG_SIGNATURE)) == PNG_SIGNATURE
            except OSError as error:
                reason = error.strerror or str(error)
                self.problems.append(
                    InvalidValue(
                        f"{self.prefix}{key}[{index}]",
                        _("{file}: {reason}").format(file=repr(name), reason=reason),
                    )
                )
                continue
            if not readable:
                self.problems.append(
                    InvalidValue(
                        f"{self.prefix}{key}[{index}]",
                        _("{file} is not a PNG file").format(file=repr(name)),
                    )
                )
            found.append(str(path))
        return tuple(found)

    def most(self, key: str, least: int, maximum: int) -> int | None:
        """Return an optional upper bound of a dose, from least to maximum."""
        if self.table.get(key) is None:
            return None
        return self.number(key, 0, least, maximum)


def exercise_from_table(table: Table, prefix: str, base: Path | None = None) -> Exercise:
    """Build an Exercise from a TOML table, raising InvalidValue naming every bad key.

    Picture files are found relative to base (the config file's folder).
    """
    read = _Reader(table, prefix)
    steps = read.texts("steps", bool, _("needs at least one step"), MOST_STEPS)
    hold_step = read.number("hold_step", 0, maximum=MOST_STEPS)
    if steps and hold_step > len(steps):
        past = _("{step} is past the last step ({last})").format(step=hold_step, last=len(steps))
        read.problems.append(InvalidValue(f"{prefix}hold_step", past))
    sides = read.texts(
        "sides",
        lambda v: len(v) in (0, 2),
        # Translators: {value} is the list as written in the config, e.g. ['left']
        _("{value!r} must be [] or two sides"),
    )
    hold = read.number("hold_seconds", 0, maximum=MOST_HOLD_SECONDS)
    reps = read.number("reps", 1, minimum=1, maximum=MOST_REPS)
    fields = {
        "id": read.text("id"),
        "name": read.text("name"),
        "area": read.text("area", "back"),
        "summary": read.text("summary"),
        "equipment": read.text("equipment", "none"),
        "safety": read.text("safety", ""),
    }
    hold_max = read.most("hold_seconds_max", hold, MOST_HOLD_SECONDS)
    reps_max = read.most("reps_max", reps, MOST_REPS)
    pictures = read.pictures("pictures", len(steps), base)
    raise_problems(read.problems)  # before building: the Exercise itself refuses a bad dose
    return Exercise(
        **fields,
        steps=tuple(steps),
        hold_seconds=hold,
        reps=reps,
        sides=tuple(sides),
        hold_seconds_max=hold_max,
        reps_max=reps_max,
        hold_step=hold_step,
        pictures=pictures,
        side_noun=side_noun(sides),
    )


def side_noun(sides: list[str] | tuple[str, ...]) -> str:
    """Return what each side is: "leg" for "left leg"/"right leg", "" when they share no word."""
    words = {side.split()[-1] for side in sides if side.split()}
    return words.pop() if len(words) == 1 and len(sides[0].split()) > 1 else ""


def builtin_tables() -> list[Table]:
    """Return the built-in stretches' tables as written (in English)."""
    text = (Path(__file__).parent / "data" / "stretches.toml").read_text("utf-8")
    tables: list[Table] = tomllib.loads(text)["exercises"]
    return tables


def builtin_exercises() -> tuple[Exercise, ...]:
    """Return the stretches that ship with the package, in the language in use."""
    return _builtin_exercises(current().code)


def _translated(text: str) -> str:
    """Return a built-in's text in the language in use ("" stays "", not the catalog's header)."""
    return _(text) if text else text


@cache
def _builtin_exercises(language: str) -> tuple[Exercise, ...]:
    """Return the built-in stretches with their texts in a language (read once per language)."""
    built = []
    for index, table in enumerate(builtin_tables()):
        exercise = exercise_from_table(table, f"exercises[{index}].")
        if language != "en":
            exercise = replace(
                exercise,
                name=_translated(exercise.name),
                area=_translated(exercise.area),
                summary=_translated(exercise.summary),
                steps=tuple(map(_translated, exercise.steps)),
                sides=tuple(map(_translated, exercise.sides)),
                equipment=exercise.equipment
                if exercise.equipment == "none"  # a word the code reads, not shown as is
                else _translated(exercise.equipment),
                safety=_translated(exercise.safety),
            )
        built.append(exercise)
    return tuple(built)


def setup_seconds(step: str, first: bool) -> int:
    """Return a set-up step's seconds: time to say it (the first names the stretch too)."""
    words = len(step.split()) + written_without_spaces(step) / 2 + (5 if first else 3)
    return max(SETUP_SECONDS, math.ceil(words / WORDS_A_SECOND))


def written_without_spaces(text: str) -> int:
    """Return how many characters of a text are Japanese or Chinese (about two to a word)."""
    return sum(1 for c in text if "\u3040" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef")


@cache
def phases(exercise: Exercise) -> tuple[Phase, ...]:
    """Return the guided routine a step at a time: set-up steps, then the reps, per side."""
    seconds = exercise.hold_seconds or MOVEMENT_SECONDS
    held = exercise.held_step
    ready = max(held - 1, 0)  # a rest goes back to the last set-up position
    reps = exercise.reps
    result: list[Phase] = []
    sides: tuple[str | None, ...] = exercise.sides or (None,)
    for side_index, side in enumerate(sides):
        where = side_index if exercise.sides else None
        for step in range(held):
            kind: PhaseKind = "switch" if side_index and step == 0 else "setup"
            setup = setup_seconds(exercise.steps[step], first=not result)
            result.append(Phase(kind, setup, side, 1, reps, step, where))
        if side_index and not held:  # nothing to set up: still say the side changes
            result.append(Phase("switch", REST_SECONDS, side, 1, reps, ready, where))
        for rep in range(1, reps + 1):
            if rep > 1:
                result.append(Phase("rest", REST_SECONDS, side, rep, reps, ready, where))
            result.append(Phase("hold", seconds, side, rep, reps, held, where))
    assert len(result) <= MOST_PHASES  # the bounds of Exercise size every routine
    return tuple(result)
