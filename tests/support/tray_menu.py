"""The tray icon's menu on trayer, opened and picked from with xdotool as a person would."""

from collections.abc import Callable

from support.desktop import Desktop, docked_icon_centre, docked_icon_name, visible_windows
from support.waiting import holds_within, wait_for


def open_tray_menu(desktop: Desktop) -> None:
    """Right-click the docked icon and wait for its menu to open."""
    wait_for(lambda: docked_icon_name(desktop.env), 15, "the icon to dock")
    # The docked icon is the one shown window of the app's class; GTK's popup menu is a
    # second.
    # A menu picked from a moment ago can take a while to unmap on a loaded machine.
    wait_for(lambda: visible_windows(desktop.env, "Backcare-tray") == 1, 30, "the icon shown")
    x, y = docked_icon_centre(desktop.env)
    for _ in range(5):  # a click can come before a freshly docked icon takes clicks: again
        desktop.tool("xdotool", "mousemove", str(x), str(y), "click", "3")
        if holds_within(lambda: visible_windows(desktop.env, "Backcare-tray") == 2, 3):
            return
    raise AssertionError("the menu did not open after five right-clicks")


def choose_in_tray_menu(desktop: Desktop, keys: list[str], chosen: Callable[[], object]) -> None:
    """Open the menu, pick an item with the keys, and wait until chosen() says it was."""
    # GTK maps a menu a moment before it grabs the keyboard, so keys sent at once can be
    # lost, as they would be for a person typing that fast: then close it and pick again.
    for _ in range(3):
        open_tray_menu(desktop)
        desktop.tool("xdotool", "key", *keys, "Return")
        if holds_within(chosen, 10):
            return
        desktop.tool("xdotool", "key", "Escape")
        wait_for(lambda: visible_windows(desktop.env, "Backcare-tray") == 1, 5, "menu closed")
    raise AssertionError(f"picking {keys} in the tray menu had no effect, three times")
