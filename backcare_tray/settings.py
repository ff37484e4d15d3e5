"""Settings: a parsed TOML mapping in, a validated frozen Settings object out."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any

from backcare_tray.cues import CueMode
from backcare_tray.exercises import Exercise, builtin_exercises, exercise_from_table
from backcare_tray.hours import WorkingHours
from backcare_tray.i18n import _
from backcare_tray.rotation import Order
from backcare_tray.settings_schema import (
    SCHEMA,
    SECTIONS,
    IdleProbeSetting,
    Setting,
    parse_value,
    setting_named,
)
from backcare_tray.validation import (
    InvalidValue,
    Table,
    raise_problems,
    unknown_key,
    unknown_keys,
)

__all__ = ["Settings", "settings_from_mapping"]


def _builtin_library() -> dict[str, Exercise]:
    """Return the built-in stretches by id."""
    return {e.id: e for e in builtin_exercises()}


@cache
def _defaults() -> dict[str, Any]:
    """Return the table's defaults, parsed once as values from a file would be."""
    library = _builtin_library()
    return {setting.name: parse_value(setting, setting.default, library) for setting in SCHEMA}


def _default(name: str) -> Any:
    """Return the table's default of one setting (immutable, so shared)."""
    return _defaults()[name]


def _default_hours() -> WorkingHours:
    """Return the working hours the table's defaults give."""
    return WorkingHours(_default("schedule.active_hours"), _default("schedule.active_days"))


@dataclass(frozen=True)
class Settings:
    """Everything the user can configure, validated; durations are in seconds."""

    # Each default is the settings table's (settings_schema.SCHEMA), parsed.
    sitting_interval: int = field(default_factory=partial(_default, "schedule.sitting_interval"))
    snooze: int = field(default_factory=partial(_default, "schedule.snooze"))
    snooze_choices: tuple[int, ...] = field(
        default_factory=partial(_default, "schedule.snooze_choices")
    )
    remind_every: int = field(default_factory=partial(_default, "schedule.remind_every"))
    notification_timeout: int = field(default_factory=partial(_default, "notifications.timeout"))
    rotation_order: Order = field(default_factory=partial(_default, "rotation.order"))
    rotation: tuple[str, ...] = field(default_factory=partial(_default, "rotation.exercises"))
    natural_break: int = field(default_factory=partial(_default, "idle.natural_break"))
    idle_check_every: int = field(default_factory=partial(_default, "idle.check_every"))
    idle_probe: IdleProbeSetting = field(default_factory=partial(_default, "idle.probe"))
    hours: WorkingHours = field(default_factory=_default_hours)
    respect_dnd: bool = field(default_factory=partial(_default, "notifications.respect_dnd"))
    dnd_max_delay: int = field(default_factory=partial(_default, "notifications.dnd_max_delay"))
    # Camera or microphone in use: hold, and count as sitting.
    hold_during_calls: bool = field(
        default_factory=partial(_default, "notifications.hold_during_calls")
    )
    daily_goal: int = field(default_factory=partial(_default, "goals.daily_stretches"))
    cues: CueMode = field(default_factory=partial(_default, "sound.cues"))
    cue_volume: int = field(default_factory=partial(_default, "sound.volume"))
    due_sound: bool = field(default_factory=partial(_default, "sound.due_sound"))
    coach_window: bool = field(default_factory=partial(_default, "guide.window"))
    language: str = field(default_factory=partial(_default, "general.language"))
    exercises: dict[str, Exercise] = field(default_factory=_builtin_library)

    def exercise(self, exercise_id: str) -> Exercise:
        """Return the exercise with this id."""
        return self.exercises[exercise_id]


def _sections(data: Table, problems: list[InvalidValue]) -> dict[str, Table]:
    """Return each known section's table; note unknown sections, keys and non-tables."""
    tables: dict[str, Table] = {}
    for name, value in data.items():
        if name == "exercises":
            continue
        if name not in SECTIONS:
            problems.append(unknown_key(name, [*SECTIONS, "exercises"], ""))
        elif not isinstance(value, Mapping):
            problems.append(
                InvalidValue(name, _("{value} is not a table").format(value=repr(value)))
            )
        else:
            keys = {setting.key for setting in SCHEMA if setting.section == name}
            problems.extend(unknown_keys(value, keys, f"{name}."))
            tables[name] = value
    return tables


@dataclass
class _Library:
    """The stretches a config knows: built in and its own, and the ids of its broken ones."""

    exercises: dict[str, Exercise]
    own: list[str]  # the user's ids in file order
    broken: set[str]  # ids of [[exercises]] tables with a problem (reported once, there)

    def known(self) -> dict[str, object]:
        """Return every id a rotation may name without a second error."""
        return {**dict.fromkeys(self.broken), **self.exercises}


def _library(data: Table, problems: list[InvalidValue], base: Path | None) -> _Library:
    """Return the built-in and the user's stretches, noting each problem of the user's."""
    library = _Library(_builtin_library(), [], set())
    tables = data.get("exercises", [])
    if not isinstance(tables, list):
        problems.append(InvalidValue("exercises", _("must be written as [[exercises]] tables")))
        return library
    for index, table in enumerate(tables):
        prefix = f"exercises[{index}]."
        try:
            if not isinstance(table, dict):
                shown = _("{value} is not a table").format(value=repr(table))
                raise InvalidValue(f"exercises[{index}]", shown)
            exercise = exercise_from_table(table, prefix, base)
            if exercise.id in library.exercises:
                taken = _("{value} is already used by another stretch").format(
                    value=repr(exercise.id)
                )
                raise InvalidValue(f"{prefix}id", taken)
        except InvalidValue as problem:
            problems.append(problem)
            if isinstance(table, dict) and isinstance(table.get("id"), str):
                library.broken.add(table["id"].strip())
            continue
        library.exercises[exercise.id] = exercise
        library.own.append(exercise.id)
    return library


def _value(setting: Setting, tables: Mapping[str, Table], library: _Library) -> Any:
    """Return a setting's value from the file, or its default when the file leaves it out."""
    table = tables.get(setting.section, {})
    if setting.key in table:
        return parse_value(setting, table[setting.key], library.known())
    if setting.name == "rotation.exercises":  # the built-in stretches, then the user's own
        return (*_default(setting.name), *library.own)
    return _default(setting.name)


def settings_from_mapping(data: Table, base: Path | None = None) -> Settings:
    """Validate a parsed config mapping; raise InvalidValue(s) naming every bad key in it.

    Files it names (a stretch's pictures) are found relative to base, the config's folder.
    """
    problems: list[InvalidValue] = []
    tables = _sections(data, problems)
    library = _library(data, problems, base)
    values: dict[str, Any] = {}
    for setting in SCHEMA:
        try:
            values[setting.name] = _value(setting, tables, library)
        except InvalidValue as problem:
            problems.append(problem)
    raise_problems(problems)
    hours = WorkingHours(values.pop("schedule.active_hours"), values.pop("schedule.active_days"))
    fields = {setting_named(name).field: value for name, value in values.items()}
    return Settings(**fields, hours=hours, exercises=library.exercises)
