"""What the tray shows for a state: icon look, tooltip and menu, all as data."""

import math
from dataclasses import dataclass

from backcare_tray.engine import EngineState, Stretching, Working, coming_due_at, is_away
from backcare_tray.menu import MenuEntry, build_menu
from backcare_tray.moment import Moment
from backcare_tray.report import DayCounts
from backcare_tray.settings import Settings
from backcare_tray.wording import (
    menu_status_line,
    status_line,
    today_line,
    waiting_text,
)

__all__ = [
    "PROGRESS_STEPS",
    "Cadence",
    "IconLook",
    "TrayView",
    "icon_look",
    "redraw_cadence",
    "tray_view",
]

PROGRESS_STEPS = 12


@dataclass(frozen=True)
class IconLook:
    """How the icon looks: the state's kind and one number (progress step or seconds left)."""

    kind: str
    value: int = 0


@dataclass(frozen=True)
class TrayView:
    """Everything the tray shows at one moment."""

    look: IconLook
    tooltip: str
    menu: tuple[MenuEntry, ...]


def icon_look(state: EngineState, now: float) -> IconLook:
    """Return the icon look: working shows the share of the interval passed in 12 steps."""
    if is_away(state):
        return IconLook("away")
    mode = state.mode
    match mode:
        case Working():
            span = max(1.0, mode.deadline - mode.since)
            share = (now - mode.since) / span
            return IconLook("working", min(PROGRESS_STEPS, max(0, math.floor(share * 12))))
        case Stretching(paused_left=float() as left):
            return IconLook("stretching", max(0, math.ceil(left)))
        case Stretching():
            return IconLook("stretching", max(0, math.ceil(mode.phase_ends_at - now)))
    return IconLook(mode.name)


def tray_view(
    state: EngineState,
    at: Moment,
    settings: Settings,
    today: DayCounts,
    streak: int = 0,
    in_call: bool = False,
    history_waiting: int = 0,
) -> TrayView:
    """Return the tray's icon look, tooltip and menu; the tooltip says if events wait."""
    tooltip = status_line(state, at, settings, in_call)
    if history_waiting:
        tooltip = f"{tooltip} ({waiting_text(history_waiting)})"
    return TrayView(
        look=icon_look(state, at.mono),
        tooltip=tooltip,
        menu=build_menu(
            state,
            menu_status_line(state, at, settings, in_call),
            today_line(today.done, settings.daily_goal, streak),
            settings,
        ),
    )


@dataclass(frozen=True)
class Cadence:
    """Redraw at anchor + k * period (engine times) for as long as the state lasts."""

    anchor: float
    period: float

    def next_after(self, now: float) -> float:
        """Return the first redraw time strictly after now."""
        return self.anchor + (math.floor((now - self.anchor) / self.period) + 1) * self.period


def redraw_cadence(state: EngineState) -> Cadence | None:
    """Return when the view changes without an event: each minute, or each second stretching."""
    # The minutes left change at deadline - 60 k, a stretch's countdown each whole second
    # before its phase ends; other states change only on events.
    if isinstance(state.mode, Stretching):
        if state.mode.paused_left is not None:
            return None
        return Cadence(state.mode.phase_ends_at, 1.0)
    due_at = coming_due_at(state.mode)
    if due_at is not None and not is_away(state):
        return Cadence(due_at, 60.0)
    return None
