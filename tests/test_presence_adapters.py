"""The sleep meter and the resume signal: real D-Bus where it runs here, fakes elsewhere."""

import threading
from pathlib import Path

import pytest
from support.desktop import Desktop
from support.platforms import linux_only

from backcare_tray.adapters.clocks import SleepMeter


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, value: float = 0.0) -> None:
        self.value = value

    def __call__(self) -> float:
        """Return the time set."""
        return self.value


def test_sleep_meter_sees_suspend_and_ignores_noise() -> None:
    """Total time growing past awake time is sleep; a second of jitter is not."""
    awake, total = FakeClock(100.0), FakeClock(5000.0)
    meter = SleepMeter(awake, total)
    awake.value += 60
    total.value += 60
    assert meter.slept() == 0.0
    awake.value += 10
    total.value += 10 + 3600  # an hour suspended
    assert meter.slept() == 3600.0
    awake.value += 30
    total.value += 31
    assert meter.slept() == 0.0  # noise


@linux_only("compares with time.clock_gettime(CLOCK_BOOTTIME), which Windows has not")
def test_linux_clocks_are_boottime_over_monotonic() -> None:
    """On Linux awake time is the monotonic clock and total time is boot time, never the wall."""
    import time

    from backcare_tray.adapters.clocks import platform_clocks

    awake, total = platform_clocks("linux")
    assert awake is time.monotonic
    awake_now = awake()
    assert total() >= awake_now  # boot time includes every suspend since boot
    assert abs(total() - time.clock_gettime(time.CLOCK_BOOTTIME)) < 1.0


@pytest.mark.desktop
def test_logind_resume_signal_on_a_private_bus(
    xdesktop: Desktop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PrepareForSleep(false) calls back at once; PrepareForSleep(true) does not."""
    from jeepney import DBusAddress, new_signal
    from jeepney.io.blocking import open_dbus_connection

    from backcare_tray.adapters.sleep_signal import (
        LOGIND_INTERFACE,
        LOGIND_PATH,
        SleepSignalListener,
    )

    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", xdesktop.env["DBUS_SESSION_BUS_ADDRESS"])
    resumed = threading.Event()
    calls: list[str] = []

    def on_resume() -> None:
        calls.append("resume")
        resumed.set()

    listener = SleepSignalListener(on_resume)
    assert listener.start()
    logind = DBusAddress(LOGIND_PATH, interface=LOGIND_INTERFACE)
    with open_dbus_connection(bus="SYSTEM") as sender:
        sender.send(new_signal(logind, "PrepareForSleep", "b", (True,)))
        sender.send(new_signal(logind, "PrepareForSleep", "b", (False,)))
        assert resumed.wait(5)
    listener.stop()
    assert calls == ["resume"]


def test_no_system_bus_is_reported_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Without a system bus the listener says so and the clocks take over."""
    import logging

    from backcare_tray.adapters.sleep_signal import SleepSignalListener

    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", f"unix:path={tmp_path / 'nothing'}")
    caplog.set_level(logging.INFO)
    listener = SleepSignalListener(lambda: None)
    assert listener.start() is False
    assert "No logind sleep signal" in caplog.text
    listener.stop()
