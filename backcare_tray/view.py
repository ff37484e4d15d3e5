"""What the tray shows for a state: icon look, tooltip and menu, all as data."""

import math
from dataclasses import dataclass

from backcare_tray.engine import EngineState
from backcare_tray.menu import MenuEntry, build_menu
from backcare_tray.report import DayCounts
from backcare_tray.settings import Settings
from backcare_tray.wording import (
    Moment,
    menu_status_line,
    status_line,
    today_line,
)

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
    match state.mode:
        case "working":
            assert state.deadline is not None
            span = max(1.0, state.deadline - state.interval_started_at)
            share = (now - state.interval_started_at) / span
            return IconLook("working", min(PROGRESS_STEPS, max(0, math.floor(share * 12))))
        case "stretching":
            assert state.routine is not None
            return IconLook("stretching", max(0, math.ceil(state.routine.phase_ends_at - now)))
        case mode:
            return IconLook(mode)


def tray_view(state: EngineState, at: Moment, settings: Settings, today: DayCounts) -> TrayView:
    """Return the tray's icon look, tooltip and menu for this state."""
    return TrayView(
        look=icon_look(state, at.mono),
        tooltip=status_line(state, at, settings),
        menu=build_menu(
            state,
            menu_status_line(state, at, settings),
            today_line(today.done, today.snoozed),
            settings,
        ),
    )


def next_view_change(state: EngineState, now: float) -> float | None:
    """Return when the view next changes without an event: each minute, or each second."""
    if state.mode == "stretching" and state.routine is not None:
        left = state.routine.phase_ends_at - now
        return now + (left - math.floor(left) or 1.0) if left > 0 else None
    if state.mode in ("working", "snoozed") and state.deadline is not None:
        left = state.deadline - now
        if left <= 60:
            return None
        return state.deadline - 60 * (math.ceil(left / 60) - 1)
    return None
