"""Every setting once: its section, key, kind, default, bounds and one-line description."""

from collections.abc import Iterator
from typing import Literal, get_args

from backcare_tray.cues import CueMode
from backcare_tray.exercises import builtin_exercises
from backcare_tray.hours import DAYS
from backcare_tray.i18n import N_
from backcare_tray.setting_kinds import Kind, Setting, TomlValue, describe_bounds, parse_value

__all__ = [
    "CUE_MODES",
    "IDLE_PROBES",
    "LANGUAGE_CHOICES",
    "ORDERS",
    "SCHEMA",
    "SECTIONS",
    "IdleProbeSetting",
    "Kind",
    "Setting",
    "TomlValue",
    "describe_bounds",
    "parse_value",
    "setting_named",
    "settings_in",
]

IdleProbeSetting = Literal[
    "auto", "gnome", "freedesktop", "wayland", "x11", "windows", "macos", "none"
]
IDLE_PROBES: tuple[IdleProbeSetting, ...] = get_args(IdleProbeSetting)
ORDERS = ("sequential", "shuffle")
CUE_MODES: tuple[CueMode, ...] = get_args(CueMode)

# The languages the catalogs are for ("auto": the desktop's; one without a catalog yet, or
# missing, speaks English and says so in the log).
LANGUAGE_CHOICES = ("auto", "en", "de", "fr", "es", "it", "pt_BR", "nl", "pl", "ja")

# Each description is marked for the catalog (N_) and translated with _() where it is shown.
SCHEMA: tuple[Setting, ...] = (
    Setting(
        "general",
        "language",
        "choice",
        "auto",
        N_(
            "The language of notifications, the menu, the windows and the voice"
            " (auto: the desktop's)."
        ),
        choices=LANGUAGE_CHOICES,
    ),
    Setting(
        "schedule",
        "sitting_interval",
        "duration",
        "45m",
        N_("Sitting time before a stretch is due."),
    ),
    Setting(
        "schedule",
        "snooze",
        "duration",
        "10m",
        N_("How long snooze postpones a due stretch when no length is given."),
    ),
    Setting(
        "schedule",
        "snooze_choices",
        "durations",
        ["5m", "10m", "15m", "30m"],
        N_("The lengths offered in the tray's Snooze menu."),
        maximum=10,
    ),
    Setting(
        "schedule",
        "remind_every",
        "duration",
        "5m",
        N_("While a stretch is due and unanswered, remind again this often (0s: never)."),
        zero_allowed=True,
    ),
    Setting(
        "schedule",
        "active_hours",
        "time ranges",
        [],
        N_("When reminders happen: local time ranges such as 09:00-17:30 ([] means all day)."),
        field_name="hours",
    ),
    Setting(
        "schedule",
        "active_days",
        "days",
        list(DAYS),
        N_("The days reminders happen on."),
        choices=DAYS,
        field_name="hours",
    ),
    Setting(
        "notifications",
        "timeout",
        "duration",
        "10s",
        N_("How long a notification stays on screen (0s: until you answer it)."),
        field_name="notification_timeout",
        zero_allowed=True,
    ),
    Setting(
        "notifications",
        "respect_dnd",
        "on/off",
        True,
        N_("Hold a due stretch back while a fullscreen window or do-not-disturb is on."),
    ),
    Setting(
        "notifications",
        "dnd_max_delay",
        "duration",
        "30m",
        N_("The longest a stretch is held back for do-not-disturb or a call."),
    ),
    Setting(
        "notifications",
        "hold_during_calls",
        "on/off",
        True,
        N_(
            "Hold a due stretch back while the camera or microphone is in use,"
            " counting it as sitting."
        ),
    ),
    Setting(
        "sound",
        "cues",
        "choice",
        "chime",
        N_("Cues during a guided stretch: chime, voice (spoken steps) or off."),
        choices=CUE_MODES,
    ),
    Setting(
        "sound",
        "volume",
        "whole number",
        60,
        N_("How loud the cues are, from 0 to 100."),
        maximum=100,
        field_name="cue_volume",
    ),
    Setting(
        "sound",
        "due_sound",
        "on/off",
        True,
        N_("Chime when a stretch falls due (instead of the notification server's own sound)."),
    ),
    Setting(
        "guide",
        "window",
        "on/off",
        True,
        N_("Open the coach window (picture, step, countdown) when a guided stretch starts."),
        field_name="coach_window",
    ),
    Setting(
        "rotation",
        "order",
        "choice",
        "sequential",
        N_("sequential follows the list of exercises; shuffle mixes it, never one twice in a row."),
        choices=ORDERS,
        field_name="rotation_order",
    ),
    Setting(
        "rotation",
        "exercises",
        "stretch ids",
        [exercise.id for exercise in builtin_exercises()],
        N_("Which stretches are in the rotation, by id, in order (default: all, your own last)."),
        field_name="rotation",
    ),
    Setting(
        "goals",
        "daily_stretches",
        "whole number",
        6,
        N_("Stretches a day that count towards a streak."),
        minimum=1,
        maximum=100,
        field_name="daily_goal",
    ),
    Setting(
        "idle",
        "natural_break",
        "duration",
        "5m",
        N_("Time away from keyboard and mouse (or asleep) that counts as a break already taken."),
    ),
    Setting(
        "idle",
        "check_every",
        "duration",
        "30s",
        N_("While you are away, how often to look whether you are back."),
        field_name="idle_check_every",
    ),
    Setting(
        "idle",
        "probe",
        "choice",
        "auto",
        N_(
            "How to read idle time: auto picks the first that works;"
            " none counts all time as sitting."
        ),
        choices=IDLE_PROBES,
        field_name="idle_probe",
    ),
)
SECTIONS = tuple(dict.fromkeys(setting.section for setting in SCHEMA))


def settings_in(section: str) -> Iterator[Setting]:
    """Yield the settings of a section in the table's order."""
    return (setting for setting in SCHEMA if setting.section == section)


_BY_NAME = {setting.name: setting for setting in SCHEMA}


def setting_named(name: str) -> Setting:
    """Return the setting with a dotted name such as "schedule.snooze"."""
    return _BY_NAME[name]
