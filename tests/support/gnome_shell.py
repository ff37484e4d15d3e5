"""GNOME Shell 43 for tests: headless Wayland, as an ordinary user, with the AppIndicator extension.

The shell runs in its own session bus (dbus-run-session) with a stand-in system bus, as a user
made for the tests when they run as root (the shell will not run as root). The daemon and every
command run as that user on that bus. The test process reaches the bus too (its config lets
any user connect) and speaks to the shell as a person's tools would: screenshots through
org.gnome.Shell.Screenshot, the pointer through a Mutter RemoteDesktop session. A small
extension of the tests' own says where the shell draws a text (a menu item, a banner's button),
so the clicks land on the real thing; nothing else in the shell is changed.
"""

from __future__ import annotations  # pwd's types in the hints: Windows collects this file too

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import partial
from pathlib import Path
from typing import Any

from jeepney import DBusAddress, MessageType, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from PIL import Image

from support.dbus_service import ExportedService
from support.desktop import Desktop, bus_has, command_path, stop_processes, stop_session
from support.marking import require_desktop_marker
from support.waiting import wait_for

if sys.platform != "win32":  # the shell runs as a user of its own, found by name
    import pwd

TOOLS = ("gnome-shell", "gjs", "gsettings", "dbus-run-session", "dbus-daemon", "runuser", "setpriv")
USER = "backcare-gnome"  # made when the tests run as root, and left for the next run
APPINDICATOR = "ubuntu-appindicators@ubuntu.com"
PROBE = "backcare-tray-probe@tests"
WAYLAND_DISPLAY = "backcare-wayland-0"
SCREEN = (1280, 800)
PANEL = (700, 0, 1280, 30)  # the right of GNOME's top bar, where the indicators are
WATCHER = "org.kde.StatusNotifierWatcher"
NOTIFICATIONS = "org.freedesktop.Notifications"
# GNOME 43's notification server: a gjs service of the shell's that owns the freedesktop name.
NOTIFICATION_SERVICE = "/usr/share/gnome-shell/org.gnome.Shell.Notifications"
BUTTON_LEFT, BUTTON_RIGHT = 0x110, 0x111  # evdev's BTN_LEFT and BTN_RIGHT
ESCAPE = 0xFF1B  # its X keysym
OVERVIEW_SEARCH = "Type to search"  # the overview's search entry, shown only in the overview
SETTINGS = (
    ("org.gnome.shell", "disable-user-extensions", "false"),
    ("org.gnome.shell", "enabled-extensions", f"['{APPINDICATOR}', '{PROBE}']"),
    # No hot corner (the pointer is parked in a corner), no blanking and no lock screen (the
    # extension drops every item at a lock) during a run.
    ("org.gnome.desktop.interface", "enable-hot-corners", "false"),
    ("org.gnome.desktop.session", "idle-delay", "uint32 0"),
    ("org.gnome.desktop.screensaver", "lock-enabled", "false"),
)
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>{kind}</type>
  <listen>unix:dir={folder}</listen>
  <auth>EXTERNAL</auth>{services}
  <policy context="default">
    <allow user="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""
PROBE_METADATA = json.dumps(
    {
        "uuid": PROBE,
        "name": "backcare-tray test probe",
        "description": "Says where the shell draws a text, for backcare-tray's tests.",
        "shell-version": ["43"],
    }
)
# Find(text): the screen box (x, y, width, height) of every mapped text actor showing it.
PROBE_EXTENSION = """/* exported init */
const {Clutter, Gio} = imports.gi;

const PROBE_XML = `<node><interface name="org.backcaretray.ShellProbe">
  <method name="Find"><arg type="s" direction="in"/><arg type="a(dddd)" direction="out"/></method>
</interface></node>`;

class Probe {
    enable() {
        this._exported = Gio.DBusExportedObject.wrapJSObject(PROBE_XML, this);
        this._exported.export(Gio.DBus.session, '/org/backcaretray/ShellProbe');
        this._owner = Gio.bus_own_name_on_connection(Gio.DBus.session,
            'org.backcaretray.ShellProbe', Gio.BusNameOwnerFlags.NONE, null, null);
    }

    disable() {
        Gio.bus_unown_name(this._owner);
        this._exported.unexport();
    }

    Find(text) {
        const found = [];
        const walk = actor => {
            if (!actor.is_mapped())
                return;
            if (actor instanceof Clutter.Text && actor.text === text) {
                const [x, y] = actor.get_transformed_position();
                const [width, height] = actor.get_transformed_size();
                found.push([x, y, width, height]);
            }
            actor.get_children().forEach(walk);
        };
        walk(global.stage);
        return found;
    }
}

function init() {
    return new Probe();
}
"""
SESSION_SCRIPT = """#!/bin/sh
set -e
{settings}
printf '%s\\n' "$DBUS_SESSION_BUS_ADDRESS" > "$XDG_RUNTIME_DIR/bus-address.part"
mv "$XDG_RUNTIME_DIR/bus-address.part" "$XDG_RUNTIME_DIR/bus-address"
exec gnome-shell --headless --wayland --no-x11 --virtual-monitor {width}x{height} \\
    --wayland-display {display}
"""
Box = tuple[float, float, float, float]  # x, y, width, height on screen


