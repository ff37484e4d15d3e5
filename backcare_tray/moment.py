"""One instant on two clocks: the engine's monotonic time and the wall clock."""

from dataclasses import dataclass

__all__ = ["Moment"]


@dataclass(frozen=True)
class Moment:
    """The same instant on the engine's monotonic clock and on the wall clock."""

    mono: float
    wall: float

    def wall_of(self, mono: float) -> float:
        """Return the wall-clock time of an engine time."""
        return self.wall + (mono - self.mono)
