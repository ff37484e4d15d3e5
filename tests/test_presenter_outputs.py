"""The presenter's outputs beside the notification: pictures, cues and the coach window."""

from dataclasses import replace

from support.recording import (
    NamedPictures,
    RecordingCoach,
    RecordingCues,
    RecordingNotifier,
    RecordingScheduler,
)

from backcare_tray import engine
from backcare_tray.commands import Source
from backcare_tray.cues import Cue
from backcare_tray.daemon.presenter import Outputs, Presenter, Scene
from backcare_tray.engine import EngineState
from backcare_tray.guide import DONE_WORDS, cue_after, routine_end
from backcare_tray.moment import Moment
from backcare_tray.notice import notice_after
from backcare_tray.report import DayCounts
from backcare_tray.settings import Settings

SETTINGS = Settings()
DUE_AT = float(SETTINGS.sitting_interval)


def at(mono: float) -> Moment:
    """Return the moment mono seconds into the test."""
    return Moment(mono, 1_795_000_000.0 + mono)


class Stage:
    """A presenter with recording outputs, driven through the engine as the daemon drives it."""

    def __init__(self, settings: Settings = SETTINGS) -> None:
        self.settings = settings
        self.state: EngineState = engine.initial_state(0.0, settings, 0)
        self.notifier, self.cues, self.coach = (
            RecordingNotifier(),
            RecordingCues(),
            RecordingCoach(),
        )
        outputs = Outputs(NamedPictures(), self.cues, self.coach)
        self.scheduler = RecordingScheduler()
        self.presenter = Presenter(
            None, self.notifier, self.scheduler, lambda: at(0), self.scene, outputs
        )

    def scene(self, moment: Moment) -> Scene:
        """Return the scene of the state now."""
        return Scene(self.state, self.settings, DayCounts("2026-12-02", done=1), 0, False)

    def apply(self, event: engine.Event, source: Source | None = None) -> None:
        """Step the engine and show the result, as the daemon's loop does."""
        before = self.state
        self.state, effects = engine.step(self.state, event, self.settings)
        notice = notice_after(before, self.state, effects, source)
        cue = cue_after(effects, self.settings)
        self.presenter.show(at(event.now), notice, cue, routine_end(effects))

    def next_phase(self) -> None:
        """Let the current phase run out."""
        mode = self.state.mode
        assert isinstance(mode, engine.Stretching)
        self.apply(engine.Tick(mode.phase_ends_at, no_idle_probe=True))


def test_notifications_carry_the_step_picture_and_the_state_icon() -> None:
    """Due: the held step and the due look; each routine step: its own picture, per side."""
    stage = Stage()
    stage.apply(engine.Tick(DUE_AT, no_idle_probe=True))
    due = stage.notifier.notices[-1]
    assert due.image_path == "/pictures/hamstring-stretch-2-0-128.png"
    assert due.icon_path == "/pictures/look-due.png"
    stage.apply(engine.StartStretch(DUE_AT + 1), "notification")
    images = [stage.notifier.notices[-1].image_path]
    while isinstance(stage.state.mode, engine.Stretching):
        stage.next_phase()
        images.append(stage.notifier.notices[-1].image_path)
    assert images[0] == "/pictures/hamstring-stretch-0-0-128.png"
    assert "/pictures/hamstring-stretch-2-1-128.png" in images  # the right leg's hold
    assert stage.notifier.notices[-1].icon_path == "/pictures/look-working.png"


