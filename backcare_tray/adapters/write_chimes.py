"""Write the cues' chimes into a folder: a helper process that keeps synthesis out of the daemon."""

# A chime's samples are computed one by one in Python; done in the daemon, that left it
# 2.7 MiB larger for good (measured with benchmarks/routine_footprint.py).
# SoundPlayer.prepare runs `python -P -m backcare_tray.adapters.write_chimes FOLDER VOLUME`;
# each file is written atomically, so a chime on disk is always whole.

import os
import sys

from backcare_tray.adapters.sound import chime_file_name
from backcare_tray.adapters.state_file import write_atomically
from backcare_tray.chimes import chime_wav
from backcare_tray.cues import CUE_KINDS

__all__ = ["main"]


def main(arguments: list[str]) -> int:
    """Write every kind of chime at the volume asked for; a failure ends with a traceback."""
    from pathlib import Path

    from backcare_tray.chimes import CHIMES_VERSION

    folder, volume = arguments[0], int(arguments[1])
    os.makedirs(folder, exist_ok=True)
    for kind in CUE_KINDS:
        name = chime_file_name(kind, volume, CHIMES_VERSION)
        write_atomically(Path(folder) / name, chime_wav(kind, volume))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
