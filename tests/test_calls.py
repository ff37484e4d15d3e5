"""Calls: the camera held open by another process, a microphone recording on a real sound server."""

import logging
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.platforms import linux_only
from support.waiting import wait_for

from backcare_tray.adapters.calls import CallSensor, camera_in_use, microphone_in_use
from backcare_tray.engine import Notify, Tick, initial_state, step
from backcare_tray.moment import Moment
from backcare_tray.settings import Settings
from backcare_tray.wording import status_line


@linux_only("finds the camera's holders in /proc; the holder is a POSIX sh")
def test_a_video_device_held_by_another_process_is_a_call(tmp_path: Path) -> None:
    """Another process with the device open: in use; once it closes it: not."""
    device = tmp_path / "video0"
    device.write_bytes(b"")
    prefix = str(tmp_path / "video")
    assert camera_in_use(device_prefix=prefix) is False
    holder = subprocess.Popen(
        ["sh", "-c", 'exec 3<"$0"; read never', str(device)], stdin=subprocess.PIPE
    )
    try:
        wait_for(lambda: camera_in_use(device_prefix=prefix), 5, "the open device")
    finally:
        holder.kill()
        holder.wait()
    assert camera_in_use(device_prefix=prefix) is False
    with open(device):  # the daemon's own handle never counts
        assert camera_in_use(device_prefix=prefix) is False


@pytest.fixture
def sound_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """A real PulseAudio with a null output (and its monitor) and a null input, "mic"."""
    if shutil.which("pulseaudio") is None:
        raise RuntimeError("the call tests need pulseaudio; run `make test` to install it")
    runtime = tmp_path / "pulse-runtime"
    runtime.mkdir(mode=0o700)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "HOME": str(tmp_path)}
    server = subprocess.Popen(
        [
            "pulseaudio",
            "-n",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "--disallow-exit",
            "-L",
            "module-native-protocol-unix",
            "-L",
            "module-null-sink sink_name=speakers",
            "-L",
            "module-null-source source_name=mic",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(
            lambda: subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0,
            15,
            "pulseaudio",
        )
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        yield env
    finally:
        server.terminate()
        server.wait(timeout=10)


def recording(env: dict[str, str], device: str) -> subprocess.Popen[bytes]:
    """Start an application recording from a source."""
    return subprocess.Popen(["parecord", f"--device={device}", os.devnull], env=env)


def streams(env: dict[str, str]) -> str:
    """Return the server's recording streams, one line each."""
    return subprocess.run(
        ["pactl", "list", "short", "source-outputs"], env=env, capture_output=True, text=True
    ).stdout


@pytest.mark.desktop
def test_recording_the_microphone_is_a_call_and_recording_a_monitor_is_not(
    sound_server: dict[str, str],
) -> None:
    """A stream on the input source counts; one on an output's monitor (screen capture) not."""
    assert microphone_in_use() is False
    capture = recording(sound_server, "speakers.monitor")
    try:
        wait_for(lambda: streams(sound_server).strip(), 10, "the monitor stream")
        assert microphone_in_use() is False
        call = recording(sound_server, "mic")
        try:
            wait_for(lambda: microphone_in_use(), 10, "the microphone stream")
        finally:
            call.terminate()
            call.wait()
        wait_for(lambda: not microphone_in_use(), 10, "the call to end")
    finally:
        capture.terminate()
        capture.wait()


def test_other_systems_say_once_that_calls_are_not_sensed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Behind the same interface, an unsupported system answers no call and says so once."""
    sensor = CallSensor("darwin")
    with caplog.at_level(logging.INFO):
        assert sensor.in_call() is False
        assert sensor.in_call() is False
    assert [r.message for r in caplog.records].count(
        "Calls are not sensed on darwin: stretches are not held for them."
    ) == 1


def test_a_call_holds_the_due_stretch_and_the_switch_turns_that_off() -> None:
    """In a call the stretch waits (as for do-not-disturb); hold_during_calls = false: not."""
    settings = Settings(sitting_interval=60)
    state = initial_state(0.0, settings, 0)
    held, effects = step(state, Tick(60.0, in_call=True), settings)
    assert not any(isinstance(e, Notify) for e in effects)
    line = status_line(held, Moment(60.0, 0.0), settings, in_call=True)
    assert line.startswith("In a call: the stretch waits")
    _, effects = step(held, Tick(90.0), settings)  # the call ended
    assert any(isinstance(e, Notify) for e in effects)
    off = Settings(sitting_interval=60, hold_during_calls=False)
    _, effects = step(initial_state(0.0, off, 0), Tick(60.0, in_call=True), off)
    assert any(isinstance(e, Notify) for e in effects)
