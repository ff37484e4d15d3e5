"""Wording, menu data and the tray view, as pure functions of state."""

from dataclasses import replace

import pytest

from backcare_tray.commands import Command
from backcare_tray.engine import (
    EngineState,
    MarkDone,
    Pause,
    PauseRoutine,
    Snooze,
    StartStretch,
    Tick,
    coming_due_at,
    initial_state,
    step,
)
from backcare_tray.exercises import Phase, builtin_exercises, phases
from backcare_tray.menu import build_menu, duration_label
from backcare_tray.moment import Moment
from backcare_tray.report import DayCounts, status_report
from backcare_tray.settings import Settings
from backcare_tray.view import IconLook, icon_look, redraw_cadence, tray_view
from backcare_tray.wording import dose, duration_text, minutes_text, phase_text, status_line

SETTINGS = Settings()
LIBRARY = {e.id: e for e in builtin_exercises()}
T0 = 1000.0
AT0 = Moment(T0, 1_700_000_000.0)


def at(mono: float) -> Moment:
    """Return the moment mono seconds on the fake clock."""
    return Moment(mono, AT0.wall + (mono - T0))


@pytest.mark.parametrize(
    ("exercise_id", "text"),
    [
        ("hamstring-stretch", "Hold 10 s, 3x each leg"),
        ("ball-squat", "3-5x"),
        ("ball-squat-strength", "Hold 5-10 s, 3-5x"),
        ("hip-flexor-stretch", "Hold 20 s, 2x each leg"),
    ],
)
def test_dose(exercise_id: str, text: str) -> None:
    """The dose reads as a person would say it."""
    assert dose(LIBRARY[exercise_id]) == text


def test_phase_wording() -> None:
    """Each phase says side, hold and count."""
    exercise = LIBRARY["hamstring-stretch"]
    assert (
        phase_text(exercise, Phase("hold", 10, "left leg", 1, 3)) == "Left leg: hold 10 s - 1 of 3"
    )
    assert phase_text(exercise, Phase("rest", 5, "right leg", 2, 3)) == (
        "Release and rest 5 s - next: right leg 2 of 3"
    )
    squat = phase_text(LIBRARY["ball-squat"], Phase("hold", 5, None, 2, 3))
    assert squat.endswith("2 of 3") and "repetition" in squat
    assert phase_text(exercise, Phase("setup", 6, "left leg", 1, 3)) == (
        "Left leg: get into position, 6 s"
    )
    assert phase_text(exercise, Phase("switch", 6, "right leg", 1, 3)) == (
        "release, other side - Right leg: get into position, 6 s"
    )


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.2, "1 s"),
        (20, "20 s"),
        (59.5, "1 min"),
        (60, "1 min"),
        (90, "1 min 30 s"),
        (300, "5 min"),
        (301, "6 min"),
        (1380, "23 min"),
        (3600, "1 h"),
        (3900, "1 h 5 min"),
    ],
)
def test_durations_read_exactly(seconds: float, text: str) -> None:
    """Short spans keep their seconds; longer ones round up to the minute."""
    assert duration_text(seconds) == text


def test_tooltip_counts_down_the_minutes() -> None:
    """The tooltip names the next stretch and the minutes left."""
    state = initial_state(T0, SETTINGS, 0)
    assert (
        status_line(state, at(T0 + 22 * 60), SETTINGS)
        == "Next stretch in 23 min: Hamstring stretch"
    )


