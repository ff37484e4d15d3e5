"""The settings form as data: what each field shows, what it writes, and its check (pure)."""

# A field's widget holds text (durations, lists, numbers), a flag (on/off) or a choice; this
# module turns what a widget holds into the value written in the TOML file and back, and checks
# it with the config loader's own parse_value, so the form says exactly what the loader would.

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from backcare_tray.hours import DAYS
from backcare_tray.i18n import N_, _
from backcare_tray.settings_schema import SCHEMA, Setting, TomlValue, parse_value
from backcare_tray.validation import InvalidValue, InvalidValues

__all__ = [
    "FORM_DESCRIPTIONS",
    "FieldCheck",
    "check_field",
    "field_description",
    "field_label",
    "from_widget",
    "problems_by_field",
    "section_label",
    "to_widget",
]

_LIST_SEPARATOR = re.compile(r"[,\s]+")
# The kinds a text entry holds (the others are a check box, a choice, day boxes or a list).
TEXT_KINDS = frozenset({"duration", "durations", "whole number", "time ranges"})
_LABELS = {
    "general.language": N_("Language"),
    "schedule.sitting_interval": N_("Sitting time before a stretch"),
    "schedule.snooze": N_("Snooze for"),
    "schedule.snooze_choices": N_("Snooze menu lengths"),
    "schedule.remind_every": N_("Remind again every"),
    "schedule.active_hours": N_("Active hours"),
    "schedule.active_days": N_("Active days"),
    "notifications.timeout": N_("Notification stays for"),
    "notifications.respect_dnd": N_("Wait while do-not-disturb is on"),
    "notifications.dnd_max_delay": N_("Wait at most"),
    "notifications.hold_during_calls": N_("Wait during calls"),
    # Translators: the sounds or spoken words that guide a stretch, step by step.
    "sound.cues": N_("Cues"),
    "sound.volume": N_("Volume"),
    "sound.due_sound": N_("Chime when a stretch is due"),
    "guide.window": N_("Open the coach window"),
    # Translators: the order the stretches come in, one after another or shuffled.
    "rotation.order": N_("Order"),
    "rotation.exercises": N_("Stretches in the rotation"),
    "goals.daily_stretches": N_("Stretches a day"),
    "idle.natural_break": N_("Away time that counts as a break"),
    "idle.check_every": N_("While away, look every"),
    "idle.probe": N_("Idle detection"),
}
# Where the form says a thing otherwise than the file's comment does (marked; _() where shown).
FORM_DESCRIPTIONS = {
    "schedule.active_hours": N_(
        "When reminders happen: local time ranges such as 09:00-17:30, "
        "separated by commas (empty: all day)."
    ),
}
SECTION_LABELS = {
    "general": N_("General"),
    "general.language": N_("Language"),
    "schedule": N_("Schedule"),
    "notifications": N_("Notifications"),
    "sound": N_("Sound"),
    # Translators: the settings of the guided stretch and its coach window.
    "guide": N_("Guide"),
    "rotation": N_("Rotation"),
    "goals": N_("Goals"),
    "idle": N_("Away time"),
}


def field_label(setting: Setting) -> str:
    """Return the label a field has in the form, in the language in use."""
    label = _LABELS.get(setting.name)
    return _(label) if label else setting.key.replace("_", " ").capitalize()


def field_description(setting: Setting) -> str:
    """Return the line the form shows under a field, in the language in use."""
    return _(FORM_DESCRIPTIONS.get(setting.name, setting.description))


def section_label(section: str) -> str:
    """Return the name a section of the settings has in the form, in the language in use."""
    label = SECTION_LABELS.get(section)
    return _(label) if label else section.capitalize()


WidgetValue = str | bool | list[str]


def to_widget(setting: Setting, value: TomlValue) -> WidgetValue:
    """Return what a field's widget holds for a value of the file."""
    if setting.kind in ("durations", "time ranges") and isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if setting.kind == "whole number" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if setting.kind in ("days", "stretch ids") and isinstance(value, list):
        return [str(item) for item in value]
    if setting.kind == "on/off":  # "false" written as text reads as it says, not as ticked
        if isinstance(value, str):
            return value.strip().lower() in ("true", "yes", "on", "1")
        return bool(value)
    return value if isinstance(value, str) else str(value)


def from_widget(setting: Setting, held: WidgetValue) -> TomlValue:
    """Return the value to write in the file for what a widget holds (checked separately)."""
    if isinstance(held, bool | list):
        return held
    text = held.strip()
    if setting.kind in ("durations", "time ranges"):
        return [item for item in _LIST_SEPARATOR.split(text) if item]
    if setting.kind == "whole number" and re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    return text


@dataclass(frozen=True)
class FieldCheck:
    """A field's value as the file would hold it, or the loader's message about it."""

    value: TomlValue
    problem: str | None


def check_field(setting: Setting, held: WidgetValue, known: Mapping[str, object]) -> FieldCheck:
    """Check what a widget holds as the config loader would; known: the stretch ids."""
    value = from_widget(setting, held)
    try:
        parse_value(setting, value, known)
    except InvalidValue as problem:
        return FieldCheck(value, str(problem))
    return FieldCheck(value, None)


def problems_by_field(error: InvalidValue) -> tuple[dict[str, str], list[str]]:
    """Split a loader's error into messages for the form's fields and the rest."""
    problems = error.problems if isinstance(error, InvalidValues) else (error,)
    names = {setting.name for setting in SCHEMA}
    fields: dict[str, str] = {}
    others: list[str] = []
    for problem in problems:
        if problem.key in names and problem.key not in fields:
            fields[problem.key] = str(problem)
        else:
            others.append(str(problem))
    return fields, others


def day_order(days: Sequence[str]) -> list[str]:
    """Return day names in the week's order, as the file writes them."""
    return [day for day in DAYS if day in {d.lower() for d in days}]
