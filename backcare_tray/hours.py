"""Working hours: which local times are active, and when that next changes (pure)."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from backcare_tray.i18n import _

__all__ = ["DAYS", "MORNING", "Window", "WorkingHours", "parse_window", "seconds_until"]

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WINDOW = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
# Where pause "until tomorrow" ends when no working hours are set.
MORNING = time(6, 0)


@dataclass(frozen=True)
class Window:
    """An active period of a day, in minutes after midnight; end before start crosses midnight."""

    start: int
    end: int


def parse_window(text: str) -> Window:
    """Parse "09:00-12:30"; raise ValueError if malformed or empty."""
    match = _WINDOW.match(text.strip())
    if match is None:
        raise ValueError(
            _("{value} is not a time range like {example}").format(
                value=repr(text), example="'09:00-12:30'"
            )
        )
    start_h, start_m, end_h, end_m = map(int, match.groups())
    window = Window(start_h * 60 + start_m, end_h * 60 + end_m)
    if window.start == window.end:
        raise ValueError(_("{value} is an empty time range").format(value=repr(text)))
    return window


@dataclass(frozen=True)
class WorkingHours:
    """Active periods on active days; no windows means always active."""

    windows: tuple[Window, ...] = ()
    days: tuple[int, ...] = tuple(range(7))  # Monday is 0

    @property
    def always(self) -> bool:
        """Return True when every moment is active."""
        return not self.windows and len(self.days) == 7

    def _periods(self, day: datetime) -> list[tuple[datetime, datetime]]:
        """Return the active periods that start on the date of day, as naive local times."""
        midnight = day.replace(hour=0, minute=0, second=0, microsecond=0)
        if day.weekday() not in self.days:
            return []
        if not self.windows:
            return [(midnight, midnight + timedelta(days=1))]
        periods = []
        for window in self.windows:
            end_day = 1 if window.end < window.start else 0
            periods.append(
                (
                    midnight + timedelta(minutes=window.start),
                    midnight + timedelta(days=end_day, minutes=window.end),
                )
            )
        return periods

    def _around(self, local: datetime) -> list[tuple[datetime, datetime]]:
        """Return the periods starting from yesterday to a week ahead, in order."""
        naive = local.replace(tzinfo=None)
        periods = []
        for offset in range(-1, 9):
            periods += self._periods(naive + timedelta(days=offset))
        return sorted(periods)

    def is_active(self, local: datetime) -> bool:
        """Return True when local (a local wall time) falls in an active period."""
        if self.always:
            return True
        naive = local.replace(tzinfo=None)
        return any(start <= naive < end for start, end in self._around(local))

    def next_change(self, local: datetime) -> datetime | None:
        """Return the next local time activity starts or stops (naive), None if it never does."""
        if self.always:
            return None
        naive = local.replace(tzinfo=None)
        edges = sorted({edge for period in self._around(local) for edge in period})
        active = self.is_active(local)
        for edge in edges:
            if edge > naive and self.is_active(edge) != active:
                return edge
        return None

    def seconds_to_next_start(self, local: datetime) -> int:
        """Return how long "pause until tomorrow" lasts from local (aware) now: at least 1 s."""
        return max(1, round(seconds_until(self.next_start(local), local)))

    def next_start(self, local: datetime) -> datetime:
        """Return when "until tomorrow" ends (naive): the next morning's first active period."""
        # Before 06:00 "tomorrow" means the coming morning, after it the next calendar day.
        naive = local.replace(tzinfo=None)
        first_day = naive.date() if naive.time() < MORNING else (naive + timedelta(days=1)).date()
        if self.windows or len(self.days) < 7:
            starts = [
                start
                for start, _ in self._around(local)
                if start.date() >= first_day
                and start > naive
                and not self.is_active(start - timedelta(minutes=1))
            ]
            if starts:
                return min(starts)
        return datetime.combine(first_day, MORNING)


def seconds_until(local_target: datetime, now: datetime) -> float:
    """Return the real seconds from now until a naive local time in now's zone."""
    # Through UTC: subtracting two times of one zone would ignore a DST change between them.
    target = local_target.replace(tzinfo=now.tzinfo).astimezone(UTC)
    return (target - now.astimezone(UTC)).total_seconds()
