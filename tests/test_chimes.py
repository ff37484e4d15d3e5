"""The chimes: real WAV files the standard library reads, one sound per cue, soft and click-free."""

import array
import io
import subprocess
import sys
import wave
from dataclasses import dataclass
from itertools import pairwise

import pytest

from backcare_tray.chimes import RATE, chime_wav
from backcare_tray.cues import CUE_KINDS, CueKind


@dataclass(frozen=True)
class Wav:
    """What the wave module read from a WAV file."""

    channels: int
    width: int
    rate: int
    frames: int
    samples: "array.array[int]"


def read(data: bytes) -> Wav:
    """Return what the stdlib wave module reads from the file."""
    with wave.open(io.BytesIO(data)) as reader:
        samples = array.array("h", reader.readframes(reader.getnframes()))
        if sys.byteorder == "big":
            samples.byteswap()
        return Wav(
            reader.getnchannels(),
            reader.getsampwidth(),
            reader.getframerate(),
            reader.getnframes(),
            samples,
        )


def samples_of(kind: CueKind, volume: int = 100) -> "array.array[int]":
    """Return a chime's samples."""
    return read(chime_wav(kind, volume)).samples


def pitch(samples: "array.array[int]", start: float, end: float) -> float:
    """Return the frequency (Hz) between start and end seconds, from upward zero crossings."""
    part = samples[round(start * RATE) : round(end * RATE)]
    rises = sum(1 for a, b in pairwise(part) if a < 0 <= b)
    return rises / (len(part) / RATE)


@pytest.mark.parametrize("kind", CUE_KINDS)
def test_each_chime_is_a_short_16_bit_mono_wav_file(kind: CueKind) -> None:
    """The stdlib wave module reads it; the header is the plain 44 bytes; under a second."""
    data = chime_wav(kind, 70)
    wav = read(data)
    assert (wav.channels, wav.width, wav.rate) == (1, 2, RATE)
    assert RATE in (22050, 44100)
    assert 0.2 < wav.frames / RATE < 1.0
    assert data[:4] == b"RIFF" and data[8:16] == b"WAVEfmt " and data[36:40] == b"data"
    assert len(data) == 44 + 2 * wav.frames == int.from_bytes(data[4:8], "little") + 8
    assert len(wav.samples) == wav.frames


def test_every_cue_has_its_own_sound() -> None:
    """No two kinds share samples; each has the shape it was designed with."""
    sounds = {kind: samples_of(kind) for kind in CUE_KINDS}
    assert len({s.tobytes() for s in sounds.values()}) == len(CUE_KINDS)
    assert len({len(s) for s in sounds.values()}) >= 5  # lengths differ too, nearly all

    def early_late(kind: CueKind) -> tuple[float, float]:
        """Return the pitch at the start and at the end of a chime."""
        s = sounds[kind]
        return pitch(s, 0.02, 0.15), pitch(s, len(s) / RATE - 0.2, len(s) / RATE - 0.03)

    due, release, done = early_late("due"), early_late("release"), early_late("done")
    assert due[1] > due[0] * 1.2  # a rise
    assert release[1] < release[0] / 1.2  # a fall
    assert done[1] > done[0] * 1.3  # an arpeggio upwards
    start, hold = early_late("start"), early_late("hold")
    assert start[0] == pytest.approx(start[1], rel=0.03)  # one note each
    assert hold[0] == pytest.approx(hold[1], rel=0.03)
    assert hold[0] > 1.8 * start[0]  # the hold's tone is the brighter
    switch = sounds["switch"]
    gap = switch[round(0.125 * RATE) : round(0.175 * RATE)]
    assert max(map(abs, gap)) < 0.01 * max(map(abs, switch))  # two tones, silence between
    assert max(map(abs, switch[round(0.2 * RATE) : round(0.25 * RATE)])) > 1000


def test_volume_0_is_silence_and_the_peak_follows_the_volume() -> None:
    """0 gives only zeros; the peak is proportional to the volume and never clips."""
    for kind in CUE_KINDS:
        assert not any(samples_of(kind, 0))
        peaks = {v: max(map(abs, samples_of(kind, v))) for v in (10, 50, 100)}
        assert 0.3 * 32767 < peaks[100] < 32767
        assert peaks[50] == pytest.approx(peaks[100] / 2, abs=1)
        assert peaks[10] == pytest.approx(peaks[100] / 10, abs=1)
    assert max(map(abs, samples_of("due"))) < max(map(abs, samples_of("hold")))  # due is gentle
    assert samples_of("hold", 250) == samples_of("hold", 100)  # beyond the range: clamped
    assert not any(samples_of("hold", -5))


@pytest.mark.parametrize("kind", CUE_KINDS)
def test_no_click_at_either_end(kind: CueKind) -> None:
    """The chime rises from silence and fades back to it: first and last samples near 0."""
    samples = samples_of(kind)
    peak = max(map(abs, samples))
    edge = round(0.0005 * RATE)  # half a millisecond
    assert abs(samples[0]) <= 0.01 * peak and abs(samples[-1]) <= 0.01 * peak
    assert max(map(abs, samples[:edge])) < 0.05 * peak
    assert max(map(abs, samples[-edge:])) < 0.05 * peak
    steps = max(abs(b - a) for a, b in pairwise(samples))
    assert steps < 0.5 * peak  # no jump anywhere inside either


def test_the_chimes_module_is_cheap_to_import() -> None:
    """Importing it (and the sound adapter) loads no audio module and no temporary-file helper."""
    heavy = ("wave", "audioop", "tempfile", "numpy", "asyncio")
    code = (
        "import sys, backcare_tray.chimes, backcare_tray.adapters.sound; "
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"
