"""The break engine's timing rules, driven by a fake clock."""

from dataclasses import replace

import pytest
from support.engine_views import deadline, remind_at, routine, since

from backcare_tray import engine
from backcare_tray.engine import (
    Cancel,
    EngineState,
    MarkDone,
    Notify,
    Pause,
    Record,
    Refuse,
    Resume,
    Skip,
    Snooze,
    StartStretch,
    Tick,
    Wake,
    adapt_to_settings,
    initial_state,
    step,
    wake_time,
)
from backcare_tray.exercises import phases
from backcare_tray.settings import Settings

# Presence sensing is covered in test_engine_presence.py; here every minute counts as sitting.
SETTINGS = Settings(sitting_interval=45 * 60, snooze=600, remind_every=300)


def tick(now: float) -> Tick:
    """Return a wake-up on a machine without an idle probe: no look for the person is planned."""
    return Tick(now, no_idle_probe=True)


def kinds(effects: list[engine.Effect], cls: type) -> list[str]:
    """Return the kind of every effect of one class."""
    return [e.kind for e in effects if isinstance(e, cls) and isinstance(e, Notify | Record)]


def run(
    state: EngineState, *events: engine.Event, settings: Settings = SETTINGS
) -> tuple[EngineState, list[engine.Effect]]:
    """Apply events in order; return the final state and all effects."""
    effects: list[engine.Effect] = []
    for event in events:
        state, produced = step(state, event, settings)
        effects.extend(produced)
    return state, effects


@pytest.fixture
def fresh() -> EngineState:
    """A working state whose interval started at t=1000, as the first wake-up left it."""
    state, _ = step(initial_state(1000.0, SETTINGS, seed=7), tick(1000.0), SETTINGS)
    return state


def test_fresh_state_is_working_with_deadline_one_interval_away(fresh: EngineState) -> None:
    """A new day starts working, due one sitting interval later."""
    assert fresh.mode.name == "working"
    assert deadline(fresh) == 1000.0 + 45 * 60
    assert wake_time(fresh) == deadline(fresh)


def test_tick_before_deadline_changes_nothing_but_rearms(fresh: EngineState) -> None:
    """An early wake-up (clock change, spurious fire) notifies nothing and re-arms the job."""
    state, effects = step(fresh, tick(1000.0 + 100), SETTINGS)
    assert state == fresh
    assert effects == [Wake(deadline(fresh))]


def test_deadline_makes_it_due_and_notifies_once(fresh: EngineState) -> None:
    """Reaching the deadline notifies the next stretch and plans a reminder."""
    due_at = 1000.0 + 45 * 60
    state, effects = step(fresh, tick(due_at), SETTINGS)
    assert state.mode.name == "due"
    assert effects == [
        Record("notified", "hamstring-stretch"),
        Notify("due", "hamstring-stretch"),
        Wake(due_at + 300),
    ]


def test_reminders_repeat_every_remind_every(fresh: EngineState) -> None:
    """An unanswered stretch is reminded every remind_every, once per wake-up."""
    due_at = 1000.0 + 45 * 60
    state, effects = run(fresh, tick(due_at), tick(due_at + 300), tick(due_at + 600))
    assert kinds(effects, Notify) == ["due", "reminder", "reminder"]
    assert remind_at(state) == due_at + 900


def test_remind_every_zero_turns_reminders_off(fresh: EngineState) -> None:
    """With remind_every 0 a due stretch is notified once and never again."""
    quiet = replace(SETTINGS, remind_every=0)
    state, effects = run(fresh, tick(1000.0 + 2700), tick(1000.0 + 99999), settings=quiet)
    assert kinds(effects, Notify) == ["due"]
    assert wake_time(state) is None


def test_late_tick_after_long_gap_gives_one_notification(fresh: EngineState) -> None:
    """A deadline that passed long ago (daemon off overnight) notifies once, not a burst."""
    state, effects = step(fresh, tick(1000.0 + 10 * 3600), SETTINGS)
    assert kinds(effects, Notify) == ["due"]
    assert remind_at(state) == 1000.0 + 10 * 3600 + 300


