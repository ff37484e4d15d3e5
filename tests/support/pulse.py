"""A private PulseAudio with one null output, "rec", whose monitor is recorded with timestamps."""

# The server runs with its own HOME and runtime folder and no session bus, so it never meets
# a person's sound server; clients reach it through the variables in PulseSink.env. parec
# records the output's monitor all along, read in a thread that stamps each chunk with the
# monotonic time it arrived: a sample arrived no later than its chunk, so a latency measured
# from these stamps is an upper bound.

import array
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from support.marking import require_desktop_marker
from support.waiting import wait_for

TOOLS = ("pulseaudio", "pactl", "parec")
SINK = "rec"
RATE = 44100  # the sink's rate, recorded as is (one channel, 16 bits)
LOUD = 300  # a sample above this is sound: the null sink is digital silence, 0, otherwise


@dataclass(frozen=True)
class Recording:
    """What the monitor captured so far: chunks of samples, each with when it arrived."""

    rate: int
    chunks: tuple[tuple[float, "array.array[int]"], ...]

    def first_sound_after(self, start: float, threshold: int = LOUD) -> float | None:
        """Return when the first chunk arriving after start with a louder sample came, or None."""
        for arrived, samples in self.chunks:
            if arrived >= start and max(map(abs, samples), default=0) > threshold:
                return arrived
        return None

    def peak(self, start: float, end: float = float("inf")) -> int:
        """Return the loudest sample among the chunks that arrived between start and end."""
        loudest = 0
        for arrived, samples in self.chunks:
            if start <= arrived <= end:
                loudest = max(loudest, max(map(abs, samples), default=0))
        return loudest

    def last_arrival(self) -> float:
        """Return when the latest chunk arrived (0 before any)."""
        return self.chunks[-1][0] if self.chunks else 0.0

    def quiet_for(self, seconds: float, threshold: int = LOUD) -> bool:
        """Return True when everything recorded in the latest `seconds` is below threshold."""
        last = self.last_arrival()
        covered = bool(self.chunks) and self.chunks[0][0] <= last - seconds
        return covered and self.peak(last - seconds) <= threshold

    def seconds(self) -> float:
        """Return how long a stretch of sound has been recorded."""
        return sum(len(samples) for _, samples in self.chunks) / self.rate


class PulseSink:
    """A running private PulseAudio and its recorded null output."""

    def __init__(self, env: dict[str, str], recorder: subprocess.Popen[bytes]) -> None:
        # The variables a child process needs to play into the sink (added to its environment).
        self.env = env
        self.rate = RATE
        self._chunks: list[tuple[float, array.array[int]]] = []
        self._lock = threading.Lock()
        assert recorder.stdout is not None
        self._stream = recorder.stdout
        self._reader = threading.Thread(target=self._read, name="parec reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        """Read the recording as it comes, stamping each chunk with when it arrived."""
        fd = self._stream.fileno()
        left = b""
        while chunk := os.read(fd, 65536):
            arrived = time.monotonic()
            chunk = left + chunk
            whole = len(chunk) // 2 * 2
            left = chunk[whole:]
            samples = array.array("h", chunk[:whole])
            with self._lock:
                self._chunks.append((arrived, samples))

    def join(self) -> None:
        """Wait for the reader to finish, once parec has ended."""
        self._reader.join(timeout=10)

    def recording(self) -> Recording:
        """Return what has been captured so far."""
        with self._lock:
            return Recording(self.rate, tuple(self._chunks))

    def wait_until(self, moment: float, timeout: float = 10.0) -> Recording:
        """Return the recording once a chunk arrived after moment (the window up to it is whole)."""

        def passed() -> Recording | None:
            recording = self.recording()
            return recording if recording.last_arrival() > moment else None

        recording = wait_for(passed, timeout, "the recording to pass the moment")
        assert recording is not None
        return recording

    def wait_for_sound_after(
        self, start: float, threshold: int = LOUD, timeout: float = 10.0
    ) -> float:
        """Return when sound first arrived after start, waiting for it."""
        arrived = wait_for(
            lambda: self.recording().first_sound_after(start, threshold),
            timeout,
            "sound on the sink",
        )
        assert arrived is not None
        return arrived

    def wait_for_quiet(self, seconds: float = 0.2, timeout: float = 10.0) -> None:
        """Wait until the latest `seconds` of the recording are silent."""
        wait_for(lambda: self.recording().quiet_for(seconds), timeout, "silence on the sink")


def _answers(env: dict[str, str]) -> bool:
    """Return True when the server answers `pactl info`."""
    result = subprocess.run(["pactl", "info"], env=env, capture_output=True, check=False)
    return result.returncode == 0


def _pactl(env: dict[str, str], *args: str) -> str:
    """Run pactl on the private server and return what it printed."""
    return subprocess.run(
        ["pactl", *args], env=env, capture_output=True, text=True, check=True, timeout=10
    ).stdout.strip()


@contextmanager
def pulse_sink(tmp: Path) -> Iterator[PulseSink]:
    """Run a private PulseAudio whose only output, "rec", is recorded; yield it."""
    require_desktop_marker("pulseaudio")
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        raise RuntimeError(f"the sound tests need {missing}; run `make test` to install them")
    home = tmp / "pulse-home"
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    # A short folder for the socket: a Unix socket's path has room for about 100 bytes.
    runtime = Path(tempfile.mkdtemp(prefix="pulse-"))
    socket = runtime / "native"
    server_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "PULSE_RUNTIME_PATH": str(runtime / "pulse"),
        "LANG": "C.UTF-8",
    }
    env = {
        "PULSE_SERVER": f"unix:{socket}",
        "PULSE_SINK": SINK,
        "PULSE_COOKIE": str(home / "cookie"),
    }
    processes: list[subprocess.Popen[bytes]] = []
    sink: PulseSink | None = None
    log = tmp / "pulseaudio.log"
    try:
        with open(log, "wb") as out:
            server = subprocess.Popen(
                [
                    "pulseaudio",
                    "-n",
                    "--daemonize=no",
                    "--exit-idle-time=-1",
                    "--disallow-exit",
                    "--use-pid-file=no",
                    "-L",
                    f"module-native-protocol-unix auth-anonymous=1 socket={socket}",
                    "-L",
                    f"module-null-sink sink_name={SINK} rate={RATE} channels=1 format=s16le",
                ],
                env=server_env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        processes.append(server)
        client_env = {**os.environ, **env}
        wait_for(lambda: server.poll() is not None or _answers(client_env), 15, "pulseaudio")
        if server.poll() is not None:
            raise RuntimeError(f"pulseaudio did not start: {log.read_text(errors='replace')}")
        recorder = subprocess.Popen(
            [
                "parec",
                f"--device={SINK}.monitor",
                "--raw",
                "--format=s16le",
                f"--rate={RATE}",
                "--channels=1",
                "--latency-msec=10",
            ],
            env=client_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        processes.append(recorder)
        sink = PulseSink(env, recorder)
        # The idle null sink wakes only every 2 s, so the recording's first samples would wait
        # that long; suspending and resuming it, once parec is connected, wakes it at once.
        wait_for(lambda: _pactl(client_env, "list", "short", "source-outputs"), 10, "parec")
        _pactl(client_env, "suspend-sink", SINK, "1")
        _pactl(client_env, "suspend-sink", SINK, "0")
        wait_for(lambda: sink.recording().seconds() > 0.05, 10, "parec's first samples")
        yield sink
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in reversed(processes):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if sink is not None:
            sink.join()
        for process in processes:
            if process.stdout is not None:
                process.stdout.close()
        shutil.rmtree(runtime, ignore_errors=True)
