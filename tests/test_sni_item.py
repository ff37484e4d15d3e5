"""The StatusNotifierItem backend in process, on a private bus with a recording watcher."""

import threading
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jeepney import DBusAddress, HeaderFields, MatchRule, new_method_call
from jeepney.bus_messages import message_bus
from PIL import Image
from support.dbus_service import ExportedService
from support.sni_client import SniClient
from support.waiting import wait_for

from backcare_tray.adapters.sni.item import Icon, Menu, MenuItem
from backcare_tray.adapters.sni.layout import MenuLayout
from backcare_tray.adapters.sni.objects import ItemObjects, Refusal
from backcare_tray.adapters.sni.pictures import argb_pixmaps, png_bytes, scaled_sizes
from backcare_tray.art import DISC, draw_icon
from backcare_tray.view import IconLook

WATCHER = "org.kde.StatusNotifierWatcher"


class RecordingWatcher:
    """A StatusNotifierWatcher that records each item registered with it."""

    def __init__(self) -> None:
        self.registered: list[str] = []
        self._service = ExportedService(WATCHER, self._answer)

    def _answer(
        self, path: str, interface: str, member: str, body: tuple[Any, ...]
    ) -> tuple[str, tuple[Any, ...]] | None:
        if member == "RegisterStatusNotifierItem":
            self.registered.append(body[0])
            return "", ()
        return None

    def close(self) -> None:
        """Leave the bus (the watcher's name goes with the connection)."""
        self._service.close()


@pytest.fixture
def clicked() -> list[str]:
    """The menu items whose actions ran."""
    return []


@pytest.fixture
def icon(bus: str, tmp_path: Path, clicked: list[str]) -> Iterator[Icon]:
    """A running item with a small menu, shown (no watcher yet)."""
    menu = Menu(
        MenuItem("Status", None, enabled=False),
        MenuItem("Start", lambda: clicked.append("start"), default=True),
        Menu.SEPARATOR,
        MenuItem(
            "Snooze",
            Menu(MenuItem("5 min", lambda: clicked.append("snooze 5"))),
        ),
        MenuItem("Do_it", lambda: clicked.append("underscore")),
    )
    made = Icon("backcare-tray", draw_icon(IconLook("due")), "Due", menu, icon_dir=tmp_path / "i")
    ready = threading.Event()

    def setup(icon: Icon) -> None:
        icon.visible = True
        ready.set()

    thread = threading.Thread(target=made.run, args=(setup,), daemon=True)
    thread.start()
    assert ready.wait(5)
    yield made
    made.stop()
    thread.join(5)
    assert not thread.is_alive()


@pytest.fixture
def client(bus: str) -> Iterator[SniClient]:
    """A client on the private bus."""
    made = SniClient(bus)
    yield made
    made.close()


def item_of(icon: Icon) -> DBusAddress:
    """Return the address of the icon's item object."""
    return DBusAddress("/StatusNotifierItem", icon.bus_name, "org.kde.StatusNotifierItem")


@pytest.mark.desktop
def test_it_registers_when_a_watcher_comes_and_again_after_a_restart(
    icon: Icon, client: SniClient
) -> None:
    """No watcher at first: nothing breaks; each watcher that starts gets the item."""
    for _ in range(2):
        watcher = RecordingWatcher()
        try:
            registered = watcher.registered
            wait_for(lambda: icon.bus_name in registered, 5, "the registration")  # noqa: B023
        finally:
            watcher.close()


@pytest.mark.desktop
def test_the_menu_clicks_and_left_click(icon: Icon, client: SniClient, clicked: list[str]) -> None:
    """Event "clicked" runs items (in submenus too); Activate and ContextMenu the default."""
    _, root = client.layout(item_of(icon))
    assert [e.label for e in root.children] == ["Status", "Start", "", "Snooze", "Do_it"]
    assert root.named("Do_it").properties["label"] == "Do__it"  # not a mnemonic
    client.click(item_of(icon), root.named("5 min").id)
    client.click(item_of(icon), root.named("Status").id)  # disabled: nothing runs
    client.activate(item_of(icon))
    client.call(new_method_call(item_of(icon), "ContextMenu", "ii", (0, 0)))  # swaybar's right
    wait_for(lambda: len(clicked) == 3, 5, "three actions")
    assert clicked == ["snooze 5", "start", "start"]


