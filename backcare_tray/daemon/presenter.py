"""What the person sees now: the tray icon and the break's notification, redrawn when due."""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from backcare_tray import engine
from backcare_tray.adapters.kit import Scheduler, Tray
from backcare_tray.adapters.notifications import Notifier
from backcare_tray.moment import Moment
from backcare_tray.notice import NoticeKind, render_notice
from backcare_tray.report import DayCounts
from backcare_tray.settings import Settings
from backcare_tray.view import Cadence, redraw_cadence, tray_view

__all__ = ["Presenter", "Scene"]


@dataclass(frozen=True)
class Scene:
    """Everything a view is drawn from."""

    state: engine.EngineState
    settings: Settings
    today: DayCounts
    streak: int
    in_call: bool


class Presenter:
    """Shows the state's view in the tray and its notification; owns the redraw job."""

    def __init__(
        self,
        tray: Tray | None,
        notifier: Notifier,
        scheduler: Scheduler,
        clock: Callable[[], Moment],
        compose: Callable[[Moment], Scene],
    ) -> None:
        self.tray = tray
        self.notifier = notifier
        self._scheduler = scheduler
        self._clock = clock
        self._compose = compose
        # What the break's notification shows now (None: nothing of ours is shown).
        self._notice_kind: NoticeKind | None = None
        self._cadence: Cadence | None = None
        # Serialises updates from the loop and from the redraw job, so the last view shown is
        # always the latest state's.
        self._lock = threading.Lock()

    def show(self, at: Moment, notice: NoticeKind | Literal["close"] | None = None) -> None:
        """Update the tray and the break's notification; plan the redraw job again if needed."""
        with self._lock:
            scene = self._compose(at)
            if notice == "close":
                self._notice_kind = None
                self.notifier.close()
            elif notice is not None:
                self._show_notice(notice, scene, at)
            self._show_tray(scene, at)
        self._plan_redraw(scene.state, at)

    def show_howto(self, at: Moment) -> None:
        """Show how to do the next stretch, with the buttons that fit the state."""
        with self._lock:
            self._show_notice("howto", self._compose(at), at)

    def replan(self) -> None:
        """Forget the redraw job's cadence, so the next show plans it from now."""
        self._cadence = None

    def describe(self) -> dict[str, Any]:
        """Return how notifications are shown, for status."""
        return self.notifier.describe()

    def _plan_redraw(self, state: engine.EngineState, at: Moment) -> None:
        """Plan the job that redraws what changes with time, if its cadence changed."""
        cadence = redraw_cadence(state)
        if self.tray is None and not isinstance(state.mode, engine.Stretching):
            cadence = None  # without an icon only a routine's countdown changes by itself
        if cadence == self._cadence:
            return
        self._cadence = cadence
        if cadence is None:
            self._scheduler.plan("redraw", None, lambda: None)
        else:
            self._scheduler.plan_every(
                "redraw",
                cadence.next_after(at.mono) - at.mono,
                cadence.period,
                lambda: self._redraw(self._clock()),
            )

    def _show_notice(self, kind: NoticeKind, scene: Scene, at: Moment) -> None:
        """Show the notification of this kind; a routine's next step updates it in place."""
        notice = render_notice(kind, scene.state, at, scene.settings, scene.today.done)
        if kind == self._notice_kind == "stretching":
            self.notifier.refresh(notice)
        else:
            self.notifier.show(notice)
        self._notice_kind = kind

    def _redraw(self, at: Moment) -> None:
        """Redraw what changes with time; the redraw job calls this without waking the loop."""
        with self._lock:
            scene = self._compose(at)
            stretching = isinstance(scene.state.mode, engine.Stretching)
            if stretching and self._notice_kind == "stretching":
                self._show_notice("stretching", scene, at)  # the hold's countdown
            self._show_tray(scene, at)

    def _show_tray(self, scene: Scene, at: Moment) -> None:
        """Show the scene's view in the tray; the caller holds the lock."""
        if self.tray is not None:
            view = tray_view(
                scene.state, at, scene.settings, scene.today, scene.streak, scene.in_call
            )
            self.tray.show(view)
