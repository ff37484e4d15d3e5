"""The break's notification as data: its wording, buttons and how it follows the state."""

from dataclasses import replace
from pathlib import Path

import pytest
from support.engine_views import routine

from backcare_tray.adapters.notifications import protocol
from backcare_tray.commands import Command, Source
from backcare_tray.engine import (
    ROUTINE_PAUSE_MOST,
    Cancel,
    Due,
    EngineState,
    Event,
    MarkDone,
    Notify,
    Pause,
    PauseRoutine,
    Skip,
    Snooze,
    StartStretch,
    Tick,
    initial_state,
    step,
)
from backcare_tray.exercises import builtin_exercises, phases
from backcare_tray.guide import StepPicture
from backcare_tray.moment import Moment
from backcare_tray.notice import (
    Notice,
    action_command,
    answer_hint,
    howto_text,
    notice_after,
    render_notice,
)
from backcare_tray.settings import Settings
from backcare_tray.wording import clock_text

SETTINGS = Settings()
LIBRARY = {e.id: e for e in builtin_exercises()}
T0 = 1000.0
DUE_AT = T0 + SETTINGS.sitting_interval


def at(mono: float) -> Moment:
    """Return the moment mono seconds on the fake clock."""
    return Moment(mono, 1_700_000_000.0 + mono)


def due_state() -> EngineState:
    """Return the state just after the first stretch fell due."""
    state, _ = step(initial_state(T0, SETTINGS, 0), Tick(DUE_AT), SETTINGS)
    assert state.mode.name == "due"
    return state


def after(state: EngineState, event: Event, how: Source | None) -> object:
    """Return what the notification becomes when event is applied from how."""
    new_state, effects = step(state, event, SETTINGS)
    return notice_after(state, new_state, effects, how)


def test_the_due_notice_offers_every_answer_and_the_body_starts() -> None:
    """One Start (the body click where servers have one), Snooze, Done and Skip."""
    notice = render_notice("due", due_state(), at(DUE_AT), SETTINGS)
    assert notice.title == "Time to stretch: Hamstring stretch"
    assert notice.picture == StepPicture("hamstring-stretch", 2, 0)  # the held step
    assert notice.look == "due"
    assert [(a.key, a.label) for a in notice.actions] == [
        ("default", "Start"),
        ("snooze", "Snooze 10 min"),
        ("done", "Done"),
        ("skip", "Skip"),
    ]
    assert "Hold 10 s, 3x each leg" in notice.body
    assert notice.answer_hint == answer_hint()
    for action in notice.actions:  # every button runs the tray's command of that name
        assert action_command(action.key) in (
            Command("start"),
            Command("snooze"),
            Command("done"),
            Command("skip"),
        )
    assert action_command("open-the-pod-bay-doors") is None


@pytest.mark.parametrize(
    ("event", "how", "expected"),
    [
        (Tick(DUE_AT + SETTINGS.remind_every), None, "reminder"),  # it says it is one
        (Tick(DUE_AT + 1), None, None),  # nothing changed: leave it
        (StartStretch(DUE_AT + 1), "notification", "stretching"),
        (StartStretch(DUE_AT + 1), "menu", "stretching"),  # the steps show wherever it starts
        (Snooze(DUE_AT + 1), "notification", "snoozed"),
        (Snooze(DUE_AT + 1), "menu", "close"),
        (MarkDone(DUE_AT + 1, "notification"), "notification", "counted"),
        (MarkDone(DUE_AT + 1, "cli"), "cli", "close"),
        (Skip(DUE_AT + 1), "notification", "close"),
        (Pause(DUE_AT + 1), "menu", "close"),
    ],
)
def test_the_notice_follows_each_answer(event: Event, how: Source | None, expected: object) -> None:
    """Answers from the notification are confirmed there; answers elsewhere close it."""
    assert after(due_state(), event, how) == expected


def test_a_natural_break_closes_the_due_notice() -> None:
    """Away long enough, then back: the due stretch is cleared and its buttons go."""
    away, _ = step(due_state(), Tick(DUE_AT + 10, idle_seconds=400.0), SETTINGS)
    assert after(away, Tick(DUE_AT + 20, idle_seconds=0.0), None) == "close"


