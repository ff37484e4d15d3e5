"""A pystray Icon that is a StatusNotifierItem with a dbusmenu menu, over jeepney: no GTK."""

# pystray chooses its backend when it is first imported; this backend needs none of them, so
# only pystray's backend-free classes are loaded. This module offers Icon, Menu and MenuItem
# as `pystray` does, so the tray adapter uses it in pystray's place.
# Threads: jeepney's router reads the connection on its own thread and queues the calls
# made to us; pystray's run() answers them on the tray thread, where menu callbacks run as
# with every pystray backend. Updates (icon, title, menu, status) may come from any thread:
# they change the exported values under a lock and send a signal; hosts then read again.

import contextlib
import logging
import os
import queue
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from backcare_tray.adapters.sni.interfaces import (
    DBUSMENU,
    INTROSPECTION,
    ITEM,
    ITEM_PATH,
    MENU_PATH,
    PEER,
    PROPERTIES,
    WATCHER,
    WATCHER_PATH,
)
from backcare_tray.adapters.sni.layout import MenuLayout, Properties, Variant, build_layout
from backcare_tray.adapters.sni.pictures import IconFiles, Picture
from backcare_tray.adapters.tray_host import watcher_owner_rule


def _import_pystray_base() -> None:
    """Load pystray's backend-free classes without letting pystray pick a backend of its own."""
    if "pystray._base" in sys.modules:
        return
    chosen = os.environ.get("PYSTRAY_BACKEND")
    os.environ["PYSTRAY_BACKEND"] = "dummy"  # loads nothing
    try:
        import pystray._base  # noqa: F401
    finally:
        if chosen is None:
            del os.environ["PYSTRAY_BACKEND"]
        else:
            os.environ["PYSTRAY_BACKEND"] = chosen
        sys.modules.pop("pystray", None)  # a later `import pystray` chooses as it always does


_import_pystray_base()
from pystray._base import Icon as BaseIcon  # noqa: E402
from pystray._base import Menu, MenuItem  # noqa: E402

__all__ = ["CALL_TIMEOUT", "STATUSES", "Icon", "Menu", "MenuItem"]

log = logging.getLogger(__name__)

CALL_TIMEOUT = 2.0  # seconds for each call this item makes (name, match, registration)
STATUSES = ("Passive", "Active", "NeedsAttention")
QUEUE_LENGTH = 64  # calls waiting to be answered; a flood beyond this is dropped
Reply = tuple[str | None, tuple[Any, ...]]
Methods = dict[tuple[str, str], tuple[str, Callable[..., Reply]]]  # (interface, member) -> answer


class _Refusal(Exception):
    """A D-Bus error reply: its name and message."""

    def __init__(self, name: str, text: str) -> None:
        super().__init__(text)
        self.name = name


