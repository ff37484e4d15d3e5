"""Recording fakes of the daemon's outputs: tray, notifier, scheduler, cues, coach, pictures."""

from collections.abc import Callable
from typing import Any

from backcare_tray.cues import Cue, CueMode
from backcare_tray.exercises import Exercise
from backcare_tray.notice import Notice
from backcare_tray.view import TrayView


class RecordingTray:
    """Records the views shown."""

    def __init__(self) -> None:
        self.views: list[TrayView] = []

    def start(self) -> None:
        """Nothing to start."""

    def show(self, view: TrayView) -> None:
        """Record a view."""
        self.views.append(view)

    def stop(self) -> None:
        """Nothing to stop."""


class RecordingNotifier:
    """Records what is shown, refreshed and closed."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.notices: list[Notice] = []  # every notice shown or refreshed, in order

    def show(self, notice: Notice) -> bool:
        """Record a new notification."""
        self.calls.append(("show", notice.title))
        self.notices.append(notice)
        return True

    def refresh(self, notice: Notice) -> None:
        """Record an update in place."""
        self.calls.append(("refresh", notice.title))
        self.notices.append(notice)

    def close(self) -> None:
        """Record a close."""
        self.calls.append(("close", ""))

    def stop(self) -> None:
        """Nothing to release."""

    def describe(self) -> dict[str, Any]:
        """Say what this is."""
        return {"via": "recording"}


class RecordingScheduler:
    """Records the jobs planned, by name."""

    def __init__(self) -> None:
        self.jobs: dict[str, tuple[float | None, float | None, Callable[[], object]]] = {}

    def start(self) -> None:
        """Nothing to start."""

    def plan(self, name: str, delay: float | None, callback: Callable[[], object]) -> None:
        """Record a one-off job."""
        self.jobs[name] = (delay, None, callback)

    def plan_every(
        self, name: str, first_delay: float | None, period: float, callback: Callable[[], object]
    ) -> None:
        """Record a repeating job."""
        self.jobs[name] = (first_delay, period, callback)

    def shutdown(self) -> None:
        """Forget every job."""


class RecordingCues:
    """Records the cues played, with the mode and volume asked for."""

    def __init__(self) -> None:
        self.played: list[tuple[Cue, CueMode, int]] = []
        self.stopped = 0
        self.silenced = 0

    def prepare(self, volume: int) -> None:
        """Nothing to make."""

    def play(self, cue: Cue, mode: CueMode, volume: int, language: str = "en") -> None:
        """Record a cue."""
        self.played.append((cue, mode, volume))

    def silence(self) -> None:
        """Record a silencing."""
        self.silenced += 1

    def reap(self) -> None:
        """Nothing to collect."""

    def stop(self) -> None:
        """Record a stop."""
        self.stopped += 1

    def describe(self) -> dict[str, Any]:
        """Say what this is."""
        return {"player": "recording"}


class RecordingCoach:
    """Records the coach window's messages; once the person closes it, it takes no more steps."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.open = False
        self.closed_by_person = False
        self.closes = 0
        self.reaps = 0

    def show(self, message: dict[str, Any]) -> None:
        """Record a step, opening the window, unless the person closed it."""
        if self.closed_by_person:
            return
        self.open = True
        self.messages.append(message)

    def end(self, message: dict[str, Any]) -> None:
        """Record the end; the window closes itself."""
        if self.open:
            self.messages.append(message)
        self.open = self.closed_by_person = False

    def close(self) -> None:
        """Record a close."""
        self.closes += 1
        self.open = self.closed_by_person = False

    def reap(self) -> None:
        """Record a look for a finished window."""
        self.reaps += 1

    def describe(self) -> dict[str, Any]:
        """Say what this is."""
        return {"window": "recording"}


class NamedPictures:
    """Pictures as made-up file names, so a test can see which one was asked for."""

    def prepare(self) -> None:
        """Nothing to draw."""

    def path(self, exercise: Exercise, step: int, side_index: int | None, size: int) -> str:
        """Return a name saying which picture it is."""
        return f"/pictures/{exercise.id}-{step}-{side_index}-{size}.png"

    def look_path(self, look: str) -> str:
        """Return a name saying which look it is."""
        return f"/pictures/look-{look}.png"

    def describe(self) -> dict[str, Any]:
        """Say what this is."""
        return {"folder": "/pictures"}