def test_snooze_postpones_the_same_stretch(fresh: EngineState) -> None:
    """Snooze keeps the stretch and brings it back after the snooze."""
    due_at = 1000.0 + 2700
    state, effects = run(fresh, tick(due_at), Snooze(due_at + 5, 900))
    assert state.mode.name == "snoozed"
    assert deadline(state) == due_at + 5 + 900
    assert Record("snoozed", "hamstring-stretch", snooze_seconds=900) in effects
    state, effects = step(state, tick(due_at + 905), SETTINGS)
    assert state.mode.name == "due"
    assert state.rotation.current == "hamstring-stretch"
    assert kinds(effects, Notify) == ["due"]


def test_snooze_without_length_uses_the_configured_default(fresh: EngineState) -> None:
    """A bare snooze lasts settings.snooze."""
    state, _ = run(fresh, tick(3700.0), Snooze(3700.0))
    assert deadline(state) == 3700.0 + SETTINGS.snooze


def test_snooze_while_working_is_refused(fresh: EngineState) -> None:
    """There is nothing to snooze before the stretch is due."""
    state, effects = step(fresh, Snooze(1100.0, 300), SETTINGS)
    assert state == fresh
    assert effects == [Refuse("Nothing to snooze: the next stretch is not due yet.")]


@pytest.mark.parametrize("event", [MarkDone(4000.0, "cli"), Skip(4000.0)])
def test_done_and_skip_move_on_and_restart_the_timer(
    fresh: EngineState, event: engine.Event
) -> None:
    """Done and skip advance the rotation and start a fresh sitting interval."""
    state, effects = run(fresh, tick(3700.0), event)
    assert state.mode.name == "working"
    assert state.rotation.current == "calf-stretch"
    assert since(state) == 4000.0
    assert deadline(state) == 4000.0 + 2700
    assert kinds(effects, Record)[-1] == ("done" if isinstance(event, MarkDone) else "skipped")


def test_done_records_how(fresh: EngineState) -> None:
    """The record says where the done came from."""
    _, effects = run(fresh, tick(3700.0), MarkDone(3710.0, "cli"))
    assert Record("done", "hamstring-stretch", answered_by="cli") in effects


def nothing_due_states(fresh: EngineState) -> dict[str, EngineState]:
    """Return a state of each mode in which no stretch is due, snoozed or under way."""
    paused, _ = step(fresh, Pause(1100.0, 3600), SETTINGS)
    off, _ = step(fresh, Tick(1100.0, active=False, no_idle_probe=True), SETTINGS)
    return {"working": fresh, "paused": paused, "off": off}


@pytest.mark.parametrize(
    ("mode", "why"),
    [
        ("working", "the next stretch is not due yet"),
        ("paused", "reminders are paused"),
        ("off", "it is outside the working hours"),
    ],
)
def test_done_and_skip_with_nothing_due_are_refused_like_snooze(
    fresh: EngineState, mode: str, why: str
) -> None:
    """Nothing due: done and skip count nothing and leave the rotation where it is."""
    state = nothing_due_states(fresh)[mode]
    assert state.mode.name == mode
    for event, verb, hint in (
        (MarkDone(1200.0, "cli"), "mark done", " (start it now to do it early)"),
        (Skip(1200.0), "skip", ""),
        (Snooze(1200.0, 300), "snooze", ""),
    ):
        after, effects = step(state, event, SETTINGS)
        assert after == state
        assert effects == [Refuse(f"Nothing to {verb}: {why}{hint}.")]


def test_done_and_skip_answer_a_due_held_snoozed_or_running_stretch(fresh: EngineState) -> None:
    """Due (shown or held back), snoozed, or under way: done and skip count and move on."""
    due_at = 1000.0 + SETTINGS.sitting_interval
    due, _ = step(fresh, tick(due_at), SETTINGS)
    held, _ = step(fresh, Tick(due_at, dnd=True, no_idle_probe=True), SETTINGS)
    snoozed, _ = step(due, Snooze(due_at + 1, 300), SETTINGS)
    running, _ = step(fresh, StartStretch(1500.0), SETTINGS)  # a stretch done early
    assert [s.mode.name for s in (due, held, snoozed, running)] == [
        "due",
        "due",
        "snoozed",
        "stretching",
    ]
    assert held.mode.held_until is not None  # type: ignore[union-attr]
    for state in (due, held, snoozed, running):
        for event, kind in ((MarkDone(due_at + 10, "cli"), "done"), (Skip(due_at + 10), "skipped")):
            after, effects = step(state, event, SETTINGS)
            assert kind in kinds(effects, Record)
            assert after.mode.name == "working" and after.rotation.current == "calf-stretch"