class GnomeShell(Desktop):
    """A running GNOME Shell: the user's environment, and the shell's screen and pointer."""

    command: str  # the installed backcare-tray, as the desktop's user can run it
    shell_log: Path
    shared: Path  # the run's folder, reachable by the desktop's user
    session: subprocess.Popen[bytes]  # runuser, leader of the shell's session
    connection: DBusConnection  # the test's own, owning org.gnome.Screenshot
    remote: DBusAddress  # the RemoteDesktop session that moves and clicks the pointer
    pointer: tuple[float, float]
    shots: int = 0

    def run(
        self, *args: str, timeout: float = 15.0, prefix: Sequence[str] = ()
    ) -> subprocess.CompletedProcess[str]:
        """Run the installed backcare-tray as the desktop's user and return what it did."""
        return subprocess.run(
            [*self.wrap, *prefix, self.command, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def spawn(
        self, *args: str, log: Path, command: str | None = None, prefix: Sequence[str] = ()
    ) -> subprocess.Popen[bytes]:
        """Start the installed backcare-tray as the desktop's user in the background."""
        return super().spawn(*args, log=log, command=command or self.command, prefix=prefix)

    def as_user(self, *args: str) -> str:
        """Run a program (gsettings...) as the desktop's user in the session; return its output."""
        return subprocess.run(
            [*self.wrap, *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout

    def gsettings(self, schema: str, key: str, value: str) -> None:
        """Set a GSettings key in the session, as the user would in Settings."""
        self.as_user("gsettings", "set", schema, key, value)

    def call(self, message: Any) -> tuple[Any, ...]:
        """Send a call on the test's connection and return its reply's body."""
        reply = self.connection.send_and_get_reply(message, timeout=10)
        if reply.header.message_type == MessageType.error:
            raise RuntimeError(f"{message.header.fields}: {reply.body}")
        return tuple(reply.body)

    def owner_pid(self, name: str) -> int:
        """Return the process id of the connection owning a bus name."""
        return int(self.call(message_bus.GetConnectionUnixProcessID(name))[0])

    def screenshot(self) -> Image.Image:
        """Return the whole screen as the shell draws it (its own Screenshot call)."""
        self.shots += 1
        path = self.home / f"screenshot-{self.shots}.png"
        shooter = DBusAddress(
            "/org/gnome/Shell/Screenshot",
            "org.gnome.Shell.Screenshot",
            "org.gnome.Shell.Screenshot",
        )
        done, written = self.call(
            new_method_call(shooter, "Screenshot", "bbs", (False, False, str(path)))
        )
        assert done, written
        with Image.open(written) as shot:
            image = shot.convert("RGB")
        Path(written).unlink()
        return image

    def find(self, text: str) -> list[Box]:
        """Return where the shell shows this text now (a label, a button, a menu item)."""
        probe = DBusAddress(
            "/org/backcaretray/ShellProbe",
            "org.backcaretray.ShellProbe",
            "org.backcaretray.ShellProbe",
        )
        return [tuple(box) for box in self.call(new_method_call(probe, "Find", "s", (text,)))[0]]

    def settled(self, text: str, timeout: float = 15) -> Box:
        """Wait until the text is shown in one place that has stopped moving; return it."""
        seen: list[Box] = []

        def still() -> Box | None:
            boxes = self.find(text)
            if len(boxes) != 1 or boxes[0][1] < 0:
                seen.clear()  # not there, twice there, or still sliding in from above
                return None
            seen.append(boxes[0])
            # In the same place for the last four looks (wait_for looks every 0.05 s).
            return boxes[0] if len(seen) >= 4 and len(set(seen[-4:])) == 1 else None

        box = wait_for(still, timeout, f"the shell to show {text!r} in one still place")
        assert box is not None
        return box

    def move_to(self, x: float, y: float) -> None:
        """Move the pointer to a point on screen (as a relative move: no stream is needed)."""
        here_x, here_y = self.pointer
        self._remote("NotifyPointerMotionRelative", "dd", x - here_x, y - here_y)
        self.pointer = (x, y)

    def click(self, x: float, y: float, button: int = BUTTON_LEFT) -> None:
        """Move to a point and press and release a pointer button there."""
        self.move_to(x, y)
        for pressed in (True, False):
            self._remote("NotifyPointerButton", "ib", button, pressed)

    def press_key(self, keysym: int) -> None:
        """Press and release a key (by its X keysym) on the keyboard the shell has focus on."""
        for pressed in (True, False):
            self._remote("NotifyKeyboardKeysym", "ub", keysym, pressed)

    def click_text(self, text: str, button: int = BUTTON_LEFT) -> None:
        """Click the middle of a text the shell shows."""
        x, y, width, height = self.settled(text)
        self.click(x + width / 2, y + height / 2, button)

    def park_pointer(self) -> None:
        """Put the pointer in the bottom right corner, away from menus and banners."""
        self._remote("NotifyPointerMotionRelative", "dd", 2.0 * SCREEN[0], 2.0 * SCREEN[1])
        self.pointer = (SCREEN[0] - 1.0, SCREEN[1] - 1.0)

    def _remote(self, method: str, signature: str, *args: Any) -> None:
        """Send an input event through the RemoteDesktop session."""
        self.call(new_method_call(self.remote, method, signature, args))

    def log_text(self) -> str:
        """Return everything the shell and its session bus have written so far."""
        return self.shell_log.read_text(errors="replace")

    def session_pids(self, name: str) -> list[int]:
        """Return the processes of the shell's session running a program of this name."""
        from support.desktop import session_processes

        found = []
        for pid in session_processes(self.session.pid):
            with suppress(OSError):
                if Path(f"/proc/{pid}/comm").read_text().strip() == name:
                    found.append(pid)
        return found


def _owned_or_ended(env: dict[str, str], name: str, session: subprocess.Popen[bytes]) -> bool:
    """Return True once the name is owned on the session's bus, or the session has ended."""
    return bus_has(env, name) or session.poll() is not None


def js_errors(log: str) -> list[str]:
    """Return each JS ERROR the shell logged, with the stack lines that follow it."""
    return [block.strip() for block in re.split(r"\n\s*\n", log) if "JS ERROR" in block]


# The extension's own race (v46), for any item registered by its bus name that leaves: it
# looks at the item 500 ms after destroying it. It is not about anything the item exports.
EXTENSION_EXIT_RACE = "TypeError: this._proxy is undefined\nget hasNameOwner@"


def errors_about_items(log: str) -> list[str]:
    """Return the shell's JS ERRORs about a tray item: the extension's (but its exit race)."""
    return [
        error
        for error in js_errors(log)
        if (APPINDICATOR in error and EXTENSION_EXIT_RACE not in error)
        or any(word in error for word in ("backcare", "AccessibleDesc"))
    ]


@contextmanager
def item_without_accessible_desc(shell: GnomeShell) -> Iterator[ExportedService]:
    """Register a stand-in item the extension cannot read IconAccessibleDesc from; yield it."""
    name = "org.kde.StatusNotifierItem-424242-1"
    properties = {
        "Category": ("s", "ApplicationStatus"),
        "Id": ("s", "stand-in"),
        "Title": ("s", "Stand-in"),
        "Status": ("s", "Active"),
        "IconName": ("s", "dialog-information"),
        "ItemIsMenu": ("b", False),
        "Menu": ("o", "/NO_DBUSMENU"),
    }

    def answer(
        path: str, interface: str, member: str, body: tuple[Any, ...]
    ) -> tuple[str, tuple[Any, ...]] | None:
        if member == "GetAll":
            return "a{sv}", (properties,)
        if member == "Get" and body[1] in properties:
            return "v", (properties[body[1]],)
        return None  # an error, for IconAccessibleDesc among others

    service = ExportedService(name, answer, bus=shell.env["DBUS_SESSION_BUS_ADDRESS"])
    try:
        watcher = DBusAddress("/StatusNotifierWatcher", WATCHER, WATCHER)
        shell.call(new_method_call(watcher, "RegisterStatusNotifierItem", "s", (name,)))
        yield service
    finally:
        service.close()


def _user() -> pwd.struct_passwd:
    """Return the ordinary user the shell runs as: the tests' own (made once) under root."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid())
    try:
        return pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--no-create-home", "--home-dir", "/nonexistent", "--shell",
             "/usr/sbin/nologin", "--comment", "backcare-tray GNOME Shell tests", USER],
            check=True,
        )  # fmt: skip
        return pwd.getpwnam(USER)


def _wrap(user: pwd.struct_passwd) -> tuple[str, ...]:
    """Return the prefix that runs a command as the user, keeping pid and environment."""
    if user.pw_uid == os.geteuid():
        return ()
    ids = (f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups")
    return ("setpriv", *ids, "--")


def _user_command(wrap: tuple[str, ...], env: dict[str, str], shared: Path) -> str:
    """Return the installed command as the user can run it: this venv's, or a copy of it.

    A clone under a folder only its owner may enter (root's home in CI) hides the venv from
    the desktop's user; then the installed distributions are copied, file by file as their
    RECORDs list them, into a venv of the same interpreter in the run's shared folder.
    """
    command = command_path()
    tried = subprocess.run([*wrap, command, "--version"], env=env, capture_output=True, check=False)
    if tried.returncode == 0:
        return command
    venv = shared / "venv"
    base = Path(sys.base_prefix, "bin", "python{}.{}".format(*sys.version_info))
    subprocess.run(
        [str(base), "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], check=True
    )
    (site,) = venv.glob("lib/python*/site-packages")
    here = Path(sysconfig.get_paths()["purelib"])
    wanted, copied = ["backcare-tray"], set()
    while wanted:
        name = re.split(r"[^A-Za-z0-9._-]", wanted.pop(), maxsplit=1)[0].lower()
        if name in copied:
            continue
        copied.add(name)
        try:
            distribution = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        if Path(str(distribution.locate_file(""))).resolve() != here.resolve():
            continue  # a system package: the new venv sees it too
        wanted += [r for r in distribution.requires or [] if "extra ==" not in r]
        for file in distribution.files or []:
            if not str(file).startswith(".."):
                target = site / file
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(here / file, target)
    script = venv / "bin" / "backcare-tray"
    lines = Path(command).read_text().splitlines(keepends=True)
    script.write_text(f"#!{venv / 'bin' / 'python3'}\n" + "".join(lines[1:]))
    script.chmod(0o755)
    return str(script)


def _start_system_bus(
    wrap: tuple[str, ...], folder: Path, processes: list[subprocess.Popen[bytes]]
) -> str:
    """Start the stand-in system bus (the shell will not start without one); return it."""
    config = folder / "system-bus.conf"
    config.write_text(BUS_CONFIG.format(kind="system", folder=folder, services=""))
    bus = subprocess.Popen(
        [*wrap, "dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
    )
    processes.append(bus)
    assert bus.stdout is not None
    return bus.stdout.readline().decode().strip()


def _session_env(user: pwd.struct_passwd, home: Path, runtime: Path) -> dict[str, str]:
    """Return the environment of the user's GNOME session (without its bus, not known yet)."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "USER": user.pw_name,
        "LOGNAME": user.pw_name,
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_STATE_HOME": str(home / ".local/state"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CURRENT_DESKTOP": "GNOME",
        "XDG_SESSION_DESKTOP": "gnome",
        "XDG_SESSION_TYPE": "wayland",
        "LANG": "C.UTF-8",
    }


def _prepare(shared: Path, user: pwd.struct_passwd) -> tuple[Path, Path]:
    """Make the user's home (with the probe extension) and runtime folder; return both."""
    home, runtime = shared / "home", shared / "run"
    extension = home / ".local/share/gnome-shell/extensions" / PROBE
    extension.mkdir(parents=True)
    (extension / "metadata.json").write_text(PROBE_METADATA)
    (extension / "extension.js").write_text(PROBE_EXTENSION)
    runtime.mkdir(mode=0o700)
    for folder in (home, runtime):
        folder.chmod(0o700)
        for path in (folder, *folder.rglob("*")):
            os.chown(path, user.pw_uid, user.pw_gid)
    return home, runtime


@contextmanager
def gnome_shell(logs: Path) -> Iterator[GnomeShell]:
    """Run GNOME Shell headless with the AppIndicator extension; yield its desktop.

    The shell's output is copied into logs at the end, whatever happens.
    """
    require_desktop_marker("gnome-shell")
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not Path("/usr/share/gnome-shell/extensions", APPINDICATOR).is_dir():
        missing.append("gnome-shell-extension-appindicator")
    if missing:
        raise RuntimeError(f"GNOME Shell tests need {missing}; run `make test` to install them")
    user = _user()
    wrap = _wrap(user)
    # Everything the user needs lives here: pytest's own folders are root's alone (0700).
    shared = Path(tempfile.mkdtemp(prefix="backcare-gnome-"))
    shared.chmod(0o755)
    processes: list[subprocess.Popen[bytes]] = []
    session: subprocess.Popen[bytes] | None = None
    connection: DBusConnection | None = None
    shell_log = shared / "gnome-shell.log"
    try:
        home, runtime = _prepare(shared, user)
        env = _session_env(user, home, runtime)
        env["DBUS_SYSTEM_BUS_ADDRESS"] = _start_system_bus(wrap, runtime, processes)
        (shared / "session-bus.conf").write_text(
            BUS_CONFIG.format(
                kind="session", folder=runtime, services="\n  <standard_session_servicedirs/>"
            )
        )
        settings = "\n".join(f'gsettings set {s} {k} "{v}"' for s, k, v in SETTINGS)
        script = shared / "session.sh"
        script.write_text(
            SESSION_SCRIPT.format(
                settings=settings, width=SCREEN[0], height=SCREEN[1], display=WAYLAND_DISPLAY
            )
        )
        runuser = ("runuser", "-u", user.pw_name, "--") if wrap else ()
        with open(shell_log, "wb") as out:
            session = subprocess.Popen(
                [*runuser, "env", "-i", *(f"{k}={v}" for k, v in env.items()), "dbus-run-session",
                 f"--config-file={shared / 'session-bus.conf'}", "--", "sh", str(script)],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        address_file = runtime / "bus-address"
        wait_for(lambda: address_file.exists() or session.poll() is not None, 30, "the bus")
        if session.poll() is not None:
            raise RuntimeError(f"the GNOME session did not start: {shell_log.read_text()}")
        env["DBUS_SESSION_BUS_ADDRESS"] = address_file.read_text().strip()
        env["WAYLAND_DISPLAY"] = WAYLAND_DISPLAY
        for name in (WATCHER, NOTIFICATIONS, "org.backcaretray.ShellProbe"):
            wait_for(partial(_owned_or_ended, env, name, session), 30, name)
            if session.poll() is not None:
                raise RuntimeError(f"GNOME Shell stopped: {shell_log.read_text()[-3000:]}")
        connection = open_dbus_connection(bus=env["DBUS_SESSION_BUS_ADDRESS"])
        desktop = GnomeShell(env, home, processes, wrap)
        desktop.command = _user_command(wrap, env, shared)
        desktop.shell_log, desktop.shared, desktop.session = shell_log, shared, session
        desktop.connection = connection
        # The screenshot interface answers only a caller owning a screenshot tool's name.
        desktop.call(message_bus.RequestName("org.gnome.Screenshot"))
        mutter = DBusAddress(
            "/org/gnome/Mutter/RemoteDesktop",
            "org.gnome.Mutter.RemoteDesktop",
            "org.gnome.Mutter.RemoteDesktop",
        )
        (path,) = desktop.call(new_method_call(mutter, "CreateSession"))
        desktop.remote = DBusAddress(path, mutter.bus_name, f"{mutter.interface}.Session")
        desktop.call(new_method_call(desktop.remote, "Start"))
        desktop.park_pointer()
        # A session starts in the overview (GNOME 40 and later): leave it, as a person would.
        desktop.settled(OVERVIEW_SEARCH, 30)
        desktop.press_key(ESCAPE)
        wait_for(lambda: not desktop.find(OVERVIEW_SEARCH), 10, "the overview to close")
        yield desktop
    finally:
        if connection is not None:
            connection.close()
        if session is not None:
            stop_session(session)
        stop_processes(processes)
        with suppress(OSError):
            shutil.copy(shell_log, logs / "gnome-shell.log")
        shutil.rmtree(shared, ignore_errors=True)