def test_menu_order_and_first_enabled_item_starts() -> None:
    """The menu runs status, start, snooze, done, skip, pause, today, settings, quit."""
    state = initial_state(T0, SETTINGS, 0)
    menu = tray_view(state, AT0, SETTINGS, DayCounts("d", done=2, snoozed=1)).menu
    labels = [e.label for e in menu]
    assert labels[1:] == [
        "Start Hamstring stretch",
        "Snooze",
        "Mark done",
        "Skip",
        "How to do it",
        "",
        "Pause",
        "",
        "Today: 2 of 6 - streak 0 days",
        "Show progress",
        "Stretches",
        "Settings…",
        "Quit",
    ]
    assert not menu[0].enabled
    first_enabled = next(e for e in menu if e.enabled and e.label)
    assert first_enabled.command == Command("start")
    assert [c.command for c in menu[2].children] == [
        Command("snooze", s) for s in (300, 600, 900, 1800)
    ]
    assert not menu[2].enabled  # nothing to snooze while working
    assert not menu[3].enabled and not menu[4].enabled  # nor to mark done or skip
    assert [c.label for c in menu[7].children] == [
        "30 min",
        "1 hour",
        "2 hours",
        "Until tomorrow",
        "Until I resume",
    ]


def test_menu_when_due_paused_and_stretching() -> None:
    """Snooze, done and skip are enabled when due; paused offers Resume; stretching a stop."""
    due, _ = step(initial_state(T0, SETTINGS, 0), Tick(T0 + 2700), SETTINGS)
    assert [e.enabled for e in build_menu(due, "s", "t", SETTINGS)[2:5]] == [True] * 3
    paused, _ = step(due, Pause(T0 + 2701), SETTINGS)
    assert build_menu(paused, "s", "t", SETTINGS)[7].command == Command("resume")
    assert [e.enabled for e in build_menu(paused, "s", "t", SETTINGS)[2:5]] == [False] * 3
    stretching, _ = step(due, StartStretch(T0 + 2701), SETTINGS)
    assert [e.label for e in build_menu(stretching, "s", "t", SETTINGS)[3:6]] == [
        "Snooze",
        "Mark done",
        "Skip",
    ]
    assert all(e.enabled for e in build_menu(stretching, "s", "t", SETTINGS)[3:6])
    assert build_menu(stretching, "s", "t", SETTINGS)[1].command == Command("cancel")
    assert build_menu(stretching, "s", "t", SETTINGS)[2].command == Command("pause-routine")
    held, _ = step(stretching, PauseRoutine(T0 + 2703), SETTINGS)
    assert build_menu(held, "s", "t", SETTINGS)[2].label == "Continue stretch"
    assert build_menu(held, "s", "t", SETTINGS)[2].command == Command("resume-routine")
    assert "Pause stretch" not in [e.label for e in build_menu(due, "s", "t", SETTINGS)]


def test_menu_content_does_not_change_as_minutes_pass() -> None:
    """The menu only changes on events, so an open menu is never closed by a timer."""
    state = initial_state(T0, SETTINGS, 0)
    first = tray_view(state, at(T0 + 1), SETTINGS, DayCounts("d")).menu
    later = tray_view(state, at(T0 + 30 * 60), SETTINGS, DayCounts("d")).menu
    assert first == later
    done, _ = step(state, MarkDone(T0 + 60), SETTINGS)
    assert tray_view(done, at(T0 + 61), SETTINGS, DayCounts("d", done=1)).menu != first


def test_icon_look_shows_progress_in_twelve_steps() -> None:
    """Working shows the share of the interval that has passed."""
    state = initial_state(T0, SETTINGS, 0)
    assert icon_look(state, T0) == IconLook("working", 0)
    assert icon_look(state, T0 + 2700 / 2) == IconLook("working", 6)
    assert icon_look(state, T0 + 2699) == IconLook("working", 11)


def test_redraws_once_a_minute_while_working_exactly_when_the_text_changes() -> None:
    """Working redraws each minute, on the instants the minute count changes; due never."""
    state = initial_state(T0, SETTINGS, 0)
    cadence = redraw_cadence(state)
    assert cadence is not None and cadence.period == 60
    first = cadence.next_after(T0 + 0.5)
    assert first == pytest.approx(T0 + 60)
    before = status_line(state, at(first - 0.01), SETTINGS)
    after = status_line(state, at(first), SETTINGS)
    assert (before, after) == (
        "Next stretch in 45 min: Hamstring stretch",
        "Next stretch in 44 min: Hamstring stretch",
    )
    assert cadence.next_after(first) == pytest.approx(first + 60)
    due, _ = step(state, Tick(T0 + 2700), SETTINGS)
    assert redraw_cadence(due) is None
    paused, _ = step(state, Pause(T0 + 5), SETTINGS)
    assert redraw_cadence(paused) is None


