"""The freedesktop Desktop Notifications protocol (spec 1.2): names and message builders."""

from pathlib import Path
from typing import Any

from jeepney import DBusAddress, MatchRule, Message, new_method_call

from backcare_tray.notice import Notice

__all__ = [
    "ACTION_INVOKED",
    "ADDRESS",
    "APP_NAME",
    "BUS_NAME",
    "CLOSED_REASONS",
    "DESKTOP_ENTRY",
    "INTERFACE",
    "LONGEST_TIMEOUT_MS",
    "NOTIFICATION_CLOSED",
    "PATH",
    "URGENCY",
    "close_notification",
    "expire_timeout",
    "get_capabilities",
    "get_server_information",
    "hints",
    "notify",
    "signal_rule",
]

BUS_NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
INTERFACE = "org.freedesktop.Notifications"
ADDRESS = DBusAddress(PATH, bus_name=BUS_NAME, interface=INTERFACE)

ACTION_INVOKED = "ActionInvoked"  # (u id, s action key)
NOTIFICATION_CLOSED = "NotificationClosed"  # (u id, u reason)
CLOSED_REASONS = {1: "expired", 2: "dismissed", 3: "closed by a call", 4: "undefined"}
URGENCY = {"low": 0, "normal": 1, "critical": 2}
DESKTOP_ENTRY = "backcare-tray"
APP_NAME = "backcare-tray"
LONGEST_TIMEOUT_MS = 2**31 - 1  # Notify's expire_timeout is a D-Bus int32 of milliseconds


def expire_timeout(seconds: int) -> int:
    """Return Notify's expire_timeout for a notice's seconds: 0 never expires, clamped to int32."""
    return max(0, min(seconds * 1000, LONGEST_TIMEOUT_MS))


def signal_rule() -> MatchRule:
    """Return the rule for the server's signals (both are sent from its one object)."""
    return MatchRule(type="signal", interface=INTERFACE, path=PATH)


def get_capabilities() -> Message:
    """Return the GetCapabilities call: the server's optional features, e.g. "actions"."""
    return new_method_call(ADDRESS, "GetCapabilities")


def get_server_information() -> Message:
    """Return the GetServerInformation call: name, vendor, version, spec version."""
    return new_method_call(ADDRESS, "GetServerInformation")


def close_notification(notification_id: int) -> Message:
    """Return the CloseNotification call for one of our ids."""
    return new_method_call(ADDRESS, "CloseNotification", "u", (notification_id,))


def hints(notice: Notice) -> dict[str, tuple[str, Any]]:
    """Return the hints servers use: urgency, category, desktop entry, image, sound, transience."""
    result: dict[str, tuple[str, Any]] = {
        "urgency": ("y", URGENCY[notice.urgency]),
        "category": ("s", notice.category),
        "desktop-entry": ("s", DESKTOP_ENTRY),
    }
    if notice.kind not in ("due", "reminder", "howto"):  # countdowns stay out of history
        result["transient"] = ("b", True)
    if notice.image_path:  # the stretch's picture, where the server shows images
        result["image-path"] = ("s", notice.image_path)
    # The daemon gives its own cues (or none, as set): the server must not add a sound, least
    # of all at every second of a countdown; only a due stretch without the daemon's chime may.
    if not notice.server_sound:
        result["suppress-sound"] = ("b", True)
    return result


def notify(
    notice: Notice,
    *,
    replaces_id: int,
    app_icon: Path,
    with_actions: bool,
    markup: bool,
) -> Message:
    """Return the Notify call for a notice: buttons only where the server offers them."""
    body = notice.body
    if not with_actions and notice.answer_hint:
        body = f"{body}\n{notice.answer_hint}"
    if markup:  # a server that reads markup would take "<" and "&" as tags
        body = body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    actions = [part for a in notice.actions for part in (a.key, a.label)] if with_actions else []
    return new_method_call(
        ADDRESS,
        "Notify",
        "susssasa{sv}i",
        (
            APP_NAME,
            replaces_id,
            notice.icon_path or str(app_icon),
            notice.title,
            body,
            actions,
            hints(notice),
            expire_timeout(notice.timeout),
        ),
    )
