"""Do-not-disturb sensing: a fullscreen active window, or the desktop's own do-not-disturb."""

import logging
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from backcare_tray.adapters.sensor import Check, Sensor

if TYPE_CHECKING:
    from backcare_tray.adapters.x11_wire import X11Connection

__all__ = [
    "GNOME_INHIBIT_IDLE",
    "MAKO_QUIET_MODES",
    "WINDOWS_QUIET_STATES",
    "DndSensor",
    "GSettingsReader",
    "dunst_paused",
    "gnome_banners_off",
    "gnome_idle_inhibited",
    "gsettings_get",
    "logind_idle_inhibited",
    "mako_do_not_disturb",
    "notifications_inhibited",
    "windows_quiet",
    "x11_fullscreen_active",
]

log = logging.getLogger(__name__)

# SHQueryUserNotificationState answers that mean "do not disturb": busy (a fullscreen app),
# running a Direct3D fullscreen app, presentation mode, quiet time.
WINDOWS_QUIET_STATES = {2, 3, 4, 6}


def x11_fullscreen_active(connection: "X11Connection | None" = None) -> bool:
    """Return True when the EWMH active window has _NET_WM_STATE_FULLSCREEN (X11 only)."""
    from backcare_tray.adapters.x11_wire import X11Connection

    x11 = connection or X11Connection()
    try:
        active = x11.property_values(x11.root, "_NET_ACTIVE_WINDOW")
        if not active or not active[0]:
            return False
        state = x11.property_values(active[0], "_NET_WM_STATE") or []
        return x11.intern_atom("_NET_WM_STATE_FULLSCREEN") in state
    finally:
        if connection is None:
            x11.close()


def _probe(bus: str, message: Any) -> Any:
    """Send one probing call and return its reply, never starting the service it asks.

    A probe only looks: with NO_AUTO_START the bus answers ServiceUnknown for a service
    that is not running, where it would otherwise start it by bus activation (xfconfd,
    a notification server) just to answer a question about it.
    """
    from jeepney import MessageFlag
    from jeepney.io.blocking import open_dbus_connection

    message.header.flags |= MessageFlag.no_auto_start
    with open_dbus_connection(bus=bus) as connection:
        return connection.send_and_get_reply(message, timeout=2)


def _server_property(interface: str, name: str) -> object:
    """Return a property of the notification server's object, or None where it has none."""
    from jeepney import DBusAddress, MessageType, Properties

    address = DBusAddress(
        "/org/freedesktop/Notifications",
        bus_name="org.freedesktop.Notifications",
        interface=interface,
    )
    reply = _probe("SESSION", Properties(address).get(name))
    if reply.header.message_type == MessageType.error:
        return None  # another server, without this property, or none running
    return reply.body[0][1]


def notifications_inhibited() -> bool:
    """Return the notification server's Inhibited property (False where it has none)."""
    return bool(_server_property("org.freedesktop.Notifications", "Inhibited"))


def xfce_do_not_disturb() -> bool:
    """Return xfce4-notifyd's do-not-disturb setting (xfconf), which drops notifications."""
    from jeepney import DBusAddress, MessageType, new_method_call

    xfconf = DBusAddress(
        "/org/xfce/Xfconf", bus_name="org.xfce.Xfconf", interface="org.xfce.Xfconf"
    )
    call = new_method_call(xfconf, "GetProperty", "ss", ("xfce4-notifyd", "/do-not-disturb"))
    reply = _probe("SESSION", call)
    if reply.header.message_type == MessageType.error:
        return False  # no xfconfd running, or the setting was never made
    return bool(reply.body[0][1])


def dunst_paused() -> bool:
    """Return True while dunst is paused (`dunstctl set-paused true`): it would queue ours."""
    return bool(_server_property("org.dunstproject.cmd0", "paused"))


MAKO_QUIET_MODES = {"do-not-disturb", "dnd"}  # the mode name mako's manual uses, and its short form


def mako_do_not_disturb() -> bool:
    """Return True while mako is in a do-not-disturb mode (`makoctl mode -a do-not-disturb`)."""
    from jeepney import DBusAddress, MessageType, new_method_call

    mako = DBusAddress(
        "/fr/emersion/Mako", bus_name="org.freedesktop.Notifications", interface="fr.emersion.Mako"
    )
    reply = _probe("SESSION", new_method_call(mako, "ListModes"))
    if reply.header.message_type == MessageType.error:
        return False  # another server
    return bool(MAKO_QUIET_MODES & set(reply.body[0]))


