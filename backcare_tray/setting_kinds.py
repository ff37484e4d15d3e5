"""What a setting is and the kinds of value it takes, each with its check and conversion."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from backcare_tray.durations import LONGEST, format_duration
from backcare_tray.hours import DAYS, Window, parse_window
from backcare_tray.i18n import N_, _, ngettext
from backcare_tray.validation import InvalidValue, as_duration, as_int, as_str_list

__all__ = ["Kind", "Setting", "TomlValue", "describe_bounds", "parse_value"]

# The kinds of value a setting takes; a settings form draws one widget per kind.
Kind = Literal[
    "duration",  # "45m": seconds
    "durations",  # ["5m", "10m"]: seconds each, at least one
    "whole number",  # between minimum and maximum
    "on/off",
    "choice",  # one of choices
    "time ranges",  # ["09:00-12:30"]: local times; [] means all day
    "days",  # ["mon", "tue"]: at least one
    "stretch ids",  # ids of known stretches, each once, at least one
]
TomlValue = str | int | bool | list[str]


@dataclass(frozen=True)
class Setting:
    """One key of the config file, with everything a parser, a form and the docs need."""

    section: str
    key: str
    kind: Kind
    default: TomlValue  # as written in the TOML file
    description: str
    minimum: int = 0  # whole numbers: the least allowed
    maximum: int | None = None  # whole numbers: the most allowed; durations: the most entries
    # durations: whether "0s" is allowed (its description says what it means: off, never...)
    zero_allowed: bool = False
    choices: tuple[str, ...] = ()  # for a choice
    # The Settings field it fills, when not the key's own name (the working hours' two keys
    # fill the one field hours together).
    field_name: str = ""

    @property
    def field(self) -> str:
        """Return the name of the Settings field this setting fills."""
        return self.field_name or self.key

    @property
    def name(self) -> str:
        """Return the setting's dotted name, as error messages give it: "schedule.snooze"."""
        return f"{self.section}.{self.key}"

    @property
    def longest(self) -> int:
        """Return the longest a duration may be, in seconds."""
        return LONGEST["setting"]


# What an empty list of each kind lacks, in a whole sentence each.
_NEEDS = {
    "duration": N_("needs at least one duration"),
    "day": N_("needs at least one day"),
    "stretch": N_("needs at least one stretch"),
}


def _one_at_least(setting: Setting, items: Sequence[object], what: str) -> None:
    """Refuse an empty list."""
    if not items:
        raise InvalidValue(setting.name, _(_NEEDS[what]))


def _duration(setting: Setting, value: object, known: Mapping[str, object]) -> int:
    """Return seconds for a duration."""
    return as_duration(value, setting.name, allow_zero=setting.zero_allowed)


def _durations(setting: Setting, value: object, known: Mapping[str, object]) -> tuple[int, ...]:
    """Return seconds for each of a list of durations."""
    texts = as_str_list(value, setting.name)
    _one_at_least(setting, texts, "duration")
    if setting.maximum is not None and len(texts) > setting.maximum:
        many = ngettext(
            "{count} durations; at most {most} is allowed",
            "{count} durations; at most {most} are allowed",
            setting.maximum,
        ).format(count=len(texts), most=setting.maximum)
        raise InvalidValue(setting.name, many)
    return tuple(as_duration(text, setting.name) for text in texts)


def _whole_number(setting: Setting, value: object, known: Mapping[str, object]) -> int:
    """Return a whole number within the setting's bounds."""
    return as_int(value, setting.name, setting.minimum, setting.maximum)


def _on_off(setting: Setting, value: object, known: Mapping[str, object]) -> bool:
    """Return true or false."""
    if not isinstance(value, bool):
        raise InvalidValue(
            setting.name, _("{value} is not true or false").format(value=repr(value))
        )
    return value


