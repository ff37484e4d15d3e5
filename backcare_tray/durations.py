"""Parse and format human durations such as "45m", "90s", "1h30m", "8d" and "1w"."""

import re

from backcare_tray.i18n import N_, _

__all__ = ["DAY", "LONGEST", "WEEK", "check_length", "format_duration", "parse_duration"]

_PART = re.compile(r"(\d+)([wdhms])")
_UNITS = "wdhms"  # the order they are written in
DAY = 24 * 3600
WEEK = 7 * DAY
_UNIT_SECONDS = {"w": WEEK, "d": DAY, "h": 3600, "m": 60, "s": 1}
# The longest a duration may be, by what it is for: enough for any real use, and no value can
# push a deadline out of reach. Config, command line and control socket all check these.
LONGEST = {"setting": DAY, "snooze": DAY, "pause": WEEK}
_DIGITS = 9  # a number with more digits is longer than every limit, whatever its unit
# What a duration of each kind is too long for, in a whole sentence each.
_TOO_LONG = {
    "setting": N_("{value} is longer than {longest}, the longest duration allowed"),
    "snooze": N_("{value} is longer than {longest}, the longest snooze allowed"),
    "pause": N_("{value} is longer than {longest}, the longest pause allowed"),
}


def check_length(seconds: int, kind: str, shown: object) -> int:
    """Return seconds if a duration of this kind may be that long; else raise ValueError."""
    if seconds > LONGEST[kind]:
        longest = format_duration(LONGEST[kind])
        raise ValueError(_(_TOO_LONG[kind]).format(value=repr(shown), longest=longest))
    return seconds


def parse_duration(text: str, kind: str = "setting") -> int:
    """Return the whole seconds in a duration like "1h30m" or "1w"; raise ValueError if bad."""
    compact = text.strip().lower().replace(" ", "")
    parts = _PART.findall(compact)
    units = [u for _number, u in parts]
    if (
        not compact
        or "".join(n + u for n, u in parts) != compact
        or len(set(units)) != len(units)
        or units != sorted(units, key=_UNITS.index)
    ):
        raise ValueError(_("{value} is not a duration like '45m'").format(value=repr(text)))
    if any(len(n.lstrip("0")) > _DIGITS for n, _unit in parts):  # past every limit: no big numbers
        return check_length(LONGEST[kind] + 1, kind, text)
    return check_length(sum(int(n) * _UNIT_SECONDS[u] for n, u in parts), kind, text)


def format_duration(seconds: int) -> str:
    """Return a duration in the same notation parse_duration reads, e.g. "1h30m" or "7d"."""
    if seconds <= 0:
        return "0s"
    days, rest = divmod(seconds, DAY)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = ((days, "d"), (hours, "h"), (minutes, "m"), (secs, "s"))
    return "".join(f"{n}{u}" for n, u in parts if n)