def test_cues_follow_the_routine_and_the_settings() -> None:
    """Due chime, start, hold, release, switch and done; voice says the words; off: none."""
    stage = Stage()
    stage.apply(engine.Tick(DUE_AT, no_idle_probe=True))
    stage.apply(engine.StartStretch(DUE_AT + 1))
    while isinstance(stage.state.mode, engine.Stretching):
        stage.next_phase()
    kinds = [cue.kind for cue, _, _ in stage.cues.played]
    assert kinds[:4] == ["due", "start", "step", "hold"]  # the bell only at the start
    assert kinds.count("hold") == 6 and kinds.count("release") == 4
    assert kinds.count("switch") == 1 and kinds.count("step") == 2 and kinds[-1] == "done"
    switch = next(cue for cue, _, _ in stage.cues.played if cue.kind == "switch")
    # The side switched to, and the step said with it.
    assert switch.words.startswith("Release. Switch to the right leg. Sit tall")
    assert {mode for _, mode, _ in stage.cues.played} == {"chime"}
    assert {volume for _, _, volume in stage.cues.played} == {SETTINGS.cue_volume}
    holds = [cue.words for cue, _, _ in stage.cues.played if cue.kind == "hold"]
    assert holds[0] == "Left leg. Hold." and holds[3] == "Right leg. Hold." and holds[1] == "Hold."
    assert stage.cues.played[-1][0] == Cue("done", DONE_WORDS)

    voice = Stage(replace(SETTINGS, cues="voice"))
    voice.apply(engine.StartStretch(5.0))
    assert voice.cues.played[0][1] == "voice"
    assert voice.cues.played[0][0].words.startswith("Hamstring stretch. Left leg. Sit tall")

    silent = Stage(replace(SETTINGS, cues="off", due_sound=False))
    silent.apply(engine.Tick(DUE_AT, no_idle_probe=True))
    silent.apply(engine.StartStretch(DUE_AT + 1))
    silent.next_phase()
    assert silent.cues.played == []


def test_the_coach_opens_at_the_start_follows_each_step_and_ends_with_the_routine() -> None:
    """Opened at the first step only; a window the person closed stays closed; end counted."""
    stage = Stage()
    stage.apply(engine.StartStretch(10.0))
    first = stage.coach.messages[0]
    assert first["type"] == "step" and first["doing"] == "Get into position (1 of 2)"
    assert first["picture"] == "/pictures/hamstring-stretch-0-0-384.png"
    stage.next_phase()
    stage.next_phase()
    assert stage.coach.messages[-1]["doing"] == "Hold"
    assert stage.coach.messages[-1]["where"] == "Left leg, 1 of 3"
    while isinstance(stage.state.mode, engine.Stretching):
        stage.next_phase()
    end = stage.coach.messages[-1]
    assert end["type"] == "end" and end["counted"] and end["title"] == "Stretch counted"

    closed = Stage()
    closed.apply(engine.StartStretch(10.0))
    closed.coach.open, closed.coach.closed_by_person = False, True  # the person closed it
    closed.next_phase()
    assert len(closed.coach.messages) == 1  # not opened again for this routine
    closed.apply(engine.Cancel(11.0), "menu")
    assert closed.coach.messages[-1]["type"] == "step"
    closed.apply(engine.StartStretch(20.0))  # the next routine opens it again
    assert closed.coach.messages[-1]["doing"] == "Get into position (1 of 2)"

    done_there = Stage()  # Done in the window reaches the daemon as a command
    done_there.apply(engine.StartStretch(10.0))
    done_there.apply(engine.MarkDone(12.0, "cli"), "cli")
    assert done_there.coach.messages[-1]["type"] == "end"
    assert done_there.coach.messages[-1]["counted"] is True

    stopped = Stage()
    stopped.apply(engine.StartStretch(10.0))
    stopped.apply(engine.Cancel(12.0), "notification")
    assert stopped.coach.messages[-1] == {
        "type": "end",
        "title": "Stopped",
        "text": stopped.notifier.notices[-1].body,
        "counted": False,
    }

    off = Stage(replace(SETTINGS, coach_window=False))
    off.apply(engine.StartStretch(10.0))
    assert off.coach.messages == []


def test_pause_and_continue_reach_the_coach_without_a_cue_on_pause() -> None:
    """The window hears a paused step and the step going on; only going on gives a cue."""
    stage = Stage()
    stage.apply(engine.StartStretch(10.0))
    played = len(stage.cues.played)
    stage.apply(engine.PauseRoutine(12.0))
    assert stage.coach.messages[-1]["paused"] is True
    first = engine.current_phase(stage.state, stage.settings)
    assert first is not None
    assert stage.coach.messages[-1]["seconds_left"] == first.seconds - 2
    assert len(stage.cues.played) == played
    stage.apply(engine.ResumeRoutine(40.0))
    assert stage.coach.messages[-1]["paused"] is False
    assert len(stage.cues.played) == played  # it goes on where it was: no cue again


def test_stop_silences_a_cue_still_sounding_and_the_players_are_collected_later() -> None:
    """Stop cuts the words; a collect job is planned after a cue or a routine's end."""
    stage = Stage()
    stage.apply(engine.StartStretch(10.0))
    assert "collect" in stage.scheduler.jobs
    stage.apply(engine.Cancel(12.0), "menu")
    assert stage.cues.silenced == 1
