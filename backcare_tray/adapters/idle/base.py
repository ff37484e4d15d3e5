"""What every idle probe is: its Protocol and its error (imports nothing else of the project)."""

from typing import Protocol

__all__ = ["IdleProbe", "NeverLocked", "ProbeError"]


class ProbeError(Exception):
    """The probe could not read idle time."""


class IdleProbe(Protocol):
    """Something that reads the seconds since the last input."""

    @property
    def name(self) -> str | None:
        """Return the probe's name (None only for a supervisor holding no probe)."""
        ...

    def idle_seconds(self) -> float:
        """Return seconds since the last input; raise ProbeError when it cannot tell."""
        ...

    def locked(self) -> bool:
        """Return True when the screen is known to be locked."""
        ...


class NeverLocked:
    """For probes that cannot see the screen lock."""

    def locked(self) -> bool:
        """Return False: the lock is not visible to this probe."""
        return False