def test_pause_for_a_while_then_a_fresh_interval(fresh: EngineState) -> None:
    """A timed pause ends by itself with a full new interval and no notification."""
    state, effects = run(fresh, Pause(2000.0, 1800))
    assert state.mode.name == "paused"
    assert wake_time(state) == 3800.0
    state, effects = step(state, tick(3800.0), SETTINGS)
    assert state.mode.name == "working"
    assert deadline(state) == 3800.0 + 2700
    assert kinds(effects, Notify) == []


def test_pause_until_resumed_never_wakes_and_resume_restarts(fresh: EngineState) -> None:
    """An open pause needs no wake-up; resume starts a fresh interval."""
    state, effects = run(fresh, Pause(2000.0))
    assert wake_time(state) is None
    assert Wake(None) in effects
    state, _ = step(state, Resume(9000.0), SETTINGS)
    assert state.mode.name == "working"
    assert deadline(state) == 9000.0 + 2700


def test_resume_when_not_paused_is_refused(fresh: EngineState) -> None:
    """Resume is only for a paused daemon."""
    _, effects = step(fresh, Resume(1100.0), SETTINGS)
    assert effects == [Refuse("backcare-tray is not paused.")]


def test_pause_silences_a_due_stretch(fresh: EngineState) -> None:
    """Pausing while due stops the reminders."""
    _state, effects = run(fresh, tick(3700.0), Pause(3710.0), tick(3700.0 + 300))
    assert kinds(effects, Notify) == ["due"]


def test_guided_routine_announces_every_phase_then_counts_done(fresh: EngineState) -> None:
    """Start runs each side and rep as a timed phase and ends as done."""
    state, effects = run(fresh, tick(3700.0), StartStretch(3710.0))
    assert state.mode.name == "stretching"
    routine = phases(SETTINGS.exercise("hamstring-stretch"))
    assert len([p for p in routine if p.kind == "hold"]) == 6
    announced = [e.phase for e in effects if isinstance(e, Notify) and e.kind == "phase"]
    now = 3710.0
    while state.mode.name == "stretching":
        now = wake_time(state) or now
        state, produced = step(state, tick(now), SETTINGS)
        effects.extend(produced)
        announced += [e.phase for e in produced if isinstance(e, Notify) and e.kind == "phase"]
    assert tuple(announced) == routine
    assert now == pytest.approx(3710.0 + sum(p.seconds for p in routine))
    routine_seconds = round(sum(p.seconds for p in routine))
    done = Record(
        "done", "hamstring-stretch", answered_by="guided", stretching_seconds=routine_seconds
    )
    assert done in effects
    assert kinds(effects, Notify)[-1] == "finished"
    assert state.mode.name == "working"
    assert state.rotation.current == "calf-stretch"


def test_done_while_stretching_ends_it_early_as_done(fresh: EngineState) -> None:
    """Mark done during a routine counts it and moves on."""
    state, effects = run(fresh, StartStretch(1500.0), MarkDone(1503.0, "menu"))
    assert state.mode.name == "working"
    assert Record("done", "hamstring-stretch", answered_by="menu", stretching_seconds=3) in effects


def test_cancel_restores_the_state_before_the_routine(fresh: EngineState) -> None:
    """Cancel counts nothing: started early it goes back to working with the old deadline."""
    state, effects = run(fresh, StartStretch(1500.0), Cancel(1503.0))
    assert state == fresh
    assert "done" not in kinds(effects, Record)
    assert Record("cancelled", "hamstring-stretch") in effects


def test_cancel_of_a_due_stretch_leaves_it_due_with_a_fresh_reminder(fresh: EngineState) -> None:
    """Cancelling a due stretch keeps it due; the next reminder is a full remind_every away."""
    state, _ = run(fresh, tick(3700.0), StartStretch(3800.0), Cancel(3810.0))
    assert state.mode.name == "due"
    assert remind_at(state) == 3810.0 + 300


def test_start_twice_and_cancel_without_routine_are_refused(fresh: EngineState) -> None:
    """Commands that make no sense say why."""
    _, effects = run(fresh, StartStretch(1500.0), StartStretch(1501.0))
    assert effects[-1] == Refuse("A stretch is already under way.")
    _, effects = step(fresh, Cancel(1500.0), SETTINGS)
    assert effects == [Refuse("No stretch is under way.")]


