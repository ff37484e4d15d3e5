"""Time the window from the request to its page drawn, over a year of history."""

# A daemon (`run --no-tray`) runs on Xvfb with openbox and a year of synthetic history. Each
# run asks it over the control socket for a page, the very command a tray click gives, and
# reads the window's own debug lines (time.monotonic, the same clock as this process's on
# Linux): "page" is the page laid out on the screen, "progress drawn" the figures and charts
# in place once the history is read. The window is then ended and the next run opens a new
# one. Aim: under 0.5 s to the page drawn.

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from stats_speed import fill  # noqa: E402
from support.desktop import start_openbox, start_xvfb, stop_processes, user_env  # noqa: E402

from backcare_tray.adapters.control.client import endpoint_for, send_request  # noqa: E402
from backcare_tray.commands import Command, CommandName  # noqa: E402

SCREEN = ("-screen", "0", "1280x900x24", "-noreset")
DAYS = 365


def lines_of(log: Path) -> list[dict[str, object]]:
    """Return the window's debug lines so far."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in text.splitlines() if line.startswith('{"window"')]


def wait_line(log: Path, name: str, page: str | None = None) -> float:
    """Wait for a debug line of the window and return its time."""
    give_up = time.monotonic() + 20
    while time.monotonic() < give_up:
        for line in lines_of(log):
            if line["window"] == name and (page is None or line.get("page") == page):
                return float(str(line["t"]))
        time.sleep(0.005)
    raise AssertionError(f"the window did not say {name!r} within 20 s")


def one_run(runtime: Path, page: CommandName) -> tuple[float, float | None]:
    """Open the window at a page and return its seconds to the page drawn and to the figures."""
    log = runtime / "window.log"
    log.unlink(missing_ok=True)
    asked = time.monotonic()
    reply = send_request(endpoint_for(runtime, sys.platform), Command(page))
    assert reply.get("ok"), reply
    drawn = wait_line(log, "page", page) - asked
    filled = wait_line(log, "progress drawn") - asked if page == "progress" else None
    status = send_request(endpoint_for(runtime, sys.platform), Command("status"))
    pid = status["status"]["window"]["pid"]
    os.kill(pid, 15)
    give_up = time.monotonic() + 10
    while send_request(endpoint_for(runtime, sys.platform), Command("status"))["status"]["window"][
        "open"
    ]:
        if time.monotonic() > give_up:
            raise AssertionError("the window did not close")
        time.sleep(0.01)
    return drawn, filled


def main() -> None:
    """Start the desktop and the daemon, then time the window's pages."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        env = user_env(tmp / "home", tmp / "runtime")
        env["BACKCARE_TRAY_WINDOW_DEBUG"] = "1"
        events = fill(tmp / "home" / ".local" / "share" / "backcare-tray" / "history.sqlite3", DAYS)
        try:
            env["DISPLAY"] = start_xvfb(tmp, processes, SCREEN)
            start_openbox(env, processes, tmp / "openbox.log")
            command = str(Path(sys.executable).parent / "backcare-tray")
            with open(tmp / "daemon.log", "wb") as out:
                daemon = subprocess.Popen(
                    [command, "run", "--no-tray"], env=env, stdout=out, stderr=out
                )
            processes.append(daemon)
            runtime = tmp / "runtime" / "backcare-tray"
            give_up = time.monotonic() + 20
            while not (runtime / "control.sock").exists():
                if time.monotonic() > give_up:
                    raise AssertionError("the daemon did not start")
                time.sleep(0.05)
            print(f"window, {arguments.runs} opens each, {events} events ({DAYS} days) of history:")
            for page in ("settings", "progress", "stretches"):
                runs = [one_run(runtime, page) for _ in range(arguments.runs)]
                drawn = [run[0] for run in runs]
                line = f"  {page:<10} page drawn: median {statistics.median(drawn):.3f} s, "
                line += f"worst {max(drawn):.3f} s"
                filled = [run[1] for run in runs if run[1] is not None]
                if filled:
                    line += f"; figures in: median {statistics.median(filled):.3f} s, "
                    line += f"worst {max(filled):.3f} s"
                print(line)
        finally:
            stop_processes(processes)


if __name__ == "__main__":
    main()