@pytest.mark.desktop
def test_a_click_on_a_stale_menu_runs_nothing(
    icon: Icon, client: SniClient, clicked: list[str]
) -> None:
    """After the menu changed shape, an old id is refused rather than running another item."""
    revision, old = client.layout(item_of(icon))
    icon.menu = Menu(MenuItem("Stop", lambda: clicked.append("stop")))
    new_revision, new = client.layout(item_of(icon))
    assert new_revision == revision + 1
    with pytest.raises(RuntimeError, match="InvalidArgs"):
        client.click(item_of(icon), old.named("Start").id)
    icon.menu = Menu(MenuItem("Stop", lambda: clicked.append("stop again")))
    same_revision, same = client.layout(item_of(icon))
    assert (same_revision, same.named("Stop").id) == (new_revision, new.named("Stop").id)
    client.click(item_of(icon), same.named("Stop").id)
    wait_for(lambda: clicked, 5, "the click")
    assert clicked == ["stop again"]  # the newest action, under the unchanged id


@pytest.mark.desktop
def test_bad_calls_get_errors_and_the_item_keeps_answering(icon: Icon, client: SniClient) -> None:
    """Wrong arguments, unknown methods and objects are refused by name; introspection parses."""
    item = item_of(icon)
    menu = DBusAddress("/MenuBar", icon.bus_name, "com.canonical.dbusmenu")
    bad = [
        (new_method_call(menu, "GetLayout", "s", ("x",)), "InvalidArgs"),
        (new_method_call(menu, "Explode", "", ()), "UnknownMethod"),
        (new_method_call(DBusAddress("/nowhere", icon.bus_name, "a.b"), "X", "", ()), "Unknown"),
        (new_method_call(menu, "GetLayout", "iias", (9999, -1, [])), "InvalidArgs"),
    ]
    for message, error in bad:
        with pytest.raises(RuntimeError, match=error):
            client.call(message)
    for path in ("/", "/StatusNotifierItem", "/MenuBar"):
        introspect = DBusAddress(path, icon.bus_name, "org.freedesktop.DBus.Introspectable")
        ElementTree.fromstring(client.call(new_method_call(introspect, "Introspect"))[0])
    assert client.properties(item)["Title"] == "Due"


