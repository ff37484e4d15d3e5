"""Find out whether a Linux desktop has anything that can show a tray icon."""

import logging
import os
import time
from pathlib import Path
from typing import Any

from backcare_tray.adapters.sni.interfaces import WATCHER as SNI_WATCHER

__all__ = [
    "SNI_HOST",
    "SNI_WATCHER",
    "XEMBED_HOST",
    "sni_programs",
    "tray_hosts",
    "wait_for_sni_watcher",
    "watcher_owner_rule",
]

log = logging.getLogger(__name__)

SNI_HOST = "StatusNotifierItem host"
XEMBED_HOST = "XEmbed system tray"


def _sni_watcher_present() -> bool:
    """Return True when a StatusNotifierItem watcher owns its name on the session bus."""
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    with open_dbus_connection(bus="SESSION") as connection:
        reply = connection.send_and_get_reply(message_bus.NameHasOwner(SNI_WATCHER), timeout=2)
    return bool(reply.body == (True,))


def _xembed_tray_present() -> bool:
    """Return True when an X11 system tray owns the _NET_SYSTEM_TRAY selection."""
    from backcare_tray.adapters.x11_wire import NONE, X11Connection

    with X11Connection() as x11:
        return x11.selection_owner(f"_NET_SYSTEM_TRAY_S{x11.address.screen}") != NONE


def tray_hosts() -> list[str]:
    """Return the first kind of tray host found (StatusNotifierItem first), or none."""
    probes = [(SNI_HOST, _sni_watcher_present)]
    if os.environ.get("DISPLAY"):
        probes.append((XEMBED_HOST, _xembed_tray_present))
    for name, probe in probes:
        try:
            if probe():
                return [name]  # a StatusNotifierItem host decides: no need to load Xlib
        except Exception as error:  # no bus, no display, missing library: not found
            log.debug("Looking for a %s failed: %s", name, error)
    return []


SNI_HOST_PREFIX = "org.kde.StatusNotifierHost-"  # each host's name (Plasma's system tray)


def _program(pid: int) -> str:
    """Return a process's name and id ("gnome-shell, pid 12"), or just the id when hidden."""
    try:
        return f"{Path(f'/proc/{pid}/comm').read_text(encoding='utf-8').strip()}, pid {pid}"
    except OSError:
        return f"pid {pid}"


def sni_programs() -> list[str]:
    """Return which programs own the watcher's name and the hosts' names, for the doctor."""
    from jeepney import MessageType
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    lines = []
    try:
        with open_dbus_connection(bus="SESSION") as connection:
            (names,) = connection.send_and_get_reply(message_bus.ListNames(), timeout=2).body
            for label, prefix in (("watcher", SNI_WATCHER), ("host", SNI_HOST_PREFIX)):
                for name in sorted(n for n in names if n.startswith(prefix)):
                    reply = connection.send_and_get_reply(
                        message_bus.GetConnectionUnixProcessID(name), timeout=2
                    )
                    if reply.header.message_type != MessageType.error:
                        lines.append(f"{label}: {_program(int(reply.body[0]))}")
    except (OSError, TimeoutError, ConnectionError, KeyError) as error:
        log.debug("Asking who hosts the tray failed: %s", error)
    return lines


def watcher_owner_rule() -> Any:
    """Return the match rule for the watcher's name changing owner (a panel starting or going)."""
    from jeepney import MatchRule

    rule = MatchRule(
        type="signal",
        sender="org.freedesktop.DBus",
        interface="org.freedesktop.DBus",
        member="NameOwnerChanged",
        path="/org/freedesktop/DBus",
    )
    rule.add_arg_condition(0, SNI_WATCHER)
    return rule


def wait_for_sni_watcher(timeout: float) -> bool:
    """Wait (on the bus's NameOwnerChanged signal, no polling) for a watcher to start."""
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    rule = watcher_owner_rule()
    try:
        with open_dbus_connection(bus="SESSION") as connection:
            connection.send_and_get_reply(message_bus.AddMatch(rule), timeout=2)
            if connection.send_and_get_reply(
                message_bus.NameHasOwner(SNI_WATCHER), timeout=2
            ).body == (True,):
                return True  # it came between the first look and the match
            with connection.filter(rule) as changes:
                deadline = time.monotonic() + timeout
                while (left := deadline - time.monotonic()) > 0:
                    if connection.recv_until_filtered(changes, timeout=left).body[2]:
                        return True
    except (OSError, TimeoutError, ConnectionError) as error:
        log.debug("Waiting for a StatusNotifierItem watcher ended: %s", error)
    return False
