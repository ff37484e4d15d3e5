"""Local wall time in the user's real time zone, so working hours follow DST."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from tzlocal import get_localzone

__all__ = ["local_now", "seconds_until"]


def local_now() -> datetime:
    """Return the current local time, aware, in the system's zone (UTC if it has none)."""
    try:
        zone = get_localzone()
    except Exception:  # an invalid TZ: fall back rather than stop
        zone = ZoneInfo("UTC")
    return datetime.now(zone)


def seconds_until(local_target: datetime, now: datetime) -> float:
    """Return the real seconds from now until a naive local time in now's zone."""
    # Through UTC: subtracting two times of one zone would ignore a DST change between them.
    target = local_target.replace(tzinfo=now.tzinfo).astimezone(UTC)
    return (target - now.astimezone(UTC)).total_seconds()
