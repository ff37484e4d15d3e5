"""Everything the daemon needs from the world, in one place: the real kit, or a test's fakes."""

import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from backcare_tray.adapters.idle import IdleProbe
from backcare_tray.adapters.notifications import Notifier, OnAction
from backcare_tray.commands import Command, Reply, WindowPage
from backcare_tray.moment import Moment
from backcare_tray.paths import AppPaths
from backcare_tray.view import TrayView

if TYPE_CHECKING:
    from backcare_tray.adapters.control import ControlHome
    from backcare_tray.adapters.history import DaemonMark
    from backcare_tray.adapters.progress import ProgressOpener
    from backcare_tray.cues import Cue, CueMode
    from backcare_tray.engine import EngineState, Record
    from backcare_tray.exercises import Exercise
    from backcare_tray.report import DayCounts
    from backcare_tray.settings import Settings

__all__ = [
    "Adapters",
    "Coach",
    "CuePlayer",
    "HistoryLog",
    "Listener",
    "Scheduler",
    "StateStorage",
    "StepPictureFiles",
    "Tray",
    "Window",
    "real_adapters",
]


class Scheduler(Protocol):
    """Runs callbacks after delays (APScheduler in real life)."""

    def start(self) -> None:
        """Start running jobs."""
        ...

    def plan(self, name: str, delay: float | None, callback: Callable[[], object]) -> None:
        """Run callback once after delay seconds, replacing the job of that name; None cancels."""
        ...

    def plan_every(
        self, name: str, first_delay: float | None, period: float, callback: Callable[[], object]
    ) -> None:
        """Run callback after first_delay, then every period; None cancels."""
        ...

    def shutdown(self) -> None:
        """Stop running jobs."""
        ...


class Tray(Protocol):
    """The tray icon."""

    def start(self) -> None:
        """Show the icon."""
        ...

    def show(self, view: TrayView) -> None:
        """Show a view."""
        ...

    def stop(self) -> None:
        """Remove the icon."""
        ...


class Listener(Protocol):
    """Something that starts listening for events and can be stopped."""

    def start(self) -> Any:
        """Start listening."""
        ...

    def stop(self) -> None:
        """Stop listening."""
        ...


class HistoryLog(Protocol):
    """The history of events: written one at a time, read for today's counts and streaks."""

    saving: bool
    note: str | None  # what the person should know about it (a file set aside, a failure)

    @property
    def waiting(self) -> int:
        """Return how many events wait to be written (acknowledged, kept elsewhere)."""
        ...

    @property
    def waiting_in(self) -> str | None:
        """Return where the waiting events are kept (a file, "memory"), None when none wait."""
        ...

    def record(self, entry: "Record | DaemonMark", wall: float | None = None) -> bool:
        """Write one entry after those waiting; return False if it waits (or is lost) instead."""
        ...

    def flush(self) -> bool:
        """Write the waiting entries, in order and once; return whether none waits."""
        ...

    def day_counts(self, on: date) -> "DayCounts":
        """Return a local date's counters."""
        ...

    def done_per_day(self) -> dict[str, int]:
        """Return the stretches done on each local date."""
        ...

    def close(self) -> None:
        """Write what it can of what waits, and close the history."""
        ...


class StateStorage(Protocol):
    """Where the engine state is kept between runs."""

    path: Path  # named in the log when saving fails

    def load(self, at: Moment) -> "tuple[EngineState, DayCounts] | None":
        """Return the saved state and counters, or None when there is none to use."""
        ...

    def save(self, state: "EngineState", today: "DayCounts", at: Moment) -> None:
        """Write the state; raise OSError when it cannot be written."""
        ...


