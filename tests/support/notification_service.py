"""A notification server on the test bus that records every call and clicks like a person."""

import threading
import time
from dataclasses import dataclass
from typing import Any

from support.dbus_service import ExportedService

BUS_NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
INTERFACE = "org.freedesktop.Notifications"


@dataclass(frozen=True)
class NotifyCall:
    """One Notify call as the server received it, with the id it answered."""

    replaces_id: int
    summary: str
    body: str
    actions: dict[str, str]  # key -> label
    hints: dict[str, Any]
    timeout_ms: int
    answered_id: int
    at: float  # time.monotonic() when it arrived
    app_icon: str = ""


class RecordingNotificationServer:
    """Speaks the Desktop Notifications protocol; with_actions decides its capabilities."""

    def __init__(
        self,
        *,
        with_actions: bool = True,
        answer_twice: bool = False,
        instant_click: str | None = None,
        name: str = "recorder",
    ) -> None:
        self.capabilities = ["body", *(["actions"] if with_actions else [])]
        self.name = name  # what GetServerInformation says: "gnome-shell" caps its buttons
        self.notify_calls: list[NotifyCall] = []
        self.closed_ids: list[int] = []
        self.asked: list[str] = []  # the method of every call, in order
        self.open_ids: set[int] = set()
        self._lock = threading.Lock()
        self._next_id = 1
        self._client: str | None = None
        self._instant_click = instant_click  # pressed the moment each Notify is answered
        self._service = ExportedService(
            BUS_NAME, self._answer, answer_twice=answer_twice, after_reply=self._replied
        )

    def _answer(
        self, path: str, interface: str, member: str, body: tuple[Any, ...]
    ) -> tuple[str, tuple[Any, ...]] | None:
        """Answer the protocol's methods and record them."""
        if (path, interface) != (PATH, INTERFACE):
            return None
        with self._lock:
            self._client = self._service.last_caller
            self.asked.append(member)
            if member == "GetCapabilities":
                return "as", (self.capabilities,)
            if member == "GetServerInformation":
                return "ssss", (self.name, "tests", "1.0", "1.2")
            if member == "Notify":
                return "u", (self._notify(body),)
            if member == "CloseNotification":
                self.closed_ids.append(body[0])
                self.open_ids.discard(body[0])
                self._signal("NotificationClosed", "uu", (body[0], 3))
                return "", ()
        return None

    def _notify(self, body: tuple[Any, ...]) -> int:
        """Show (record) a notification, replacing an open one when asked to."""
        _app, replaces_id, icon, summary, text, actions, hints, timeout = body
        answered: int = replaces_id if replaces_id in self.open_ids else self._next_id
        self._next_id += answered == self._next_id
        self.open_ids.add(answered)
        pairs = dict(zip(actions[::2], actions[1::2], strict=True))
        self.notify_calls.append(
            NotifyCall(
                replaces_id,
                summary,
                text,
                pairs,
                hints,
                timeout,
                answered,
                time.monotonic(),
                icon,
            )
        )
        return answered

    def _replied(self, member: str) -> None:
        """Press the instant-click button right behind Notify's reply, before anyone could."""
        if member == "Notify" and self._instant_click is not None:
            with self._lock:
                shown = self.notify_calls[-1].answered_id
            self._signal("ActionInvoked", "us", (shown, self._instant_click))

    def _signal(self, member: str, signature: str, body: tuple[Any, ...]) -> None:
        """Send a signal only to the client that called, as dunst does."""
        self._service.emit(PATH, INTERFACE, member, signature, body, destination=self._client)

    def calls(self) -> list[NotifyCall]:
        """Return the Notify calls so far."""
        with self._lock:
            return list(self.notify_calls)

    def click(self, key: str) -> float:
        """Press a button of the newest notification, then close it; return when it was pressed."""
        with self._lock:
            pressed = time.monotonic()
            shown = self.notify_calls[-1].answered_id
            self._signal("ActionInvoked", "us", (shown, key))
            self.open_ids.discard(shown)
            self._signal("NotificationClosed", "uu", (shown, 2))
        return pressed

    def dismiss(self) -> None:
        """Close the newest notification as a person would (reason 2), without an answer."""
        with self._lock:
            shown = self.notify_calls[-1].answered_id
            self.open_ids.discard(shown)
            self._signal("NotificationClosed", "uu", (shown, 2))

    def close(self) -> None:
        """Stop serving."""
        self._service.close()
