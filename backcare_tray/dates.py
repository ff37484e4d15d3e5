"""Dates and clock times as the language in use writes them: names, patterns, 24-hour clock."""

from datetime import date, datetime

from backcare_tray.i18n import _, pgettext

__all__ = [
    "clock_time",
    "day_and_month",
    "day_name",
    "month_name",
    "weekday_and_day",
    "weekday_name",
]

# The config's day keys, Monday first, as date.weekday() counts.
_DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def day_name(day: str) -> str:
    """Return a day's short name from its config key ("mon" -> "Mon")."""
    names = {
        "mon": pgettext("weekday", "Mon"),
        "tue": pgettext("weekday", "Tue"),
        "wed": pgettext("weekday", "Wed"),
        "thu": pgettext("weekday", "Thu"),
        "fri": pgettext("weekday", "Fri"),
        "sat": pgettext("weekday", "Sat"),
        "sun": pgettext("weekday", "Sun"),
    }
    return names[day]


def weekday_name(on: date) -> str:
    """Return a date's weekday, short: "Mon"."""
    return day_name(_DAY_KEYS[on.weekday()])


def month_name(on: date) -> str:
    """Return a date's month, short: "Dec"."""
    names = (
        pgettext("month", "Jan"),
        pgettext("month", "Feb"),
        pgettext("month", "Mar"),
        pgettext("month", "Apr"),
        pgettext("month", "May"),
        pgettext("month", "Jun"),
        pgettext("month", "Jul"),
        pgettext("month", "Aug"),
        pgettext("month", "Sep"),
        pgettext("month", "Oct"),
        pgettext("month", "Nov"),
        pgettext("month", "Dec"),
    )
    return names[on.month - 1]


def weekday_and_day(on: date) -> str:
    """Return a date as its weekday and day of the month: "Mon 01" (a chart's axis)."""
    # Translators: a date on a chart's axis: the short weekday and the day, "Mon 01".
    return _("{weekday} {day}").format(weekday=weekday_name(on), day=f"{on.day:02d}")


def day_and_month(on: date) -> str:
    """Return a date as its day of the month and month: "01 Dec"."""
    # Translators: a short date: the day and the short month, "01 Dec".
    return _("{day} {month}").format(day=f"{on.day:02d}", month=month_name(on))


def clock_time(when: datetime) -> str:
    """Return a time of day on the 24-hour clock: "09:30"."""
    # Translators: a time of day on the 24-hour clock; keep both placeholders.
    return _("{hour}:{minute}").format(hour=f"{when.hour:02d}", minute=f"{when.minute:02d}")