def test_routine_steps_update_in_place_and_end_counted() -> None:
    """Each phase updates the routine's notice; the end says it counted and what is next."""
    state, _ = step(due_state(), StartStretch(DUE_AT), SETTINGS)
    kinds = []
    now = DUE_AT
    while state.mode.name == "stretching":
        now = routine(state).phase_ends_at
        new_state, effects = step(state, Tick(now), SETTINGS)
        kinds.append(notice_after(state, new_state, effects, None))
        state = new_state
    assert set(kinds[:-1]) == {"stretching"} and kinds[-1] == "counted"
    counted = render_notice("counted", state, at(now), SETTINGS, today_done=1)
    assert counted.body.startswith("Today: 1 of 6. Next: Calf stretch at ")
    assert not counted.actions


def test_done_or_stop_during_a_routine() -> None:
    """Done from the notification confirms; from the tray it closes; Stop closes."""
    stretching, _ = step(due_state(), StartStretch(DUE_AT), SETTINGS)
    assert after(stretching, MarkDone(DUE_AT + 3, "notification"), "notification") == "counted"
    assert after(stretching, MarkDone(DUE_AT + 3, "menu"), "menu") == "close"
    assert after(stretching, Cancel(DUE_AT + 3), "notification") == "stopped"
    assert after(stretching, Cancel(DUE_AT + 3), "menu") == "stopped"  # said wherever it was


def test_a_reminder_says_it_is_one_and_how_long_the_stretch_has_waited() -> None:
    """Still waiting, with the minutes since it fell due; the buttons stay the same."""
    state, _ = step(due_state(), Tick(DUE_AT + SETTINGS.remind_every), SETTINGS)
    notice = render_notice("reminder", state, at(DUE_AT + SETTINGS.remind_every), SETTINGS)
    assert notice.title == "Still waiting: Hamstring stretch"
    assert notice.body.startswith("Due for 5 min. ")
    first = render_notice("due", due_state(), at(DUE_AT), SETTINGS)
    assert notice.actions == first.actions and notice.body != first.body


def test_stop_says_where_the_stretch_went() -> None:
    """Stopped: still due, with the time of the reminder; started early: when it is due."""
    stretching, _ = step(due_state(), StartStretch(DUE_AT), SETTINGS)
    stopped, _ = step(stretching, Cancel(DUE_AT + 30), SETTINGS)
    notice = render_notice("stopped", stopped, at(DUE_AT + 30), SETTINGS)
    reminder = clock_text(at(DUE_AT + 30 + SETTINGS.remind_every).wall)
    assert (notice.title, notice.body) == (
        "Stopped",
        f"Hamstring stretch is still due, reminder at {reminder}.",
    )
    assert [a.key for a in notice.actions] == ["start"]
    early, _ = step(initial_state(T0, SETTINGS, 0), StartStretch(T0 + 60), SETTINGS)
    back, _ = step(early, Cancel(T0 + 70), SETTINGS)
    assert render_notice("stopped", back, at(T0 + 70), SETTINGS).body.startswith(
        "Not counted. Next: Hamstring stretch at "
    )


def test_going_away_closes_a_notification_left_up() -> None:
    """Nobody reads it while away: the due notification closes when the away mark comes."""
    state = due_state()
    away, effects = step(state, Tick(DUE_AT + 10, idle_seconds=SETTINGS.natural_break), SETTINGS)
    assert notice_after(state, away, effects, None) == "close"


def test_no_reminder_while_nobody_touches_the_desk() -> None:
    """Idle a minute or more at the reminder: none now, and none when the away mark comes."""
    state = due_state()
    remind = DUE_AT + SETTINGS.remind_every
    idle = 120.0
    quiet, effects = step(state, Tick(remind, idle_seconds=idle), SETTINGS)
    assert not any(isinstance(e, Notify) for e in effects)
    mark = remind + SETTINGS.natural_break - idle
    assert isinstance(quiet.mode, Due) and quiet.mode.remind_at == mark
    _away, effects = step(quiet, Tick(mark, idle_seconds=SETTINGS.natural_break), SETTINGS)
    assert not any(isinstance(e, Notify) for e in effects)
    _back, effects = step(quiet, Tick(mark, idle_seconds=2.0), SETTINGS)  # came back instead
    assert Notify("reminder", "hamstring-stretch") in effects


