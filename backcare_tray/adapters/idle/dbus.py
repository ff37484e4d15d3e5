"""Idle time over D-Bus: GNOME Mutter's idle monitor and the freedesktop ScreenSaver."""

from typing import Any

from backcare_tray.adapters.idle.base import ProbeError

__all__ = ["Call", "DBusIdleProbe", "freedesktop_probe", "gnome_probe"]

Call = tuple[str, str, str, str]  # bus name, object path, interface, method


class DBusIdleProbe:
    """Idle time from a D-Bus method returning milliseconds, and the screensaver's lock state."""

    def __init__(self, name: str, idle_call: Call, lock_call: Call) -> None:
        self.name = name
        self._idle_call = idle_call
        self._lock_call = lock_call
        self._connection: Any = None

    def idle_seconds(self) -> float:
        """Call the idle method on the session bus (jeepney, blocking, 2 s timeout)."""
        return float(self._call(self._idle_call)) / 1000

    def locked(self) -> bool:
        """Return the screensaver's GetActive; False when it cannot be read."""
        try:
            return bool(self._call(self._lock_call))
        except ProbeError:
            return False

    def close(self) -> None:
        """Close the connection, if one is open (the next reading opens another)."""
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def _call(self, call: Call) -> Any:
        """Call a method with no arguments and return the first value of its reply."""
        from jeepney import DBusAddress, MessageFlag, MessageType, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        bus_name, path, interface, method = call
        message = new_method_call(DBusAddress(path, bus_name=bus_name, interface=interface), method)
        # A probe only reads: it must never start the service by bus activation.
        message.header.flags |= MessageFlag.no_auto_start
        try:
            if self._connection is None:
                self._connection = open_dbus_connection(bus="SESSION")
            reply = self._connection.send_and_get_reply(message, timeout=2)
        except Exception as error:  # no bus, connection lost, timeout
            self._connection = None
            raise ProbeError(f"{type(error).__name__}: {error}") from None
        if reply.header.message_type == MessageType.error:  # jeepney returns, not raises
            raise ProbeError(f"{bus_name}.{method}: {reply.body}")
        return reply.body[0]


def gnome_probe() -> DBusIdleProbe:
    """Return the GNOME Mutter idle monitor probe (X11 and Wayland)."""
    return DBusIdleProbe(
        "gnome",
        (
            "org.gnome.Mutter.IdleMonitor",
            "/org/gnome/Mutter/IdleMonitor/Core",
            "org.gnome.Mutter.IdleMonitor",
            "GetIdletime",
        ),
        ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", "GetActive"),
    )


def freedesktop_probe() -> DBusIdleProbe:
    """Return the freedesktop screensaver probe (KDE; milliseconds)."""
    saver = (
        "org.freedesktop.ScreenSaver",
        "/org/freedesktop/ScreenSaver",
        "org.freedesktop.ScreenSaver",
    )
    return DBusIdleProbe("freedesktop", (*saver, "GetSessionIdleTime"), (*saver, "GetActive"))
