"""Is the person in a call? Another application using the camera or recording a microphone."""

# Camera: a video device held open by another process (its /proc/PID/fd links, readable for
# the same user). Microphone: a recording stream on an input source, as the sound server
# lists it (`pactl`, which PulseAudio and PipeWire's pulse server both answer); monitors of
# outputs (screen recorders) and the server's own module streams are not calls. Elsewhere
# calls are not sensed, and the sensor says so once.

import json
import logging
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

from backcare_tray.adapters.sensor import Check, Sensor

__all__ = ["CallSensor", "camera_in_use", "microphone_in_use"]

log = logging.getLogger(__name__)

Run = Callable[[list[str]], str]


def _pactl(args: list[str]) -> str:
    """Run pactl and return what it printed."""
    return subprocess.run(
        ["pactl", *args], capture_output=True, text=True, timeout=2, check=True
    ).stdout


def camera_in_use(
    proc: Path = Path("/proc"), device_prefix: str = "/dev/video", own_pid: int | None = None
) -> bool:
    """Return True when another process holds a video device open."""
    own = str(os.getpid() if own_pid is None else own_pid)
    for process in proc.iterdir():
        if not process.name.isdigit() or process.name == own:
            continue
        try:
            descriptors = list((process / "fd").iterdir())
        except OSError:  # gone, or another user's
            continue
        for descriptor in descriptors:
            try:
                if os.readlink(descriptor).startswith(device_prefix):
                    return True
            except OSError:
                continue
    return False


def microphone_in_use(run: Run = _pactl) -> bool:
    """Return True when an application records from an input (not a monitor of an output)."""
    sources = json.loads(run(["-f", "json", "list", "sources"]))
    monitors = {
        s["index"] for s in sources if s.get("properties", {}).get("device.class") == "monitor"
    }
    for stream in json.loads(run(["-f", "json", "list", "source-outputs"])):
        if stream.get("corked") or stream.get("source") in monitors:
            continue
        if str(stream.get("driver", "")).startswith("module-"):
            continue  # the sound server's own (loopback, echo cancelling)
        return True
    return False


class CallSensor(Sensor):
    """Says whether a call is going on; each failing check is logged once and counts as none."""

    cannot = "Cannot tell whether the %s is in use: %s"
    unsupported = "Calls are not sensed on %s: stretches are not held for them."

    def checks(self) -> list[Check]:
        """Return this platform's call checks, each a name and its check (none elsewhere)."""
        if not self._platform.startswith("linux"):
            return []
        return [("camera", camera_in_use), ("microphone", microphone_in_use)]

    def in_call(self) -> bool:
        """Return True while another application uses the camera or the microphone."""
        return self.active()
