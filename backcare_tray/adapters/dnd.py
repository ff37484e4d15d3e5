"""Do-not-disturb sensing: a fullscreen active window, or the desktop's own do-not-disturb."""

import logging
import os
import sys
from collections.abc import Callable
from typing import Any

__all__ = [
    "MAKO_QUIET_MODES",
    "WINDOWS_QUIET_STATES",
    "DndSensor",
    "dunst_paused",
    "mako_do_not_disturb",
    "notifications_inhibited",
    "windows_quiet",
    "x11_fullscreen_active",
]

log = logging.getLogger(__name__)

# SHQueryUserNotificationState answers that mean "do not disturb": busy (a fullscreen app),
# running a Direct3D fullscreen app, presentation mode, quiet time.
WINDOWS_QUIET_STATES = {2, 3, 4, 6}


def x11_fullscreen_active(display: Any = None) -> bool:
    """Return True when the EWMH active window has _NET_WM_STATE_FULLSCREEN (X11 only)."""
    from Xlib import X
    from Xlib import display as xdisplay

    connection = display or xdisplay.Display()
    try:
        root = connection.screen().root
        active_atom = connection.intern_atom("_NET_ACTIVE_WINDOW")
        active = root.get_full_property(active_atom, X.AnyPropertyType)
        if active is None or not active.value or not active.value[0]:
            return False
        window = connection.create_resource_object("window", active.value[0])
        state = window.get_full_property(connection.intern_atom("_NET_WM_STATE"), X.AnyPropertyType)
        fullscreen = connection.intern_atom("_NET_WM_STATE_FULLSCREEN")
        return state is not None and fullscreen in state.value
    finally:
        if display is None:
            connection.close()


def _server_property(interface: str, name: str) -> object:
    """Return a property of the notification server's object, or None where it has none."""
    from jeepney import DBusAddress, MessageType, Properties
    from jeepney.io.blocking import open_dbus_connection

    address = DBusAddress(
        "/org/freedesktop/Notifications",
        bus_name="org.freedesktop.Notifications",
        interface=interface,
    )
    with open_dbus_connection(bus="SESSION") as connection:
        reply = connection.send_and_get_reply(Properties(address).get(name), timeout=2)
    if reply.header.message_type == MessageType.error:
        return None  # another server, without this property
    return reply.body[0][1]


def notifications_inhibited() -> bool:
    """Return the notification server's Inhibited property (False where it has none)."""
    return bool(_server_property("org.freedesktop.Notifications", "Inhibited"))


def xfce_do_not_disturb() -> bool:
    """Return xfce4-notifyd's do-not-disturb setting (xfconf), which drops notifications."""
    from jeepney import DBusAddress, MessageType, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    xfconf = DBusAddress(
        "/org/xfce/Xfconf", bus_name="org.xfce.Xfconf", interface="org.xfce.Xfconf"
    )
    call = new_method_call(xfconf, "GetProperty", "ss", ("xfce4-notifyd", "/do-not-disturb"))
    with open_dbus_connection(bus="SESSION") as connection:
        reply = connection.send_and_get_reply(call, timeout=2)
    if reply.header.message_type == MessageType.error:
        return False  # no xfconf, or the setting was never made
    return bool(reply.body[0][1])


def dunst_paused() -> bool:
    """Return True while dunst is paused (`dunstctl set-paused true`): it would queue ours."""
    return bool(_server_property("org.dunstproject.cmd0", "paused"))


MAKO_QUIET_MODES = {"do-not-disturb", "dnd"}  # the mode name mako's manual uses, and its short form


def mako_do_not_disturb() -> bool:
    """Return True while mako is in a do-not-disturb mode (`makoctl mode -a do-not-disturb`)."""
    from jeepney import DBusAddress, MessageType, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    mako = DBusAddress(
        "/fr/emersion/Mako", bus_name="org.freedesktop.Notifications", interface="fr.emersion.Mako"
    )
    with open_dbus_connection(bus="SESSION") as connection:
        reply = connection.send_and_get_reply(new_method_call(mako, "ListModes"), timeout=2)
    if reply.header.message_type == MessageType.error:
        return False  # another server
    return bool(MAKO_QUIET_MODES & set(reply.body[0]))


def windows_quiet(shell32: Any = None) -> bool:
    """Return True when Windows says notifications should not be shown now."""
    import ctypes

    shell = shell32 or ctypes.windll.shell32  # type: ignore[attr-defined,unused-ignore]
    state = ctypes.c_int(0)
    if shell.SHQueryUserNotificationState(ctypes.byref(state)) != 0:
        return False
    return state.value in WINDOWS_QUIET_STATES


class DndSensor:
    """Says whether do-not-disturb is on; each failing check is logged once and counts as off."""

    def __init__(self, platform: str = sys.platform) -> None:
        self._platform = platform
        self._failed: set[str] = set()

    def active(self) -> bool:
        """Return True when a due notification should be held back now."""
        checks: list[tuple[str, Callable[[], bool]]] = []
        if self._platform == "win32":
            checks.append(("Windows notification state", windows_quiet))
        elif self._platform != "darwin":
            checks.append(("notification server Inhibited", notifications_inhibited))
            checks.append(("dunst paused", dunst_paused))
            checks.append(("xfce4-notifyd do-not-disturb", xfce_do_not_disturb))
            checks.append(("mako do-not-disturb mode", mako_do_not_disturb))
            if os.environ.get("DISPLAY"):
                checks.append(("X11 fullscreen window", x11_fullscreen_active))
        for name, check in checks:
            try:
                if check():
                    return True
            except Exception as error:  # no bus, no display, no such call
                if name not in self._failed:
                    log.info("Cannot check do-not-disturb by %s: %s", name, error)
                self._failed.add(name)
        return False
