"""A D-Bus service exported on a test's private session bus, answering from a function."""

import socket
import threading
from collections.abc import Callable
from typing import Any

# (object path, interface, member, body) -> (signature, values), or None for "no such method".
Answer = Callable[[str, str, str, tuple[Any, ...]], tuple[str, tuple[Any, ...]] | None]


class ExportedService:
    """Owns a bus name and answers method calls on its own thread until closed."""

    def __init__(
        self,
        bus_name: str,
        answer: Answer,
        *,
        answer_twice: bool = False,
        bus: str = "SESSION",
        after_reply: Callable[[str], None] | None = None,
    ) -> None:
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        self._answer = answer
        self._answer_twice = answer_twice  # then an UnknownMethod error follows each reply
        self._after_reply = after_reply  # called with the method's name once its reply is sent
        self.last_caller: str | None = None  # the unique name of the latest caller
        self._connection = open_dbus_connection(bus=bus)
        reply = self._connection.send_and_get_reply(message_bus.RequestName(bus_name))
        assert reply.body == (1,), reply.body  # primary owner
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        """Answer method calls until the connection is shut down."""
        from jeepney import MessageType, new_error, new_method_return
        from jeepney.low_level import HeaderFields

        while True:
            try:
                message = self._connection.receive()
            except (OSError, ConnectionError, EOFError):
                return
            if message.header.message_type != MessageType.method_call:
                continue
            fields = message.header.fields
            self.last_caller = fields.get(HeaderFields.sender)
            answer = self._answer(
                fields.get(HeaderFields.path),
                fields.get(HeaderFields.interface),
                fields.get(HeaderFields.member),
                message.body,
            )
            try:
                if answer is None:
                    self._connection.send(new_error(message, "org.example.NoSuchMethod"))
                    continue
                self._connection.send(new_method_return(message, *answer))
                if self._answer_twice:  # as mako 1.7 does, seen with dbus-monitor
                    error = "org.freedesktop.DBus.Error.UnknownMethod"
                    self._connection.send(new_error(message, error, "s", ("Unknown method",)))
            except OSError:  # closed while a call was being answered: a service that went away
                return
            if self._after_reply is not None:
                self._after_reply(fields.get(HeaderFields.member))

    def emit(
        self,
        path: str,
        interface: str,
        member: str,
        signature: str,
        body: tuple[Any, ...],
        destination: str | None = None,
    ) -> None:
        """Send a signal, to one connection (as dunst does) or to every listener."""
        from jeepney import DBusAddress, new_signal
        from jeepney.low_level import HeaderFields

        signal = new_signal(DBusAddress(path, interface=interface), member, signature, body)
        if destination is not None:
            signal.header.fields[HeaderFields.destination] = destination
        self._connection.send(signal)

    def close(self) -> None:
        """Stop answering."""
        self._connection.sock.shutdown(socket.SHUT_RDWR)
        self._thread.join(5)
        self._connection.close()