GSettingsReader = Callable[[str, str], str]  # (schema, key) -> the value as gsettings prints it


def gsettings_get(schema: str, key: str) -> str:
    """Return a GSettings value as `gsettings get` prints it ("true", "false", "'text'")."""
    result = subprocess.run(
        ["gsettings", "get", schema, key], capture_output=True, text=True, timeout=2, check=True
    )
    return result.stdout.strip()


def gnome_banners_off(
    env: Mapping[str, str] = os.environ, read: GSettingsReader = gsettings_get
) -> bool:
    """Return True in a GNOME session whose notification banners are off (its do-not-disturb)."""
    if "GNOME" not in env.get("XDG_CURRENT_DESKTOP", "").upper():
        return False  # the key is GNOME Shell's; elsewhere it means nothing
    value = read("org.gnome.desktop.notifications", "show-banners")
    if value not in ("true", "false"):
        raise ValueError(f"show-banners is {value!r}, not a boolean")
    return value == "false"


GNOME_INHIBIT_IDLE = 8  # GsmInhibitorFlag: "inhibit the session being marked as idle"


def gnome_idle_inhibited() -> bool:
    """Return True while an application keeps GNOME's session from going idle (a video, slides)."""
    from jeepney import DBusAddress, MessageType, new_method_call

    manager = DBusAddress(
        "/org/gnome/SessionManager", "org.gnome.SessionManager", "org.gnome.SessionManager"
    )
    reply = _probe("SESSION", new_method_call(manager, "IsInhibited", "u", (GNOME_INHIBIT_IDLE,)))
    if reply.header.message_type == MessageType.error:
        return False  # not GNOME
    return bool(reply.body[0])


def logind_idle_inhibited() -> bool:
    """Return True while logind holds a block inhibitor on idle (`systemd-inhibit --what=idle`)."""
    from jeepney import DBusAddress, MessageType, Properties

    manager = DBusAddress(
        "/org/freedesktop/login1", "org.freedesktop.login1", "org.freedesktop.login1.Manager"
    )
    reply = _probe("SYSTEM", Properties(manager).get("BlockInhibited"))
    if reply.header.message_type == MessageType.error:
        return False
    return "idle" in str(reply.body[0][1]).split(":")


def windows_quiet(shell32: Any = None) -> bool:
    """Return True when Windows says notifications should not be shown now."""
    import ctypes

    shell = shell32 or ctypes.windll.shell32  # type: ignore[attr-defined,unused-ignore]
    state = ctypes.c_int(0)
    if shell.SHQueryUserNotificationState(ctypes.byref(state)) != 0:
        return False
    return state.value in WINDOWS_QUIET_STATES


class DndSensor(Sensor):
    """Says whether do-not-disturb is on; each failing check is logged once and counts as off."""

    cannot = "Cannot check do-not-disturb by %s: %s"

    def __init__(
        self,
        platform: str = sys.platform,
        env: Mapping[str, str] = os.environ,
        gsettings: GSettingsReader = gsettings_get,
    ) -> None:
        super().__init__(platform)
        self._env = env
        self._gsettings = gsettings

    def _gnome_banners_off(self) -> bool:
        """Return GNOME's do-not-disturb: its banners hidden (show-banners false)."""
        return gnome_banners_off(self._env, self._gsettings)

    def checks(self) -> list[Check]:
        """Return this platform's do-not-disturb sources, each a name and its check."""
        checks: list[Check] = []
        if self._platform == "win32":
            checks.append(("Windows notification state", windows_quiet))
        elif self._platform != "darwin":
            checks.append(("notification server Inhibited", notifications_inhibited))
            checks.append(("dunst paused", dunst_paused))
            checks.append(("xfce4-notifyd do-not-disturb", xfce_do_not_disturb))
            checks.append(("mako do-not-disturb mode", mako_do_not_disturb))
            # Named for what "on" means: do-not-disturb, which hides GNOME's banners.
            checks.append(("GNOME do not disturb (banners hidden)", self._gnome_banners_off))
            checks.append(("GNOME idle inhibitor", gnome_idle_inhibited))
            checks.append(("logind idle inhibitor", logind_idle_inhibited))
            if self._env.get("DISPLAY"):
                checks.append(("X11 fullscreen window", x11_fullscreen_active))
        return checks
