"""A pystray menu as com.canonical.dbusmenu sees it: numbered items and their properties."""

# The host fetches the layout with GetLayout and reports clicks as Event(id, "clicked").
# Ids stay the same while the menu's shape is the same, so a click on a menu the person has
# open still finds its item after a rebuild that changed nothing; when the shape changes the
# items get fresh ids, so a click on a stale menu finds nothing rather than the wrong item.

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["ROOT_ID", "MenuLayout", "Properties", "Variant", "build_layout", "menu_shape"]

ROOT_ID = 0

Variant = tuple[str, Any]  # (D-Bus signature, value), as jeepney writes a variant
Properties = dict[str, Variant]
ROOT_PROPERTIES: Properties = {"children-display": ("s", "submenu")}


@dataclass(frozen=True)
class _Shape:
    """One item's properties and its children's shapes, before it has an id."""

    properties: tuple[tuple[str, Variant], ...]
    children: tuple["_Shape", ...]


@dataclass(frozen=True)
class MenuNode:
    """One item of the exported menu."""

    id: int
    properties: Properties
    children: tuple["MenuNode", ...]


def _item_properties(item: Any) -> Properties:
    """Return the dbusmenu properties of one pystray menu item (defaults left out)."""
    properties: Properties = {"label": ("s", str(item.text).replace("_", "__"))}
    if not item.enabled:
        properties["enabled"] = ("b", False)
    if item.checked is not None:
        properties["toggle-type"] = ("s", "radio" if item.radio else "checkmark")
        properties["toggle-state"] = ("i", 1 if item.checked else 0)
    if item.submenu is not None:
        properties["children-display"] = ("s", "submenu")
    return properties


def menu_shape(menu: Any) -> tuple[tuple[_Shape, ...], list[Any]]:
    """Return the shapes of a pystray menu's visible items and the items in the same order."""
    items: list[Any] = []

    def shapes(entries: Iterable[Any]) -> tuple[_Shape, ...]:
        result = []
        for entry in entries:
            items.append(entry)
            properties = (
                {"type": ("s", "separator")}
                if entry is type(menu).SEPARATOR
                else _item_properties(entry)
            )
            children = shapes(entry.submenu) if entry.submenu is not None else ()
            result.append(_Shape(tuple(sorted(properties.items())), children))
        return tuple(result)

    return (shapes(menu) if menu is not None else ()), items


class MenuLayout:
    """The menu as exported: its revision, its tree of numbered items and each id's item."""

    def __init__(self) -> None:
        self.revision = 0
        self.root = MenuNode(ROOT_ID, ROOT_PROPERTIES, ())
        self.items: dict[int, Any] = {}
        self._shape: tuple[_Shape, ...] = ()
        self._ids: list[int] = []
        self._next_id = itertools.count(ROOT_ID + 1)

    def update(self, menu: Any) -> bool:
        """Take a new pystray menu; return True when its shape changed (a new revision)."""
        shape, items = menu_shape(menu)
        changed = shape != self._shape
        if changed:
            self._ids = [next(self._next_id) for _ in items]
            self._shape = shape
            self.revision += 1
        self.items = dict(zip(self._ids, items, strict=True))
        ids = iter(self._ids)
        self.root = MenuNode(ROOT_ID, {"children-display": ("s", "submenu")}, _numbered(shape, ids))
        return changed

    def find(self, item_id: int) -> MenuNode | None:
        """Return the node with this id, or None."""
        return next((node for node in _walk(self.root) if node.id == item_id), None)

    def nodes(self) -> Iterator[MenuNode]:
        """Yield every node, the root first."""
        return _walk(self.root)


def _numbered(shapes: tuple[_Shape, ...], ids: Iterator[int]) -> tuple[MenuNode, ...]:
    """Give shapes their ids, in the order the items were listed."""
    nodes = []
    for shape in shapes:
        node_id = next(ids)
        nodes.append(MenuNode(node_id, dict(shape.properties), _numbered(shape.children, ids)))
    return tuple(nodes)


def _walk(node: MenuNode) -> Iterator[MenuNode]:
    """Yield node and all below it, depth first."""
    yield node
    for child in node.children:
        yield from _walk(child)


def build_layout(node: MenuNode, depth: int, names: list[str]) -> tuple[Any, ...]:
    """Return GetLayout's (ia{sv}av) for node, depth levels down (-1: all), only names asked."""
    properties = {k: v for k, v in node.properties.items() if not names or k in names}
    children = (
        [("(ia{sv}av)", build_layout(child, depth - 1, names)) for child in node.children]
        if depth != 0
        else []
    )
    return (node.id, properties, children)
