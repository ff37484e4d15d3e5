"""The stretch library: exercises as data, their guided phases, and the built-in set."""

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

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
    "MOVEMENT_SECONDS",
    "REST_SECONDS",
    "Exercise",
    "Phase",
    "builtin_exercises",
    "exercise_from_table",
    "phases",
]

# Seconds given to one repetition of a movement that has no hold (a squat up and down).
MOVEMENT_SECONDS = 5
# Seconds to release and get ready between two holds.
REST_SECONDS = 5

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


@dataclass(frozen=True)
class Phase:
    """One timed step of a guided routine: a hold (or movement) or a short rest."""

    kind: str  # "hold" or "rest"
    seconds: int
    side: str | None
    rep: int
    reps: int


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

    def text(self, key: str, default: str | None = None) -> str:
        """Return a string field."""
        return self.take(lambda: take_str(self.table, key, self.prefix, default), "")

    def number(self, key: str, default: int, minimum: int = 0) -> int:
        """Return a whole-number field."""
        return self.take(lambda: take_int(self.table, key, self.prefix, default, minimum), minimum)

    def texts(self, key: str, allowed: Callable[[list[str]], bool], problem: str) -> list[str]:
        """Return a list-of-strings field (empty when absent) that allowed accepts."""
        try:
            value = take_str_list(self.table, key, self.prefix, [])
        except InvalidValue as error:
            self.problems.append(error)
            return []
        if not allowed(value):
            self.problems.append(InvalidValue(f"{self.prefix}{key}", problem.format(value)))
        return value

    def most(self, key: str, least: int) -> int | None:
        """Return an optional upper bound of a dose, at least least."""
        if self.table.get(key) is None:
            return None
        return self.number(key, 0, minimum=least)


def exercise_from_table(table: Table, prefix: str) -> Exercise:
    """Build an Exercise from a TOML table, raising InvalidValue naming every bad key."""
    read = _Reader(table, prefix)
    steps = read.texts("steps", bool, "needs at least one step")
    sides = read.texts("sides", lambda v: len(v) in (0, 2), "{0!r} must be [] or two sides")
    hold = read.number("hold_seconds", 0)
    reps = read.number("reps", 1, minimum=1)
    exercise = Exercise(
        id=read.text("id"),
        name=read.text("name"),
        area=read.text("area", "back"),
        summary=read.text("summary"),
        steps=tuple(steps),
        hold_seconds=hold,
        reps=reps,
        sides=tuple(sides),
        equipment=read.text("equipment", "none"),
        safety=read.text("safety", ""),
        hold_seconds_max=read.most("hold_seconds_max", hold),
        reps_max=read.most("reps_max", reps),
    )
    raise_problems(read.problems)
    return exercise


@cache
def builtin_exercises() -> tuple[Exercise, ...]:
    """Return the stretches that ship with the package."""
    text = (Path(__file__).parent / "data" / "stretches.toml").read_text("utf-8")
    tables = tomllib.loads(text)["exercises"]
    return tuple(exercise_from_table(t, f"exercises[{i}].") for i, t in enumerate(tables))


def phases(exercise: Exercise) -> tuple[Phase, ...]:
    """Return the guided routine: every rep on the first side, then every rep on the other."""
    seconds = exercise.hold_seconds or MOVEMENT_SECONDS
    result: list[Phase] = []
    for side in exercise.sides or (None,):
        for rep in range(1, exercise.reps + 1):
            if result:
                result.append(Phase("rest", REST_SECONDS, side, rep, exercise.reps))
            result.append(Phase("hold", seconds, side, rep, exercise.reps))
    return tuple(result)
