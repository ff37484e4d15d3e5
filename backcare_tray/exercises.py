"""The stretch library: exercises as data, their guided phases, and the built-in set."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from backcare_tray.validation import (
    InvalidValue,
    Table,
    reject_unknown,
    take_int,
    take_str,
    take_str_list,
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


def exercise_from_table(table: Table, prefix: str) -> Exercise:
    """Build an Exercise from a TOML table, raising InvalidValue naming the bad key."""
    reject_unknown(table, _FIELDS, prefix)
    steps = take_str_list(table, "steps", prefix, [])
    if not steps:
        raise InvalidValue(f"{prefix}steps", "needs at least one step")
    hold = take_int(table, "hold_seconds", prefix, 0)
    reps = take_int(table, "reps", prefix, 1, minimum=1)
    sides = take_str_list(table, "sides", prefix, [])
    if len(sides) not in (0, 2):
        raise InvalidValue(f"{prefix}sides", f"{sides!r} must be [] or two sides")
    hold_max = table.get("hold_seconds_max")
    if hold_max is not None:
        hold_max = take_int(table, "hold_seconds_max", prefix, 0, minimum=hold)
    reps_max = table.get("reps_max")
    if reps_max is not None:
        reps_max = take_int(table, "reps_max", prefix, 0, minimum=reps)
    return Exercise(
        id=take_str(table, "id", prefix),
        name=take_str(table, "name", prefix),
        area=take_str(table, "area", prefix, "back"),
        summary=take_str(table, "summary", prefix),
        steps=tuple(steps),
        hold_seconds=hold,
        reps=reps,
        sides=tuple(sides),
        equipment=take_str(table, "equipment", prefix, "none"),
        safety=take_str(table, "safety", prefix, ""),
        hold_seconds_max=hold_max,
        reps_max=reps_max,
    )


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
