"""The idle supervisor alone: recording fakes for the chooser, the probes and the clock."""

import logging
from collections.abc import Callable

import pytest

from backcare_tray.adapters.idle import (
    BETTER_PROBE_SECONDS,
    PROBE_RETRY_SECONDS,
    IdleProbe,
    IdleSupervisor,
    ProbeError,
    better_probe,
    choose_probe,
)

MINUTE = 60.0


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        """Return the time set."""
        return self.now


class FakeProbe:
    """A probe whose reading, failure and lock the test sets; it counts its readings."""

    def __init__(self, name: str, idle: float = 0.0, is_locked: bool = False) -> None:
        self.name = name
        self.idle = idle
        self.is_locked = is_locked
        self.failing = False
        self.readings = 0

    def idle_seconds(self) -> float:
        """Return the idle time set, or fail as a probe whose source went away."""
        self.readings += 1
        if self.failing:
            raise ProbeError(f"{self.name} went away")
        return self.idle

    def locked(self) -> bool:
        """Return the lock state set."""
        return self.is_locked


class Chooser:
    """A chooser answering from a list in turn (None once it is empty), recording each setting."""

    def __init__(self, *answers: IdleProbe | None) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    def __call__(self, setting: str) -> IdleProbe | None:
        """Record the setting asked for and return the next answer."""
        self.asked.append(setting)
        return self.answers.pop(0) if self.answers else None


def supervisor(setting: str, chooser: Chooser, clock: FakeClock) -> IdleSupervisor:
    """Return a started supervisor."""
    made = IdleSupervisor(setting, chooser, clock)
    made.start()
    return made