def run_to(state: EngineState, kind: str, side: int | None = 0) -> EngineState:
    """Return the routine moved on, phase by phase, to the first phase of a kind on a side."""
    exercise = SETTINGS.exercise(state.rotation.current)
    while True:
        phase = phases(exercise)[routine(state).phase_index]
        if phase.kind == kind and phase.side_index == side:
            return state
        state, _ = step(state, Tick(routine(state).phase_ends_at), SETTINGS)


def test_the_routine_shows_one_step_at_a_time() -> None:
    """Set-up with the safety note, then hold with its countdown, rest, the other leg."""
    exercise = LIBRARY["hamstring-stretch"]
    state, _ = step(due_state(), StartStretch(DUE_AT), SETTINGS)
    first = phases(exercise)[0].seconds
    setup = render_notice("stretching", state, at(DUE_AT + 0.2), SETTINGS)
    assert setup.title == "Hamstring stretch: Left leg"  # which leg to set up
    assert setup.body == (
        f"Get into position (1 of 2) - {first} s\n{exercise.steps[0]}\nCareful: {exercise.safety}"
    )
    assert setup.picture == StepPicture("hamstring-stretch", 0, 0)
    assert [a.key for a in setup.actions] == ["done", "cancel"]
    assert setup.timeout == first + 30  # outlives the phase only briefly if nobody updates it
    hold = run_to(state, "hold")
    begins = routine(hold).phase_ends_at - 10
    notice = render_notice("stretching", hold, at(begins + 3.2), SETTINGS)
    assert notice.title == "Hamstring stretch: Left leg, 1 of 3"
    assert notice.body == f"Hold - 7 s\n{exercise.steps[2]}\nCareful: {exercise.safety}"
    assert notice.picture == StepPicture("hamstring-stretch", 2, 0)
    assert notice.look == "stretching" and notice.urgency == "normal"  # not grey on grey
    rest = run_to(hold, "rest")
    resting = render_notice("stretching", rest, at(routine(rest).phase_ends_at - 5), SETTINGS)
    assert resting.title == "Hamstring stretch: Left leg, next 2 of 3"
    assert resting.body.startswith(f"Release and rest - 5 s\n{exercise.steps[3]}\n")
    assert resting.body.endswith("\nNext: hold 10 s")  # the safety note was given
    switch = run_to(rest, "switch", 1)
    seconds = phases(exercise)[routine(switch).phase_index].seconds
    other = render_notice(
        "stretching", switch, at(routine(switch).phase_ends_at - seconds), SETTINGS
    )
    assert other.title == "Hamstring stretch: Right leg"
    assert other.body.startswith(f"Release. Switch sides - {seconds} s\n{exercise.steps[0]}")
    right = render_notice("stretching", run_to(switch, "hold", 1), at(0), SETTINGS)
    assert right.title == "Hamstring stretch: Right leg, 1 of 3"
    assert right.picture == StepPicture("hamstring-stretch", 2, 1)  # the mirrored picture
    for update in (setup, notice, resting, other, right):  # each fits a default bubble
        assert len(update.body) < 300, update.body


def test_a_paused_routine_says_so_and_offers_continue() -> None:
    """Paused: the seconds left stay put and the buttons are Continue and Stop."""
    state, _ = step(due_state(), StartStretch(DUE_AT), SETTINGS)
    paused, _ = step(state, PauseRoutine(DUE_AT + 2), SETTINGS)
    notice = render_notice("stretching", paused, at(DUE_AT + 50), SETTINGS)
    left = routine(state).phase_ends_at - (DUE_AT + 2)
    assert notice.body.startswith(f"Paused - Get into position (1 of 2), {left:.0f} s left\n")
    assert [a.key for a in notice.actions] == ["resume-routine", "cancel"]
    # Up until the pause is given up (which updates it), and briefly after if nobody does.
    assert notice.timeout == ROUTINE_PAUSE_MOST - 48 + 30