def _choice(setting: Setting, value: object, known: Mapping[str, object]) -> str:
    """Return one of the setting's choices."""
    text = value.strip() if isinstance(value, str) else value
    if text not in setting.choices:
        problem = _("{value} is not one of {choices}")
        shown = problem.format(value=repr(value), choices=", ".join(setting.choices))
        raise InvalidValue(setting.name, shown)
    assert isinstance(text, str)
    return text


def _time_ranges(
    setting: Setting, value: object, known: Mapping[str, object]
) -> tuple[Window, ...]:
    """Return the local time windows of a list like ["09:00-12:30"]."""
    windows = []
    for text in as_str_list(value, setting.name):
        try:
            windows.append(parse_window(text))
        except ValueError as error:
            raise InvalidValue(setting.name, str(error)) from None
    return tuple(windows)


def _days(setting: Setting, value: object, known: Mapping[str, object]) -> tuple[int, ...]:
    """Return the day numbers (Monday 0) of a list of day names."""
    days = as_str_list(value, setting.name)
    for day in days:
        if day.lower() not in DAYS:
            problem = _("{value} is not one of {choices}")
            shown = problem.format(value=repr(day), choices=", ".join(DAYS))
            raise InvalidValue(setting.name, shown)
    _one_at_least(setting, days, "day")
    return tuple(sorted({DAYS.index(day.lower()) for day in days}))


def _stretch_ids(setting: Setting, value: object, known: Mapping[str, object]) -> tuple[str, ...]:
    """Return stretch ids, each known and listed once."""
    ids = as_str_list(value, setting.name)
    _one_at_least(setting, ids, "stretch")
    for stretch_id in ids:
        if stretch_id not in known:
            problem = _("{value} is not a known stretch id").format(value=repr(stretch_id))
            raise InvalidValue(setting.name, problem)
    if len(set(ids)) != len(ids):
        raise InvalidValue(setting.name, _("{value} lists a stretch twice").format(value=repr(ids)))
    return tuple(ids)


# Each kind in words, for a form that names what a setting takes.
_KIND_NAMES: dict[Kind, str] = {
    # Translators: what a setting takes (a settings form shows it beside the field).
    "duration": N_("duration"),
    "durations": N_("durations"),
    "whole number": N_("whole number"),
    "on/off": N_("on/off"),
    "choice": N_("choice"),
    "time ranges": N_("time ranges"),
    "days": N_("days"),
    "stretch ids": N_("stretch ids"),
}

_PARSERS: dict[Kind, Callable[[Setting, object, Mapping[str, object]], Any]] = {
    "duration": _duration,
    "durations": _durations,
    "whole number": _whole_number,
    "on/off": _on_off,
    "choice": _choice,
    "time ranges": _time_ranges,
    "days": _days,
    "stretch ids": _stretch_ids,
}


def parse_value(setting: Setting, value: object, stretches: Mapping[str, object]) -> Any:
    """Return a setting's value checked and converted; raise InvalidValue naming its key."""
    return _PARSERS[setting.kind](setting, value, stretches)


def describe_bounds(setting: Setting) -> str:
    """Return what values a setting takes, in words, for forms and docs."""
    longest = format_duration(setting.longest)
    if setting.kind == "duration" and setting.zero_allowed:
        return _("a duration, 0s up to {longest}").format(longest=longest)
    if setting.kind == "duration":
        return _("a duration, more than 0s up to {longest}").format(longest=longest)
    if setting.kind == "durations" and setting.maximum is not None:
        return ngettext(
            "1 to {most} duration, each up to {longest}",
            "1 to {most} durations, each up to {longest}",
            setting.maximum,
        ).format(most=setting.maximum, longest=longest)
    if setting.kind == "whole number" and setting.maximum is None:
        return _("a whole number from {least}").format(least=setting.minimum)
    if setting.kind == "whole number":
        return _("a whole number from {least} to {most}").format(
            least=setting.minimum, most=setting.maximum
        )
    if setting.choices:
        return _("one of {choices}").format(choices=", ".join(setting.choices))
    return _(_KIND_NAMES[setting.kind])
