"""The pystray icon: draws looks, turns menu data into a pystray.Menu and clicks into commands."""

import contextlib
import logging
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backcare_tray.adapters.tray_host import SNI_HOST, tray_hosts, wait_for_sni_watcher
from backcare_tray.commands import Command
from backcare_tray.menu import MenuEntry
from backcare_tray.view import IconLook, TrayView

if TYPE_CHECKING:
    from backcare_tray.adapters.sni.picture_cache import PictureCache

__all__ = [
    "HOST_GRACE_SECONDS",
    "NO_HOST_WARNING",
    "OnCommand",
    "TrayIcon",
    "backend_candidates",
    "import_pystray",
]

log = logging.getLogger(__name__)

OnCommand = Callable[[Command], None]
# At login the daemon may start before the panel: this long for a StatusNotifierItem host.
HOST_GRACE_SECONDS = 10.0
NO_HOST_WARNING = (
    "No tray host found (no StatusNotifierItem host on D-Bus and no XEmbed system tray): "
    "the icon cannot be seen. Reminders, notifications and the command line still work; "
    "on GNOME, enable the AppIndicator extension."
)


def backend_candidates(
    platform: str, env_value: str | None, hosts: list[str], x11: bool = True
) -> list[str]:
    """Return the tray backends to try in order; never xorg, which has no menu or clicks."""
    if env_value:
        return [env_value]
    if platform == "darwin":
        return ["darwin"]
    if platform == "win32":
        return ["win32"]
    if SNI_HOST in hosts or (not hosts and not x11):
        # Our own StatusNotifierItem over D-Bus: no GTK. With no host yet and no X11 display
        # (Wayland), nothing but a StatusNotifierItem host can come, and the item waits for it.
        return ["sni"]
    # An XEmbed-only tray (or none yet on X11): GTK's own status icon, which shows the
    # tooltip; libappindicator's fallback to XEmbed prints a Gdk-CRITICAL at every start.
    return ["gtk", "appindicator"]


def import_pystray(candidates: list[str]) -> tuple[Any, str]:
    """Return pystray (or our module offering its API) with the first backend that loads."""
    # GTK maps OpenGL drivers at start although a tray icon never draws with GL.
    os.environ.setdefault("GDK_GL", "disable")
    failures = []
    for name in candidates:
        try:
            if name == "sni":
                from backcare_tray.adapters.sni import item

                return item, name
            os.environ["PYSTRAY_BACKEND"] = name
            import pystray

            return pystray, name
        except Exception as error:  # gi raises ValueError, Xlib its own errors
            failures.append(f"{name}: {type(error).__name__}: {error}")
            sys.modules.pop("pystray", None)
    raise RuntimeError("no usable tray backend (" + "; ".join(failures) + ")")