class StepPictureFiles(Protocol):
    """The pictures of each stretch's steps, and of the tray's looks, as files on disk."""

    def prepare(self) -> None:
        """Have the missing pictures drawn (in a helper process); slow, so off the loop."""
        ...

    def path(
        self, exercise: "Exercise", step: int, side_index: int | None, size: int
    ) -> str | None:
        """Return the file of a step's picture at a size, None while it is not drawn."""
        ...

    def look_path(self, look: str) -> str | None:
        """Return the file of a tray look's picture (the notification's icon), if drawn."""
        ...

    def describe(self) -> dict[str, Any]:
        """Return where the pictures are and how many are drawn, for status and doctor."""
        ...


class CuePlayer(Protocol):
    """Gives the routine's cues by ear, without ever waiting for them."""

    def prepare(self, volume: int) -> None:
        """Have the chimes at this volume made (in a helper process); slow, so off the loop."""
        ...

    def play(self, cue: "Cue", mode: "CueMode", volume: int, language: str = "en") -> None:
        """Start a cue (a chime, or its words spoken) and return at once."""
        ...

    def silence(self) -> None:
        """End any cue still sounding, without waiting for it to end."""
        ...

    def reap(self) -> None:
        """Collect the players that have ended."""
        ...

    def stop(self) -> None:
        """End any cue still sounding."""
        ...

    def describe(self) -> dict[str, Any]:
        """Return which player and voice are used, for status and doctor."""
        ...


class Coach(Protocol):
    """The coach window of a guided routine, in a process of its own."""

    def show(self, message: dict[str, Any]) -> None:
        """Show a step in the window, opening it if it is not open."""
        ...

    def end(self, message: dict[str, Any]) -> None:
        """Show the routine's end; the window closes itself shortly after."""
        ...

    def close(self) -> None:
        """Close the window now."""
        ...

    def reap(self) -> None:
        """Collect the window's process once it has closed itself."""
        ...

    def describe(self) -> dict[str, Any]:
        """Return whether the window can be shown, for status and doctor."""
        ...


class Window(Protocol):
    """The application window (settings, progress, stretches), in a process of its own."""

    def open(self, page: WindowPage) -> str:
        """Open the window at a page or raise it there: "opened", "raised" or "stood in"."""
        ...

    def close(self) -> None:
        """Close the window (the daemon is stopping)."""
        ...

    def describe(self) -> dict[str, Any]:
        """Return whether the window can be shown and is open, for status."""
        ...


@dataclass
class Adapters:
    """The daemon's outside world: clocks, scheduler, notifier, tray, sensors, storage, openers."""

    clock: Callable[[], Moment]
    local_clock: Callable[[], datetime]
    scheduler: Scheduler
    make_notifier: Callable[[OnAction], Notifier]
    make_tray: Callable[[Callable[[Command], None]], Tray] | None
    # The control channel, given the handler of its commands (with the monotonic time by which
    # each must be answered) and what to call when it cannot go on (the reason why).
    make_control: Callable[[Callable[[Command, float], Reply], Callable[[str], None]], Listener]
    choose_probe: Callable[[str], IdleProbe | None]
    slept: Callable[[], float]  # seconds suspended since the previous call
    dnd_active: Callable[[], bool]
    make_sleep_signal: Callable[[Callable[[], None]], Listener]
    make_clock_change: Callable[[Callable[[], None]], Listener]
    history: HistoryLog
    state_file: StateStorage
    reload_settings: "Callable[[], Settings] | None" = None  # None: no config file to read
    window: "Window | None" = None  # None: no window (the window commands are refused)
    install_signals: bool = True  # the process signals of inbox.SIGNAL_ACTIONS (main thread)
    in_call: Callable[[], bool] = lambda: False  # camera or microphone used by another app
    release_memory: Callable[[], object] = lambda: None  # hand freed memory back to the system
    pictures: StepPictureFiles | None = None  # None: notifications without pictures
    cues: CuePlayer | None = None  # None: silent
    coach: Coach | None = None  # None: the notification guides alone
    # A working probe ranked above the named one, or None (auto's slow look for a better one).
    better_probe: Callable[[str], IdleProbe | None] | None = None


