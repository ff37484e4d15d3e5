"""A pystray Icon that is a StatusNotifierItem with a dbusmenu menu, over jeepney: no GTK."""

# pystray chooses its backend when it is first imported; this backend needs none of them, so
# only pystray's backend-free classes are loaded. This module offers Icon, Menu and MenuItem
# as `pystray` does, so the tray adapter uses it in pystray's place. The item itself is
# served by service.py; this module only adapts pystray's backend interface to it.
# Threads: pystray's run() answers the calls on the tray thread, where menu callbacks run as
# with every pystray backend. Updates (icon, title, menu, status) may come from any thread.

import os
import sys
import threading
from pathlib import Path
from typing import Any

from backcare_tray.adapters.sni.objects import STATUSES, ItemObjects
from backcare_tray.adapters.sni.pictures import IconFiles, Picture
from backcare_tray.adapters.sni.service import CALL_TIMEOUT, ItemService


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
        self._files = IconFiles(icon_dir)
        super().__init__(name, icon, title, menu)
        objects = ItemObjects(name, self.title, on_activate=self.__call__, on_click=self._run_item)
        self._service = ItemService(objects)

    # pystray's backend interface -------------------------------------------------------

    def _run(self) -> None:
        """Answer calls until stopped."""
        try:
            self._mark_ready()
            self._service.serve()
        finally:
            self._service.close()
            self._files.remove()

    def _run_detached(self) -> None:
        """Answer calls on a thread of this icon's own."""
        threading.Thread(target=self._run, name="tray-sni", daemon=True).start()

    def _stop(self) -> None:
        """End run(); the item leaves the tray as its connection closes."""
        self._service.stop()

    def _show(self) -> None:
        """Take the item's bus name and register it with the watcher."""
        self._service.set_title(self.title)  # pystray says nothing of a title set while hidden
        self._service.show()

    def _hide(self) -> None:
        """Give up the bus name: the watcher drops the item."""
        self._service.hide()

    def _update_icon(self) -> None:
        """Export the current picture (or Pillow image) as pixels and a themed name."""
        icon = self.icon
        picture = icon if isinstance(icon, Picture) else self._files.picture_of(icon)
        self._service.set_picture(picture)
        self._icon_valid = True

    def _update_title(self) -> None:
        """Export the title and tooltip."""
        self._service.set_title(self.title)

    def _update_menu(self) -> None:
        """Export the current menu."""
        self._service.set_menu(self.menu)

    def _notify(self, message: str, title: str | None = None) -> None:
        """Show nothing: this app sends its own notifications."""

    def _remove_notification(self) -> None:
        """Close nothing."""

    def _run_item(self, item: Any) -> None:
        """Run a clicked menu item's action, as pystray's other backends do."""
        if item.submenu is None:
            self._handler(item)()

    # What this backend adds ---------------------------------------------------------

    @property
    def status(self) -> str:
        """The item's Status: Active, or NeedsAttention to ask the host to show it."""
        return self._service.status

    @status.setter
    def status(self, value: str) -> None:
        self._service.status = value

    @property
    def bus_name(self) -> str:
        """The well-known name the item is exported under."""
        return self._service.bus_name
