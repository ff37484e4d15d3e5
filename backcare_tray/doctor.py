"""`backcare-tray doctor`: what this desktop offers the daemon, for setting up and bug reports."""

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from backcare_tray.i18n import N_, _, ngettext

__all__ = ["notification_lines", "report"]


def _session() -> list[str]:
    """Return what kind of session this is."""
    names = ("XDG_CURRENT_DESKTOP", "XDG_SESSION_TYPE", "WAYLAND_DISPLAY", "DISPLAY")
    python = sys.version.split()[0]
    return [f"{name}: {os.environ.get(name) or '-'}" for name in names] + [
        _("platform: {platform}, Python {version}").format(platform=sys.platform, version=python)
    ]


def _idle_probes() -> list[str]:
    """Return each idle probe of this platform, in the order "auto" tries them, and its answer."""
    from backcare_tray.adapters.idle import PROBES, auto_order

    lines = []
    for name in auto_order(sys.platform):
        try:
            probe = PROBES[name]()
            idle = round(probe.idle_seconds())
            lines.append(
                ngettext(
                    "{probe}: works (idle now {seconds} s)",
                    "{probe}: works (idle now {seconds} s)",
                    idle,
                ).format(probe=name, seconds=idle)
            )
        except Exception as error:  # a probe may fail in any way (ProbeError or other): say how
            lines.append(
                _("{probe}: unavailable ({error})").format(probe=name, error=_error(error))
            )
    return lines


def _tray() -> list[str]:
    """Return the tray host found and the backend the daemon would use for it."""
    if not sys.platform.startswith("linux"):
        return [_("{platform}: the system tray is always there").format(platform=sys.platform)]
    from backcare_tray.adapters.tray import backend_candidates
    from backcare_tray.adapters.tray_host import SNI_HOST, sni_programs, tray_hosts

    hosts = tray_hosts()
    x11 = bool(os.environ.get("DISPLAY")) and not os.environ.get("WAYLAND_DISPLAY")
    backend = backend_candidates(sys.platform, os.environ.get("PYSTRAY_BACKEND"), hosts, x11)[0]
    if hosts:
        found = _("found: {hosts}").format(hosts=", ".join(hosts))
    else:
        found = _("none found: the icon cannot be seen yet")
    programs = sni_programs() if SNI_HOST in hosts else []  # which desktop program hosts it
    if backend == "gtk":
        uses = _("backend: {backend} (needs GTK)").format(backend=backend)
    else:
        uses = _("backend: {backend}").format(backend=backend)
    return [found, *programs, uses]


def _running_notifications() -> dict[str, Any] | None:
    """Return the running daemon's notification facts from its status, None when none answers."""
    from backcare_tray.adapters.control import NotRunning, endpoint_for, send_request
    from backcare_tray.adapters.runtime_dir import RuntimeDirError, runtime_dir
    from backcare_tray.commands import Command

    try:
        endpoint = endpoint_for(runtime_dir().path, sys.platform)
        reply = send_request(endpoint, Command("status"), 2)
    except (NotRunning, OSError, ValueError, RuntimeDirError):
        return None
    facts = reply.get("status", {}).get("notifications") if reply.get("ok") else None
    return facts if isinstance(facts, dict) else None


def notification_lines(facts: dict[str, Any], running: dict[str, Any] | None) -> list[str]:
    """Return doctor's lines from a fresh notifier's facts and the running daemon's, if any."""
    if facts["via"] == "freedesktop" and not facts["server"]:
        lines = [_("freedesktop: no notification server answers on the session bus")]
    else:
        server = facts["server"] or facts["via"]
        if facts["actions"]:
            lines = [_("{server}: offers buttons").format(server=server)]
        else:
            lines = [_("{server}: no buttons (the text says how to answer)").format(server=server)]
        if facts["capabilities"]:
            listed = ", ".join(facts["capabilities"])
            lines.append(_("capabilities: {capabilities}").format(capabilities=listed))
    if facts["via"] == "plyer":  # on Windows an .ico, drawn with the step pictures
        icon = facts.get("icon")
        if icon:
            lines.append(_("icon: {path}").format(path=icon))
        else:
            lines.append(_("icon: none drawn yet (the system's is shown)"))
    if running is None:
        lines.append(_("running daemon: none answers, so none has failed to notify"))
    elif running.get("failing"):
        lines.append(
            _("running daemon: notifications are FAILING ({problem})").format(
                problem=running.get("problem")
            )
        )
    else:
        lines.append(
            _("running daemon: no failure to notify (via {via})").format(via=running.get("via"))
        )
    return lines


