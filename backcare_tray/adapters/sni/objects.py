"""The StatusNotifierItem and dbusmenu objects: what they hold and how they answer calls."""

# Nothing here touches the bus: a call comes in as (path, interface, member, signature, args)
# and leaves as a (signature, body) reply or a Refusal. The state may be changed from any
# thread (under the lock) while the serving thread answers; the setters say whether a host
# should be told, and the service sends the signal.

import threading
from collections.abc import Callable
from typing import Any

from backcare_tray.adapters.sni.interfaces import (
    DBUSMENU,
    INTROSPECTION,
    ITEM,
    ITEM_PATH,
    MENU_PATH,
    PEER,
    PROPERTIES,
)
from backcare_tray.adapters.sni.layout import MenuLayout, Properties, Variant, build_layout
from backcare_tray.adapters.sni.pictures import Picture

__all__ = ["STATUSES", "ItemObjects", "MethodReply", "Methods", "Refusal"]

STATUSES = ("Passive", "Active", "NeedsAttention")
MethodReply = tuple[str | None, tuple[Any, ...]]
Methods = dict[
    tuple[str, str], tuple[str, Callable[..., MethodReply]]
]  # (interface, member) -> answer


class Refusal(Exception):
    """A D-Bus error reply: its name and message."""

    def __init__(self, name: str, text: str) -> None:
        super().__init__(text)
        self.name = name