class TrayIcon:
    """A pystray icon run on its own thread; show() may be called from any thread."""

    def __init__(self, on_command: OnCommand, picture_dir: Path) -> None:
        self._on_command = on_command
        self._picture_dir = picture_dir
        self._pictures: PictureCache | None = None  # the sni backend's drawn pictures
        self._lock = threading.Lock()
        self._icon: Any = None  # set once the icon's loop runs
        self._created: Any = None
        self._pystray: Any = None
        self._shown: TrayView | None = None
        self._pending: TrayView | None = None
        self._pump: _GtkPump | None = None
        self._thread = threading.Thread(target=self._run, name="tray", daemon=True)
        self.backend: str | None = None

    def start(self) -> None:
        """Start the icon's thread; failures are logged there, never raised."""
        self._thread.start()

    def _run(self) -> None:
        """Import the backend, create the icon and run its loop until stopped."""
        hosts = self._look_for_hosts() if sys.platform.startswith("linux") else []
        x11 = bool(os.environ.get("DISPLAY")) and not os.environ.get("WAYLAND_DISPLAY")
        try:
            pystray, self.backend = import_pystray(
                backend_candidates(sys.platform, os.environ.get("PYSTRAY_BACKEND"), hosts, x11)
            )
            icon = self._make_icon(pystray)
        except Exception as error:
            log.error(
                "No tray icon: %s. Reminders, notifications and the command line still work.", error
            )
            return
        log.info("Tray icon uses the %s backend.", self.backend)
        with self._lock:
            self._pystray, self._created = pystray, icon
        try:
            icon.run(setup=self._setup)
        except Exception:
            log.exception("The tray icon stopped with an error; carrying on without it.")

    def _make_icon(self, pystray: Any) -> Any:
        """Create the backend's icon (not shown yet); the sni one gets its pictures drawn."""
        if self.backend == "sni":
            from backcare_tray.adapters.sni.picture_cache import PictureCache

            self._pictures = PictureCache(self._picture_dir)
            self._pictures.prepare()
        return pystray.Icon("backcare-tray", title="backcare-tray")

    def _picture(self, look: IconLook) -> Any:
        """Return what the backend shows for a look: a drawn picture, or a Pillow image."""
        if self._pictures is not None:
            return self._pictures.picture(look)
        from backcare_tray.art import draw_icon

        return draw_icon(look)

    def _look_for_hosts(self) -> list[str]:
        """Return the tray hosts there are; say loudly when there is none."""
        hosts = tray_hosts()
        if not hosts and wait_for_sni_watcher(HOST_GRACE_SECONDS):
            hosts = [SNI_HOST]  # the panel started just after us
        if hosts:
            log.info("Tray host found: %s.", ", ".join(hosts))
        else:
            log.warning(NO_HOST_WARNING)
        return hosts

    def _setup(self, icon: Any) -> None:
        """Show the latest view once the loop runs."""
        # This app shows its own notifications; pystray's would close a notification that
        # never existed on quit, which raises (InvalidId, or ServiceUnknown with no server).
        if hasattr(icon, "_notifier"):
            icon._notifier = _NoNotifications()
        if self.backend == "gtk":
            _report_docking(icon)
            self._pump = _GtkPump(self._apply_pending)
        with self._lock:
            self._icon = icon
        self._deliver()

    def show(self, view: TrayView) -> None:
        """Show a view, changing only the parts that differ from what is shown."""
        with self._lock:
            self._pending = view
        self._deliver()

    def _deliver(self) -> None:
        """Apply the pending view now, or (GTK) on GTK's thread through the pump."""
        if self._pump is not None:
            self._pump.wake()
        else:
            self._apply_pending()

    def _apply_pending(self) -> None:
        """Apply the newest view given, if the icon's loop runs."""
        with self._lock:
            if self._icon is None or self._pending is None:
                return
            view, self._pending = self._pending, None
            self._apply(view)

    def _apply(self, view: TrayView) -> None:
        """Push the changed parts of view to the icon; the caller holds the lock."""
        shown = self._shown
        status_icon = getattr(self._icon, "_status_icon", None) if self.backend == "gtk" else None
        if shown is None or shown.look != view.look:
            if shown is not None and status_icon is not None:  # on GTK's thread: no idle_add
                status_icon.set_from_pixbuf(_pixbuf(self._picture(view.look)))
            else:
                self._icon.icon = self._picture(view.look)
        if self.backend == "sni":  # a due stretch asks the host to show the icon
            self._icon.status = "NeedsAttention" if view.look.kind == "due" else "Active"
        if shown is None or shown.tooltip != view.tooltip:
            if status_icon is not None:  # pystray sets only the accessible title
                status_icon.set_title(view.tooltip)
                status_icon.set_tooltip_text(view.tooltip)
            else:
                self._icon.title = view.tooltip
        if shown is None or shown.menu != view.menu:
            self._icon.menu = self._pystray.Menu(*(self._item(e) for e in view.menu))
        if shown is None:  # only now: an icon never appears without its picture and menu
            self._icon.visible = True
        self._shown = view

    def _item(self, entry: MenuEntry) -> Any:
        """Return the pystray item for one menu entry."""
        pystray = self._pystray
        if not entry.label:
            return pystray.Menu.SEPARATOR
        if entry.children:
            submenu = pystray.Menu(*(self._item(c) for c in entry.children))
            return pystray.MenuItem(entry.label, submenu, enabled=entry.enabled)
        command = entry.command

        def action(icon: Any, item: Any) -> None:
            if command is not None:
                self._on_command(command)

        return pystray.MenuItem(
            entry.label,
            action,
            enabled=entry.enabled and command is not None,
            default=entry.default,
        )

    def stop(self) -> None:
        """Remove the icon and end its loop."""
        with self._lock:
            icon = self._created
        if icon is not None:
            icon.stop()
        self._thread.join(timeout=1.5)


class _GtkPump:
    """Runs view changes on GTK's thread through one lasting GLib watch on a pipe."""

    # pystray's GTK backend hands every change of picture or title to GLib.idle_add, and
    # PyGObject before 3.44.2 (Debian 12 has 3.42) keeps about 115 bytes of each such call:
    # 2.4 MiB over 1,000 break cycles. One watch made once costs nothing per change.
    def __init__(self, apply: Callable[[], None]) -> None:
        from gi.repository import GLib

        self._read, self._write = os.pipe()
        os.set_blocking(self._write, False)
        self._apply = apply
        GLib.io_add_watch(self._read, GLib.PRIORITY_DEFAULT, GLib.IOCondition.IN, self._ready)

    def wake(self) -> None:
        """Ask GTK's thread to apply the newest view."""
        with contextlib.suppress(BlockingIOError):  # already asked: one wake-up does for all
            os.write(self._write, b"!")

    def _ready(self, fd: int, condition: object) -> bool:
        """Apply on GTK's thread; keep watching."""
        os.read(fd, 4096)
        self._apply()
        return True


def _pixbuf(image: Any) -> Any:
    """Return a Pillow image as a GdkPixbuf (RGBA)."""
    from gi.repository import GdkPixbuf, GLib

    rgba = image.convert("RGBA")
    width, height = rgba.size
    data = GLib.Bytes.new(rgba.tobytes())
    return GdkPixbuf.Pixbuf.new_from_bytes(
        data, GdkPixbuf.Colorspace.RGB, True, 8, width, height, width * 4
    )


def _report_docking(icon: Any) -> None:
    """Log when GTK's icon docks in a tray that came after the start, or loses it."""
    from gi.repository import GLib

    status_icon = getattr(icon, "_status_icon", None)
    if status_icon is None:
        return

    def changed(*_: object) -> None:
        if status_icon.is_embedded():
            log.info("A tray host has taken the icon: it can be seen now.")
        else:
            log.warning("The tray host went away: the icon cannot be seen until one comes back.")

    GLib.idle_add(lambda: status_icon.connect("notify::embedded", changed) and False)


class _NoNotifications:
    """Stands in for pystray's notifier: notify and hide do nothing."""

    def notify(self, *_: object) -> None:
        """Show nothing."""

    def hide(self) -> None:
        """Close nothing."""