def _notifications() -> list[str]:
    """Return the notification server, whether it offers buttons, and whether they fail."""
    from backcare_tray.adapters.notifications import choose_notifier
    from backcare_tray.adapters.step_pictures import CACHE_FOLDER, StepPictures
    from backcare_tray.paths import app_icon_path, app_paths

    icon = StepPictures(app_paths().cache / CACHE_FOLDER).icon_path
    notifier = choose_notifier(sys.platform, app_icon_path(), lambda key: None, icon)
    try:
        facts = notifier.describe()
    finally:
        notifier.stop()
    return notification_lines(facts, _running_notifications())


def _do_not_disturb() -> list[str]:
    """Return each do-not-disturb source and what it says now."""
    from backcare_tray.adapters.dnd import DndSensor

    if sys.platform == "darwin":
        return [_("macOS: not read (the system's Focus holds notifications itself)")]
    return DndSensor().describe()


def _calls() -> list[str]:
    """Return each way a call is sensed and what it says now."""
    from backcare_tray.adapters.calls import CallSensor

    return CallSensor().describe() or [
        _("{platform}: calls are not sensed").format(platform=sys.platform)
    ]


def _sound() -> list[str]:
    """Return the programs that play chimes and speak cues, or what to install."""
    from backcare_tray.adapters.sound import server_reachable, sound_report

    return sound_report(reachable=server_reachable)


def _autostart() -> list[str]:
    """Return which start-up entries are installed."""
    if sys.platform == "win32":
        return [_("Windows: see `{command}`").format(command="backcare-tray autostart status")]
    from backcare_tray import autostart
    from backcare_tray.paths import app_icon_path

    found = autostart.every_place(
        sys.platform, Path.home(), autostart.command_path(), app_icon_path()
    )
    return autostart.status(found)


def _coach() -> list[str]:
    """Return whether the coach window can open here (Tk, a display)."""
    from backcare_tray.adapters.coach import coach_report

    return coach_report()


def _pictures() -> list[str]:
    """Return where the stretches' step pictures are and how many are drawn."""
    from backcare_tray.adapters.step_pictures import CACHE_FOLDER, StepPictures
    from backcare_tray.paths import app_paths

    facts = StepPictures(app_paths().cache / CACHE_FOLDER).describe()
    drawn = ngettext(
        "{drawn} of {wanted} drawn in {folder}",
        "{drawn} of {wanted} drawn in {folder}",
        facts["wanted"],
    )
    lines = [drawn.format(drawn=facts["drawn"], wanted=facts["wanted"], folder=facts["folder"])]
    if facts["drawn"] < facts["wanted"]:
        lines.append(_("the daemon draws the missing ones when it starts"))
    return lines


def _language() -> list[str]:
    """Return the language in use, where it comes from, and the catalogs there are."""
    from backcare_tray.i18n import available_languages, current

    language = current()
    lines = [
        _("in use: {language} (from {source})").format(
            language=language.code, source=_(language.source)
        )
    ]
    if language.unknown:
        unknown = ", ".join(language.unknown)
        lines.append(_("asked for, with no catalog: {languages}").format(languages=unknown))
    catalogs = ", ".join(available_languages())
    lines.append(_("catalogs: {languages}").format(languages=catalogs))
    return lines


def report() -> list[tuple[str, list[str]]]:
    """Return every section of the report, each a title and its lines."""
    sections: list[tuple[str, Callable[[], list[str]]]] = [
        # Translators: the headings of `backcare-tray doctor`'s report.
        (N_("Session"), _session),
        (N_("Language"), _language),
        (N_("Idle probes (tried in this order)"), _idle_probes),
        (N_("Tray host"), _tray),
        (N_("Notifications"), _notifications),
        (N_("Do not disturb"), _do_not_disturb),
        (N_("Calls (camera or microphone in use)"), _calls),
        (N_("Sound cues"), _sound),
        (N_("Coach window"), _coach),
        (N_("Step pictures"), _pictures),
        (N_("Start with the session"), _autostart),
    ]
    result = []
    for title, gather in sections:
        try:
            lines = gather()
        except Exception as error:  # one failing section must not hide the others
            lines = [_("could not be read ({error})").format(error=_error(error))]
        result.append((_(title), lines))
    return result


def _error(error: Exception) -> str:
    """Return an exception as the report names it: its type and its message."""
    return f"{type(error).__name__}: {error}"
