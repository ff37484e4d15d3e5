"""Local wall time in the user's real time zone, so working hours follow DST."""

from datetime import datetime
from zoneinfo import ZoneInfo

from tzlocal import get_localzone

__all__ = ["local_now"]


def local_now() -> datetime:
    """Return the current local time, aware, in the system's zone (UTC if it has none)."""
    try:
        zone = get_localzone()
    except Exception:  # an invalid TZ: fall back rather than stop
        zone = ZoneInfo("UTC")
    return datetime.now(zone)
