"""Notifications with buttons over the freedesktop D-Bus protocol, through jeepney."""

# Calls and signals share one connection: some servers (dunst) send ActionInvoked and
# NotificationClosed only to the connection that called Notify. jeepney's threading router
# reads that connection on one thread and hands matching signals to a filter; the daemon's
# thread sends. No thread waits per notification.

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from jeepney import DBusErrorResponse, Message, MessageType
from jeepney.bus_messages import message_bus
from jeepney.io.common import RouterClosed
from jeepney.io.threading import DBusRouter, open_dbus_connection
from jeepney.low_level import HeaderFields

from backcare_tray.adapters.dbus_router import SturdyRouter
from backcare_tray.adapters.notifications import protocol
from backcare_tray.notice import Notice

__all__ = ["CALL_TIMEOUT", "FreedesktopNotifier", "OnAction"]

log = logging.getLogger(__name__)

OnAction = Callable[[str], None]
CALL_TIMEOUT = 2.0  # a hung server must never hold up the daemon for long
LOOK_UP_EVERY = 60.0  # seconds between status's looks for a missing server
# RouterClosed: the connection's reader thread ended; the next call connects again.
_FAILURES = (
    DBusErrorResponse,
    OSError,
    TimeoutError,
    EOFError,
    ValueError,
    RuntimeError,
    RouterClosed,
)


class _Handoff:
    """A stand-in for the router's filter queue that hands each message to a function."""

    def __init__(self, handle: Callable[[Message], None]) -> None:
        self._handle = handle

    def put_nowait(self, message: Message) -> None:
        """Handle a matching message on the router's thread; never raise there."""
        try:
            self._handle(message)
        except Exception:
            log.exception("Could not handle a notification signal")


def _call(router: DBusRouter, message: Message) -> tuple[Any, ...]:
    """Send a call and return the reply's body; raise DBusErrorResponse on an error reply."""
    reply = router.send_and_get_reply(message, timeout=CALL_TIMEOUT)
    if reply.header.message_type == MessageType.error:
        raise DBusErrorResponse(reply)
    body: tuple[Any, ...] = reply.body
    return body


