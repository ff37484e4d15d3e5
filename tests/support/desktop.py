"""A real virtual desktop for tests: Xvfb, a tray (trayer or xfce4-panel), a private bus, dunst."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from support.marking import require_desktop_marker
from support.waiting import holds_within, wait_for

if TYPE_CHECKING:
    from PIL import Image

TOOLS = (
    "Xvfb",
    "xdpyinfo",
    "trayer",
    "xfce4-panel",
    "dunst",
    "dunstctl",
    "dbus-daemon",
    "xdotool",
    "xwininfo",
)
XFCONFD = next(iter(sorted(Path("/usr/lib").glob("*/xfce4/xfconf/xfconfd"))), None)
SNI_WATCHER = "org.kde.StatusNotifierWatcher"
# One panel along the top holding only the system tray plugin, which hosts both
# StatusNotifierItems (it owns org.kde.StatusNotifierWatcher) and XEmbed icons.
XFCE_PANEL_CONFIG = """<?xml version="1.0" encoding="UTF-8"?>
<channel name="xfce4-panel" version="1.0">
  <property name="configver" type="int" value="2"/>
  <property name="panels" type="array">
    <value type="int" value="1"/>
    <property name="panel-1" type="empty">
      <property name="position" type="string" value="p=6;x=0;y=0"/>
      <property name="length" type="uint" value="100"/>
      <property name="position-locked" type="bool" value="true"/>
      <property name="size" type="uint" value="32"/>
      <property name="plugin-ids" type="array">
        <value type="int" value="1"/>
      </property>
    </property>
  </property>
  <property name="plugins" type="empty">
    <property name="plugin-1" type="string" value="systray"/>
  </property>
</channel>
"""
Tray = Literal["trayer", "xfce4-panel"]
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir={tmp}</listen>
  <auth>EXTERNAL</auth>{servicedir}
  <policy context="default">
    <allow user="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def require_tools() -> None:
    """Fail (never skip) when a desktop tool is missing: `make test` installs them."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        raise RuntimeError(f"desktop tests need {missing}; run `make test` to install them")


def command_path() -> str:
    """Return the installed backcare-tray command of this interpreter's environment."""
    require_desktop_marker("the installed backcare-tray command")
    path = Path(sys.executable).parent / "backcare-tray"
    if not path.exists():
        raise RuntimeError(f"{path} is missing: install the package (make test does)")
    return str(path)