def test_redraws_every_second_while_stretching() -> None:
    """The countdown redraws each second, exactly when its number changes."""
    state, _ = step(initial_state(T0, SETTINGS, 0), StartStretch(T0 + 0.25), SETTINGS)
    cadence = redraw_cadence(state)
    assert cadence is not None and cadence.period == 1
    first = phases(LIBRARY["hamstring-stretch"])[0].seconds  # the first set-up step
    assert icon_look(state, T0 + 0.25) == IconLook("stretching", first)
    assert cadence.next_after(T0 + 0.25) == pytest.approx(T0 + 1.25)
    assert icon_look(state, T0 + 1.25) == IconLook("stretching", first - 1)
    assert icon_look(state, T0 + 1.24) == IconLook("stretching", first)
    paused, _ = step(state, PauseRoutine(T0 + 2.0), SETTINGS)
    assert redraw_cadence(paused) is None  # nothing changes by itself while paused
    assert icon_look(paused, T0 + 100) == IconLook("stretching", first - 1)


def test_status_report_fields() -> None:
    """Status --json has state, next_break_at with offset, seconds, exercise and today."""
    state = initial_state(T0, SETTINGS, 0)
    report = status_report(state, at(T0 + 60), SETTINGS, DayCounts("2026-01-02", 1, 2, 3))
    assert report["state"] == "working"
    assert report["seconds_until_break"] == 2640
    assert report["next_break_at"][-6] in "+-"  # ISO 8601 with an offset
    assert report["next_exercise"] == {"id": "hamstring-stretch", "name": "Hamstring stretch"}
    assert report["today"] == {"date": "2026-01-02", "done": 1, "snoozed": 2, "skipped": 3}
    paused, _ = step(state, Pause(T0 + 60), SETTINGS)
    assert status_report(paused, at(T0 + 61), SETTINGS, DayCounts("d"))["next_break_at"] is None


def test_duration_labels() -> None:
    """Menu labels read naturally."""
    assert [duration_label(s) for s in (300, 3600, 7200, 5400, 90)] == [
        "5 min",
        "1 hour",
        "2 hours",
        "1h30m",
        "1m30s",
    ]


def test_short_interval_settings_still_word_sensibly() -> None:
    """A 90 s interval: status says exactly how long is left, the tooltip whole minutes."""
    quick = replace(SETTINGS, sitting_interval=90)
    state = initial_state(T0, quick, 0)
    assert status_line(state, at(T0), quick, exact=True).startswith("Next stretch in 1 min 30 s:")
    assert status_line(state, at(T0 + 31), quick, exact=True).startswith("Next stretch in 59 s:")
    assert status_report(state, at(T0 + 31), quick, DayCounts("d"))["status"].startswith(
        "Next stretch in 59 s:"
    )
    tooltip = tray_view(state, at(T0), quick, DayCounts("d")).tooltip
    assert tooltip.startswith("Next stretch in 2 min:")
    assert tray_view(state, at(T0 + 31), quick, DayCounts("d")).tooltip.startswith(
        "Next stretch in 1 min:"
    )


def tooltips_between_redraws(state: EngineState, settings: Settings, start: float) -> set[str]:
    """Return each tooltip that differs from the one drawn at the redraw before it."""
    cadence = redraw_cadence(state)
    assert cadence is not None
    changed = set()
    drawn_at = start  # the view is drawn on the event that began the state
    drawn = tray_view(state, at(drawn_at), settings, DayCounts("d")).tooltip
    now = start
    end = start + 2 * 3600
    while now < end:
        redraw = cadence.next_after(drawn_at)
        for moment in (now + 0.001, (now + redraw) / 2, redraw - 0.001):
            if moment < redraw:
                tooltip = tray_view(state, at(moment), settings, DayCounts("d")).tooltip
                if tooltip != drawn:
                    changed.add(f"{tooltip!r} at {moment - start:.3f} s, drawn {drawn!r}")
        drawn_at = now = redraw
        drawn = tray_view(state, at(redraw), settings, DayCounts("d")).tooltip
        if redraw >= (coming_due_at(state.mode) or end):  # then the engine makes it due
            break
    return changed


