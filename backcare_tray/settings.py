"""Settings: a parsed TOML mapping in, a validated frozen Settings object out."""

from dataclasses import dataclass, field

from backcare_tray.exercises import Exercise, builtin_exercises, exercise_from_table
from backcare_tray.hours import DAYS, WorkingHours, parse_window
from backcare_tray.rotation import Order
from backcare_tray.validation import (
    InvalidValue,
    Table,
    as_duration,
    reject_unknown,
    take_bool,
    take_duration,
    take_int,
    take_str,
    take_str_list,
    take_table,
)

__all__ = ["DEFAULT_SNOOZE_CHOICES", "IDLE_PROBES", "KEYS", "Settings", "settings_from_mapping"]

DEFAULT_SNOOZE_CHOICES = ("5m", "10m", "15m", "30m")
# The keys of each table; [[exercises]] tables are checked by exercise_from_table.
KEYS = {
    "schedule": {
        "sitting_interval",
        "snooze",
        "snooze_choices",
        "remind_every",
        "active_hours",
        "active_days",
    },
    "notifications": {"timeout", "respect_dnd", "dnd_max_delay", "hold_during_calls"},
    "rotation": {"order", "exercises"},
    "idle": {"natural_break", "check_every", "probe"},
    "goals": {"daily_stretches"},
}
IDLE_PROBES = ("auto", "gnome", "freedesktop", "wayland", "x11", "windows", "macos", "none")


def _builtin_ids() -> tuple[str, ...]:
    """Return the ids of the built-in stretches in library order."""
    return tuple(e.id for e in builtin_exercises())


def _builtin_library() -> dict[str, Exercise]:
    """Return the built-in stretches by id."""
    return {e.id: e for e in builtin_exercises()}


@dataclass(frozen=True)
class Settings:
    """Everything the user can configure, validated; durations are in seconds."""

    sitting_interval: int = 45 * 60
    snooze: int = 10 * 60
    snooze_choices: tuple[int, ...] = (300, 600, 900, 1800)
    remind_every: int = 5 * 60
    notification_timeout: int = 10
    rotation_order: Order = "sequential"
    rotation: tuple[str, ...] = field(default_factory=_builtin_ids)
    natural_break: int = 5 * 60
    idle_check_every: int = 30
    idle_probe: str = "auto"
    hours: WorkingHours = field(default_factory=WorkingHours)
    respect_dnd: bool = True
    dnd_max_delay: int = 30 * 60
    hold_during_calls: bool = True  # camera or microphone in use: hold, and count as sitting
    daily_goal: int = 6
    exercises: dict[str, Exercise] = field(default_factory=_builtin_library)

    def exercise(self, exercise_id: str) -> Exercise:
        """Return the exercise with this id."""
        return self.exercises[exercise_id]


def settings_from_mapping(data: Table) -> Settings:
    """Validate a parsed config mapping; raise InvalidValue naming the first bad key."""
    reject_unknown(data, {*KEYS, "exercises"}, "")
    tables = {section: take_table(data, section, "") for section in KEYS}
    for section, table in tables.items():
        reject_unknown(table, KEYS[section], f"{section}.")
    schedule, notifications, rotation, idle = (
        tables[name] for name in ("schedule", "notifications", "rotation", "idle")
    )
    probe = take_str(idle, "probe", "idle.", "auto")
    if probe not in IDLE_PROBES:
        raise InvalidValue("idle.probe", f"{probe!r} is not one of {', '.join(IDLE_PROBES)}")

    choices_text = take_str_list(
        schedule, "snooze_choices", "schedule.", list(DEFAULT_SNOOZE_CHOICES)
    )
    if not choices_text:
        raise InvalidValue("schedule.snooze_choices", "needs at least one duration")
    choices = tuple(as_duration(c, "schedule.snooze_choices") for c in choices_text)

    library = _builtin_library()
    user_tables = data.get("exercises", [])
    if not isinstance(user_tables, list):
        raise InvalidValue("exercises", "must be written as [[exercises]] tables")
    for index, table in enumerate(user_tables):
        prefix = f"exercises[{index}]."
        if not isinstance(table, dict):
            raise InvalidValue(f"exercises[{index}]", f"{table!r} is not a table")
        exercise = exercise_from_table(table, prefix)
        if exercise.id in library:
            raise InvalidValue(f"{prefix}id", f"{exercise.id!r} is already used by another stretch")
        library[exercise.id] = exercise

    order = take_str(rotation, "order", "rotation.", "sequential")
    if order not in ("sequential", "shuffle"):
        raise InvalidValue("rotation.order", f"{order!r} is not 'sequential' or 'shuffle'")
    default_ids = [*_builtin_ids(), *(t["id"] for t in user_tables)]
    ids = take_str_list(rotation, "exercises", "rotation.", default_ids)
    if not ids:
        raise InvalidValue("rotation.exercises", "needs at least one stretch")
    for exercise_id in ids:
        if exercise_id not in library:
            raise InvalidValue("rotation.exercises", f"{exercise_id!r} is not a known stretch id")
    if len(set(ids)) != len(ids):
        raise InvalidValue("rotation.exercises", f"{ids!r} lists a stretch twice")

    windows = []
    for text in take_str_list(schedule, "active_hours", "schedule.", []):
        try:
            windows.append(parse_window(text))
        except ValueError as error:
            raise InvalidValue("schedule.active_hours", str(error)) from None
    days = take_str_list(schedule, "active_days", "schedule.", list(DAYS))
    for day in days:
        if day.lower() not in DAYS:
            raise InvalidValue("schedule.active_days", f"{day!r} is not one of {', '.join(DAYS)}")
    if not days:
        raise InvalidValue("schedule.active_days", "needs at least one day")

    return Settings(
        sitting_interval=take_duration(schedule, "sitting_interval", "schedule.", "45m"),
        snooze=take_duration(schedule, "snooze", "schedule.", "10m"),
        snooze_choices=choices,
        remind_every=take_duration(schedule, "remind_every", "schedule.", "5m", allow_zero=True),
        notification_timeout=take_duration(notifications, "timeout", "notifications.", "10s"),
        rotation_order="shuffle" if order == "shuffle" else "sequential",
        rotation=tuple(ids),
        exercises=library,
        natural_break=take_duration(idle, "natural_break", "idle.", "5m"),
        idle_check_every=take_duration(idle, "check_every", "idle.", "30s"),
        idle_probe=probe,
        daily_goal=take_int(tables["goals"], "daily_stretches", "goals.", 6, minimum=1),
        respect_dnd=take_bool(notifications, "respect_dnd", "notifications.", True),
        dnd_max_delay=take_duration(notifications, "dnd_max_delay", "notifications.", "30m"),
        hold_during_calls=take_bool(notifications, "hold_during_calls", "notifications.", True),
        hours=WorkingHours(tuple(windows), tuple(sorted({DAYS.index(d.lower()) for d in days}))),
    )