class FreedesktopNotifier:
    """The break's one notification: shown, replaced in place, closed; buttons answer it."""

    def __init__(
        self, app_icon: Path, on_action: OnAction, fallback: Any = None, bus: str = "SESSION"
    ) -> None:
        self._app_icon = app_icon
        self._on_action = on_action
        self._fallback = fallback
        self._bus = bus
        self._lock = threading.Lock()  # one call at a time from the daemon's threads
        self._router: DBusRouter | None = None
        # The id of our notification while the server shows it; 0 when none is open. The
        # router's thread only reads it (it must never wait on the lock: replies come that way).
        self._shown_id = 0
        self._offered: frozenset[str] = frozenset()  # the keys of the buttons it shows
        # While a Notify is in flight its reply (with the id) reaches _send on the daemon's
        # thread a moment after the router's thread may already hand on a click on it: such
        # signals wait here and are handled once the id is known.
        self._in_flight = False
        self._early: deque[Message] = deque()
        self._capabilities: frozenset[str] = frozenset()
        self._server = ""
        self._server_name = ""  # as GetServerInformation gives it: "gnome-shell", "dunst"
        # What the last Notify said (all but replaces_id): an update repeating it while it
        # is still shown is not sent (Plasma refuses one: ExcessNotificationGeneration).
        self._sent: tuple[Any, ...] = ()
        self._next_look_up = 0.0  # monotonic time describe() may look for a server again
        self._failing = False
        self._problem: str | None = None  # what failed, while it fails

    def describe(self) -> dict[str, Any]:
        """Return the notification server and its capabilities, for status and bug reports."""
        # While no server is known, status asks at most once a minute (each show() asks too).
        if not self._server and time.monotonic() >= self._next_look_up:
            self._next_look_up = time.monotonic() + LOOK_UP_EVERY
            self._look_up_server()
        # While no server answers, notices go to the fallback: they fail only if it fails too.
        fallback = (
            self._fallback.describe() if self._failing and self._fallback is not None else None
        )
        return {
            "via": "freedesktop",
            "server": self._server or None,
            "actions": "actions" in self._capabilities,
            "capabilities": sorted(self._capabilities),
            "failing": self._failing and (fallback is None or bool(fallback["failing"])),
            "problem": self._problem,
            "fallback": fallback,
        }

    def _connect(self) -> DBusRouter:
        """Return the router, opening the connection and subscribing on first use."""
        if self._router is not None:
            return self._router
        try:
            connection = open_dbus_connection(bus=self._bus)
        except KeyError:  # jeepney reads DBUS_SESSION_BUS_ADDRESS, and it is not set
            raise OSError("no session bus (DBUS_SESSION_BUS_ADDRESS is not set)") from None
        router = SturdyRouter(connection)
        try:
            router.filter(protocol.signal_rule(), queue=_Handoff(self._on_signal))
            # Servers that broadcast their signals reach us only through a bus match rule, and
            # only the name's owner is heard: GNOME Shell broadcasts each signal from its own
            # connection too, besides the service owning the name that sends it to us, so one
            # click would be answered twice.
            _call(router, message_bus.AddMatch(protocol.signal_rule(sender=protocol.BUS_NAME)))
        except BaseException:
            router.close()
            connection.close()
            raise
        self._router = router
        return router

    def _drop_connection(self) -> None:
        """Forget a broken connection; the next call opens a new one."""
        router, self._router = self._router, None
        self._shown_id = 0
        if router is not None:
            router.close()
            router.conn.close()
            # jeepney 0.9's threading connection leaves its stop pipe open on close.
            for fd in (
                getattr(router.conn, "_stop_r", None),
                getattr(router.conn, "_stop_w", None),
            ):
                if fd is not None:
                    with suppress(OSError):
                        os.close(fd)

    def _failed_call(self, error: BaseException) -> None:
        """Drop the connection only when the bus itself failed (not when the server did)."""
        if not isinstance(error, DBusErrorResponse):
            self._drop_connection()

    def _look_up_server(self) -> None:
        """Ask the server its name and capabilities (nothing is known while none answers)."""
        with self._lock:
            try:
                self._ask_server(self._connect())
            except _FAILURES as error:
                self._failed_call(error)
                log.debug("No notification server to describe: %s", error)

    def _ask_server(self, router: DBusRouter) -> None:
        """Refresh the capabilities (a server can be replaced at any time) and the name."""
        (capabilities,) = _call(router, protocol.get_capabilities())
        self._capabilities = frozenset(capabilities)
        name, _vendor, version, _spec = _call(router, protocol.get_server_information())
        self._server = f"{name} {version}"
        self._server_name = str(name)

    def show(self, notice: Notice) -> bool:
        """Show notice in place of the break's notification; return False if it failed."""
        with self._lock:
            try:
                router = self._connect()
                self._ask_server(router)
                self._send(router, notice)
            except _FAILURES as error:
                self._failed_call(error)
                return self._failed(notice, error)
        self._recovered()
        return True

    def refresh(self, notice: Notice) -> None:
        """Update the notification if the server still shows it (a countdown, a next step)."""
        with self._lock:
            if self._router is None or not self._shown_id:
                return  # closed by the person, expired, or never shown: do not bring it back
            try:
                self._send(self._router, notice)
            except _FAILURES as error:
                self._failed_call(error)
                log.debug("Could not update the notification: %s", error)

    def _send(self, router: DBusRouter, notice: Notice) -> None:
        """Send Notify replacing our notification, and remember the id the server gave."""
        message = protocol.notify(
            notice,
            replaces_id=self._shown_id,
            app_icon=self._app_icon,
            with_actions="actions" in self._capabilities,
            markup="body-markup" in self._capabilities,
            server=self._server_name,
        )
        content = (message.body[0], *message.body[2:])
        if self._shown_id and content == self._sent:
            log.debug("Not sent: the notification already says exactly this.")
            return
        sent = protocol.sent_actions(notice.actions, self._server_name)
        offered, self._offered = self._offered, frozenset(a.key for a in sent)
        self._in_flight = True  # the server may answer a button as soon as it has the notice
        try:
            (self._shown_id,) = _call(router, message)
            self._sent = content
        except BaseException:
            self._offered = offered  # the old notification, if any, still shows
            raise
        finally:
            self._in_flight = False
            self._handle_early()

    def close(self) -> None:
        """Close our notification so no dead buttons remain (nothing to do when none is open)."""
        with self._lock:
            shown, self._shown_id = self._shown_id, 0
            if self._router is None or not shown:
                return
            try:
                _call(self._router, protocol.close_notification(shown))
            except _FAILURES as error:
                log.debug("Could not close notification %d: %s", shown, error)

    def stop(self) -> None:
        """Close our notification and the connection."""
        self.close()
        with self._lock:
            self._drop_connection()

    def _on_signal(self, message: Message) -> None:
        """Handle a signal now, or once the id of a notification being sent is known."""
        if self._in_flight and (not message.body or message.body[0] != self._shown_id):
            self._early.append(message)
            if not self._in_flight:  # _send finished meanwhile and may have missed it
                self._handle_early()
            return
        self._handle_signal(message)

    def _handle_early(self) -> None:
        """Handle the signals that came while a Notify was in flight (each exactly once)."""
        while True:
            try:
                message = self._early.popleft()
            except IndexError:
                return
            self._handle_signal(message)

    def _handle_signal(self, message: Message) -> None:
        """Turn a click on our notification into an answer; forget it once it is closed."""
        member = message.header.fields.get(HeaderFields.member)
        if not message.body or message.body[0] != self._shown_id or not self._shown_id:
            return  # another application's notification, or one of ours already replaced
        if member == protocol.ACTION_INVOKED:
            key = str(message.body[1])
            if key not in self._offered:
                log.debug("Ignored action %r: the notification offers no such button.", key)
                return
            log.info("Notification button pressed: %s", key)
            self._on_action(key)
        elif member == protocol.NOTIFICATION_CLOSED:
            self._shown_id = 0
            reason = protocol.CLOSED_REASONS.get(message.body[1], str(message.body[1]))
            log.debug("The notification was %s.", reason)

    def _failed(self, notice: Notice, error: BaseException) -> bool:
        """Log an outage once, then hand the notice to the fallback if there is one."""
        self._problem = f"{type(error).__name__}: {error}"
        if not self._failing:
            log.error(
                "No notification server answers on D-Bus (%s: %s); the tray icon still shows "
                "when a stretch is due.",
                type(error).__name__,
                error,
            )
        self._failing = True
        return self._fallback.show(notice) if self._fallback is not None else False

    def _recovered(self) -> None:
        """Say once that notifications work again after an outage."""
        if self._failing:
            log.warning("Notifications work again (%s).", self._server or "freedesktop")
        self._failing = False
        self._problem = None
