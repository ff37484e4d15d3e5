"""What the person sees now: the tray icon and the break's notification, redrawn when due."""

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

from backcare_tray import engine
from backcare_tray.adapters.coach import end_message, step_message
from backcare_tray.adapters.kit import Coach, CuePlayer, Scheduler, StepPictureFiles, Tray
from backcare_tray.adapters.notifications import Notifier
from backcare_tray.adapters.step_pictures import COACH_SIZE, NOTIFICATION_SIZE
from backcare_tray.cues import Cue
from backcare_tray.guide import RoutineEnd, StepPicture, guidance
from backcare_tray.i18n import current
from backcare_tray.moment import Moment
from backcare_tray.notice import Notice, NoticeKind, render_notice
from backcare_tray.report import DayCounts
from backcare_tray.settings import Settings
from backcare_tray.view import Cadence, redraw_cadence, tray_view

__all__ = ["COLLECT_AFTER", "Outputs", "Presenter", "Scene"]

# Seconds after a cue or a routine's end when its player and the coach window (which shows
# the confirmation for about 4 s) have ended and are collected, so no zombie is left.
COLLECT_AFTER = 8.0


@dataclass(frozen=True)
class Outputs:
    """What shows a routine besides the tray and the notification: pictures, sound, a window."""

    pictures: StepPictureFiles | None = None
    cues: CuePlayer | None = None
    coach: Coach | None = None


@dataclass(frozen=True)
class Scene:
    """Everything a view is drawn from."""

    state: engine.EngineState
    settings: Settings
    today: DayCounts
    streak: int
    in_call: bool
    history_waiting: int = 0  # events not yet written into the history


class Presenter:
    """Shows the state's view in the tray and its notification; owns the redraw job."""

    def __init__(
        self,
        tray: Tray | None,
        notifier: Notifier,
        scheduler: Scheduler,
        clock: Callable[[], Moment],
        compose: Callable[[Moment], Scene],
        outputs: Outputs = Outputs(),
    ) -> None:
        self.tray = tray
        self.notifier = notifier
        self.outputs = outputs
        # The routine (by its start time) the coach window was opened for: once the person
        # closes it, it stays closed for the rest of that routine.
        self._coached: float | None = None
        self._scheduler = scheduler
        self._clock = clock
        self._compose = compose
        # What the break's notification shows now (None: nothing of ours is shown).
        self._notice_kind: NoticeKind | None = None
        self._cadence: Cadence | None = None
        # Serialises updates from the loop and from the redraw job, so the last view shown is
        # always the latest state's.
        self._lock = threading.Lock()

    def show(
        self,
        at: Moment,
        notice: NoticeKind | Literal["close"] | None = None,
        cue: Cue | None = None,
        ended: RoutineEnd | None = None,
    ) -> bool | None:
        """Show the scene and give its cue; return whether a notification asked for showed."""
        shown = None
        with self._lock:
            scene = self._compose(at)
            if cue is not None:  # first: a slow notification server must not make it late
                self._give(cue, scene)
            elif ended == "stopped" and self.outputs.cues is not None:
                self.outputs.cues.silence()  # no words go on after Stop
            if notice == "close":
                self._notice_kind = None
                self.notifier.close()
            elif notice is not None:
                shown = self._show_notice(notice, scene, at)
            self._show_coach(notice, ended, scene, at)
            self._show_tray(scene, at)
        # Jobs are planned outside the lock: the scheduler's thread takes it to run them.
        if cue is not None or ended is not None:  # collect what ends by itself, soon
            self._scheduler.plan("collect", COLLECT_AFTER, self._collect)
        self._plan_redraw(scene.state, at)
        return shown

    def _collect(self) -> None:
        """Collect the players and the coach window that have ended (the collect job)."""
        with self._lock:
            if self.outputs.cues is not None:
                self.outputs.cues.reap()
            if self.outputs.coach is not None:
                self.outputs.coach.reap()

    def stop(self) -> None:
        """Close what shows the routine outside the tray: the window, any sound."""
        if self.outputs.coach is not None:
            self.outputs.coach.close()
        if self.outputs.cues is not None:
            self.outputs.cues.stop()

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

    def describe_outputs(self) -> dict[str, Any]:
        """Return how cues and the coach window are given, for status."""
        pictures, cues, coach = self.outputs.pictures, self.outputs.cues, self.outputs.coach
        return {
            "pictures": None if pictures is None else pictures.describe(),
            "sound": None if cues is None else cues.describe(),
            "coach": None if coach is None else coach.describe(),
        }

    def _give(self, cue: Cue, scene: Scene) -> None:
        """Play a cue as the settings say: the due chime, or the routine's chime or words."""
        cues = self.outputs.cues
        settings = scene.settings
        if cues is None:
            return
        if cue.kind == "due":
            cues.play(cue, "chime", settings.cue_volume)
        elif settings.cues != "off":
            cues.play(cue, settings.cues, settings.cue_volume, language=current().code)

    def _show_coach(
        self, notice: object, ended: RoutineEnd | None, scene: Scene, at: Moment
    ) -> None:
        """Open the coach window at a routine's start, follow its steps, end it with it."""
        coach = self.outputs.coach
        mode = scene.state.mode
        if coach is None:
            return
        if isinstance(mode, engine.Stretching):
            if notice != "stretching":
                return  # a countdown second or the tray: the window counts down itself
            opening = self._coached != mode.started_at
            if opening and not (scene.settings.coach_window and mode.phase_index == 0):
                return
            self._coached = mode.started_at  # once closed by the person, it stays closed
            guide = guidance(scene.state, at, scene.settings)
            assert guide is not None
            picture = self._picture_file(guide.picture, scene.settings, COACH_SIZE)
            coach.show(step_message(guide, picture))
        elif self._coached is not None:
            self._coached = None
            if ended is None:  # the routine went another way (paused reminders...)
                coach.close()
                return
            words = render_notice(ended, scene.state, at, scene.settings, scene.today.done)
            coach.end(end_message(words.title, words.body, ended == "counted"))
        else:
            coach.reap()  # a window that closed itself after its confirmation

    def _picture_file(
        self, picture: StepPicture | None, settings: Settings, size: int
    ) -> str | None:
        """Return the file a step's picture is drawn in at a size, None when there is none."""
        pictures = self.outputs.pictures
        if picture is None or pictures is None:
            return None
        exercise = settings.exercises.get(picture.exercise_id)
        if exercise is None:
            return None
        return pictures.path(exercise, picture.step, picture.side_index, size)

    def _drawn(self, notice: Notice, scene: Scene) -> Notice:
        """Return the notice with the files of its picture and its icon filled in."""
        pictures = self.outputs.pictures
        if pictures is None:
            return notice
        image = self._picture_file(notice.picture, scene.settings, NOTIFICATION_SIZE) or ""
        icon = pictures.look_path(notice.look) or ""
        return replace(notice, image_path=image, icon_path=icon)

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

    def _show_notice(self, kind: NoticeKind, scene: Scene, at: Moment) -> bool:
        """Show the notification of this kind (a routine's next step updates it in place).

        Return False when the notifier says it could not be shown.
        """
        notice = self._drawn(
            render_notice(kind, scene.state, at, scene.settings, scene.today.done), scene
        )
        shown = True
        if kind == self._notice_kind == "stretching":
            self.notifier.refresh(notice)
        else:
            shown = self.notifier.show(notice)
        self._notice_kind = kind
        return shown

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
                scene.state,
                at,
                scene.settings,
                scene.today,
                scene.streak,
                scene.in_call,
                scene.history_waiting,
            )
            self.tray.show(view)