def test_routine_cut_by_a_restart_is_saved_as_due(fresh: EngineState) -> None:
    """A routine cannot survive a restart; it comes back due and is notified once."""
    state, _ = step(fresh, StartStretch(1500.0), SETTINGS)
    saved = engine.for_saving(state)
    assert saved.mode.name == "due"  # no routine: the type has no room for one
    _, effects = step(saved, tick(2000.0), SETTINGS)
    assert kinds(effects, Notify) == ["reminder"]


@pytest.mark.parametrize("remind_every", [300, 0])
def test_a_due_stretch_restored_at_start_is_notified_at_the_first_tick(
    fresh: EngineState, remind_every: int
) -> None:
    """The notification went with the old daemon: the first Tick brings it back at once."""
    settings = replace(SETTINGS, remind_every=remind_every)
    due, effects = step(fresh, tick(1000.0 + 45 * 60), settings)
    assert kinds(effects, Notify) == ["due"]
    restart = 1000.0 + 45 * 60 + 60  # a minute later the daemon starts again
    _, effects = step(due, tick(restart), settings)
    assert kinds(effects, Notify) == []  # without the restart: nothing yet
    state, effects = step(engine.restarted(due, restart), tick(restart), settings)
    assert kinds(effects, Notify) == ["reminder"]
    assert remind_at(state) == (restart + remind_every if remind_every else None)
    assert engine.restarted(fresh, restart) == fresh  # only a due stretch is brought up


def test_a_held_back_stretch_keeps_its_hold_across_a_restart(fresh: EngineState) -> None:
    """Held for do-not-disturb: the restart leaves the hold to the Tick, which still holds it."""
    due_at = 1000.0 + 45 * 60
    held, effects = step(fresh, Tick(due_at, dnd=True, no_idle_probe=True), SETTINGS)
    assert kinds(effects, Notify) == [] and engine.restarted(held, due_at + 60) == held


