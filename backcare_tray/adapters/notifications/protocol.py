"""The freedesktop Desktop Notifications protocol (spec 1.2): names and message builders."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jeepney import DBusAddress, MatchRule, Message, new_method_call

from backcare_tray.notice import ACTION_COMMANDS, Action, Notice

__all__ = [
    "ACTION_INVOKED",
    "ADDRESS",
    "APP_NAME",
    "BUS_NAME",
    "BUTTON_RULES",
    "CLOSED_REASONS",
    "DESKTOP_ENTRY",
    "INTERFACE",
    "LONGEST_TIMEOUT_MS",
    "NOTIFICATION_CLOSED",
    "PATH",
    "URGENCY",
    "ButtonRule",
    "close_notification",
    "expire_timeout",
    "get_capabilities",
    "get_server_information",
    "hints",
    "notify",
    "sent_actions",
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


@dataclass(frozen=True)
class ButtonRule:
    """How a notification server shows buttons: how many at most, and the body click's."""

    most: int  # buttons shown; the rest are dropped by the server without a word
    default_hidden: bool  # the "default" action is only the body click, with no label shown


# Servers known to cap their buttons, by the name GetServerInformation gives. GNOME Shell
# (43 and later, js/ui/messageTray.js) shows MAX_NOTIFICATION_BUTTONS = 3 and drops the rest;
# its notificationDaemon.js takes the "default" key as the banner's click and never draws it
# as a button, so nothing on the banner says that a click starts the stretch. There the body
# click stays, Start becomes a real button as well, and the least needed buttons (Skip) are
# left out: they stay in the tray menu and on the command line.
BUTTON_RULES: dict[str, ButtonRule] = {
    "gnome-shell": ButtonRule(most=3, default_hidden=True),
}


def sent_actions(actions: tuple[Action, ...], server: str) -> tuple[Action, ...]:
    """Return the actions to send to a server: all, or the most needed where it caps buttons."""
    rule = BUTTON_RULES.get(server)
    if rule is None:
        return actions
    body_click = tuple(a for a in actions if a.key == "default")
    buttons = [a for a in actions if a.key != "default"]  # in the notice's order of need
    if body_click and rule.default_hidden:
        key = ACTION_COMMANDS["default"].name
        if all(a.key != key for a in buttons):
            buttons.insert(0, Action(key, body_click[0].label))
    return body_click + tuple(buttons[: rule.most])


def expire_timeout(seconds: int) -> int:
    """Return Notify's expire_timeout for a notice's seconds: 0 never expires, clamped to int32."""
    return max(0, min(seconds * 1000, LONGEST_TIMEOUT_MS))


def signal_rule(sender: str | None = None) -> MatchRule:
    """Return the rule for the server's signals (both are sent from its one object)."""
    return MatchRule(type="signal", sender=sender, interface=INTERFACE, path=PATH)


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
    server: str = "",
) -> Message:
    """Return the Notify call for a notice: buttons only where the server offers them.

    server is the name GetServerInformation gave, which says how many buttons it shows.
    """
    body = notice.body
    if not with_actions and notice.answer_hint:
        body = f"{body}\n{notice.answer_hint}"
    if markup:  # a server that reads markup would take "<" and "&" as tags
        body = body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    sent = sent_actions(notice.actions, server) if with_actions else ()
    actions = [part for a in sent for part in (a.key, a.label)]
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
