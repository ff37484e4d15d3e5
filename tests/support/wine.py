"""Windows Python under Wine on Xvfb, with Wine's virtual desktop, its taskbar and its tray.

`make test` prepares .windows/ of the checkout first (scripts/windows-python prepare): a Wine
prefix, the embeddable Windows CPython and this package's wheel installed into it. Every test
gets its own Windows folders (platformdirs' WIN_PD_OVERRIDE_* variables, TEMP), so nothing
touches the prefix's user; the prefix and its registry are shared, so a test undoes what it
writes there.
"""

import json
import os
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support.desktop import start_xvfb, stop_processes, window_tree
from support.marking import require_desktop_marker
from support.screen import Shot, grab
from support.waiting import wait_for

CHECKOUT = Path(__file__).resolve().parents[2]
WINDOWS = CHECKOUT / ".windows"
PYTHON = WINDOWS / "python" / "python.exe"
PREFIX = WINDOWS / "prefix"
WINE = Path("/usr/lib/wine/wine64")
WINESERVER = Path("/usr/lib/wine/wineserver")
PROBE = Path(__file__).resolve().parent / "win32_windows.py"
SCREEN = (1024, 768)  # the virtual desktop's size, set in the prefix's registry
TASKBAR_HEIGHT = 20  # Wine 8's taskbar along the bottom edge, the tray at its right end
TRAY_BOX = (SCREEN[0] - 200, SCREEN[1] - TASKBAR_HEIGHT, 200, TASKBAR_HEIGHT)
# Wine 8's default menu metrics: a 3 px frame, then items 16 px high (separators 9 px).
MENU_FRAME = 3
MENU_ROW = 16
MENU_SEPARATOR = 9


def windows_path(path: Path) -> str:
    """Return how Windows programs under Wine name a Linux path (drive Z: is /)."""
    return "Z:" + str(path).replace("/", "\\")


def require_windows_python() -> None:
    """Fail (never skip) when the Windows interpreter is missing: `make test` prepares it."""
    for needed in (WINE, WINESERVER, PYTHON):
        if not needed.exists():
            raise RuntimeError(
                f"{needed} is missing: run `scripts/windows-python prepare` (make test does)"
            )


