"""The StatusNotifierItem and its dbusmenu served on the session bus, over jeepney."""

# Threads: jeepney's router reads the connection on its own thread and queues the calls
# made to us; serve() answers them on the thread that calls it. The shown values may change
# from any thread: the objects take them under their lock and a signal tells the hosts,
# which then read again. The service registers with the watcher when shown and again each
# time a watcher starts (a panel restarted).

import contextlib
import logging
import os
import queue
import threading
from typing import Any

from backcare_tray.adapters.sni.interfaces import (
    DBUSMENU,
    ITEM,
    ITEM_PATH,
    MENU_PATH,
    PROPERTIES,
    WATCHER,
    WATCHER_PATH,
)
from backcare_tray.adapters.sni.objects import ItemObjects, Refusal
from backcare_tray.adapters.sni.pictures import Picture
from backcare_tray.adapters.tray_host import watcher_owner_rule

__all__ = ["CALL_TIMEOUT", "QUEUE_LENGTH", "ItemService"]

log = logging.getLogger(__name__)

CALL_TIMEOUT = 2.0  # seconds for each call this item makes (name, match, registration)
QUEUE_LENGTH = 64  # calls waiting to be answered; a flood beyond this is dropped


class ItemService:
    """One StatusNotifierItem with its menu on the session bus, until closed."""

    def __init__(self, objects: ItemObjects) -> None:
        from jeepney import MatchRule
        from jeepney.bus_messages import message_bus
        from jeepney.io.threading import open_dbus_connection

        from backcare_tray.adapters.dbus_router import SturdyRouter

        self._objects = objects
        self._stopping = threading.Event()
        self._calls: queue.Queue[Any] = queue.Queue(maxsize=QUEUE_LENGTH)
        self._bus_name = f"org.kde.StatusNotifierItem-{os.getpid()}-1"
        self._owns_name = False
        self._connection = open_dbus_connection(bus="SESSION")
        self._router = SturdyRouter(self._connection)
        self._filters = [
            self._router.filter(MatchRule(type="method_call"), queue=self._calls),
            self._router.filter(watcher_owner_rule(), queue=self._calls),
        ]
        try:
            self._call(message_bus.AddMatch(watcher_owner_rule()))
        except Exception:
            self.close()
            raise

    @property
    def bus_name(self) -> str:
        """The well-known name the item is exported under."""
        return self._bus_name

    # Serving ---------------------------------------------------------------------------

    def serve(self) -> None:
        """Answer calls until stopped."""
        while not self._stopping.is_set():
            message = self._calls.get()
            if message is None:
                continue
            try:
                self._handle(message)
            except Exception:  # one odd message must not end the tray
                log.exception("Could not handle a message to the tray icon")

    def stop(self) -> None:
        """End serve()."""
        self._stopping.set()
        with contextlib.suppress(queue.Full):  # a busy loop sees the flag after the call in hand
            self._calls.put_nowait(None)

    def close(self) -> None:
        """Close the connection: the item leaves the tray."""
        for handle in self._filters:
            handle.close()
        self._router.close()
        self._connection.close()

    def show(self) -> None:
        """Take the item's bus name and register it with the watcher."""
        from jeepney.bus_messages import message_bus

        if not self._owns_name:
            reply = self._call(message_bus.RequestName(self._bus_name, 4))  # do not queue
            if reply != (1,):  # 1: primary owner
                raise RuntimeError(f"could not own {self._bus_name} on the session bus: {reply}")
            self._owns_name = True
        self._register()

    def hide(self) -> None:
        """Give up the bus name: the watcher drops the item."""
        from jeepney.bus_messages import message_bus

        if self._owns_name:
            self._owns_name = False
            try:
                self._call(message_bus.ReleaseName(self._bus_name))
            except Exception as error:
                log.debug("Could not release %s: %s", self._bus_name, error)

    # What is shown ---------------------------------------------------------------------

    @property
    def status(self) -> str:
        """The item's Status: Active, or NeedsAttention to ask the host to show it."""
        return self._objects.status

    @status.setter
    def status(self, value: str) -> None:
        if self._objects.set_status(value):
            self._signal(ITEM_PATH, ITEM, "NewStatus", "s", (value,))

    def set_picture(self, picture: Picture) -> None:
        """Export a new picture; say so."""
        self._objects.set_picture(picture)
        self._signal(ITEM_PATH, ITEM, "NewIcon")
        self._signal(ITEM_PATH, ITEM, "NewAttentionIcon")  # the same picture (swaybar uses it)

    def set_title(self, title: str) -> None:
        """Export a new title, tooltip and accessible description; say so when they changed."""
        # The spec has no New* signal of its own for the accessible descriptions: hosts that
        # read everything again on any signal (Plasma) get them with NewToolTip; GNOME's
        # AppIndicator extension, a property cache, takes PropertiesChanged's values (and
        # reads IconAccessibleDesc again after NewIcon). No NewIcon here: it would have every
        # host fetch the pixmaps again each minute for a change of words.
        if self._objects.set_title(title):
            self._signal(ITEM_PATH, ITEM, "NewTitle")
            self._signal(ITEM_PATH, ITEM, "NewToolTip")
            description = ("s", self._objects.description)
            changed = {"IconAccessibleDesc": description, "AttentionAccessibleDesc": description}
            self._signal(
                ITEM_PATH, PROPERTIES, "PropertiesChanged", "sa{sv}as", (ITEM, changed, [])
            )

    def set_menu(self, menu: Any) -> None:
        """Export a menu; a host is told only when its shape changed."""
        revision = self._objects.set_menu(menu)
        if revision is not None:
            self._signal(MENU_PATH, DBUSMENU, "LayoutUpdated", "ui", (revision, 0))

    # D-Bus ----------------------------------------------------------------------------

    def _call(self, message: Any) -> tuple[Any, ...]:
        """Send a method call and return its reply's body; an error reply raises."""
        from jeepney import HeaderFields, MessageType

        reply = self._router.send_and_get_reply(message, timeout=CALL_TIMEOUT)
        if reply.header.message_type == MessageType.error:
            name = reply.header.fields.get(HeaderFields.error_name, "error")
            raise RuntimeError(f"{name}: {reply.body}")
        return tuple(reply.body)

    def _register(self) -> None:
        """Register the item with the watcher; a missing watcher is logged, never raised."""
        from jeepney import DBusAddress, new_method_call

        watcher = DBusAddress(WATCHER_PATH, WATCHER, WATCHER)
        try:
            self._call(
                new_method_call(watcher, "RegisterStatusNotifierItem", "s", (self._bus_name,))
            )
        except Exception as error:
            log.warning(
                "No StatusNotifierItem host took the icon (%s); it shows once a host starts.",
                error,
            )
            return
        log.info("The tray icon is registered with the StatusNotifierItem host.")

    def _signal(
        self,
        path: str,
        interface: str,
        member: str,
        signature: str | None = None,
        body: tuple[Any, ...] = (),
    ) -> None:
        """Send a signal from one of the item's objects."""
        from jeepney import DBusAddress, new_signal

        try:
            self._router.send(
                new_signal(DBusAddress(path, interface=interface), member, signature, body)
            )
        except OSError as error:
            log.debug("Could not send %s: %s", member, error)

    def _handle(self, message: Any) -> None:
        """Answer one method call, or follow the watcher coming and going."""
        from jeepney import HeaderFields, MessageFlag, MessageType, new_error, new_method_return

        header = message.header
        if header.message_type == MessageType.signal:
            self._watcher_changed(message.body[2])
            return
        fields = header.fields
        call = (
            fields.get(HeaderFields.path),
            fields.get(HeaderFields.interface),
            fields.get(HeaderFields.member),
            fields.get(HeaderFields.signature, ""),
        )
        try:
            signature, body = self._objects.answer(*call, tuple(message.body))
            reply = new_method_return(message, signature, body)
        except Refusal as refusal:
            reply = new_error(message, refusal.name, "s", (str(refusal),))
        except Exception as error:  # a bug here must not end the tray
            log.exception("Answering %s failed", call[2])
            reply = new_error(message, "org.freedesktop.DBus.Error.Failed", "s", (str(error),))
        if not header.flags & MessageFlag.no_reply_expected:
            self._router.send(reply)

    def _watcher_changed(self, new_owner: str) -> None:
        """Register again when a watcher starts (a panel restarted); say when it went."""
        if not new_owner:
            log.warning("The tray host went away: the icon cannot be seen until one comes back.")
            return
        log.info("A StatusNotifierItem host started.")
        if self._owns_name:
            self._register()
