"""KDE Plasma 5.27 for tests: kwin_x11 and plasmashell on Xvfb, in a session bus of their own.

A fresh home gets Plasma's default layout: one panel along the bottom with the system tray at
its right end. The tray's watcher is kded5's (plasmashell has it loaded), the host and the
notification server are plasmashell's. The tests see the screen through X (python-xlib) and
click with xdotool, as a person would.
"""

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PIL import Image

from support.desktop import (
    Desktop,
    bus_has,
    session_processes,
    start_xvfb,
    stop_processes,
    stop_session,
    user_env,
)
from support.marking import require_desktop_marker
from support.screen import grab
from support.waiting import wait_for

TOOLS = ("plasmashell", "kwin_x11", "kded5", "dbus-run-session", "Xvfb", "xdotool", "xprop")
SCREEN = (1280, 800)
WATCHER = "org.kde.StatusNotifierWatcher"
NOTIFICATIONS = "org.freedesktop.Notifications"
SESSION_SCRIPT = """#!/bin/sh
kwin_x11 > "{kwin_log}" 2>&1 &
printf '%s\\n' "$DBUS_SESSION_BUS_ADDRESS" > "$XDG_RUNTIME_DIR/bus-address.part"
mv "$XDG_RUNTIME_DIR/bus-address.part" "$XDG_RUNTIME_DIR/bus-address"
exec plasmashell
"""


@dataclass(frozen=True)
class Window:
    """A window on the screen: its id, where it is, and what kind it says it is."""

    id: int
    x: int
    y: int
    width: int
    height: int
    kind: str  # the end of _NET_WM_WINDOW_TYPE's first atom: "NORMAL", "POPUP_MENU"...

    @property
    def box(self) -> tuple[int, int, int, int]:
        """Return its left, top, right and bottom edges."""
        return self.x, self.y, self.x + self.width, self.y + self.height


class PlasmaDesktop(Desktop):
    """A running Plasma session: the user's environment and handles on the shell."""

    session: subprocess.Popen[bytes]  # dbus-run-session, leader of the session
    log: Path
    panel: Window

    def screenshot(self) -> Image.Image:
        """Return the whole screen as the X server has it."""
        shot = grab(self.env["DISPLAY"])
        return Image.frombytes("RGB", (shot.width, shot.height), shot.pixels, "raw", "BGRX")

    def click(self, x: int, y: int, button: int = 1) -> None:
        """Move the pointer to a point and click a button there."""
        self.tool("xdotool", "mousemove", str(x), str(y), "click", str(button))

    def windows(self, kind: str | None = None) -> list[Window]:
        """Return plasmashell's mapped windows (of one kind), as the X server lists them."""
        found = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--class", "plasmashell"],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        shown = []
        for window in found:
            with suppress(subprocess.CalledProcessError):  # gone meanwhile
                shown.append(self._window(int(window)))
        return [w for w in shown if kind is None or w.kind == kind]

    def _window(self, window: int) -> Window:
        """Return one window's place and kind."""
        geometry = dict(
            line.split("=", 1)
            for line in self.tool("xdotool", "getwindowgeometry", "--shell", str(window)).split()
        )
        types = self.tool("xprop", "-id", str(window), "_NET_WM_WINDOW_TYPE")
        kind = types.split("_NET_WM_WINDOW_TYPE_")[1].split(",")[0].strip() if "=" in types else ""
        return Window(
            window,
            int(geometry["X"]),
            int(geometry["Y"]),
            int(geometry["WIDTH"]),
            int(geometry["HEIGHT"]),
            kind,
        )

    def session_pids(self, name: str) -> list[int]:
        """Return the processes of the Plasma session running a program of this name."""
        found = []
        for pid in session_processes(self.session.pid):
            with suppress(OSError):
                if Path(f"/proc/{pid}/comm").read_text().strip() == name:
                    found.append(pid)
        return found


