"""Measure how soon a cue is heard: from SoundPlayer.play() to its sound on a private PulseAudio."""

# Run with `.venv/bin/python benchmarks/cue_latency.py` (needs pulseaudio, pactl and parec, and
# for the voice espeak-ng). The tests' private PulseAudio has one null output whose monitor
# parec records; each chunk of the recording is stamped when it arrives, so every latency here
# is an upper bound. Each player found is measured alone:
#
# - play() itself: how long the daemon's loop is held by the call (the chimes are made first
#   by prepare(), a helper process, as the daemon does at start: play() only starts a player).
# - to sound: from the call until the first chunk louder than the silence threshold arrives.
#
# pw-play is not measured: it plays into PipeWire, not into this PulseAudio. spd-say hands the
# words to speech-dispatcher, which it starts when none runs: measured when installed.

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.pulse import PulseSink, pulse_sink  # noqa: E402

from backcare_tray.adapters.sound import CHIME_PLAYERS, VOICES, SoundPlayer  # noqa: E402
from backcare_tray.cues import CUE_KINDS, Cue, CueMode  # noqa: E402

WORDS = ("Hold", "Release", "Switch sides", "Done")


def only(name: str) -> Callable[[str], str | None]:
    """Return a program lookup that finds this one program only."""
    return lambda wanted: shutil.which(wanted) if wanted == name else None


VOLUME = 60  # the default [sound] volume


def cue_once(sink: PulseSink, sound: SoundPlayer, cue: Cue, mode: CueMode) -> tuple[float, float]:
    """Give one cue after silence; return how long play() took and how soon it was heard."""
    sink.wait_for_quiet(0.2, timeout=30)
    called = time.monotonic()
    sound.play(cue, mode, VOLUME)
    returned = time.monotonic()
    heard = sink.wait_for_sound_after(called, timeout=10)
    return returned - called, heard - called


def ms(values: list[float]) -> str:
    """Return the median and the largest of the values in milliseconds."""
    return f"median {statistics.median(values) * 1000:5.1f} ms, max {max(values) * 1000:5.1f} ms"


def chimes(sink: PulseSink, name: str, rounds: int, cache: Path) -> None:
    """Measure the chimes through one player, the first of each kind and then the others."""
    sound = SoundPlayer(cache / name, which=only(name))
    sound.prepare(VOLUME)
    first_call, first_heard, calls, heard = [], [], [], []
    try:
        for kind in CUE_KINDS:
            call, sounded = cue_once(sink, sound, Cue(kind, ""), "chime")
            first_call.append(call)
            first_heard.append(sounded)
        for _ in range(rounds):
            for kind in CUE_KINDS:
                call, sounded = cue_once(sink, sound, Cue(kind, ""), "chime")
                calls.append(call)
                heard.append(sounded)
    finally:
        sound.stop()
    print(f"chime, {name}:")
    print(f"  first cue of a kind  play() {ms(first_call)}; to sound {ms(first_heard)}")
    print(f"  then, {len(calls)} cues       play() {ms(calls)}; to sound {ms(heard)}")


def voice(sink: PulseSink, name: str, rounds: int, cache: Path) -> None:
    """Measure spoken cues through one speech program."""
    sound = SoundPlayer(cache / name, which=only(name))
    calls, heard = [], []
    try:
        for _ in range(rounds):
            for words in WORDS:
                call, sounded = cue_once(sink, sound, Cue("hold", words), "voice")
                calls.append(call)
                heard.append(sounded)
    finally:
        sound.stop()
    print(f"voice, {name} ({len(calls)} cues): play() {ms(calls)}; to sound {ms(heard)}")


def main() -> None:
    """Start a private PulseAudio and measure every player and voice found."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, pulse_sink(Path(tmp)) as sink:
        os.environ.update(sink.env)
        print(f"{args.rounds} rounds on a private PulseAudio; every figure is an upper bound")
        for name in CHIME_PLAYERS["linux"]:
            if shutil.which(name) is None:
                print(f"chime, {name}: not installed")
            elif name == "pw-play":
                print(f"chime, {name}: not measured (it plays into PipeWire)")
            else:
                chimes(sink, name, args.rounds, Path(tmp))
        for name in VOICES["linux"]:
            if shutil.which(name) is None:
                print(f"voice, {name}: not installed")
            else:
                voice(sink, name, args.rounds, Path(tmp))


if __name__ == "__main__":
    main()