class ItemObjects:
    """The item's and its menu's exported values, and the answers to every call on them."""

    def __init__(
        self,
        item_id: str,
        title: str,
        *,
        on_activate: Callable[[], None],
        on_click: Callable[[Any], None],
    ) -> None:
        self._lock = threading.RLock()
        self._id = item_id
        self._title = title
        self._status = "Active"
        self._picture = Picture("", "", ())
        self._layout = MenuLayout()
        self._on_activate = on_activate  # a click on the icon
        self._on_click = on_click  # a click on a menu entry: given the entry
        self._methods = self._method_table()

    # What is shown ---------------------------------------------------------------------

    @property
    def status(self) -> str:
        """The item's Status."""
        return self._status

    def set_status(self, value: str) -> bool:
        """Take a new Status; return True when it changed; refuse one that is not a Status."""
        if value not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {value!r}")
        with self._lock:
            changed, self._status = value != self._status, value
        return changed

    def set_title(self, title: str) -> bool:
        """Take a new title (and tooltip); return True when it changed."""
        with self._lock:
            changed, self._title = title != self._title, title
        return changed

    @property
    def description(self) -> str:
        """What a screen reader says for the icon: the status line, after the item's name."""
        with self._lock:
            title = self._title
        return self._id if title in ("", self._id) else f"{self._id}: {title}"

    def set_picture(self, picture: Picture) -> None:
        """Take a new picture."""
        with self._lock:
            self._picture = picture

    def set_menu(self, menu: Any) -> int | None:
        """Take a new menu; return the layout's new revision when its shape changed."""
        with self._lock:
            changed = self._layout.update(menu)
            return self._layout.revision if changed else None

    # Answering -------------------------------------------------------------------------

    def answer(
        self, path: str, interface: str | None, member: str, signature: str, args: tuple[Any, ...]
    ) -> MethodReply:
        """Return the (signature, body) answering one call; refuse what is not ours."""
        handlers = self._methods.get(path)
        if handlers is None:
            raise Refusal("org.freedesktop.DBus.Error.UnknownObject", f"no object at {path}")
        for (handler_interface, handler_member), (in_signature, handler) in handlers.items():
            if handler_member == member and interface in (None, handler_interface):
                if signature != in_signature:
                    raise Refusal(
                        "org.freedesktop.DBus.Error.InvalidArgs",
                        f"{member} takes ({in_signature}), not ({signature})",
                    )
                return handler(*args)
        raise Refusal(
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
                    lambda i, n: _get(ITEM, self._item_properties, i, n),
                ),
                (PROPERTIES, "GetAll"): (
                    "s",
                    lambda i: _get_all(ITEM, self._item_properties, i),
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
                    lambda i, n: _get(DBUSMENU, _menu_properties, i, n),
                ),
                (PROPERTIES, "GetAll"): (
                    "s",
                    lambda i: _get_all(DBUSMENU, _menu_properties, i),
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
            picture, status, title = self._picture, self._status, self._title
        name, pixmaps, description = picture.name, list(picture.pixmaps), self.description
        return {
            "Category": ("s", "ApplicationStatus"),
            "Id": ("s", self._id),
            "Title": ("s", title),
            "Status": ("s", status),
            "WindowId": ("i", 0),
            "IconThemePath": ("s", picture.theme_path),
            "Menu": ("o", MENU_PATH),
            "ItemIsMenu": ("b", False),
            "IconName": ("s", name),
            "IconPixmap": ("a(iiay)", pixmaps),
            "IconAccessibleDesc": ("s", description),
            "OverlayIconName": ("s", ""),
            "OverlayIconPixmap": ("a(iiay)", []),
            "AttentionIconName": ("s", name),
            "AttentionIconPixmap": ("a(iiay)", pixmaps),
            "AttentionAccessibleDesc": ("s", description),
            "AttentionMovieName": ("s", ""),
            "ToolTip": ("(sa(iiay)ss)", (name, [], self._id, title)),
        }

    def _activate(self) -> MethodReply:
        """Answer a click on the icon."""
        self._on_activate()
        return None, ()

    # The menu's methods ----------------------------------------------------------------

    def _get_layout(self, parent_id: int, depth: int, names: list[str]) -> MethodReply:
        """Answer GetLayout: the revision and the tree under parent_id."""
        with self._lock:
            node, revision = self._layout.find(parent_id), self._layout.revision
        if node is None:
            raise Refusal("org.freedesktop.DBus.Error.InvalidArgs", f"no menu item {parent_id}")
        return "u(ia{sv}av)", (revision, build_layout(node, depth, names))

    def _get_group_properties(self, ids: list[int], names: list[str]) -> MethodReply:
        """Answer GetGroupProperties: each known id's properties (all items when ids is empty)."""
        with self._lock:
            nodes = [n for n in self._layout.nodes() if not ids or n.id in ids]
        found = [
            (n.id, {k: v for k, v in n.properties.items() if not names or k in names})
            for n in nodes
        ]
        return "a(ia{sv})", (found,)

    def _get_property(self, item_id: int, name: str) -> MethodReply:
        """Answer GetProperty."""
        with self._lock:
            node = self._layout.find(item_id)
        if node is None or name not in node.properties:
            raise Refusal(
                "org.freedesktop.DBus.Error.InvalidArgs", f"no property {name} on {item_id}"
            )
        return "v", (node.properties[name],)

    def _event(self, item_id: int, event_id: str, data: Variant, timestamp: int) -> MethodReply:
        """Answer Event: a click runs the entry's action."""
        if not self._click(item_id, event_id):
            raise Refusal("org.freedesktop.DBus.Error.InvalidArgs", f"no menu item {item_id}")
        return None, ()

    def _event_group(self, events: list[tuple[int, str, Variant, int]]) -> MethodReply:
        """Answer EventGroup: each event as Event; return the ids not found."""
        return "ai", (
            [item_id for item_id, event_id, _, _ in events if not self._click(item_id, event_id)],
        )

    def _about_to_show_group(self, ids: list[int]) -> MethodReply:
        """Answer AboutToShowGroup: nothing needs updating; name the ids not found."""
        with self._lock:
            known = {node.id for node in self._layout.nodes()}
        return "aiai", ([], [i for i in ids if i not in known])

    def _click(self, item_id: int, event_id: str) -> bool:
        """Hand a clicked entry on; return False when there is no such item."""
        with self._lock:
            item = self._layout.items.get(item_id)
            known = item is not None or self._layout.find(item_id) is not None
        if item is not None and event_id == "clicked":
            self._on_click(item)
        return known


def _get(
    interface: str, properties: Callable[[], Properties], asked: str, name: str
) -> MethodReply:
    """Answer Properties.Get."""
    if asked != interface:
        raise Refusal("org.freedesktop.DBus.Error.UnknownInterface", f"no interface {asked}")
    value = properties().get(name)
    if value is None:
        raise Refusal("org.freedesktop.DBus.Error.UnknownProperty", f"no property {name}")
    return "v", (value,)


def _get_all(interface: str, properties: Callable[[], Properties], asked: str) -> MethodReply:
    """Answer Properties.GetAll (nothing for another interface, as GDBus does)."""
    return "a{sv}", ((properties() if asked == interface else {}),)


def _menu_properties() -> Properties:
    """Return the dbusmenu object's own properties."""
    return {
        "Version": ("u", 3),
        "TextDirection": ("s", "ltr"),
        "Status": ("s", "normal"),
        "IconThemePath": ("as", []),
    }
