"""Settings: a parsed TOML mapping in, a validated frozen Settings object out."""

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from backcare_tray.exercises import Exercise, builtin_exercises, exercise_from_table
from backcare_tray.hours import WorkingHours
from backcare_tray.rotation import Order
from backcare_tray.settings_schema import (
    IDLE_PROBES,
    SCHEMA,
    SECTIONS,
    Setting,
    parse_value,
    setting_named,
)
from backcare_tray.validation import InvalidValue, Table

__all__ = [
    "DEFAULT_SNOOZE_CHOICES",
    "IDLE_PROBES",
    "InvalidSettings",
    "Settings",
    "settings_from_mapping",
]

DEFAULT_SNOOZE_CHOICES = tuple(setting_named("schedule.snooze_choices").default)  # type: ignore[arg-type]
# Where each setting goes in Settings: the field of the same key unless named here.
_FIELDS = {
    "notifications.timeout": "notification_timeout",
    "rotation.order": "rotation_order",
    "rotation.exercises": "rotation",
    "idle.check_every": "idle_check_every",
    "idle.probe": "idle_probe",
    "goals.daily_stretches": "daily_goal",
}


class InvalidSettings(InvalidValue):
    """Several problems in one config; each names its key and the bad value."""

    def __init__(self, problems: list[InvalidValue]) -> None:
        super().__init__(problems[0].key, problems[0].problem)
        self.problems = problems
        self.args = ("\n".join(str(problem) for problem in problems),)


def _builtin_library() -> dict[str, Exercise]:
    """Return the built-in stretches by id."""
    return {e.id: e for e in builtin_exercises()}


def _default(name: str) -> Any:
    """Return the table's default of a setting, parsed as a value from the file would be."""
    return parse_value(setting_named(name), setting_named(name).default, _builtin_library())


def _default_hours() -> WorkingHours:
    """Return the working hours the table's defaults give."""
    return WorkingHours(_default("schedule.active_hours"), _default("schedule.active_days"))


@dataclass(frozen=True)
class Settings:
    """Everything the user can configure, validated; durations are in seconds."""

    sitting_interval: int = field(default_factory=partial(_default, "schedule.sitting_interval"))
    snooze: int = field(default_factory=partial(_default, "schedule.snooze"))
    snooze_choices: tuple[int, ...] = field(
        default_factory=partial(_default, "schedule.snooze_choices")
    )
    remind_every: int = field(default_factory=partial(_default, "schedule.remind_every"))
    notification_timeout: int = field(default_factory=partial(_default, "notifications.timeout"))
    rotation_order: Order = field(default_factory=partial(_default, "rotation.order"))
    rotation: tuple[str, ...] = field(default_factory=lambda: tuple(_builtin_library()))
    natural_break: int = field(default_factory=partial(_default, "idle.natural_break"))
    idle_check_every: int = field(default_factory=partial(_default, "idle.check_every"))
    idle_probe: str = field(default_factory=partial(_default, "idle.probe"))
    hours: WorkingHours = field(default_factory=_default_hours)
    respect_dnd: bool = field(default_factory=partial(_default, "notifications.respect_dnd"))
    dnd_max_delay: int = field(default_factory=partial(_default, "notifications.dnd_max_delay"))
    # Camera or microphone in use: hold, and count as sitting.
    hold_during_calls: bool = field(
        default_factory=partial(_default, "notifications.hold_during_calls")
    )
    daily_goal: int = field(default_factory=partial(_default, "goals.daily_stretches"))
    exercises: dict[str, Exercise] = field(default_factory=_builtin_library)

    def exercise(self, exercise_id: str) -> Exercise:
        """Return the exercise with this id."""
        return self.exercises[exercise_id]


def _unknown(key: str, known: Iterable[str], prefix: str) -> InvalidValue:
    """Return the problem of an unknown key, suggesting the nearest known one."""
    near = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    hint = f" (did you mean {near[0]!r}?)" if near else ""
    return InvalidValue(f"{prefix}{key}", f"unknown key{hint}")


def _sections(data: Table, problems: list[InvalidValue]) -> dict[str, Table]:
    """Return each known section's table; note unknown sections and non-tables."""
    tables: dict[str, Table] = {}
    for name, value in data.items():
        if name == "exercises":
            continue
        if name not in SECTIONS:
            problems.append(_unknown(name, [*SECTIONS, "exercises"], ""))
        elif not isinstance(value, Mapping):
            problems.append(InvalidValue(name, f"{value!r} is not a table"))
        else:
            tables[name] = value
    for name, table in tables.items():
        keys = {setting.key for setting in SCHEMA if setting.section == name}
        problems.extend(_unknown(key, keys, f"{name}.") for key in table if key not in keys)
    return tables


def _library(data: Table, problems: list[InvalidValue]) -> tuple[dict[str, Exercise], list[str]]:
    """Return the built-in and the user's stretches, and the user's ids in file order."""
    library = _builtin_library()
    own: list[str] = []
    tables = data.get("exercises", [])
    if not isinstance(tables, list):
        problems.append(InvalidValue("exercises", "must be written as [[exercises]] tables"))
        return library, own
    for index, table in enumerate(tables):
        prefix = f"exercises[{index}]."
        try:
            if not isinstance(table, dict):
                raise InvalidValue(f"exercises[{index}]", f"{table!r} is not a table")
            exercise = exercise_from_table(table, prefix)
            if exercise.id in library:
                raise InvalidValue(
                    f"{prefix}id", f"{exercise.id!r} is already used by another stretch"
                )
        except InvalidValue as problem:
            problems.append(problem)
            continue
        library[exercise.id] = exercise
        own.append(exercise.id)
    return library, own


def _value(
    setting: Setting, tables: Mapping[str, Table], library: Mapping[str, Exercise], own: list[str]
) -> Any:
    """Return a setting's value from the file, or its default when the file leaves it out."""
    table = tables.get(setting.section, {})
    if setting.key in table:
        return parse_value(setting, table[setting.key], library)
    if setting.name == "rotation.exercises":  # the built-in stretches, then the user's own
        return (*_default(setting.name), *own)
    return _default(setting.name)


def settings_from_mapping(data: Table) -> Settings:
    """Validate a parsed config mapping; raise InvalidValue naming every bad key in it."""
    problems: list[InvalidValue] = []
    tables = _sections(data, problems)
    library, own = _library(data, problems)
    values: dict[str, Any] = {}
    for setting in SCHEMA:
        try:
            values[setting.name] = _value(setting, tables, library, own)
        except InvalidValue as problem:
            problems.append(problem)
    if problems:
        raise problems[0] if len(problems) == 1 else InvalidSettings(problems)
    hours = WorkingHours(values.pop("schedule.active_hours"), values.pop("schedule.active_days"))
    fields = {_FIELDS.get(name, name.split(".")[1]): value for name, value in values.items()}
    return Settings(**fields, hours=hours, exercises=library)