@dataclass
class Desktop:
    """A running virtual desktop and the environment a program on it needs."""

    env: dict[str, str]
    home: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    wrap: tuple[str, ...] = ()  # put before every command (nsenter into a namespace, say)

    def run(
        self, *args: str, timeout: float = 15.0, prefix: Sequence[str] = ()
    ) -> subprocess.CompletedProcess[str]:
        """Run the installed backcare-tray with args (after prefix) and return what it did."""
        return subprocess.run(
            [*self.wrap, *prefix, command_path(), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def status(self) -> dict[str, Any]:
        """Return the running daemon's status --json."""
        result = self.run("status", "--json")
        assert result.returncode == 0, result.stderr
        status: dict[str, Any] = json.loads(result.stdout)
        return status

    def spawn(
        self, *args: str, log: Path, command: str | None = None, prefix: Sequence[str] = ()
    ) -> subprocess.Popen[bytes]:
        """Start the installed backcare-tray (or another install's) with args in the background."""
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [*self.wrap, *prefix, command or command_path(), *args],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.processes.append(process)
        return process

    def notifications(self) -> list[dict[str, str]]:
        """Return every notification dunst has shown, oldest first."""
        subprocess.run(["dunstctl", "close-all"], env=self.env, check=True)
        out = subprocess.run(
            ["dunstctl", "history"], env=self.env, capture_output=True, text=True, check=True
        ).stdout
        entries = json.loads(out)["data"][0]
        shown = [
            {
                "summary": e["summary"]["data"],
                "body": e["body"]["data"],
                "appname": e["appname"]["data"],
                "id": e["id"]["data"],
            }
            for e in entries
        ]
        return sorted(shown, key=lambda n: n["id"])

    def tool(self, *args: str) -> str:
        """Run a desktop tool (xdotool, xwininfo...) on this display and return its output."""
        return subprocess.run(
            list(args), env=self.env, capture_output=True, text=True, check=True, timeout=10
        ).stdout


def _start(
    args: list[str],
    env: dict[str, str],
    processes: list[subprocess.Popen[bytes]],
    log: Path | None = None,
) -> subprocess.Popen[bytes]:
    """Start a helper (output to log, or a pipe when there is none) and remember it."""
    if log is None:
        process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    else:
        with open(log, "wb") as out:
            process = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)
    processes.append(process)
    return process


def bus_has(env: dict[str, str], name: str) -> bool:
    """Return True when a name is owned on the session bus."""
    result = subprocess.run(
        [
            "dbus-send",
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            f"string:{name}",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return "boolean true" in result.stdout


def window_tree(env: dict[str, str]) -> str:
    """Return the X window tree of the display."""
    return subprocess.run(
        ["xwininfo", "-root", "-tree"], env=env, capture_output=True, text=True, check=False
    ).stdout


def _docked_icon_line(env: dict[str, str], wm_class: str) -> str | None:
    """Return xwininfo's line for an icon of this class docked in trayer's panel, if any."""
    panel_indent = None
    for line in window_tree(env).splitlines():
        indent = len(line) - len(line.lstrip())
        if '("panel" "trayer")' in line:
            panel_indent = indent
        elif panel_indent is not None and indent <= panel_indent and line.strip():
            panel_indent = None
        elif panel_indent is not None and f'("{wm_class}" "' in line:
            return line
    return None


def docked_icon_name(env: dict[str, str], wm_class: str = "backcare-tray") -> str | None:
    """Return the window name of an icon of this class docked in trayer, if any."""
    line = _docked_icon_line(env, wm_class)
    return None if line is None else line.split('"')[1]


def docked_icon_centre(env: dict[str, str], wm_class: str = "backcare-tray") -> tuple[int, int]:
    """Return the screen position of the middle of the docked icon."""
    line = _docked_icon_line(env, wm_class)
    assert line is not None, "no docked icon"
    match = re.search(r"(\d+)x(\d+)\+-?\d+\+-?\d+\s+\+(-?\d+)\+(-?\d+)", line)
    assert match, line
    width, height, x, y = map(int, match.groups())
    return x + width // 2, y + height // 2


def visible_windows(env: dict[str, str], wm_class: str) -> int:
    """Return how many mapped windows of this class there are (a menu once it is up)."""
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--class", wm_class],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return len(found.stdout.split())


def _x_answers(display: str, xauthority: Path | None = None) -> bool:
    """Return True when an X client can talk to the display."""
    env = {"DISPLAY": display, "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    if xauthority is not None:
        env["XAUTHORITY"] = str(xauthority)
    return subprocess.run(["xdpyinfo"], env=env, capture_output=True, check=False).returncode == 0


def start_xvfb(
    tmp: Path,
    processes: list[subprocess.Popen[bytes]],
    options: tuple[str, ...] = ("-screen", "0", "1024x768x24"),
    xauthority: Path | None = None,
) -> str:
    """Start Xvfb on a free display and return it once clients can connect (three tries)."""
    require_desktop_marker("Xvfb")
    problems = []
    for attempt in range(3):
        log = tmp / f"xvfb-{attempt}.log"
        read_fd, write_fd = os.pipe()
        with open(log, "wb") as out:
            xvfb = subprocess.Popen(
                [
                    "Xvfb",
                    "-displayfd",
                    str(write_fd),
                    *options,
                    "-nolisten",
                    "tcp",
                ],
                pass_fds=(write_fd,),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        processes.append(xvfb)
        os.close(write_fd)
        with os.fdopen(read_fd) as display_pipe:
            display = f":{display_pipe.readline().strip()}"
        server = xvfb  # bound for the check below

        def ready(server: subprocess.Popen[bytes] = server, display: str = display) -> bool:
            return server.poll() is not None or _x_answers(display, xauthority)

        if display != ":" and wait_for(ready, 10, "Xvfb") and xvfb.poll() is None:
            return display
        xvfb.kill()
        problems.append(f"{display}: {log.read_text(errors='replace')[-500:]}")
    raise RuntimeError(f"Xvfb did not start: {problems}")


def _start_bus(
    tmp: Path,
    env: dict[str, str],
    processes: list[subprocess.Popen[bytes]],
    *,
    activatable: bool,
    service_dir: Path | None = None,
) -> str:
    """Start a session bus (with the system's activatable services, service_dir's or none)."""
    config = tmp / "bus.conf"
    servicedir = f"\n  <servicedir>{service_dir}</servicedir>" if service_dir else ""
    config.write_text(BUS_CONFIG.format(tmp=tmp, servicedir=servicedir), encoding="utf-8")
    if activatable:
        config = Path("/usr/share/dbus-1/session.conf")
    bus = _start(
        ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
        env,
        processes,
    )
    assert bus.stdout is not None
    return bus.stdout.readline().decode().strip()


@contextmanager
def private_bus(tmp: Path, service_dir: Path | None = None) -> Iterator[str]:
    """Run a session bus that activates nothing (or only service_dir's services); yield it."""
    require_desktop_marker("dbus-daemon")
    processes: list[subprocess.Popen[bytes]] = []
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    try:
        yield _start_bus(tmp, env, processes, activatable=False, service_dir=service_dir)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=5)


def start_xfce_panel(desktop: "Desktop", log: Path) -> subprocess.Popen[bytes]:
    """Start xfce4-panel and return it once its tray plugin owns the watcher name."""
    panel = _start(["xfce4-panel", "--disable-wm-check"], desktop.env, desktop.processes, log)
    wait_for(
        lambda: bus_has(desktop.env, SNI_WATCHER) or panel.poll() is not None,
        30,
        "xfce4-panel's StatusNotifierWatcher",
    )
    if panel.poll() is not None:
        raise RuntimeError(f"xfce4-panel did not start: {log.read_text(errors='replace')}")
    return panel


def _start_xfce_session(home: Path, env: dict[str, str], processes: list[Any], tmp: Path) -> None:
    """Write the panel's settings where xfconfd reads them and start xfconfd by hand."""
    if XFCONFD is None:
        raise RuntimeError("desktop tests need xfconfd; run `make test` to install xfconf")
    settings = home / ".config/xfce4/xfconf/xfce-perchannel-xml"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "xfce4-panel.xml").write_text(XFCE_PANEL_CONFIG, encoding="utf-8")
    _start([str(XFCONFD)], env, processes, tmp / "xfconfd.log")
    wait_for(lambda: bus_has(env, "org.xfce.Xfconf"), 10, "xfconfd on D-Bus")


def user_env(home: Path, runtime: Path) -> dict[str, str]:
    """Return the environment of a person's session in home (the folders are made)."""
    for folder in (home, runtime):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_STATE_HOME": str(home / ".local/state"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "NO_AT_BRIDGE": "1",
        "LANG": "C.UTF-8",
    }


@contextmanager
def virtual_desktop(
    tmp: Path, *, notification_server: bool = True, tray: Tray | None = "trayer"
) -> Iterator[Desktop]:
    """Run Xvfb + a private session bus (+ a tray, + dunst) and yield the environment."""
    require_desktop_marker("a virtual desktop")
    require_tools()
    processes: list[subprocess.Popen[bytes]] = []
    home = tmp / "home"
    env = user_env(home, tmp / "runtime")
    try:
        env["DISPLAY"] = start_xvfb(tmp, processes)
        # The normal session config makes dunst D-Bus activatable too.
        activatable = notification_server
        env["DBUS_SESSION_BUS_ADDRESS"] = _start_bus(tmp, env, processes, activatable=activatable)
        if tray == "trayer":
            trayer = ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request"]
            _start([*trayer, "--height", "32"], env, processes, tmp / "trayer.log")
        elif tray == "xfce4-panel":
            _start_xfce_session(home, env, processes, tmp)
        if notification_server:
            dunst = _start(["dunst"], env, processes, tmp / "dunst.log")
            owned = wait_for(
                lambda: bus_has(env, "org.freedesktop.Notifications") or dunst.poll() is not None,
                20,
                "dunst on D-Bus",
            )
            if dunst.poll() is not None or not owned:
                raise RuntimeError(f"dunst did not start: {(tmp / 'dunst.log').read_text()}")
        desktop = Desktop(env, home, processes)
        if tray == "trayer":
            wait_for(lambda: '("panel" "trayer")' in window_tree(env), 10, "trayer's panel")
        elif tray == "xfce4-panel":
            start_xfce_panel(desktop, tmp / "xfce4-panel.log")
        yield desktop
    finally:
        stop_processes(processes)


def stop_processes(processes: list[subprocess.Popen[bytes]]) -> None:
    """Stop helpers, newest first: terminate all, then wait (killing what will not go)."""
    for process in reversed(processes):
        if process.poll() is None:
            process.terminate()
    for process in reversed(processes):
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()


def start_openbox(env: dict[str, str], processes: list[subprocess.Popen[bytes]], log: Path) -> None:
    """Start openbox on env's display and return once it manages the screen."""
    require_desktop_marker("openbox")
    process = _start(["openbox", "--sm-disable"], env, processes, log)

    def managing() -> bool:
        root = subprocess.run(
            ["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        return process.poll() is not None or "window id" in root.stdout

    wait_for(managing, 10, "openbox to manage the screen")
    if process.poll() is not None:
        raise RuntimeError(f"openbox did not start: {log.read_text(errors='replace')[-500:]}")


def session_processes(session: int) -> dict[int, int]:
    """Return the processes of a session (setsid's id) still alive, each with its group."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # After the command name in brackets: state, parent, group, session.
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # it ended meanwhile
        if int(fields[3]) == session and fields[0] != "Z":
            found[int(stat.parent.name)] = int(fields[2])
    return found


def stop_session(leader: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """Stop every process of the session leader started (start_new_session), groups included."""
    for signum in (signal.SIGTERM, signal.SIGKILL):
        for group in set(session_processes(leader.pid).values()):
            with suppress(ProcessLookupError):
                os.killpg(group, signum)
        if holds_within(lambda: not session_processes(leader.pid), timeout):
            break
    leader.wait(timeout=5)


Pixels = dict[tuple[int, int], float]  # a position on screen and its hue in degrees


def coloured_pixels(image: "Image.Image", box: tuple[int, int, int, int]) -> Pixels:
    """Return the clearly coloured pixels in box (left, top, right, bottom) and their hues.

    Panels and their symbolic icons are grey, black or white; an application's picture is not.
    """
    import colorsys

    left, top, _, _ = box
    found = {}
    region = image.convert("RGB").crop(box)
    data = region.tobytes()  # RGB, 3 bytes a pixel
    for index in range(region.width * region.height):
        red, green, blue = data[3 * index : 3 * index + 3]
        hue, saturation, value = colorsys.rgb_to_hsv(red / 255, green / 255, blue / 255)
        if saturation > 0.35 and value > 0.15:
            found[(left + index % region.width, top + index // region.width)] = hue * 360
    return found


def hue_distance(first: float, second: float) -> float:
    """Return how far apart two hues are, in degrees around the colour wheel."""
    return min(abs(first - second), 360 - abs(first - second))


def centre(pixels: Pixels) -> tuple[int, int]:
    """Return the middle of the pixels' bounding box."""
    xs = [x for x, _ in pixels]
    ys = [y for _, y in pixels]
    return (min(xs) + max(xs)) // 2, (min(ys) + max(ys)) // 2
