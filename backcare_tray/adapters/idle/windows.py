"""Idle time on Windows, from GetLastInputInfo."""

from typing import Any

from backcare_tray.adapters.idle.base import NeverLocked, ProbeError

__all__ = ["WindowsIdleProbe"]


class WindowsIdleProbe(NeverLocked):
    """Idle time from GetLastInputInfo and GetTickCount (ctypes)."""

    name = "windows"

    def __init__(self, user32: Any = None, kernel32: Any = None) -> None:
        self._user32 = user32
        self._kernel32 = kernel32

    def idle_seconds(self) -> float:
        """Return the time since the last input, minding the 32-bit tick wrap."""
        import ctypes

        class LastInputInfo(ctypes.Structure):
            _fields_ = [("cbSize", ctypes.c_uint), ("dwTime", ctypes.c_uint)]

        user32 = self._user32 or ctypes.windll.user32  # type: ignore[attr-defined,unused-ignore]
        kernel32 = self._kernel32 or ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
        info = LastInputInfo(ctypes.sizeof(LastInputInfo), 0)
        if not user32.GetLastInputInfo(ctypes.byref(info)):
            raise ProbeError("GetLastInputInfo failed")
        return float((kernel32.GetTickCount() - info.dwTime) & 0xFFFFFFFF) / 1000
