"""Typed reads from parsed TOML tables, with errors that name the key and the bad value."""

from collections.abc import Iterable, Mapping
from typing import Any

from backcare_tray.durations import parse_duration
from backcare_tray.i18n import _

__all__ = [
    "InvalidValue",
    "InvalidValues",
    "Table",
    "as_duration",
    "as_int",
    "as_str_list",
    "raise_problems",
    "take_int",
    "take_str",
    "take_str_list",
    "unknown_key",
    "unknown_keys",
]


class InvalidValue(Exception):
    """A value in a TOML table is missing, of the wrong type or out of range."""

    def __init__(self, key: str, problem: str) -> None:
        # Translators: a config error: the key's dotted name, then what is wrong with it.
        super().__init__(_("{key}: {problem}").format(key=key, problem=problem))
        self.key = key
        self.problem = problem


class InvalidValues(InvalidValue):
    """Several problems at once; key and problem are the first one's, str() lists them all."""

    def __init__(self, problems: Iterable[InvalidValue]) -> None:
        self.problems = tuple(p for found in problems for p in _each(found))
        if not self.problems:
            raise ValueError("InvalidValues needs at least one problem")
        super().__init__(self.problems[0].key, self.problems[0].problem)
        self.args = ("\n".join(str(problem) for problem in self.problems),)


def _each(problem: InvalidValue) -> tuple[InvalidValue, ...]:
    """Return the single problems a problem stands for."""
    return problem.problems if isinstance(problem, InvalidValues) else (problem,)


def raise_problems(problems: Iterable[InvalidValue]) -> None:
    """Raise the one problem, or InvalidValues carrying several; nothing when there are none."""
    found = [single for problem in problems for single in _each(problem)]
    if len(found) == 1:
        raise found[0]
    if found:
        raise InvalidValues(found)


Table = Mapping[str, Any]


def unknown_key(key: str, known: Iterable[str], prefix: str) -> InvalidValue:
    """Return the problem of an unknown key, suggesting the nearest known one."""
    import difflib  # only a config with a mistake needs it

    near = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    if near:
        problem = _("unknown key (did you mean {key}?)").format(key=repr(near[0]))
    else:
        problem = _("unknown key")
    return InvalidValue(f"{prefix}{key}", problem)


def unknown_keys(table: Table, allowed: Iterable[str], prefix: str) -> list[InvalidValue]:
    """Return a problem for each key of table that is not allowed."""
    known = set(allowed)
    return [unknown_key(key, known, prefix) for key in table if key not in known]


def take_str(table: Table, key: str, prefix: str, default: str | None = None) -> str:
    """Return a non-empty string at key, or the default when absent."""
    if key not in table:
        if default is None:
            raise InvalidValue(f"{prefix}{key}", _("is required"))
        return default
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(
            f"{prefix}{key}", _("{value} is not a non-empty string").format(value=repr(value))
        )
    return value.strip()


def as_int(value: object, key: str, minimum: int = 0, maximum: int | None = None) -> int:
    """Return value as a whole number from minimum to maximum (None: no upper bound)."""
    number = value if isinstance(value, int) and not isinstance(value, bool) else None
    if number is None or number < minimum or (maximum is not None and number > maximum):
        if maximum is None:
            problem = _("{value} is not a whole number >= {minimum}")
        else:
            problem = _("{value} is not a whole number from {minimum} to {maximum}")
        shown = problem.format(value=repr(value), minimum=minimum, maximum=maximum)
        raise InvalidValue(key, shown)
    return number


def take_int(
    table: Table, key: str, prefix: str, default: int, minimum: int = 0, maximum: int | None = None
) -> int:
    """Return a whole number at key from minimum to maximum (None: no upper bound)."""
    return as_int(table.get(key, default), f"{prefix}{key}", minimum, maximum)


def as_str_list(value: object, key: str) -> list[str]:
    """Return value as a list of non-empty strings, stripped."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InvalidValue(
            key, _("{value} is not a list of non-empty strings").format(value=repr(value))
        )
    return [v.strip() for v in value]


def take_str_list(table: Table, key: str, prefix: str, default: list[str]) -> list[str]:
    """Return a list of non-empty strings at key."""
    return as_str_list(table.get(key, default), f"{prefix}{key}")


def as_duration(value: object, key: str, allow_zero: bool = False) -> int:
    """Return seconds for a duration string, naming key when it is malformed."""
    if not isinstance(value, str):
        raise InvalidValue(key, _("{value} is not a duration like '45m'").format(value=repr(value)))
    try:
        seconds = parse_duration(value)
    except ValueError as error:
        raise InvalidValue(key, str(error)) from None
    if seconds == 0 and not allow_zero:
        raise InvalidValue(key, _("{value} must be longer than zero").format(value=repr(value)))
    return seconds