@pytest.mark.desktop
def test_status_title_and_icon_follow_the_icon(icon: Icon, client: SniClient) -> None:
    """Status, Title and the pictures change when the pystray icon does; Status is checked."""
    item = item_of(icon)
    icon.status = "NeedsAttention"
    icon.title = "Snoozed"
    icon.icon = draw_icon(IconLook("snoozed"))
    properties = client.properties(item)
    assert (properties["Status"], properties["Title"]) == ("NeedsAttention", "Snoozed")
    width, height, argb = properties["IconPixmap"][-1]
    middle = (height // 2 * width + width // 3) * 4
    assert tuple(argb[middle + 1 : middle + 4]) == DISC["snoozed"][:3]
    assert properties["AttentionIconName"] == properties["IconName"]
    with pytest.raises(ValueError):
        icon.status = "Blinking"


def test_pixmaps_are_argb_in_network_order() -> None:
    """Alpha comes first, then red, green, blue, for every size."""
    for colour, sizes in (((10, 20, 30, 40), (8,)), ((10, 20, 30, 255), (8, 16))):
        image = Image.new("RGBA", (8, 8), colour)
        for width, height, argb in argb_pixmaps(scaled_sizes(image, sizes)):
            assert len(argb) == width * height * 4
            assert argb[:4] == bytes((colour[3], *colour[:3]))


def test_png_bytes_round_trip() -> None:
    """Our PNG writer's files read back as the same pixels."""
    import io

    image = draw_icon(IconLook("working", 5), 22)
    with Image.open(io.BytesIO(png_bytes(image))) as back:
        assert back.convert("RGBA").tobytes() == image.convert("RGBA").tobytes()


def test_layout_keeps_ids_while_the_shape_holds() -> None:
    """The same labels keep their ids and revision; any change gives fresh ids."""
    layout = MenuLayout()
    assert layout.update(Menu(MenuItem("A", None), MenuItem("B", None)))
    first = [node.id for node in layout.nodes()]
    assert not layout.update(Menu(MenuItem("A", None), MenuItem("B", None)))
    assert [node.id for node in layout.nodes()] == first and layout.revision == 1
    assert layout.update(Menu(MenuItem("A", None, checked=lambda item: True)))
    ids = [node.id for node in layout.nodes()]
    assert set(ids[1:]).isdisjoint(first[1:]) and layout.revision == 2
    checked = layout.find(ids[1])
    assert checked is not None and checked.properties["toggle-state"] == ("i", 1)


def test_the_objects_answer_without_a_bus() -> None:
    """Calls are answered from the shown values; a click hands its entry on; odd calls refused."""
    activated: list[str] = []
    entries: list[Any] = []
    objects = ItemObjects(
        "backcare-tray",
        "Due",
        on_activate=lambda: activated.append("icon"),
        on_click=entries.append,
    )
    start = MenuItem("Start", None)
    assert objects.set_menu(Menu(start)) == 1
    assert objects.set_menu(Menu(MenuItem("Start", None))) is None  # the same shape
    assert objects.set_title("Snoozed") and not objects.set_title("Snoozed")
    assert objects.set_status("NeedsAttention") and not objects.set_status("NeedsAttention")
    item, properties = "/StatusNotifierItem", "org.freedesktop.DBus.Properties"
    interface = "org.kde.StatusNotifierItem"
    assert objects.answer(item, properties, "Get", "ss", (interface, "Title")) == (
        "v",
        (("s", "Snoozed"),),
    )
    assert objects.answer(item, interface, "Activate", "ii", (0, 0)) == (None, ())
    _, (revision, (_, _, children)) = objects.answer(
        "/MenuBar", None, "GetLayout", "iias", (0, -1, [])
    )
    assert revision == 1
    start_id = children[0][1][0]
    objects.answer("/MenuBar", None, "Event", "isvu", (start_id, "clicked", ("i", 0), 0))
    assert (activated, [entry.text for entry in entries]) == (["icon"], ["Start"])
    for call, error in (
        (("/nowhere", None, "X", "", ()), "UnknownObject"),
        ((item, interface, "Activate", "s", ("x",)), "InvalidArgs"),
        ((item, properties, "Get", "ss", (interface, "Colour")), "UnknownProperty"),
        (("/MenuBar", None, "Event", "isvu", (999, "clicked", ("i", 0), 0)), "InvalidArgs"),
    ):
        with pytest.raises(Refusal) as refused:
            objects.answer(*call)
        assert refused.value.name == f"org.freedesktop.DBus.Error.{error}"
    with pytest.raises(ValueError):
        objects.set_status("Blinking")


@pytest.mark.desktop
def test_the_accessible_descriptions_follow_the_status_line(icon: Icon, client: SniClient) -> None:
    """Both descriptions say the status line; a new one is sent with PropertiesChanged."""
    item = item_of(icon)
    properties = client.properties(item)
    assert properties["IconAccessibleDesc"] == "backcare-tray: Due"
    assert properties["AttentionAccessibleDesc"] == "backcare-tray: Due"
    introspect = DBusAddress(item.object_path, icon.bus_name, "org.freedesktop.DBus.Introspectable")
    xml = ElementTree.fromstring(client.call(new_method_call(introspect, "Introspect"))[0])
    declared = {p.get("name") for p in xml.iter("property")}
    assert {"IconAccessibleDesc", "AttentionAccessibleDesc"} <= declared
    rule = MatchRule(type="signal", path="/StatusNotifierItem")
    client.call(message_bus.AddMatch(rule))
    line = "Next stretch in 23 min: Hamstring stretch"
    with client.connection.filter(rule) as heard:
        icon.title = line
        members: list[str] = []
        while "PropertiesChanged" not in members:
            signal = client.connection.recv_until_filtered(heard, timeout=5)
            members.append(signal.header.fields[HeaderFields.member])
    assert members == ["NewTitle", "NewToolTip", "PropertiesChanged"]
    interface, changed, invalidated = signal.body
    expected = f"backcare-tray: {line}"
    assert interface == "org.kde.StatusNotifierItem" and invalidated == []
    assert changed == {
        "IconAccessibleDesc": ("s", expected),
        "AttentionAccessibleDesc": ("s", expected),
    }
    properties = client.properties(item)
    assert properties["IconAccessibleDesc"] == properties["AttentionAccessibleDesc"] == expected
