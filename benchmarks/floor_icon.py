"""The bare floor the daemon is compared with: a pystray icon, a 4-item menu, an idle scheduler."""

import os
import signal

os.environ.setdefault("GDK_GL", "disable")  # the same setting the daemon uses
if os.environ.get("PYSTRAY_BACKEND") == "gtk":  # GTK names the docked window's class after it
    from gi.repository import GLib

    GLib.set_prgname("floor")

import pystray
from apscheduler.schedulers.background import BackgroundScheduler
from PIL import Image


def main() -> None:
    """Show the icon until SIGTERM."""
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.start()
    menu = pystray.Menu(*(pystray.MenuItem(f"Item {n}", lambda: None) for n in range(1, 5)))
    icon = pystray.Icon("floor", Image.new("RGBA", (64, 64), (40, 130, 140, 255)), "floor", menu)
    signal.signal(signal.SIGTERM, lambda *_: icon.stop())

    def setup(running: pystray.Icon) -> None:
        running.visible = True

    icon.run(setup)
    scheduler.shutdown(wait=False)


if __name__ == "__main__":
    main()
