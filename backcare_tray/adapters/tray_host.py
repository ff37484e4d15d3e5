"""Find out whether a Linux desktop has anything that can show a tray icon."""

import logging
import os
import time
from typing import Any

from backcare_tray.adapters.sni.interfaces import WATCHER as SNI_WATCHER

__all__ = [
    "SNI_HOST",
    "SNI_WATCHER",
    "XEMBED_HOST",
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