@pytest.mark.parametrize("interval", [90, 270, 45 * 60, 61 * 60 + 30])
def test_the_tooltip_changes_only_when_it_is_redrawn(interval: int) -> None:
    """Redrawn each minute, the tooltip never says what a redraw has not shown (no stale s)."""
    settings = replace(SETTINGS, sitting_interval=interval)
    state = initial_state(T0 + 0.25, settings, 0)
    assert tooltips_between_redraws(state, settings, T0 + 0.25) == set()
    due, _ = step(state, Tick(T0 + 0.25 + interval), settings)
    snoozed, _ = step(due, Snooze(T0 + interval + 7.5, 150), settings)
    assert snoozed.mode.name == "snoozed"
    assert tooltips_between_redraws(snoozed, settings, T0 + interval + 7.5) == set()


def test_whole_minutes_round_up_and_read_naturally() -> None:
    """The tooltip's minutes: 1 min in the last one, hours and minutes beyond the hour."""
    assert [minutes_text(s) for s in (0.5, 59, 60, 60.2, 119, 2640, 3600, 3601, 3900)] == [
        "1 min",
        "1 min",
        "1 min",
        "2 min",
        "2 min",
        "44 min",
        "1 h",
        "1 h 1 min",
        "1 h 5 min",
    ]


def test_day_counts_follow_the_records_and_start_afresh_on_a_new_date() -> None:
    """Done, snoozed and skipped are counted; other events are not; a new date starts at 0."""
    today = DayCounts("2026-11-29")
    for kind in ("done", "snoozed", "notified", "skipped", "done"):
        today = today.after(kind, "2026-11-29")
    assert today == DayCounts("2026-11-29", done=2, snoozed=1, skipped=1)
    assert today.after("done", "2026-11-30") == DayCounts("2026-11-30", done=1)
    assert DayCounts.of("d", {"done": 3, "paused": 2}) == DayCounts("d", done=3)


def test_the_tooltip_says_how_many_events_wait_for_the_history() -> None:
    """Events not yet saved are counted in the tooltip; none waiting, nothing is added."""
    state = initial_state(T0, SETTINGS, 0)
    plain = tray_view(state, AT0, SETTINGS, DayCounts("d")).tooltip
    assert plain == "Next stretch in 45 min: Hamstring stretch"
    assert tray_view(state, AT0, SETTINGS, DayCounts("d"), history_waiting=0).tooltip == plain
    one = tray_view(state, AT0, SETTINGS, DayCounts("d"), history_waiting=1).tooltip
    assert one == f"{plain} (1 event waiting to be saved)"
    three = tray_view(state, AT0, SETTINGS, DayCounts("d"), history_waiting=3).tooltip
    assert three == f"{plain} (3 events waiting to be saved)"


def test_status_for_people_says_what_is_wrong_with_the_history(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`status` prints the history's note when it has one, and nothing more when all is well."""
    from backcare_tray.cli.render import print_status

    report = status_report(initial_state(T0, SETTINGS, 0), AT0, SETTINGS, DayCounts("d"))
    report["history"] = {"saving": True, "note": None, "waiting": 0, "waiting_in": None}
    print_status(report)
    assert "istory" not in capsys.readouterr().out
    note = "history is not being saved: disk I/O error; 3 events waiting to be saved, kept in /s"
    report["history"] = {"saving": False, "note": note, "waiting": 3, "waiting_in": "/s"}
    print_status(report)
    assert capsys.readouterr().out.splitlines()[-1] == "H" + note[1:]
