"""The chimes of the cues, synthesised as short 16-bit mono WAV files (pure, stdlib only)."""

# The sounds are this project's own: every chime is made here from sine partials under an
# attack and decay envelope, from the notes below; no recording or sample is used. Each
# note rises from silence (a raised-cosine attack) and fades to silence before it ends, so
# a chime starts and ends at zero and never clicks.

import math
import struct
from dataclasses import dataclass

from backcare_tray.cues import CueKind

__all__ = ["CHIMES_VERSION", "RATE", "chime_wav"]

RATE = 22050  # samples a second: the highest partial (about 3.5 kHz) is far below half of it
# Bump when a sound changes, so the players' cached files are written anew.
CHIMES_VERSION = 1
_FULL_SCALE = 32767
_FADE = 0.015  # seconds of the fade to silence at the end of every note


@dataclass(frozen=True)
class _Note:
    """One note: when it starts and how long it sounds (seconds), its pitch (Hz), its gain."""

    start: float
    length: float
    pitch: float
    gain: float = 1.0


@dataclass(frozen=True)
class _Chime:
    """A chime: its notes, their timbre (partials as multiple and gain) and envelope."""

    notes: tuple[_Note, ...]
    partials: tuple[tuple[float, float], ...]
    attack: float  # seconds from silence to the note's peak
    decay: float  # seconds for the note to fall to 1/e after its peak
    level: float  # peak at volume 100, as a share of full scale


_SOFT = ((1.0, 1.0), (2.0, 0.12))
_BELL = ((1.0, 1.0), (2.0, 0.35), (3.0, 0.12), (4.2, 0.05))
_BRIGHT = ((1.0, 1.0), (2.0, 0.3), (3.0, 0.1))

_CHIMES: dict[CueKind, _Chime] = {
    # A stretch is due: a gentle rise, G4 to C5, soft and a little quieter than the rest.
    "due": _Chime(
        (_Note(0.0, 0.45, 392.00), _Note(0.22, 0.6, 523.25)),
        _SOFT,
        attack=0.03,
        decay=0.3,
        level=0.45,
    ),
    # A routine begins: one soft bell, A4, ringing out.
    "start": _Chime((_Note(0.0, 0.85, 440.00),), _BELL, attack=0.008, decay=0.3, level=0.55),
    # The next set-up step: one short, soft D5, quieter than the start's bell.
    "step": _Chime((_Note(0.0, 0.3, 587.33),), _SOFT, attack=0.01, decay=0.12, level=0.4),
    # A hold begins: a clear, bright A5 that stands out of the room's noise.
    "hold": _Chime((_Note(0.0, 0.4, 880.00),), _BRIGHT, attack=0.005, decay=0.2, level=0.6),
    # A hold ends: a falling two-note, E5 to A4.
    "release": _Chime(
        (_Note(0.0, 0.35, 659.25), _Note(0.2, 0.55, 440.00)),
        _SOFT,
        attack=0.01,
        decay=0.22,
        level=0.55,
    ),
    # Change sides: two quick D6s.
    "switch": _Chime(
        (_Note(0.0, 0.12, 1174.66), _Note(0.18, 0.12, 1174.66, 0.9)),
        _SOFT,
        attack=0.005,
        decay=0.08,
        level=0.55,
    ),
    # The routine is done: a rising C major arpeggio, C5, E5, G5.
    "done": _Chime(
        (_Note(0.0, 0.4, 523.25), _Note(0.15, 0.4, 659.25), _Note(0.3, 0.55, 783.99)),
        _BELL,
        attack=0.008,
        decay=0.25,
        level=0.55,
    ),
}


def _note_samples(note: _Note, chime: _Chime) -> list[float]:
    """Return one note's samples, from silence back to silence."""
    count = round(note.length * RATE)
    attack = max(1, round(chime.attack * RATE))
    fade = max(1, round(_FADE * RATE))
    decay = 1.0 / (chime.decay * RATE)
    sin, cos, exp, pi = math.sin, math.cos, math.exp, math.pi
    tone = [0.0] * count
    for multiple, gain in chime.partials:
        step = 2 * pi * note.pitch * multiple / RATE
        tone = [t + gain * sin(step * i) for i, t in enumerate(tone)]
    envelope = [0.5 - 0.5 * cos(pi * i / attack) for i in range(min(attack, count))]
    envelope += [exp(-i * decay) for i in range(count - len(envelope))]
    for left in range(min(fade, count)):
        envelope[count - 1 - left] *= 0.5 - 0.5 * cos(pi * left / fade)
    return [note.gain * e * t for e, t in zip(envelope, tone, strict=True)]


def _mix(chime: _Chime) -> list[float]:
    """Return the chime's notes added together at their starts."""
    end = max(round(n.start * RATE) + round(n.length * RATE) for n in chime.notes)
    mix = [0.0] * end
    for note in chime.notes:
        offset = round(note.start * RATE)
        for i, value in enumerate(_note_samples(note, chime)):
            mix[offset + i] += value
    return mix


def _wav(samples: list[int]) -> bytes:
    """Return 16-bit mono PCM samples as a WAV file: the 44-byte RIFF header, then the data."""
    data = struct.pack(f"<{len(samples)}h", *samples)
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + len(data),
        b"WAVE",
        b"fmt ",
        16,  # the size of the format chunk
        1,  # PCM
        1,  # mono
        RATE,
        RATE * 2,  # bytes a second
        2,  # bytes a frame
        16,  # bits a sample
        b"data",
        len(data),
    )
    return header + data


def chime_wav(kind: CueKind, volume: int) -> bytes:
    """Return the chime of a cue as a WAV file; volume 0..100 scales its peak (0: silence)."""
    chime = _CHIMES[kind]
    mix = _mix(chime)
    loudest = max(abs(value) for value in mix)
    scale = chime.level * _FULL_SCALE * max(0, min(100, volume)) / 100 / loudest
    return _wav([round(value * scale) for value in mix])