def messages(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    """Return the messages logged at a level."""
    return [record.getMessage() for record in caplog.records if record.levelno == level]


def test_the_supervisor_is_an_idle_probe() -> None:
    """It stands wherever an IdleProbe is wanted (mypy checks the assignment)."""
    probe: IdleProbe = IdleSupervisor("auto", Chooser(), FakeClock())
    assert probe.name is None


def test_it_reads_the_probe_chosen_at_start() -> None:
    """Start chooses once for the setting; readings, the lock and the name come from that probe."""
    chooser, clock = Chooser(FakeProbe("x11", idle=42.0, is_locked=True)), FakeClock()
    idle = supervisor("auto", chooser, clock)
    assert chooser.asked == ["auto"]
    assert (idle.name, idle.available, idle.failing, idle.setting) == ("x11", True, False, "auto")
    assert idle.idle_seconds() == 42.0
    assert idle.locked() is True
    clock.now += 10 * PROBE_RETRY_SECONDS
    assert idle.idle_seconds() == 42.0
    assert chooser.asked == ["auto"]  # a working probe is never chosen again


def test_a_first_reading_starts_it() -> None:
    """Never started, the first reading chooses first."""
    chooser = Chooser(FakeProbe("gnome", idle=3.0))
    idle = IdleSupervisor("gnome", chooser, FakeClock())
    assert chooser.asked == [] and idle.name is None and not idle.available
    assert idle.idle_seconds() == 3.0
    assert chooser.asked == ["gnome"] and idle.name == "gnome"


def test_none_found_is_looked_for_again_every_half_hour_on_readings_only() -> None:
    """No probe: each reading fails; the look again waits 30 min and needs a reading."""
    later = FakeProbe("wayland", idle=5.0)
    chooser, clock = Chooser(None, None, later), FakeClock()
    idle = supervisor("auto", chooser, clock)
    assert (idle.name, idle.available) == (None, False)
    with pytest.raises(ProbeError, match="none works"):
        idle.idle_seconds()
    assert idle.locked() is False
    clock.now += PROBE_RETRY_SECONDS - 1
    with pytest.raises(ProbeError):
        idle.idle_seconds()
    assert chooser.asked == ["auto"]  # not yet
    clock.now += 1
    assert chooser.asked == ["auto"]  # no timer: the time alone looks for nothing
    with pytest.raises(ProbeError):
        idle.idle_seconds()  # looked, nothing yet
    assert chooser.asked == ["auto", "auto"]
    clock.now += PROBE_RETRY_SECONDS / 2
    with pytest.raises(ProbeError):
        idle.idle_seconds()
    assert len(chooser.asked) == 2  # the next look is 30 min after the last one
    clock.now += PROBE_RETRY_SECONDS / 2
    assert idle.idle_seconds() == 5.0
    assert (idle.name, idle.available, chooser.asked) == ("wayland", True, ["auto"] * 3)


def test_a_failure_and_the_recovery_are_each_said_once(caplog: pytest.LogCaptureFixture) -> None:
    """A failing probe raises at every reading but warns once; its return is said once."""
    caplog.set_level(logging.INFO, logger="backcare_tray.adapters.idle")
    probe = FakeProbe("x11", idle=9.0, is_locked=True)
    chooser, clock = Chooser(probe), FakeClock()
    idle = supervisor("x11", chooser, clock)
    probe.failing = True
    for _ in range(3):
        with pytest.raises(ProbeError, match="x11 went away"):
            idle.idle_seconds()
        assert idle.locked() is False  # the lock of a probe that cannot read is not believed
    assert (idle.name, idle.available, idle.failing) == ("x11", True, True)
    assert messages(caplog, logging.WARNING) == [
        "The x11 idle probe failed (x11 went away); trying again later."
    ]
    probe.failing = False
    assert idle.idle_seconds() == 9.0
    assert idle.idle_seconds() == 9.0
    assert idle.locked() is True and idle.failing is False
    assert messages(caplog, logging.INFO) == ["The x11 idle probe works again."]
    assert len(messages(caplog, logging.WARNING)) == 1
    assert chooser.asked == ["x11"]  # it came back before any look again


def test_a_failing_probe_is_replaced_by_one_found_later() -> None:
    """The probe in use fails: at the half hour (since start) the choice is made again."""
    broken, working = FakeProbe("wayland"), FakeProbe("x11", idle=12.0)
    chooser, clock = Chooser(broken, working), FakeClock()
    idle = supervisor("auto", chooser, clock)
    clock.now += 10 * MINUTE
    broken.failing = True
    with pytest.raises(ProbeError):
        idle.idle_seconds()
    clock.now += 19 * MINUTE
    with pytest.raises(ProbeError):
        idle.idle_seconds()
    assert chooser.asked == ["auto"]
    clock.now += 1 * MINUTE
    assert idle.idle_seconds() == 12.0
    assert (idle.name, idle.failing, chooser.asked) == ("x11", False, ["auto", "auto"])
    assert broken.readings == 2  # the replaced probe is not read any more


def test_a_failing_probe_stays_when_nothing_else_answers() -> None:
    """Nothing found at the look again: the failing probe is kept, and read when it comes back."""
    probe = FakeProbe("wayland", idle=4.0)
    chooser, clock = Chooser(probe), FakeClock()
    idle = supervisor("auto", chooser, clock)
    probe.failing = True
    clock.now += PROBE_RETRY_SECONDS
    with pytest.raises(ProbeError):
        idle.idle_seconds()  # the failure is only known once read
    assert chooser.asked == ["auto"]
    with pytest.raises(ProbeError):
        idle.idle_seconds()  # looked again (nothing), then read the kept probe: failed
    assert chooser.asked == ["auto", "auto"] and idle.name == "wayland"
    clock.now += PROBE_RETRY_SECONDS - 1
    with pytest.raises(ProbeError):
        idle.idle_seconds()
    assert len(chooser.asked) == 2
    probe.failing = False
    assert idle.idle_seconds() == 4.0
    clock.now += 5 * PROBE_RETRY_SECONDS
    assert idle.idle_seconds() == 4.0
    assert len(chooser.asked) == 2  # working again: no more looks


def test_off_by_configuration_is_never_looked_for() -> None:
    """Setting "none": the chooser is asked once (it says so in the log), never again."""
    chooser, clock = Chooser(), FakeClock()
    idle = supervisor("none", chooser, clock)
    for _ in range(3):
        clock.now += PROBE_RETRY_SECONDS
        with pytest.raises(ProbeError, match="off by configuration"):
            idle.idle_seconds()
    assert (chooser.asked, idle.name, idle.available) == (["none"], None, False)


def test_a_reload_with_the_same_setting_keeps_the_probe() -> None:
    """The same setting again changes nothing, even with no probe found."""
    chooser, clock = Chooser(FakeProbe("gnome", idle=1.0)), FakeClock()
    idle = supervisor("auto", chooser, clock)
    idle.reconfigure("auto")
    assert chooser.asked == ["auto"] and idle.idle_seconds() == 1.0
    empty = supervisor("auto", Chooser(), clock)
    empty.reconfigure("auto")
    assert empty.name is None


def test_a_reload_with_a_new_setting_chooses_at_once() -> None:
    """A changed setting is chosen now; "none" drops the probe in use for good."""
    chooser, clock = Chooser(FakeProbe("gnome", idle=1.0), FakeProbe("x11", idle=2.0)), FakeClock()
    idle = supervisor("auto", chooser, clock)
    idle.reconfigure("x11")
    assert (chooser.asked, idle.name, idle.setting) == (["auto", "x11"], "x11", "x11")
    assert idle.idle_seconds() == 2.0
    idle.reconfigure("none")
    assert (idle.name, idle.available) == (None, False)
    clock.now += 2 * PROBE_RETRY_SECONDS
    with pytest.raises(ProbeError, match="off by configuration"):
        idle.idle_seconds()
    assert chooser.asked == ["auto", "x11", "none"]


def test_a_reload_that_finds_nothing_keeps_the_old_probe_and_looks_again_later() -> None:
    """A new setting with no answer: the old probe is read meanwhile, the new looked for later."""
    later = FakeProbe("wayland", idle=6.0)
    chooser, clock = Chooser(FakeProbe("x11", idle=3.0), None, later), FakeClock()
    idle = supervisor("x11", chooser, clock)
    clock.now += 25 * MINUTE
    idle.reconfigure("wayland")
    assert (idle.name, idle.setting) == ("x11", "wayland")
    clock.now += 25 * MINUTE
    assert idle.idle_seconds() == 3.0  # still the old probe, 25 min after the reload
    clock.now += 5 * MINUTE
    assert idle.idle_seconds() == 6.0  # the half hour is over: the new one answers
    assert (idle.name, chooser.asked) == ("wayland", ["x11", "wayland", "wayland"])


def test_a_reload_that_finds_nothing_without_an_old_probe_has_none() -> None:
    """With no probe before either, there is none after; it is looked for in half an hour."""
    chooser, clock = Chooser(None, None, FakeProbe("wayland", idle=6.0)), FakeClock()
    idle = supervisor("x11", chooser, clock)
    idle.reconfigure("wayland")
    with pytest.raises(ProbeError, match="none works"):
        idle.idle_seconds()
    clock.now += PROBE_RETRY_SECONDS
    assert idle.idle_seconds() == 6.0


def down_probe() -> IdleProbe:
    """Return a probe that cannot read."""
    probe = FakeProbe("down")
    probe.failing = True
    return probe


def test_it_takes_the_registry_choice_as_its_chooser() -> None:
    """With choose_probe over fake factories: auto falls through to the first that reads."""
    reading = FakeProbe("freedesktop", idle=8.0)
    factories: dict[str, Callable[[], IdleProbe]] = {
        "gnome": down_probe,
        "freedesktop": lambda: reading,
        "wayland": down_probe,
        "x11": down_probe,
    }
    idle = IdleSupervisor("auto", lambda setting: choose_probe(setting, "linux", factories))
    idle.start()
    assert idle.name == "freedesktop" and idle.idle_seconds() == 8.0
    reading.failing = True
    with pytest.raises(ProbeError):
        idle.idle_seconds()
    assert idle.name == "freedesktop"  # the real monotonic clock: no look again for 30 min


class BetterChooser:
    """A look for a better probe answering from a list, recording the probe it was asked about."""

    def __init__(self, *answers: IdleProbe | None) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    def __call__(self, current: str) -> IdleProbe | None:
        """Record the probe in use and return the next answer."""
        self.asked.append(current)
        return self.answers.pop(0) if self.answers else None


def test_a_better_probe_that_appears_later_is_taken_on_a_slow_schedule() -> None:
    """X11 works, ksmserver's ScreenSaver comes later: taken at the next look, 5 min apart."""
    clock = FakeClock()
    x11, saver = FakeProbe("x11", idle=1.0), FakeProbe("freedesktop", idle=7.0)
    better = BetterChooser(None, saver)
    idle = IdleSupervisor("auto", Chooser(x11), clock, better=better)
    idle.start()
    for _ in range(10):  # readings within the first five minutes: no look at all
        clock.now += 20
        assert idle.idle_seconds() == 1.0
    assert better.asked == []
    clock.now += BETTER_PROBE_SECONDS
    assert idle.idle_seconds() == 1.0 and better.asked == ["x11"]  # nothing better yet
    clock.now += BETTER_PROBE_SECONDS - 1
    assert idle.idle_seconds() == 1.0 and better.asked == ["x11"]
    clock.now += 1
    assert idle.idle_seconds() == 7.0 and idle.name == "freedesktop"
    assert better.asked == ["x11", "x11"]


def test_a_named_probe_is_never_traded_for_another() -> None:
    """Only "auto" looks for a better probe: one chosen by name stays."""
    clock = FakeClock()
    better = BetterChooser(FakeProbe("gnome"))
    idle = IdleSupervisor("x11", Chooser(FakeProbe("x11")), clock, better=better)
    idle.start()
    clock.now += 10 * BETTER_PROBE_SECONDS
    idle.idle_seconds()
    assert (idle.name, better.asked) == ("x11", [])


def test_better_probe_tries_only_those_ranked_above() -> None:
    """From X11 it tries GNOME, freedesktop, Wayland in turn; from the best, none at all."""
    tried: list[str] = []

    def factory(name: str, works: bool) -> Callable[[], IdleProbe]:
        def make() -> IdleProbe:
            tried.append(name)
            probe = FakeProbe(name, idle=3.0)
            probe.failing = not works
            return probe

        return make

    factories = {
        "gnome": factory("gnome", False),
        "freedesktop": factory("freedesktop", True),
        "wayland": factory("wayland", True),
        "x11": factory("x11", True),
    }
    found = better_probe("x11", "linux", factories)
    assert found is not None and found.name == "freedesktop"
    assert tried == ["gnome", "freedesktop"]
    assert better_probe("gnome", "linux", factories) is None and tried[2:] == []
    assert better_probe("macos", "linux", factories) is None
