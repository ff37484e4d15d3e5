"""Working hours: active periods, days, midnight, weekends and DST, with fixed local times."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from support.engine_views import deadline

from backcare_tray.engine import MarkDone, Pause, Resume, Snooze, Tick, initial_state, step
from backcare_tray.hours import WorkingHours, parse_window, seconds_until
from backcare_tray.moment import Moment
from backcare_tray.settings import Settings, settings_from_mapping
from backcare_tray.wording import status_line

OFFICE = settings_from_mapping(
    {
        "schedule": {
            "active_hours": ["09:00-12:30", "13:30-18:00"],
            "active_days": ["mon", "tue", "wed", "thu", "fri"],
        }
    }
).hours
NIGHT_SHIFT = WorkingHours((parse_window("22:00-02:00"),), (0, 1, 2, 3, 4))


def at(text: str) -> datetime:
    """Return a naive local time; 2026-11-23 is a Monday."""
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("when", "active"),
    [
        ("2026-11-23 08:59", False),
        ("2026-11-23 09:00", True),
        ("2026-11-23 12:29", True),
        ("2026-11-23 12:30", False),
        ("2026-11-23 13:30", True),
        ("2026-11-23 18:00", False),
        ("2026-11-28 10:00", False),  # Saturday
    ],
)
def test_office_hours(when: str, active: bool) -> None:
    """Two periods a day on weekdays."""
    assert OFFICE.is_active(at(when)) is active


@pytest.mark.parametrize(
    ("when", "change"),
    [
        ("2026-11-23 08:00", "2026-11-23 09:00"),
        ("2026-11-23 10:00", "2026-11-23 12:30"),
        ("2026-11-23 12:45", "2026-11-23 13:30"),
        ("2026-11-27 18:30", "2026-11-30 09:00"),  # Friday evening -> Monday morning
    ],
)
def test_next_change(when: str, change: str) -> None:
    """The next start or end, skipping the weekend."""
    assert OFFICE.next_change(at(when)) == at(change)


def test_period_across_midnight_belongs_to_the_day_it_starts() -> None:
    """22:00-02:00 on weekdays: Friday night runs into Saturday, Saturday night is off."""
    assert NIGHT_SHIFT.is_active(at("2026-11-27 23:00"))  # Friday
    assert NIGHT_SHIFT.is_active(at("2026-11-28 01:00"))  # Saturday early, Friday's shift
    assert not NIGHT_SHIFT.is_active(at("2026-11-28 23:00"))  # Saturday night
    assert NIGHT_SHIFT.next_change(at("2026-11-28 01:00")) == at("2026-11-28 02:00")
    assert NIGHT_SHIFT.next_change(at("2026-11-28 03:00")) == at("2026-11-30 22:00")


def test_always_active_by_default() -> None:
    """No hours set: always active, never a change."""
    hours = Settings().hours
    assert hours.always and hours.is_active(at("2026-11-28 03:00"))
    assert hours.next_change(at("2026-11-28 03:00")) is None


@pytest.mark.parametrize(
    ("hours", "when", "until"),
    [
        (OFFICE, "2026-11-23 10:00", "2026-11-24 09:00"),
        (OFFICE, "2026-11-27 16:00", "2026-11-30 09:00"),
        (WorkingHours(), "2026-11-23 15:00", "2026-11-24 06:00"),
        (WorkingHours(), "2026-11-24 01:30", "2026-11-24 06:00"),  # after midnight: this morning
    ],
)
def test_pause_until_tomorrow(hours: WorkingHours, when: str, until: str) -> None:
    """Until the next morning's working hours, or 06:00 when none are set."""
    assert hours.next_start(at(when)) == at(until)


def test_seconds_until_counts_real_time_across_dst() -> None:
    """The night the clocks go back has 25 hours: 18:00 to 09:00 is 16 real hours."""
    zone = ZoneInfo("Europe/Berlin")
    evening = datetime(2026, 10, 24, 18, 0, tzinfo=zone)
    assert seconds_until(at("2026-10-25 09:00"), evening) == 16 * 3600
    spring = datetime(2026, 3, 28, 18, 0, tzinfo=zone)
    assert seconds_until(at("2026-03-29 09:00"), spring) == 14 * 3600


def test_engine_is_off_outside_hours_and_starts_fresh_when_they_begin() -> None:
    """Leaving working hours silences everything; their start brings a fresh interval."""
    settings = Settings(idle_probe="none")
    state, _ = step(initial_state(0.0, settings, 0), Tick(0.0), settings)
    state, effects = step(state, Tick(2700.0, active=False, active_change_at=50_000.0), settings)
    assert state.mode.name == "off"
    assert not any(getattr(e, "kind", "") == "due" for e in effects)
    assert deadline(state) == 50_000.0
    moment = Moment(2700.0, 1_795_460_000.0)
    assert status_line(state, moment, settings).startswith("Off hours until ")
    _, effects = step(state, Snooze(2800.0), settings)
    assert getattr(effects[0], "reason", "").startswith("Nothing to snooze")
    _, effects = step(state, Resume(2800.0), settings)
    assert getattr(effects[0], "reason", "") == "backcare-tray is not paused."
    done, effects = step(state, MarkDone(2900.0), settings)
    assert done == state  # nothing due off hours: nothing to count
    assert getattr(effects[0], "reason", "").startswith("Nothing to mark done: it is outside")
    state, _ = step(state, Tick(50_000.0, active=True), settings)
    assert state.mode.name == "working" and deadline(state) == 50_000.0 + 2700


def test_pause_ending_outside_hours_goes_off() -> None:
    """A pause that runs out after hours does not restart reminders."""
    settings = Settings(idle_probe="none")
    state, _ = step(initial_state(0.0, settings, 0), Pause(10.0, 600), settings)
    state, _ = step(state, Tick(610.0, active=False, active_change_at=9000.0), settings)
    assert state.mode.name == "off" and deadline(state) == 9000.0


def test_pause_until_tomorrow_lasts_until_the_next_morning_in_real_seconds() -> None:
    """From Friday 18:00 with weekday hours: until Monday 09:00, counted through the DST night."""
    hours = WorkingHours((parse_window("09:00-17:00"),), (0, 1, 2, 3, 4))
    zone = ZoneInfo("Europe/Berlin")
    friday = datetime(2026, 10, 23, 18, 0, tzinfo=zone)  # the clocks go back on Sunday
    assert hours.seconds_to_next_start(friday) == (2 * 24 + 15 + 1) * 3600