def test_a_squat_counts_repetitions_not_holds() -> None:
    """A movement with no hold says how long one slow repetition takes."""
    settings = Settings(rotation=("ball-squat",))
    state = initial_state(T0, settings, 0)
    state, _ = step(state, StartStretch(T0), settings)
    state, _ = step(state, Tick(routine(state).phase_ends_at), settings)
    state, _ = step(state, Tick(routine(state).phase_ends_at), settings)
    notice = render_notice("stretching", state, at(routine(state).phase_ends_at - 5), settings)
    assert notice.title == "Ball squat: Repetition 1 of 3"
    assert notice.body.startswith("One slow repetition (about 5 s) - 5 s\n")
    assert notice.picture == StepPicture("ball-squat", 2, None)


def test_snoozed_and_howto_notices() -> None:
    """Snoozed names the time it comes back; how-to carries the whole instruction."""
    snoozed, _ = step(due_state(), Snooze(DUE_AT, 20), SETTINGS)
    notice = render_notice("snoozed", snoozed, at(DUE_AT), SETTINGS)
    assert notice.title == "Snoozed: Hamstring stretch"
    assert notice.body.startswith("Back in 20 s, at ")
    howto = render_notice("howto", due_state(), at(DUE_AT), SETTINGS)
    assert howto.body == howto_text(LIBRARY["hamstring-stretch"])
    assert [a.key for a in howto.actions] == ["start", "snooze", "done", "skip"]
    working = render_notice("howto", initial_state(T0, SETTINGS, 0), at(T0), SETTINGS)
    assert [a.key for a in working.actions] == ["start"]


def test_howto_text_has_dose_numbered_steps_and_safety() -> None:
    """The instruction reads top to bottom: what, how much, how, careful."""
    exercise = LIBRARY["ball-squat-strength"]
    lines = howto_text(exercise).splitlines()
    assert lines[0] == exercise.summary
    assert lines[1] == "Hold 5-10 s, 3-5x."
    assert lines[2:6] == [f"{n}. {step}" for n, step in enumerate(exercise.steps, 1)]
    assert lines[6] == f"Careful: {exercise.safety}"


def notify_args(notice: Notice, *, with_actions: bool, markup: bool = False) -> tuple[object, ...]:
    """Return the arguments of the Notify call for a notice."""
    message = protocol.notify(
        notice,
        replaces_id=7,
        app_icon=Path("/icons/b.png"),
        with_actions=with_actions,
        markup=markup,
    )
    body: tuple[object, ...] = message.body
    return body


def test_notify_call_with_and_without_buttons() -> None:
    """Buttons as a flat key/label list; without them the body says how to answer."""
    notice = render_notice("due", due_state(), at(DUE_AT), SETTINGS)
    app, replaces, icon, title, body, actions, hints, timeout = notify_args(
        notice, with_actions=True
    )
    expected = ("backcare-tray", 7, str(Path("/icons/b.png")), notice.title)
    assert (app, replaces, icon, title) == expected
    keys_and_labels = ["default", "Start", "snooze", "Snooze 10 min"]
    assert actions == [*keys_and_labels, "done", "Done", "skip", "Skip"]
    assert body == notice.body and timeout == SETTINGS.notification_timeout * 1000
    assert hints == {
        "urgency": ("y", 1),
        "category": ("s", "x-backcare-tray.break"),
        "desktop-entry": ("s", "backcare-tray"),
        "suppress-sound": ("b", True),
    }
    drawn = replace(notice, image_path="/p/step.png", icon_path="/p/due.png")
    _, _, icon, _, _, _, drawn_hints, _ = notify_args(drawn, with_actions=True)
    assert icon == "/p/due.png"
    assert isinstance(drawn_hints, dict) and drawn_hints["image-path"] == ("s", "/p/step.png")
    plain = notify_args(notice, with_actions=False)
    assert plain[5] == [] and plain[4] == f"{notice.body}\n{answer_hint()}"


def test_markup_servers_get_escaped_text_and_updates_are_transient() -> None:
    """A "<" in a user's stretch cannot break a markup server; countdowns skip history."""
    notice = Notice("stretching", "t", "knees < toes & back", urgency="low")
    args = notify_args(notice, with_actions=True, markup=True)
    assert args[4] == "knees &lt; toes &amp; back"
    assert args[6] == {
        "urgency": ("y", 0),
        "category": ("s", "x-backcare-tray.break"),
        "desktop-entry": ("s", "backcare-tray"),
        "transient": ("b", True),
        "suppress-sound": ("b", True),
    }
