"""Measure the coach window's time to first picture: from its process start to its picture shown."""

# The installed coach window runs on Xvfb with openbox, started the way the daemon starts it
# (`python -P -m backcare_tray.coach`, the first step written on its stdin at once), with its
# debug lines on. For each run:
# - Python up: from just before the process is started to its first line (Python started,
#   tkinter imported, the window module loaded).
# - Mapped: to the window's <Map> event with the step and its picture laid out (the window's
#   own time.monotonic, which is the same clock as this process's on Linux).
# - Picture seen: to the moment this process first reads the picture's pixels back from the X
#   server (polling the screen every 2 ms after the mapped line): the person sees it then.
# Aim: the picture seen within 0.5 s.

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.coach import PICTURE_COLOURS, checkerboard, start_coach, step_message  # noqa: E402
from support.desktop import (  # noqa: E402
    start_openbox,
    start_xvfb,
    stop_processes,
    user_env,
)
from support.screen import grab  # noqa: E402

SCREEN = ("-screen", "0", "1920x1080x24", "-noreset")


def one_run(env: dict[str, str], tmp: Path, picture: Path, run: int) -> tuple[float, ...]:
    """Start one window and return its seconds to Python up, mapped and picture seen."""
    coach = start_coach(env, tmp / "runtime", tmp / "state", tmp / f"coach-{run}.log")
    try:
        coach.send(step_message(picture=str(picture)))
        mapped = coach.next_event("mapped", timeout=20)
        box = mapped["picture"]
        wanted = box[2] * box[3] // 4  # a quarter of the picture's pixels are its first colour

        give_up = time.monotonic() + 10
        while (
            grab(env["DISPLAY"], (box[0], box[1], box[2], box[3])).count_exactly(PICTURE_COLOURS[0])
            < wanted
        ):
            if time.monotonic() > give_up:
                raise AssertionError("the picture was not seen on the screen within 10 s")
            time.sleep(0.002)
        seen = time.monotonic()
        started = coach.events()[0]
        assert started["coach"] == "starting"
        return (
            started["t"] - coach.started,
            mapped["t"] - coach.started,
            seen - coach.started,
        )
    finally:
        coach.close_stdin()
        coach.wait(10)


def main() -> None:
    """Run the windows and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        processes: list[subprocess.Popen[bytes]] = []
        try:
            env = user_env(tmp / "home", tmp / "runtime")
            env["DISPLAY"] = start_xvfb(tmp, processes, SCREEN)
            start_openbox(env, processes, tmp / "openbox.log")
            for name, size in (
                ("352x264 (shown as drawn)", (352, 264)),
                ("1024x768 (1/3)", (1024, 768)),
            ):
                picture = checkerboard(tmp / f"{size[0]}.png", *size)
                one_run(env, tmp, picture, -1)  # the first start reads the files from disk
                figures = [one_run(env, tmp, picture, run) for run in range(arguments.runs)]
                print(f"coach window, picture {name}, {arguments.runs} starts on Xvfb + openbox:")
                for index, label in enumerate(("Python up", "mapped", "picture seen")):
                    values = sorted(f[index] * 1000 for f in figures)
                    print(
                        f"  {label:<13} median {statistics.median(values):6.1f} ms,"
                        f" min {values[0]:6.1f}, max {values[-1]:6.1f}"
                    )
        finally:
            stop_processes(processes)


if __name__ == "__main__":
    main()