def _reload_and_speak(path: Path, required: bool) -> "Settings":
    """Read the config again and speak its language from now on."""
    from backcare_tray.config_file import load_settings
    from backcare_tray.i18n import current, speak_as_configured, use_language

    spoken = current()
    speak_as_configured(path)  # first: the config's errors and built-in stretches speak it too
    try:
        return load_settings(path, required=required)
    except Exception:
        use_language(spoken)  # the old settings stay, and so does their language
        raise


def _open_as_files(paths: AppPaths, progress: "ProgressOpener", page: WindowPage) -> None:
    """Stand in for the window where it cannot open: progress as a chart, else the config."""
    from backcare_tray.adapters.opener import open_with_default_app
    from backcare_tray.config_file import config_or_example

    if page == "progress":
        progress.open()
    else:
        open_with_default_app(config_or_example(paths.config))


def real_adapters(
    paths: AppPaths,
    app_icon: Path,
    home: "ControlHome",
    *,
    with_tray: bool,
    config_required: bool,
) -> Adapters:
    """Return the real kit for this platform; home is the claimed runtime folder."""
    from functools import partial

    from backcare_tray.adapters.app_window import AppWindow
    from backcare_tray.adapters.calls import CallSensor
    from backcare_tray.adapters.clock_change import ClockChangeListener
    from backcare_tray.adapters.clocks import AWAKE_CLOCK, TOTAL_CLOCK, SleepMeter, clock_now
    from backcare_tray.adapters.coach import CoachWindow
    from backcare_tray.adapters.control import ControlServer
    from backcare_tray.adapters.dnd import DndSensor
    from backcare_tray.adapters.glibc_malloc import release_free_heap
    from backcare_tray.adapters.history import WAITING_FILE, History
    from backcare_tray.adapters.idle import better_probe, choose_probe
    from backcare_tray.adapters.local_time import local_now
    from backcare_tray.adapters.notifications import choose_notifier
    from backcare_tray.adapters.opener import open_with_default_app
    from backcare_tray.adapters.progress import ProgressOpener
    from backcare_tray.adapters.scheduler import WakeupScheduler
    from backcare_tray.adapters.sleep_signal import SleepSignalListener
    from backcare_tray.adapters.sound import SoundPlayer, server_reachable
    from backcare_tray.adapters.state_file import StateFile
    from backcare_tray.adapters.step_pictures import CACHE_FOLDER, StepPictures
    from backcare_tray.adapters.tray import TrayIcon

    pictures = StepPictures(paths.cache / CACHE_FOLDER)  # with the .ico plyer needs on Windows
    return Adapters(
        clock=clock_now,
        local_clock=local_now,
        scheduler=WakeupScheduler(),
        make_notifier=lambda on_action: choose_notifier(
            sys.platform, app_icon, on_action, pictures.icon_path
        ),
        make_tray=(lambda on_command: TrayIcon(on_command, paths.cache / "pictures"))
        if with_tray
        else None,
        make_control=lambda handler, on_lost: ControlServer(home, handler, on_lost),
        choose_probe=lambda setting: choose_probe(setting, sys.platform),
        better_probe=lambda current: better_probe(current, sys.platform),
        slept=SleepMeter(AWAKE_CLOCK, TOTAL_CLOCK).slept,
        dnd_active=DndSensor().active,
        make_sleep_signal=SleepSignalListener,
        make_clock_change=ClockChangeListener,
        in_call=CallSensor().in_call,
        release_memory=release_free_heap,
        history=History(paths.history, paths.state.with_name(WAITING_FILE)),
        state_file=StateFile(paths.state),
        reload_settings=partial(_reload_and_speak, paths.config, config_required),
        window=AppWindow(
            home.folder or paths.cache,
            paths.config,
            partial(_open_as_files, paths, ProgressOpener(paths.cache, open_with_default_app)),
        ),
        pictures=pictures,
        cues=SoundPlayer(paths.cache / "sounds", reachable=server_reachable),
        coach=CoachWindow(home.folder or paths.cache, paths.state.parent),
    )