def text_rows(image: Image.Image, box: tuple[int, int, int, int]) -> list[tuple[int, int]]:
    """Return the rows of dark text in a light box (a menu), top and bottom of each, on screen.

    Rows closer than 4 px are one (a descender under a line); separators are too light to count.
    """
    left, top, right, bottom = box
    region = image.crop((left + 4, top, right - 4, bottom)).convert("L")
    data, width = region.tobytes(), region.width
    dark = [min(data[y * width : (y + 1) * width]) < 170 for y in range(region.height)]
    rows: list[tuple[int, int]] = []
    for y, inked in enumerate(dark):
        if not inked:
            continue
        if rows and y - rows[-1][1] <= 4:
            rows[-1] = (rows[-1][0], y)
        else:
            rows.append((y, y))
    return [(top + start, top + end) for start, end in rows]


def buttons(image: Image.Image, box: tuple[int, int, int, int]) -> list[tuple[int, int]]:
    """Return the middle of each button along the bottom of a notification popup, left first.

    Plasma draws its buttons white on the popup's grey: the lowest row of the popup with white
    runs at least 20 px wide crosses them all.
    """
    left, top = box[:2]
    region = image.crop(box).convert("L")
    data, width = region.tobytes(), region.width
    for y in range(region.height - 1, -1, -1):
        row = data[y * width : (y + 1) * width]
        runs, start = [], None
        for x, value in enumerate([*row, 0]):
            if value >= 245 and start is None:
                start = x
            elif value < 245 and start is not None:
                if x - start >= 20:
                    runs.append((start, x))
                start = None
        if runs:
            # 6 px above the lowest white row: inside each button, below its text.
            return [(left + (a + b) // 2, top + y - 6) for a, b in runs]
    return []


@contextmanager
def plasma_desktop(tmp: Path) -> Iterator[PlasmaDesktop]:
    """Run kwin_x11 and plasmashell on Xvfb in their own session bus; yield the desktop."""
    require_desktop_marker("plasmashell")
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        raise RuntimeError(f"Plasma tests need {missing}; run `make test` to install them")
    processes: list[subprocess.Popen[bytes]] = []
    session: subprocess.Popen[bytes] | None = None
    home, runtime, log = tmp / "home", tmp / "runtime", tmp / "plasmashell.log"
    env = user_env(home, runtime)
    # Set before the session bus starts: the services it starts (kglobalaccel,
    # kactivitymanagerd) read them, and abort on a desktop they do not know.
    env.update(
        QT_QPA_PLATFORM="xcb",
        XDG_CURRENT_DESKTOP="KDE",
        XDG_SESSION_TYPE="x11",
        KDE_FULL_SESSION="true",
        KDE_SESSION_VERSION="5",
    )
    try:
        env["DISPLAY"] = start_xvfb(tmp, processes, ("-screen", "0", "{}x{}x24".format(*SCREEN)))
        script = tmp / "plasma-session.sh"
        script.write_text(SESSION_SCRIPT.format(kwin_log=tmp / "kwin.log"))
        with open(log, "wb") as out:
            session = subprocess.Popen(
                ["dbus-run-session", "--", "sh", str(script)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        address = runtime / "bus-address"
        wait_for(lambda: address.exists() or session.poll() is not None, 30, "the session bus")
        if session.poll() is not None:
            raise RuntimeError(f"the Plasma session did not start: {log.read_text()}")
        env["DBUS_SESSION_BUS_ADDRESS"] = address.read_text().strip()
        desktop = PlasmaDesktop(env, home, processes)
        desktop.session, desktop.log = session, log
        for name in (WATCHER, NOTIFICATIONS, "org.kde.plasmashell"):
            wait_for(partial(bus_has, env, name), 60, name)

        def panel() -> Window | None:
            wide = [w for w in desktop.windows() if w.width == SCREEN[0] and w.height < 100]
            return wide[0] if wide else None

        found = wait_for(panel, 30, "Plasma's panel")
        assert found is not None
        desktop.panel = found
        yield desktop
    finally:
        if session is not None:
            stop_session(session)
        stop_processes(processes)