@dataclass
class WineDesktop:
    """A Wine desktop on Xvfb and the environment a Windows program on it runs in."""

    env: dict[str, str]
    tmp: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def local_appdata(self) -> Path:
        """Return the Linux path of this test's LOCALAPPDATA."""
        return self.tmp / "windows" / "Local"

    def python(self, *args: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
        """Run Windows Python with args and return what it did (its streams are pipes)."""
        return self.program(PYTHON, *args, timeout=timeout)

    def program(
        self, exe: Path, *args: str, timeout: float = 60.0
    ) -> subprocess.CompletedProcess[str]:
        """Run a Windows program with args under Wine and return what it did."""
        return subprocess.run(
            [str(WINE), str(exe), *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def cli(self, *args: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
        """Run the installed backcare-tray command in Windows Python."""
        return self.python("-m", "backcare_tray", *args, timeout=timeout)

    def status(self) -> dict[str, Any]:
        """Return the running daemon's status --json, asked over its loopback port."""
        result = self.cli("status", "--json")
        assert result.returncode == 0, result.stdout + result.stderr
        status: dict[str, Any] = json.loads(result.stdout)
        return status

    def spawn(self, *args: str, log: Path) -> subprocess.Popen[bytes]:
        """Start Windows Python with args in the background, its output copied to log."""
        process = subprocess.Popen(
            [str(WINE), str(PYTHON), *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        threading.Thread(target=_copy_output, args=(process, log), daemon=True).start()
        return process

    def balloons(self) -> list[str]:
        """Return the text of every balloon (tooltip window) shown on the desktop now."""
        result = self.python(windows_path(PROBE), "tooltips_class32")
        assert result.returncode == 0, result.stdout + result.stderr
        return [str(window["text"]) for window in json.loads(result.stdout)]

    def reg_query(self, key: str, value: str) -> subprocess.CompletedProcess[str]:
        """Read one registry value with Wine's reg.exe, as `reg query KEY /v VALUE`."""
        return subprocess.run(
            [str(WINE), "reg", "query", key, "/v", value],
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def grab(self, box: tuple[int, int, int, int] | None = None) -> Shot:
        """Return the pixels of the virtual desktop (in box, or all of it)."""
        return grab(self.env["DISPLAY"], box)

    def tool(self, *args: str) -> str:
        """Run an X tool (xdotool, xwininfo) on this display and return its output."""
        return subprocess.run(
            list(args), env=self.env, capture_output=True, text=True, check=True, timeout=10
        ).stdout


def _copy_output(process: subprocess.Popen[bytes], log: Path) -> None:
    """Copy a Windows process's output pipe into a file until it closes."""
    assert process.stdout is not None
    with open(log, "ab") as out:
        for line in process.stdout:
            out.write(line)
            out.flush()


def wine_env(tmp: Path, display: str) -> dict[str, str]:
    """Return the environment of a Windows program with this test's own user folders."""
    roaming, local, temp = (tmp / "windows" / name for name in ("Roaming", "Local", "Temp"))
    for folder in (roaming, local, temp):
        folder.mkdir(parents=True, exist_ok=True)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(tmp)),
        "DISPLAY": display,
        "WINEPREFIX": str(PREFIX),
        "WINEDEBUG": "-all",
        "WINEDLLOVERRIDES": "mscoree,mshtml=;winedbg.exe=d",
        # platformdirs reads these before asking Windows for the user's folders
        "WIN_PD_OVERRIDE_APPDATA": windows_path(roaming),
        "WIN_PD_OVERRIDE_LOCAL_APPDATA": windows_path(local),
        "TEMP": windows_path(temp),
        "TMP": windows_path(temp),
        "PYTHONUTF8": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def start_the_desktop(desktop: WineDesktop, tries: int = 3) -> None:
    """Start a program that keeps Wine's desktop open; return once the desktop is shown."""
    keeper = "import ctypes, time; ctypes.windll.user32.GetDesktopWindow(); time.sleep(3600)"
    problems = []
    for attempt in range(tries):
        log = desktop.tmp / f"keeper-{attempt}.log"
        process = desktop.spawn("-c", keeper, log=log)

        def shown(process: subprocess.Popen[bytes] = process) -> bool:
            return process.poll() is not None or '"shell - Wine desktop"' in window_tree(
                desktop.env
            )

        wait_for(shown, 60, "Wine's virtual desktop")
        if process.poll() is None:
            return
        # a wineserver still ending (the last test's) can turn a new program away
        problems.append(f"exit {process.returncode}: {log.read_text(errors='replace')[-300:]}")
        subprocess.run([str(WINESERVER), "-w"], env=desktop.env, check=False, timeout=60)
    raise RuntimeError(f"Wine's desktop did not start: {problems}")


@contextmanager
def wine_desktop(tmp: Path) -> Iterator[WineDesktop]:
    """Run Xvfb and Wine's virtual desktop with its taskbar; yield it, then stop Wine."""
    require_desktop_marker("Wine")
    require_windows_python()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        display = start_xvfb(tmp, processes, ("-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24"))
        desktop = WineDesktop(wine_env(tmp, display), tmp, processes)
        # The prefix's registry makes the first program open the "shell" desktop; this
        # one stays (it shows the taskbar) until the test ends.
        start_the_desktop(desktop)
        yield desktop
    finally:
        subprocess.run([str(WINESERVER), "-k"], env=wine_env(tmp, ":0"), check=False, timeout=30)
        stop_processes(processes)


@dataclass
class WineDaemon:
    """The daemon running in Windows Python: its process and its log."""

    process: subprocess.Popen[bytes]
    log: Path

    def log_text(self) -> str:
        """Return what the daemon has written so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@contextmanager
def wine_daemon(desktop: WineDesktop, config: Path) -> Iterator[WineDaemon]:
    """Start the daemon with config and yield it once `status` answers; stop it after."""
    log = desktop.tmp / "daemon.log"
    process = desktop.spawn("-m", "backcare_tray", "run", "--config", windows_path(config), log=log)
    daemon = WineDaemon(process, log)
    try:
        wait_for(
            lambda: process.poll() is not None or desktop.cli("status").returncode == 0,
            60,
            "the daemon to answer status",
        )
        assert process.poll() is None, "the daemon stopped as it started"
        yield daemon
    except BaseException as failure:
        failure.add_note(f"daemon log:\n{daemon.log_text()[-4000:]}")
        raise
    finally:
        if process.poll() is None:
            desktop.cli("quit")
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def menu_window(desktop: WineDesktop) -> tuple[int, int, int, int] | None:
    """Return the open popup menu's box (a python.exe window taller than 100 px), if any."""
    for line in window_tree(desktop.env).splitlines():
        if '("python.exe" "python.exe")' not in line:
            continue
        size = line.split(")")[-1].split()[0]  # "202x200+811+548"
        width_height, x, y = size.split("+")[:3]
        width, height = (int(n) for n in width_height.split("x"))
        if height > 100 and width > 100:
            return int(x), int(y), width, height
    return None


def menu_row(menu: tuple[int, int, int, int], index: int, separators: int = 0) -> tuple[int, int]:
    """Return the middle of a menu's item (index counts items, not the separators above it)."""
    x, y, width, _ = menu
    top = y + MENU_FRAME + MENU_ROW * index + MENU_SEPARATOR * separators
    return x + width // 3, top + MENU_ROW // 2


def windows_of(desktop: WineDesktop, program: str) -> list[str]:
    """Return the names of the X windows a Windows program has open (its titles)."""
    return [
        line.split('"')[1]
        for line in window_tree(desktop.env).splitlines()
        if f'("{program}" "{program}")' in line and '"' in line.split("(")[0]
    ]
