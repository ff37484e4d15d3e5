"""Measure how fast the daemon answers a notification button, and how late a break is shown."""

# Run with `make bench`. The installed daemon runs on a virtual desktop whose session bus has a
# recording notification server (the tests' one): it timestamps every Notify call and presses
# buttons the way a server does (ActionInvoked, then NotificationClosed, to the caller only).
#
# - Button press to new state: from the press until the daemon's Notify of the new state
#   (snoozed, counted, or the guided routine) arrives. The state changed before that call, so
#   this is an upper bound.
# - Deadline to notification: from the deadline until the due Notify arrives. The deadline is
#   at least the press that set it plus the interval, so this is an upper bound too.

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.desktop import Desktop, virtual_desktop  # noqa: E402
from support.notification_service import NotifyCall, RecordingNotificationServer  # noqa: E402
from support.waiting import wait_for  # noqa: E402

CONFIG = """\
[schedule]
sitting_interval = "{seconds}s"
snooze = "{seconds}s"
remind_every = "0s"
"""


def next_notice(server: RecordingNotificationServer, after: int, title_start: str) -> NotifyCall:
    """Wait for a Notify call after the first `after` calls whose title starts so."""
    found = wait_for(
        lambda: [c for c in server.calls()[after:] if c.summary.startswith(title_start)],
        30,
        f"a notification starting {title_start!r}",
    )
    return found[0]


def run_rounds(
    desktop: Desktop, server: RecordingNotificationServer, rounds: int, seconds: int
) -> None:
    """Answer breaks by button and print the figures."""
    presses: dict[str, list[float]] = {"snooze": [], "done": [], "start": []}
    lateness: list[float] = []
    due = next_notice(server, 0, "Time to stretch")
    for _ in range(rounds):
        for key, answer_title in (("snooze", "Snoozed"), ("done", "Stretch counted")):
            seen = len(server.calls())
            pressed = server.click(key)
            answer = next_notice(server, seen, answer_title)
            presses[key].append(answer.at - pressed)
            due = next_notice(server, seen, "Time to stretch")
            lateness.append(due.at - (pressed + seconds))
        seen = len(server.calls())
        pressed = server.click("start")
        routine = next_notice(server, seen, "")  # the guided routine's first step
        presses["start"].append(routine.at - pressed)
        assert desktop.run("done").returncode == 0
        due = next_notice(server, len(server.calls()), "Time to stretch")
    print(f"{rounds} rounds on the recording server; every figure is an upper bound")
    for key, values in presses.items():
        print(
            f"button {key:<7} to new state: median {statistics.median(values) * 1000:6.1f} ms, "
            f"max {max(values) * 1000:6.1f} ms ({len(values)} presses)"
        )
    print(
        f"deadline to notification:    median {statistics.median(lateness) * 1000:6.1f} ms, "
        f"max {max(lateness) * 1000:6.1f} ms ({len(lateness)} breaks)"
    )


def main() -> None:
    """Run the daemon with a 2 s interval and snooze, and answer its breaks by button."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    seconds = 2
    with (
        tempfile.TemporaryDirectory() as tmp,
        virtual_desktop(Path(tmp), notification_server=False) as desktop,
    ):
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = desktop.env["DBUS_SESSION_BUS_ADDRESS"]
        server = RecordingNotificationServer(with_actions=True)
        config = desktop.home / "bench.toml"
        config.write_text(CONFIG.format(seconds=seconds), encoding="utf-8")
        process = desktop.spawn("run", "--config", str(config), log=desktop.home / "d.log")
        try:
            run_rounds(desktop, server, args.rounds, seconds)
        finally:
            desktop.run("quit")
            process.wait(timeout=10)
            server.close()


if __name__ == "__main__":
    main()
