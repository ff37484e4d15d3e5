"""A StatusNotifierItem host's view of the bus, for tests: the watcher, items, menus, clicks."""

from collections.abc import Iterator
from typing import Any

from jeepney import DBusAddress, MessageType, Properties, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection

WATCHER = DBusAddress("/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher")
ITEM = "org.kde.StatusNotifierItem"
MENU = "com.canonical.dbusmenu"


class SniClient:
    """Reads the watcher's items and talks to them, as a panel would."""

    def __init__(self, bus_address: str) -> None:
        self.connection: DBusConnection = open_dbus_connection(bus=bus_address)

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()

    def call(self, message: Any) -> tuple[Any, ...]:
        """Send a call and return its reply's body; an error reply raises RuntimeError."""
        reply = self.connection.send_and_get_reply(message, timeout=5)
        if reply.header.message_type == MessageType.error:
            raise RuntimeError(f"{reply.header.fields}: {reply.body}")
        return tuple(reply.body)

    def registered(self) -> list[str]:
        """Return the watcher's RegisteredStatusNotifierItems ("bus-name/path" each)."""
        message = Properties(WATCHER.with_interface("org.kde.StatusNotifierWatcher")).get(
            "RegisteredStatusNotifierItems"
        )
        try:
            return list(self.call(message)[0][1])
        except RuntimeError:
            return []

    def item(self, entry: str) -> DBusAddress:
        """Return the address of a registered entry's item object."""
        name, _, path = entry.partition("/")
        return DBusAddress("/" + (path or "StatusNotifierItem"), name, ITEM)

    def properties(self, item: DBusAddress) -> dict[str, Any]:
        """Return every property of an item, unwrapped."""
        values = self.call(Properties(item).get_all())[0]
        return {key: value for key, (_, value) in values.items()}

    def find(self, item_id: str) -> DBusAddress | None:
        """Return the registered item whose Id is item_id, if any."""
        for entry in self.registered():
            item = self.item(entry)
            try:
                if self.properties(item)["Id"] == item_id:
                    return item
            except RuntimeError:
                continue
        return None

    def menu(self, item: DBusAddress) -> DBusAddress:
        """Return the address of an item's exported menu."""
        return DBusAddress(self.properties(item)["Menu"], item.bus_name, MENU)

    def layout(self, item: DBusAddress) -> tuple[int, "MenuEntry"]:
        """Return the menu's revision and its whole tree."""
        revision, root = self.call(
            new_method_call(self.menu(item), "GetLayout", "iias", (0, -1, []))
        )
        return revision, MenuEntry.of(root)

    def click(self, item: DBusAddress, menu_id: int) -> None:
        """Click a menu entry, as a panel does when the person picks it."""
        body = (menu_id, "clicked", ("i", 0), 0)
        self.call(new_method_call(self.menu(item), "Event", "isvu", body))

    def activate(self, item: DBusAddress) -> None:
        """Left-click the icon."""
        self.call(new_method_call(item, "Activate", "ii", (0, 0)))


class MenuEntry:
    """One entry of an exported menu, with its properties unwrapped."""

    def __init__(self, entry_id: int, properties: dict[str, Any], children: list["MenuEntry"]):
        self.id = entry_id
        self.properties = properties
        self.children = children

    @classmethod
    def of(cls, node: tuple[int, dict[str, tuple[str, Any]], list[Any]]) -> "MenuEntry":
        """Return the entry for GetLayout's (ia{sv}av)."""
        entry_id, properties, children = node
        unwrapped = {key: value for key, (_, value) in properties.items()}
        return cls(entry_id, unwrapped, [cls.of(child) for _, child in children])

    @property
    def label(self) -> str:
        """Return the label as shown (a separator has none)."""
        return str(self.properties.get("label", "")).replace("__", "_")

    @property
    def enabled(self) -> bool:
        """Return whether the entry can be clicked."""
        return bool(self.properties.get("enabled", True))

    def walk(self) -> Iterator["MenuEntry"]:
        """Yield this entry and every entry below it."""
        yield self
        for child in self.children:
            yield from child.walk()

    def named(self, prefix: str) -> "MenuEntry":
        """Return the first entry whose label starts with prefix."""
        found = next((e for e in self.walk() if e.label.startswith(prefix)), None)
        assert found is not None, f"no menu entry {prefix!r} in {[e.label for e in self.walk()]}"
        return found
