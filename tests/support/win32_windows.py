"""Run in Windows Python: print the visible top-level windows of a class, with their text.

`python.exe win32_windows.py tooltips_class32` prints a JSON list of {"text", "rect"}: the
balloons a tray icon shows are such windows, and WM_GETTEXT reads their text.
"""

import ctypes
import json
import sys
from ctypes import wintypes

assert sys.platform == "win32", "this script reads Windows' own windows"

user32 = ctypes.windll.user32
WNDENUMPROC = ctypes.WINFUNCTYPE(wintypes.BOOL, wintypes.HWND, wintypes.LPARAM)
WM_GETTEXT = 0x000D
WM_GETTEXTLENGTH = 0x000E


def window_text(hwnd: int) -> str:
    """Return a window's text as WM_GETTEXT gives it (another process's window, too)."""
    length = user32.SendMessageW(hwnd, WM_GETTEXTLENGTH, 0, 0)
    buffer = ctypes.create_unicode_buffer(length + 1)
    user32.SendMessageW(hwnd, WM_GETTEXT, length + 1, buffer)
    return str(buffer.value)


def visible_windows(wanted_class: str) -> list[dict[str, object]]:
    """Return the visible top-level windows of this class with their text and rectangle."""
    found: list[dict[str, object]] = []

    def visit(hwnd: int, _: int) -> bool:
        name = ctypes.create_unicode_buffer(256)
        user32.GetClassNameW(hwnd, name, 256)
        if name.value == wanted_class and user32.IsWindowVisible(hwnd):
            rect = wintypes.RECT()
            user32.GetWindowRect(hwnd, ctypes.byref(rect))
            found.append(
                {"text": window_text(hwnd), "rect": [rect.left, rect.top, rect.right, rect.bottom]}
            )
        return True

    user32.EnumWindows(WNDENUMPROC(visit), 0)
    return found


if __name__ == "__main__":
    print(json.dumps(visible_windows(sys.argv[1])))
