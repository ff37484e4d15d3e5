"""The cues a routine gives by ear: which sound (or words) belongs to which moment."""

from dataclasses import dataclass
from typing import Literal

__all__ = ["CUE_KINDS", "Cue", "CueKind", "CueMode"]

# due: a stretch falls due (gentle); start: a routine begins; step: the next set-up step;
# hold: a hold (or the movement) begins; release: a hold ends, rest; switch: change to the
# other side; done: the routine is over and counted.
CueKind = Literal["due", "start", "step", "hold", "release", "switch", "done"]
CUE_KINDS: tuple[CueKind, ...] = ("due", "start", "step", "hold", "release", "switch", "done")
# How cues are given: a chime per moment, spoken words, or nothing.
CueMode = Literal["chime", "voice", "off"]


@dataclass(frozen=True)
class Cue:
    """One moment's cue: the kind of chime, and the words a voice says instead."""

    kind: CueKind
    words: str
