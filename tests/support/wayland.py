"""A real Wayland desktop for tests: headless sway, swaybar's tray and mako on a private bus."""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from support.desktop import BUS_CONFIG, Desktop, bus_has, stop_processes, user_env
from support.marking import require_desktop_marker
from support.waiting import wait_for

TOOLS = ("sway", "swaymsg", "grim", "mako", "setpriv", "dbus-daemon")
UNPRIVILEGED = 65534  # nobody: sway refuses to run as root, which the tests may be
SWAY_CONFIG = """output HEADLESS-1 resolution 1024x768
bar {
    position top
    status_command echo backcare-tray tests
    tray_output *
}
"""


def _as_compositor_user(args: list[str]) -> list[str]:
    """Run as nobody when the tests run as root; as the user otherwise."""
    if os.geteuid() != 0:
        return args
    ids = str(UNPRIVILEGED)
    return ["setpriv", f"--reuid={ids}", f"--regid={ids}", "--clear-groups", *args]


class WaylandDesktop(Desktop):
    """A running sway desktop: the daemon's environment plus handles on the compositor."""

    sway_socket: Path
    compositor_env: dict[str, str]

    def swaymsg(self, command: str) -> str:
        """Send sway a command over its IPC socket."""
        return self.tool("swaymsg", "-s", str(self.sway_socket), command)

    def screenshot(self, x: int, y: int, width: int, height: int) -> Path:
        """Capture part of the output with grim and return the PNG's path."""
        path = self.home / f"grim-{x}-{y}.png"
        subprocess.run(
            ["grim", "-g", f"{x},{y} {width}x{height}", str(path)],
            env=self.compositor_env,
            check=True,
            timeout=10,
        )
        return path


@contextmanager
def sway_desktop(tmp: Path, *, notifications: bool = True) -> Iterator[WaylandDesktop]:
    """Run sway headless (with swaybar) and mako on a private bus; yield the environment."""
    require_desktop_marker("sway")
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        raise RuntimeError(f"Wayland tests need {missing}; run `make test` to install them")
    # The compositor's side lives where the unprivileged user can reach it.
    shared = Path(tempfile.mkdtemp(prefix="backcare-sway-"))
    shared.chmod(0o755)
    runtime = shared / "run"
    runtime.mkdir(mode=0o700)
    (shared / "sway.conf").write_text(SWAY_CONFIG, encoding="utf-8")
    (shared / "bus.conf").write_text(
        BUS_CONFIG.format(tmp=runtime, servicedir=""), encoding="utf-8"
    )
    if os.geteuid() == 0:
        os.chown(runtime, UNPRIVILEGED, UNPRIVILEGED)
    processes: list[subprocess.Popen[bytes]] = []
    compositor_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(runtime),
        "XDG_RUNTIME_DIR": str(runtime),
        "WLR_BACKENDS": "headless",
        "WLR_LIBINPUT_NO_DEVICES": "1",
        "WLR_RENDERER": "pixman",
        "LANG": "C.UTF-8",
    }
    home = tmp / "home"

    def start(args: list[str], log: str) -> subprocess.Popen[bytes]:
        with open(tmp / log, "wb") as out:
            process = subprocess.Popen(
                _as_compositor_user(args), env=compositor_env, stdout=out, stderr=out
            )
        processes.append(process)
        return process

    try:
        bus_command = ["dbus-daemon", f"--config-file={shared / 'bus.conf'}", "--nofork"]
        bus = subprocess.Popen(
            _as_compositor_user([*bus_command, "--print-address=1"]),
            env=compositor_env,
            stdout=subprocess.PIPE,
        )
        processes.append(bus)
        assert bus.stdout is not None
        compositor_env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().decode().strip()
        sway = start(["sway", "-c", str(shared / "sway.conf")], "sway.log")

        def sockets() -> list[Path]:
            return sorted(p for p in runtime.glob("wayland-*") if not p.name.endswith(".lock"))

        wait_for(lambda: sockets() or sway.poll() is not None, 15, "sway's socket")
        if sway.poll() is not None:
            raise RuntimeError(f"sway did not start: {(tmp / 'sway.log').read_text()}")
        wayland = sockets()[0]
        compositor_env["WAYLAND_DISPLAY"] = wayland.name
        wait_for(
            lambda: bus_has(compositor_env, "org.kde.StatusNotifierWatcher"), 15, "swaybar's tray"
        )
        if notifications:
            start(["mako"], "mako.log")
            wait_for(lambda: bus_has(compositor_env, "org.freedesktop.Notifications"), 15, "mako")
        env = {
            **user_env(home, tmp / "runtime"),
            "WAYLAND_DISPLAY": str(wayland),  # an absolute path, as libwayland allows
            "DBUS_SESSION_BUS_ADDRESS": compositor_env["DBUS_SESSION_BUS_ADDRESS"],
        }
        desktop = WaylandDesktop(env, home, processes)
        desktop.sway_socket = next(runtime.glob("sway-ipc.*.sock"))
        desktop.compositor_env = compositor_env
        yield desktop
    finally:
        stop_processes(processes)
        shutil.rmtree(shared, ignore_errors=True)
