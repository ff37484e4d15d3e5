"""Measure the daemon idle, during a guided stretch and after it, on a virtual desktop; print it."""

# Run as `python benchmarks/routine_footprint.py` from the environment whose backcare-tray is to
# be measured (the pipx-like .venv-bare for a user's figure). The daemon starts on Xvfb with a
# tray and dunst, sits idle with someone at the desk, then runs one whole guided routine
# (`backcare-tray start`, the first stretch of the rotation) to its end. Printed: USS at the end
# of the idle window, the highest USS seen during the routine and USS after it, and the CPU
# seconds the daemon used per minute of routine. The coach window and the sound players are
# processes of their own and are not counted in the daemon's figures.

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from idle_footprint import cpu_and_switches, memory  # noqa: E402
from support.desktop import command_path, virtual_desktop  # noqa: E402
from support.waiting import wait_for  # noqa: E402


def main() -> None:
    """Run the daemon idle, then through one routine; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--idle-seconds", type=float, default=60.0)
    parser.add_argument("--tray", choices=["trayer", "xfce4-panel"], default="xfce4-panel")
    parser.add_argument("--cues", choices=["chime", "voice", "off"], default="chime")
    parser.add_argument("--no-window", action="store_true", help="no coach window")
    parser.add_argument(
        "--language", default="", help="[general] language, e.g. de (default: none)"
    )
    parser.add_argument(
        "--no-config", action="store_true", help="no config file (for releases before [sound])"
    )
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        virtual_desktop(Path(tmp), tray=args.tray) as desktop,
    ):
        log = Path(tmp) / "daemon.log"
        config = Path(tmp) / "config.toml"
        window = "false" if args.no_window else "true"
        language = f'[general]\nlanguage = "{args.language}"\n' if args.language else ""
        config.write_text(f'{language}[sound]\ncues = "{args.cues}"\n[guide]\nwindow = {window}\n')
        config_args = [] if args.no_config else ["--config", str(config)]
        with open(log, "wb") as output:
            daemon = subprocess.Popen(
                [command_path(), "run", *config_args],
                env=desktop.env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for(lambda: desktop.run("status").returncode == 0, 30, "daemon status")
            window_end = time.monotonic() + args.idle_seconds
            while time.monotonic() < window_end:  # someone at the desk: a nudge a minute
                desktop.tool("xdotool", "mousemove_relative", "--", "1", "1")
                time.sleep(min(60.0, max(0.0, window_end - time.monotonic())))
            idle = memory(daemon.pid)["uss"]
            cpu_before = cpu_and_switches(daemon.pid)[0]
            started = time.monotonic()
            assert desktop.run("start").returncode == 0, "start was refused"
            peak = idle
            while desktop.status()["state"] == "stretching":
                peak = max(peak, memory(daemon.pid)["uss"])
                time.sleep(0.5)  # the sampling period, not a wait for a condition
            minutes = (time.monotonic() - started) / 60
            cpu = cpu_and_switches(daemon.pid)[0] - cpu_before
            after = memory(daemon.pid)["uss"]
        finally:
            daemon.terminate()
            daemon.wait(timeout=15)
    print(
        f"tray {args.tray}; idle window {args.idle_seconds:.0f} s; routine {minutes:.2f} min; "
        f"cues {args.cues}; coach window {'off' if args.no_window else 'on'}; "
        f"language {args.language or 'the desktop default'}"
    )
    print(f"{'USS MiB idle':34} {idle:8.1f}")
    print(f"{'USS MiB during the routine (peak)':34} {peak:8.1f}")
    print(f"{'USS MiB after the routine':34} {after:8.1f}")
    print(f"{'CPU s per routine minute':34} {cpu / minutes:8.2f}")


if __name__ == "__main__":
    main()