class Icon(BaseIcon):  # type: ignore[misc]
    """A tray icon any StatusNotifierItem host shows: KDE, XFCE, LXQt, waybar, swaybar, GNOME+."""

    HAS_DEFAULT_ACTION = True
    HAS_MENU = True
    HAS_MENU_RADIO = True
    HAS_NOTIFICATION = False

    def __init__(
        self,
        name: str,
        icon: Any = None,
        title: str | None = None,
        menu: Any = None,
        *,
        icon_dir: Path | None = None,
    ) -> None:
        from jeepney import MatchRule
        from jeepney.bus_messages import message_bus
        from jeepney.io.threading import open_dbus_connection

        from backcare_tray.adapters.dbus_router import SturdyRouter

        self._lock = threading.RLock()
        self._layout = MenuLayout()
        self._files = IconFiles(icon_dir)
        self._picture = Picture("", "", ())
        self._status = "Active"
        self._stopping = threading.Event()
        self._calls: queue.Queue[Any] = queue.Queue(maxsize=QUEUE_LENGTH)
        self._bus_name = f"org.kde.StatusNotifierItem-{os.getpid()}-1"
        self._owns_name = False
        super().__init__(name, icon, title, menu)
        self._connection = open_dbus_connection(bus="SESSION")
        self._router = SturdyRouter(self._connection)
        self._methods = self._method_table()
        self._filters = [
            self._router.filter(MatchRule(type="method_call"), queue=self._calls),
            self._router.filter(watcher_owner_rule(), queue=self._calls),
        ]
        try:
            self._call(message_bus.AddMatch(watcher_owner_rule()))
        except Exception:
            self._close()
            raise

    # pystray's backend interface -------------------------------------------------------

    def _run(self) -> None:
        """Answer calls until stopped."""
        try:
            self._mark_ready()
            while not self._stopping.is_set():
                message = self._calls.get()
                if message is None:
                    continue
                try:
                    self._handle(message)
                except Exception:  # one odd message must not end the tray
                    log.exception("Could not handle a message to the tray icon")
        finally:
            self._close()

    def _run_detached(self) -> None:
        """Answer calls on a thread of this icon's own."""
        threading.Thread(target=self._run, name="tray-sni", daemon=True).start()

    def _stop(self) -> None:
        """End run(); the item leaves the tray as its connection closes."""
        self._stopping.set()
        with contextlib.suppress(queue.Full):  # a busy loop sees the flag after the call in hand
            self._calls.put_nowait(None)

    def _show(self) -> None:
        """Take the item's bus name and register it with the watcher."""
        from jeepney.bus_messages import message_bus

        if not self._owns_name:
            reply = self._call(message_bus.RequestName(self._bus_name, 4))  # do not queue
            if reply != (1,):  # 1: primary owner
                raise RuntimeError(f"could not own {self._bus_name} on the session bus: {reply}")
            self._owns_name = True
        self._register()

    def _hide(self) -> None:
        """Give up the bus name: the watcher drops the item."""
        from jeepney.bus_messages import message_bus

        if self._owns_name:
            self._owns_name = False
            try:
                self._call(message_bus.ReleaseName(self._bus_name))
            except Exception as error:
                log.debug("Could not release %s: %s", self._bus_name, error)

    def _update_icon(self) -> None:
        """Export the current picture (or Pillow image) as pixels and a themed name; say so."""
        icon = self.icon
        picture = icon if isinstance(icon, Picture) else self._files.picture_of(icon)
        with self._lock:
            self._picture = picture
        self._icon_valid = True
        self._signal(ITEM_PATH, ITEM, "NewIcon")
        self._signal(ITEM_PATH, ITEM, "NewAttentionIcon")  # the same picture (swaybar uses it)

    def _update_title(self) -> None:
        """Say the title and tooltip are new."""
        self._signal(ITEM_PATH, ITEM, "NewTitle")
        self._signal(ITEM_PATH, ITEM, "NewToolTip")

    def _update_menu(self) -> None:
        """Export the current menu; a host is told only when its shape changed."""
        with self._lock:
            changed = self._layout.update(self.menu)
            revision = self._layout.revision
        if changed:
            self._signal(MENU_PATH, DBUSMENU, "LayoutUpdated", "ui", (revision, 0))

    def _notify(self, message: str, title: str | None = None) -> None:
        """Show nothing: this app sends its own notifications."""

    def _remove_notification(self) -> None:
        """Close nothing."""

    # What this backend adds ---------------------------------------------------------

    @property
    def status(self) -> str:
        """The item's Status: Active, or NeedsAttention to ask the host to show it."""
        return self._status

    @status.setter
    def status(self, value: str) -> None:
        if value not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {value!r}")
        with self._lock:
            if value == self._status:
                return
            self._status = value
        self._signal(ITEM_PATH, ITEM, "NewStatus", "s", (value,))

    @property
    def bus_name(self) -> str:
        """The well-known name the item is exported under."""
        return self._bus_name

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
            signature, body = self._answer(*call, tuple(message.body))
            reply = new_method_return(message, signature, body)
        except _Refusal as refusal:
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
        if self.visible and self._owns_name:
            self._register()

    def _answer(
        self, path: str, interface: str | None, member: str, signature: str, args: tuple[Any, ...]
    ) -> Reply:
        """Return the (signature, body) answering one call; refuse what is not ours."""
        handlers = self._methods.get(path)
        if handlers is None:
            raise _Refusal("org.freedesktop.DBus.Error.UnknownObject", f"no object at {path}")
        for (handler_interface, handler_member), (in_signature, handler) in handlers.items():
            if handler_member == member and interface in (None, handler_interface):
                if signature != in_signature:
                    raise _Refusal(
                        "org.freedesktop.DBus.Error.InvalidArgs",
                        f"{member} takes ({in_signature}), not ({signature})",
                    )
                return handler(*args)
        raise _Refusal(
            "org.freedesktop.DBus.Error.UnknownMethod", f"no method {interface}.{member} at {path}"
        )

    def _method_table(self) -> dict[str, Methods]:
        """Return each object's methods by (interface, member): its path's answers."""

        def common(path: str) -> Methods:
            introspect = INTROSPECTION[path]
            return {
                ("org.freedesktop.DBus.Introspectable", "Introspect"): (
                    "",
                    lambda: ("s", (introspect,)),
                ),
                (PEER, "Ping"): ("", lambda: (None, ())),
            }

        return {
            "/": common("/"),
            ITEM_PATH: common(ITEM_PATH)
            | {
                (PROPERTIES, "Get"): (
                    "ss",
                    lambda i, n: self._get(ITEM, self._item_properties, i, n),
                ),
                (PROPERTIES, "GetAll"): (
                    "s",
                    lambda i: self._get_all(ITEM, self._item_properties, i),
                ),
                (ITEM, "Activate"): ("ii", lambda x, y: self._activate()),
                (ITEM, "SecondaryActivate"): ("ii", lambda x, y: (None, ())),
                # Hosts with dbusmenu open the menu themselves; one without it (swaybar) asks
                # the item to: the default item's answer (How to do it) is the useful one.
                (ITEM, "ContextMenu"): ("ii", lambda x, y: self._activate()),
                (ITEM, "Scroll"): ("is", lambda delta, orientation: (None, ())),
            },
            MENU_PATH: common(MENU_PATH)
            | {
                (PROPERTIES, "Get"): (
                    "ss",
                    lambda i, n: self._get(DBUSMENU, _menu_properties, i, n),
                ),
                (PROPERTIES, "GetAll"): (
                    "s",
                    lambda i: self._get_all(DBUSMENU, _menu_properties, i),
                ),
                (DBUSMENU, "GetLayout"): ("iias", self._get_layout),
                (DBUSMENU, "GetGroupProperties"): ("aias", self._get_group_properties),
                (DBUSMENU, "GetProperty"): ("is", self._get_property),
                (DBUSMENU, "Event"): ("isvu", self._event),
                (DBUSMENU, "EventGroup"): ("a(isvu)", self._event_group),
                (DBUSMENU, "AboutToShow"): ("i", lambda item_id: ("b", (False,))),
                (DBUSMENU, "AboutToShowGroup"): ("ai", self._about_to_show_group),
            },
        }

    # The item's properties and methods -------------------------------------------------

    def _item_properties(self) -> Properties:
        """Return every StatusNotifierItem property as it is now."""
        with self._lock:
            picture, status, title = self._picture, self._status, self.title
        name, pixmaps = picture.name, list(picture.pixmaps)
        return {
            "Category": ("s", "ApplicationStatus"),
            "Id": ("s", self.name),
            "Title": ("s", title),
            "Status": ("s", status),
            "WindowId": ("i", 0),
            "IconThemePath": ("s", picture.theme_path),
            "Menu": ("o", MENU_PATH),
            "ItemIsMenu": ("b", False),
            "IconName": ("s", name),
            "IconPixmap": ("a(iiay)", pixmaps),
            "OverlayIconName": ("s", ""),
            "OverlayIconPixmap": ("a(iiay)", []),
            "AttentionIconName": ("s", name),
            "AttentionIconPixmap": ("a(iiay)", pixmaps),
            "AttentionMovieName": ("s", ""),
            "ToolTip": ("(sa(iiay)ss)", (name, [], self.name, title)),
        }

    @staticmethod
    def _get(interface: str, properties: Callable[[], Properties], asked: str, name: str) -> Reply:
        """Answer Properties.Get."""
        if asked != interface:
            raise _Refusal("org.freedesktop.DBus.Error.UnknownInterface", f"no interface {asked}")
        value = properties().get(name)
        if value is None:
            raise _Refusal("org.freedesktop.DBus.Error.UnknownProperty", f"no property {name}")
        return "v", (value,)

    @staticmethod
    def _get_all(interface: str, properties: Callable[[], Properties], asked: str) -> Reply:
        """Answer Properties.GetAll (nothing for another interface, as GDBus does)."""
        return "a{sv}", ((properties() if asked == interface else {}),)

    def _activate(self) -> Reply:
        """Answer a click on the icon: do what the menu's default item does."""
        self()
        return None, ()

    def _get_layout(self, parent_id: int, depth: int, names: list[str]) -> Reply:
        """Answer GetLayout: the revision and the tree under parent_id."""
        with self._lock:
            node, revision = self._layout.find(parent_id), self._layout.revision
        if node is None:
            raise _Refusal("org.freedesktop.DBus.Error.InvalidArgs", f"no menu item {parent_id}")
        return "u(ia{sv}av)", (revision, build_layout(node, depth, names))

    def _get_group_properties(self, ids: list[int], names: list[str]) -> Reply:
        """Answer GetGroupProperties: each known id's properties (all items when ids is empty)."""
        with self._lock:
            nodes = [n for n in self._layout.nodes() if not ids or n.id in ids]
        found = [
            (n.id, {k: v for k, v in n.properties.items() if not names or k in names})
            for n in nodes
        ]
        return "a(ia{sv})", (found,)

    def _get_property(self, item_id: int, name: str) -> Reply:
        """Answer GetProperty."""
        with self._lock:
            node = self._layout.find(item_id)
        if node is None or name not in node.properties:
            raise _Refusal(
                "org.freedesktop.DBus.Error.InvalidArgs", f"no property {name} on {item_id}"
            )
        return "v", (node.properties[name],)

    def _event(self, item_id: int, event_id: str, data: Variant, timestamp: int) -> Reply:
        """Answer Event: a click runs the item's action, as pystray's other backends do."""
        if not self._click(item_id, event_id):
            raise _Refusal("org.freedesktop.DBus.Error.InvalidArgs", f"no menu item {item_id}")
        return None, ()

    def _event_group(self, events: list[tuple[int, str, Variant, int]]) -> Reply:
        """Answer EventGroup: each event as Event; return the ids not found."""
        return "ai", (
            [item_id for item_id, event_id, _, _ in events if not self._click(item_id, event_id)],
        )

    def _about_to_show_group(self, ids: list[int]) -> Reply:
        """Answer AboutToShowGroup: nothing needs updating; name the ids not found."""
        with self._lock:
            known = {node.id for node in self._layout.nodes()}
        return "aiai", ([], [i for i in ids if i not in known])

    def _click(self, item_id: int, event_id: str) -> bool:
        """Run a clicked item's action; return False when there is no such item."""
        with self._lock:
            item = self._layout.items.get(item_id)
            known = item is not None or self._layout.find(item_id) is not None
        if item is not None and event_id == "clicked" and item.submenu is None:
            self._handler(item)()
        return known

    def _close(self) -> None:
        """Close the connection and remove the icon files."""
        for handle in self._filters:
            handle.close()
        self._router.close()
        self._connection.close()
        self._files.remove()


def _menu_properties() -> Properties:
    """Return the dbusmenu object's own properties."""
    return {
        "Version": ("u", 3),
        "TextDirection": ("s", "ltr"),
        "Status": ("s", "normal"),
        "IconThemePath": ("as", []),
    }
