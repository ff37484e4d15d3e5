"""The bare floor the daemon is compared with: a pystray icon, a 4-item menu, an idle scheduler."""

import importlib
import os
import signal
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from PIL import Image

os.environ.setdefault("GDK_GL", "disable")  # the same setting the daemon uses
if os.environ.get("PYSTRAY_BACKEND") == "gtk":  # GTK names the docked window's class after it
    from gi.repository import GLib

    GLib.set_prgname("floor")

# "sni" is the daemon's own StatusNotifierItem backend, which offers pystray's API.
SNI = os.environ.get("PYSTRAY_BACKEND") == "sni"
pystray: Any = importlib.import_module("backcare_tray.adapters.sni.item" if SNI else "pystray")


def main() -> None:
    """Show the icon until SIGTERM."""
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.start()
    menu = pystray.Menu(*(pystray.MenuItem(f"Item {n}", lambda: None) for n in range(1, 5)))
    icon = pystray.Icon("floor", Image.new("RGBA", (64, 64), (40, 130, 140, 255)), "floor", menu)
    signal.signal(signal.SIGTERM, lambda *_: icon.stop())

    def setup(running: Any) -> None:
        running.visible = True

    icon.run(setup)
    scheduler.shutdown(wait=False)


if __name__ == "__main__":
    main()