def test_simulated_day_in_milliseconds() -> None:
    """A whole working day: the person snoozes every third stretch and stretches the rest."""
    settings = replace(SETTINGS, sitting_interval=45 * 60, snooze=600, remind_every=300)
    now = 8 * 3600.0
    state = initial_state(now, settings, seed=1)
    done = snoozed = notified = 0
    due_count = 0
    while now < 17 * 3600:
        wake = wake_time(state)
        assert wake is not None and wake > now
        now = wake
        state, effects = step(state, tick(now), settings)
        notified += kinds(effects, Notify).count("due")
        if state.mode.name != "due":
            continue
        due_count += 1
        if due_count % 3 == 0:
            state, _ = step(state, Snooze(now + 30), settings)
            snoozed += 1
            continue
        state, _ = step(state, StartStretch(now + 60), settings)
        while state.mode.name == "stretching":
            state, effects = step(state, tick(routine(state).phase_ends_at), settings)
            done += kinds(effects, Record).count("done")
            now = max(now, since(state) or now)
    # 9 hours of 45-minute intervals plus short routines: about 10 breaks, a third snoozed.
    assert 8 <= done <= 11
    assert snoozed == (due_count // 3)
    assert notified == due_count
    # Done stretches walked the rotation in order.
    assert state.rotation.index == done % len(settings.rotation)


def test_a_kept_state_adapts_to_new_settings() -> None:
    """A shorter interval moves the deadline in; a longer one out on reload only; a stretch goes."""
    state = initial_state(1000.0, Settings(), 0)
    shorter = replace(Settings(), sitting_interval=600)
    assert deadline(adapt_to_settings(state, 1200.0, shorter)) == 1600.0
    longer = replace(Settings(), sitting_interval=7200)
    assert adapt_to_settings(state, 1200.0, longer) == state  # restored at start: it stays
    assert deadline(adapt_to_settings(state, 1200.0, longer, reloaded=True)) == 8200.0
    assert adapt_to_settings(state, 1200.0, Settings()) == state
    fewer = replace(Settings(), rotation=("ball-squat", "calf-stretch"))
    assert adapt_to_settings(state, 1200.0, fewer).rotation.current in fewer.rotation
    paused, _ = step(state, Pause(1100.0, 3600), Settings())
    assert deadline(adapt_to_settings(paused, 1200.0, shorter)) == deadline(paused)


@pytest.mark.parametrize("finish", ["done", "guided"])
def test_a_stretch_started_while_paused_leaves_it_paused(finish: str) -> None:
    """Start then Done (or the routine's end) while paused: counted, and still paused."""
    state = initial_state(1000.0, SETTINGS, 0)
    paused, _ = step(state, Pause(1100.0, 3600), SETTINGS)
    stretching, _ = step(paused, StartStretch(1200.0), SETTINGS)
    if finish == "done":
        after, effects = step(stretching, MarkDone(1210.0), SETTINGS)
    else:
        after = stretching
        while after.mode.name == "stretching":
            after, effects = step(after, tick(routine(after).phase_ends_at), SETTINGS)
    assert after.mode.name == "paused" and deadline(after) == deadline(paused)
    assert after.rotation.current != paused.rotation.current  # counted: the rotation moved on
    assert any(isinstance(e, engine.Record) and e.kind == "done" for e in effects)


def test_a_paused_routine_holds_its_countdown_until_it_goes_on(fresh: EngineState) -> None:
    """Pause keeps the seconds left; continue picks them up; paused time is not stretching."""
    due, _ = run(fresh, tick(1000.0 + SETTINGS.sitting_interval))
    start = 1000.0 + SETTINGS.sitting_interval + 1
    going, _ = run(due, StartStretch(start))
    first = phases(SETTINGS.exercise(going.rotation.current))[0].seconds
    paused, effects = run(going, engine.PauseRoutine(start + 2.5))
    assert routine(paused).paused_left == pytest.approx(first - 2.5)
    assert wake_time(paused) == pytest.approx(start + 2.5 + engine.ROUTINE_PAUSE_MOST)
    assert next(e for e in effects if isinstance(e, Notify)).begins is False
    later, effects = run(paused, tick(start + 300))  # nothing moves while paused
    assert routine(later) == routine(paused) and not kinds(effects, Notify)
    again, effects = run(later, engine.ResumeRoutine(start + 300))
    assert routine(again).phase_ends_at == pytest.approx(start + 300 + first - 2.5)
    assert routine(again).paused_left is None
    assert routine(again).paused_for == pytest.approx(297.5)
    # It goes on where it was: the phase does not begin again (no cue), but it is shown.
    assert [e.begins for e in effects if isinstance(e, Notify)] == [False]
    assert run(again, engine.ResumeRoutine(start + 301))[1][0] == Refuse(
        "The stretch is not paused."
    )
    assert run(fresh, engine.PauseRoutine(1001.0))[1][0] == Refuse("No running stretch to pause.")
    _done, effects = run(again, MarkDone(start + 310))  # 310 s in all, 297.5 of them paused
    assert next(e for e in effects if isinstance(e, Record)).stretching_seconds == 12


def test_a_routine_paused_too_long_is_given_up_as_stopped(fresh: EngineState) -> None:
    """Ten minutes paused: stopped, not counted, back to due; breaks and reminders go on."""
    due, _ = run(fresh, tick(1000.0 + SETTINGS.sitting_interval))
    start = 1000.0 + SETTINGS.sitting_interval + 1
    paused, _ = run(due, StartStretch(start), engine.PauseRoutine(start + 1))
    given_up, effects = run(paused, tick(start + 1 + engine.ROUTINE_PAUSE_MOST))
    assert given_up.mode.name == "due" and kinds(effects, Record) == ["cancelled"]


def test_pause_of_reminders_during_a_routine_is_refused(fresh: EngineState) -> None:
    """Pausing reminders would throw the routine away unsaid: pause the stretch or stop it."""
    going, _ = run(fresh, StartStretch(1001.0))
    _, effects = run(going, Pause(1002.0, 600))
    assert effects[0] == Refuse("A stretch is under way: pause the stretch, or stop it first.")


def test_a_reload_that_shortens_the_routine_carries_on_from_its_end(fresh: EngineState) -> None:
    """Fewer reps while at a later phase: the phase shown is the last, the next Tick ends it."""
    going, _ = run(fresh, StartStretch(1001.0))
    last = len(phases(SETTINGS.exercise(going.rotation.current))) - 1
    far = replace(going, mode=replace(routine(going), phase_index=last + 5))
    assert engine.current_phase(far, SETTINGS) == phases(SETTINGS.exercise("hamstring-stretch"))[-1]
    done, effects = run(far, tick(routine(far).phase_ends_at))
    assert done.mode.name == "working" and kinds(effects, Record) == ["done"]
