"""Typed reads from parsed TOML tables, with errors that name the key and the bad value."""

from collections.abc import Mapping
from typing import Any

from backcare_tray.durations import parse_duration

__all__ = [
    "InvalidValue",
    "Table",
    "as_duration",
    "reject_unknown",
    "take_int",
    "take_str",
    "take_str_list",
]


class InvalidValue(Exception):
    """A value in a TOML table is missing, of the wrong type or out of range."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


Table = Mapping[str, Any]


def reject_unknown(table: Table, allowed: set[str], prefix: str) -> None:
    """Raise InvalidValue for the first key of table that is not allowed."""
    for key in table:
        if key not in allowed:
            raise InvalidValue(f"{prefix}{key}", "unknown key")


def take_str(table: Table, key: str, prefix: str, default: str | None = None) -> str:
    """Return a non-empty string at key, or the default when absent."""
    if key not in table:
        if default is None:
            raise InvalidValue(f"{prefix}{key}", "is required")
        return default
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(f"{prefix}{key}", f"{value!r} is not a non-empty string")
    return value.strip()


def take_int(table: Table, key: str, prefix: str, default: int, minimum: int = 0) -> int:
    """Return a whole number at key that is at least minimum."""
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidValue(f"{prefix}{key}", f"{value!r} is not a whole number >= {minimum}")
    return value


def take_str_list(table: Table, key: str, prefix: str, default: list[str]) -> list[str]:
    """Return a list of non-empty strings at key."""
    value = table.get(key, default)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InvalidValue(f"{prefix}{key}", f"{value!r} is not a list of non-empty strings")
    return [v.strip() for v in value]


def as_duration(value: object, key: str, allow_zero: bool = False) -> int:
    """Return seconds for a duration string, naming key when it is malformed."""
    if not isinstance(value, str):
        raise InvalidValue(key, f"{value!r} is not a duration like '45m'")
    try:
        seconds = parse_duration(value)
    except ValueError as error:
        raise InvalidValue(key, str(error)) from None
    if seconds == 0 and not allow_zero:
        raise InvalidValue(key, f"{value!r} must be longer than zero")
    return seconds
