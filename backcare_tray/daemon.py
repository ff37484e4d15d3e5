"""The daemon: one loop owns the state and applies every event in order."""

import logging
import random
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from queue import SimpleQueue
from typing import Any, Literal

from backcare_tray import engine
from backcare_tray.adapters.history import History
from backcare_tray.adapters.idle import IdleProbe, ProbeError
from backcare_tray.adapters.kit import Adapters, Listener, Reply
from backcare_tray.adapters.state_file import load_state, save_state
from backcare_tray.commands import Command
from backcare_tray.hours import seconds_until
from backcare_tray.notice import NoticeKind, action_command, notice_after, render_notice
from backcare_tray.paths import AppPaths
from backcare_tray.report import DayCounts, Presence, status_report
from backcare_tray.settings import Settings
from backcare_tray.stats import days_meeting_goal, streak_ending
from backcare_tray.view import Cadence, redraw_cadence, tray_view
from backcare_tray.wording import Moment

__all__ = ["REPLY_TIMEOUT", "Daemon", "command_event", "local_date"]

log = logging.getLogger(__name__)
REPLY_TIMEOUT = 4.0  # under the command line's 5 s, so it hears why
# An idle probe missing at start (a compositor or service that came later) is looked for
# again at the daemon's own wake-ups, at most this often.
PROBE_RETRY_SECONDS = 30 * 60
# Start-up's last allocations (the tray's pictures and registration, the host's first reads)
# are over by then; the memory they freed is handed back once (0.4 MiB measured).
SETTLED_SECONDS = 20.0


def local_date(wall: float) -> str:
    """Return the local calendar date of a wall-clock time."""
    return date.fromtimestamp(wall).isoformat()


def command_event(command: Command, now: float, how: str) -> engine.Event | None:
    """Return the engine event for a command, or None for commands the daemon handles."""
    match command.name:
        case "start":
            return engine.StartStretch(now)
        case "snooze":
            return engine.Snooze(now, command.seconds)
        case "done":
            return engine.MarkDone(now, how)
        case "skip":
            return engine.Skip(now)
        case "pause":
            return engine.Pause(now, command.seconds)
        case "resume":
            return engine.Resume(now)
        case "cancel":
            return engine.Cancel(now)
    return None


@dataclass
class _Request:
    """A command waiting on the loop, with the slot its reply goes in."""

    command: Command
    how: str
    reply: Reply | None = None
    answered: threading.Event = field(default_factory=threading.Event)
    # "waiting" until the loop takes it or its asker gives up ("withdrawn"): whichever comes
    # first wins, so a command nobody waits for any more is never carried out later.
    stage: str = "waiting"
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def move(self, from_stage: str, to_stage: str) -> bool:
        """Move to to_stage if still at from_stage; return whether it moved."""
        with self._lock:
            if self.stage != from_stage:
                return False
            self.stage = to_stage
            return True


_TICK = "tick"
_STOP = "stop"
_RELOAD = "reload"
_CLOCK_SET = "clock set"


class Daemon:
    """Owns the engine state; adapters only put items on its queue."""

    def __init__(
        self,
        settings: Settings,
        paths: AppPaths,
        adapters: Adapters,
        reload_settings: Callable[[], Settings] | None = None,
        open_settings: Callable[[], object] | None = None,
        open_file: Callable[[Path], object] | None = None,
    ) -> None:
        self.settings = settings
        self.adapters = adapters
        self._clock = adapters.clock
        self.reply_timeout = REPLY_TIMEOUT
        self._reload_settings = reload_settings
        self.paths = paths
        self.notifier = adapters.make_notifier(self._answer_from_notification)
        # What the break's notification shows now (None: nothing of ours is shown).
        self._notice_kind: NoticeKind | None = None
        self.open_settings = open_settings
        self.open_file = open_file
        self._queue: SimpleQueue[str | _Request] = SimpleQueue()
        self.scheduler = adapters.scheduler
        make_tray = adapters.make_tray
        self.tray = make_tray(lambda c: self._queue.put(_Request(c, "menu"))) if make_tray else None
        self.control: Listener | None = None
        self._cadence: Cadence | None = None
        # Serialises tray updates from the loop and from the periodic redraw job, so the
        # last view shown is always the latest state's.
        self._view_lock = threading.Lock()
        self.probe: IdleProbe | None = None
        self._probe_failing = False
        self._wanted_probe = settings.idle_probe  # what the config asks for, found or not
        self._probe_retry_at = 0.0
        self._save_failing = False
        self._sleep_signal = adapters.make_sleep_signal(lambda: self._queue.put(_TICK))
        self._clock_change = adapters.make_clock_change(lambda: self._queue.put(_CLOCK_SET))
        self.presence = Presence()
        self.history = History(paths.history)
        at = self._clock()
        self.state, self.today = self._restore(at)
        self.today = self._today_from_history(at)
        self._streak_day = ""
        self._streak_until_yesterday = 0
        self._refresh_streak(at)

    def _restore(self, at: Moment) -> tuple[engine.EngineState, DayCounts]:
        """Return the saved state made valid for today's settings, or a fresh one."""
        saved = load_state(self.paths.state, at)
        if saved is None:
            seed = random.SystemRandom().randrange(2**31)
            return engine.initial_state(at.mono, self.settings, seed), DayCounts(
                local_date(at.wall)
            )
        state, today = saved
        return engine.adapt_to_settings(state, at.mono, self.settings), today

    def _today_from_history(self, at: Moment) -> DayCounts:
        """Return today's counters as the history tells them (the state file's if it cannot)."""
        if not self.history.saving:
            return self._today(at)
        return self.history.day_counts(date.fromtimestamp(at.wall))

    def _refresh_streak(self, at: Moment) -> None:
        """Once a day, count the days up to yesterday that met the goal, from the history."""
        today = date.fromtimestamp(at.wall)
        if self._streak_day == today.isoformat():
            return
        self._streak_day = today.isoformat()
        met = days_meeting_goal(self.history.done_per_day(), self.settings.daily_goal)
        self._streak_until_yesterday = streak_ending(met, today - timedelta(days=1))

    def _streak(self, at: Moment) -> int:
        """Return the current streak: up to yesterday, plus today once the goal is met."""
        met_today = self._today(at).done >= self.settings.daily_goal
        return self._streak_until_yesterday + (1 if met_today else 0)

    def _show_progress(self) -> None:
        """Draw the weekly chart in a child process (the daemon never imports matplotlib)."""
        chart = self.paths.cache / "progress.png"
        base = [sys.executable, "-m", "backcare_tray", "stats"]
        drawn = subprocess.run(
            [*base, "--chart", str(chart)], capture_output=True, check=False, timeout=60
        )
        if drawn.returncode == 0 and self.open_file is not None:
            self.open_file(chart)
            return
        text = subprocess.run(base, capture_output=True, text=True, check=False, timeout=60)
        report = self.paths.cache / "progress.txt"
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(text.stdout or text.stderr, encoding="utf-8")
        if self.open_file is not None:
            self.open_file(report)

    def _answer_from_notification(self, key: str) -> None:
        """Queue the command of a notification button, as the tray item of that name would."""
        command = action_command(key)
        if command is None:
            log.warning("Unknown notification action %r ignored.", key)
            return
        self._queue.put(_Request(command, "notification"))

    def request(self, command: Command, how: str = "cli") -> Reply:
        """Hand a command to the loop and wait for its reply (called from other threads)."""
        pending = _Request(command, how)
        self._queue.put(pending)
        if not pending.answered.wait(self.reply_timeout) and pending.move("waiting", "withdrawn"):
            return {"ok": False, "error": "the daemon was busy; the command was not carried out"}
        pending.answered.wait()  # taken by the loop just now: its answer is coming
        assert pending.reply is not None
        return pending.reply

    def stop_soon(self, *_: object) -> None:
        """Ask the loop to stop (safe from signal handlers)."""
        self._queue.put(_STOP)

    def run(self) -> None:
        """Start the adapters, run the loop until stopped, then shut down cleanly."""
        self.control = self.adapters.make_control(self.request)
        if self.adapters.install_signals:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, self.stop_soon)
            if hasattr(signal, "SIGHUP"):  # the usual "read your config again" (not on Windows)
                signal.signal(signal.SIGHUP, lambda *_: self._queue.put(_RELOAD))
        self.probe = self.adapters.choose_probe(self.settings.idle_probe)
        self._probe_retry_at = self._clock().mono + PROBE_RETRY_SECONDS
        if self.probe is None:
            self.settings = replace(self.settings, idle_probe="none")
        self.presence = replace(self.presence, probe=self.probe.name if self.probe else None)
        self.scheduler.start()
        self.control.start()
        self._sleep_signal.start()
        self._clock_change.start()
        self.history.record("daemon_started", None)
        self._apply(self._sensed_tick())
        if self.tray is not None:
            self.tray.start()
        log.info("backcare-tray is running: %s", self._report(self._clock())["status"])
        self.scheduler.plan("release-memory", SETTLED_SECONDS, self.adapters.release_memory)
        try:
            self._loop()
        finally:
            self._shutdown()

    def _loop(self) -> None:
        """Apply queued items in order until a stop arrives."""
        while True:
            item = self._queue.get()
            if item == _STOP:
                return
            try:
                if item == _TICK:
                    self._apply(self._sensed_tick())
                elif item == _RELOAD:
                    self._reload()
                elif item == _CLOCK_SET:  # jobs wait for wall times: plan them all again
                    self._replan()
                elif isinstance(item, _Request) and item.move("waiting", "taken"):
                    try:
                        stop = self._answer(item)
                    finally:
                        if not item.answered.is_set():  # it failed: the asker still hears
                            item.reply = {"ok": False, "error": "internal error, see the log"}
                            item.answered.set()
                    if stop:
                        return
            except Exception:
                log.exception("Error while handling %r; carrying on", item)

    def _look_again_for_a_probe(self) -> None:
        """Choose an idle probe again if none answered before, or the one in use fails."""
        now = self._clock().mono
        working = self.probe is not None and not self._probe_failing
        if working or self._wanted_probe == "none" or now < self._probe_retry_at:
            return
        self._probe_retry_at = now + PROBE_RETRY_SECONDS
        found = self.adapters.choose_probe(self._wanted_probe)
        if found is not None:  # else a failing probe stays: it may come back by itself
            self.probe, self._probe_failing = found, False
            self.settings = replace(self.settings, idle_probe=self._wanted_probe)
            self.presence = replace(self.presence, probe=found.name)

    def _sensed_tick(self) -> engine.Tick:
        """Return a Tick carrying the sleep since the last one and the idle time, if readable."""
        slept = self.adapters.slept()
        if slept:
            log.info("The machine was suspended for %.0f s.", slept)
        idle = None
        locked = False
        self._look_again_for_a_probe()
        if self.probe is not None:
            try:
                idle = self.probe.idle_seconds()
            except ProbeError as error:
                if not self._probe_failing:
                    log.warning(
                        "The %s idle probe failed (%s); trying again later.", self.probe.name, error
                    )
                self._probe_failing = True
            else:
                if self._probe_failing:
                    log.info("The %s idle probe works again.", self.probe.name)
                self._probe_failing = False
                locked = self.probe.locked()
        now = self._clock().mono
        # Do-not-disturb is only looked at when a notification could be shown now; a call
        # also when the idle time would make a natural break (a call counts as sitting).
        could_show = engine.wants_dnd(self.state, now)
        dnd = self.settings.respect_dnd and could_show and self.adapters.dnd_active()
        # Only when the idle time would newly make a natural break: once the person is away
        # there is nothing to decide, so nothing is run at every look for their return.
        long_idle = (
            idle is not None
            and idle >= self.settings.natural_break
            and not engine.is_away(self.state)
        )
        in_call = (
            self.settings.hold_during_calls
            and (could_show or long_idle)
            and self.adapters.in_call()
        )
        if in_call:
            idle, locked = 0.0, False
        self.presence = replace(self.presence, idle_seconds=idle, dnd=dnd, in_call=in_call)
        local = self.adapters.local_clock()
        change = self.settings.hours.next_change(local)
        return engine.Tick(
            now,
            idle_seconds=idle,
            slept_seconds=slept,
            locked=locked,
            dnd=dnd,
            in_call=in_call,
            active=self.settings.hours.is_active(local),
            active_change_at=None if change is None else now + seconds_until(change, local),
        )

    def _answer(self, request: _Request) -> bool:
        """Carry out a command, fill in its reply, and return True if the daemon should stop."""
        command = request.command
        at = self._clock()
        reply: Reply = {"ok": True}
        if command.name == "quit":
            request.reply = {"ok": True, "message": "backcare-tray is stopping"}
            request.answered.set()
            return True
        if command.name == "reload":
            reply = self._reload()
        elif command.name == "settings":
            if self.open_settings is not None:
                self.open_settings()
        elif command.name == "progress":
            threading.Thread(target=self._show_progress, name="progress", daemon=True).start()
        elif command.name == "howto":
            with self._view_lock:
                self._show_notice("howto", at)
        else:
            if command.name == "pause-tomorrow":
                until = self.settings.hours.seconds_to_next_start(self.adapters.local_clock())
                command = Command("pause", until)
            event = command_event(command, at.mono, request.how)
            if event is not None:
                refusal = self._apply(event, request.how)
                if refusal:
                    reply = {"ok": False, "error": refusal}
        reply["status"] = self._report(self._clock())
        request.reply = reply
        request.answered.set()
        return False

    def _apply(self, event: engine.Event, how: str | None = None) -> str | None:
        """Step the engine, carry out its effects, save and redraw; return a refusal if any."""
        at = self._clock()
        before = (self.state, self.today)
        self.state, effects = engine.step(self.state, event, self.settings)
        refusal = None
        for effect in effects:
            match effect:
                case engine.Record():
                    log.info("%s: %s", effect.kind, effect.exercise_id)
                    self.history.record(
                        effect.kind, effect.exercise_id, effect.seconds, effect.how, at.wall
                    )
                    self.today = self.today.after(effect.kind, local_date(at.wall))
                    if effect.kind == "natural_break":
                        self.presence = replace(self.presence, last_natural_break_at=at.wall)
                case engine.Wake(at=wake):
                    self.scheduler.plan(
                        "wake",
                        None if wake is None else wake - at.mono,
                        lambda: self._queue.put(_TICK),
                    )
                case engine.Refuse(reason=reason):
                    refusal = reason
        if (self.state, self.today) != before:
            self._save(at)
        self._refresh_streak(at)
        self._show(at, notice_after(before[0], self.state, effects, how))
        return refusal

    def _reload(self) -> Reply:
        """Read the config again, keeping the state; a broken config keeps the old settings."""
        if self._reload_settings is None:
            return {"ok": False, "error": "this daemon has no config file to read again"}
        try:
            settings = self._reload_settings()
        except Exception as error:  # ConfigError names the file, the key and the value
            log.error("Config not reloaded, the old settings stay: %s", error)
            return {"ok": False, "error": f"{error}; the old settings stay"}
        self._wanted_probe = settings.idle_probe
        if self.probe is None and settings.idle_probe != "none":
            settings = replace(settings, idle_probe="none")  # none answered: looked for later
        self.settings = settings
        self.state = engine.adapt_to_settings(self.state, self._clock().mono, settings)
        log.info("Config reloaded.")
        self._replan()
        return {"ok": True, "message": "config reloaded"}

    def _replan(self) -> None:
        """Plan every job again from now: the wake-up (a Tick always plans it) and the redraw."""
        self._cadence = None
        self._apply(self._sensed_tick())

    def _today(self, at: Moment) -> DayCounts:
        """Return today's counters, zero once the date has changed."""
        on = local_date(at.wall)
        return self.today if self.today.date == on else DayCounts(on)

    def _report(self, at: Moment) -> dict[str, Any]:
        """Return the status report for now."""
        report = status_report(self.state, at, self.settings, self._today(at), self.presence)
        report["history"] = {"saving": self.history.saving, "note": self.history.note}
        report["notifications"] = self.notifier.describe()
        return report

    def _show(self, at: Moment, notice: NoticeKind | Literal["close"] | None = None) -> None:
        """Update the tray and the break's notification; replan the redraw if needed."""
        with self._view_lock:
            if notice == "close":
                self._notice_kind = None
                self.notifier.close()
            elif notice is not None:
                self._show_notice(notice, at)
            self._redraw_tray(at)
        cadence = redraw_cadence(self.state)
        if self.tray is None and not isinstance(self.state.mode, engine.Stretching):
            cadence = None  # without an icon only a routine's countdown changes by itself
        if cadence == self._cadence:
            return
        self._cadence = cadence
        if cadence is None:
            self.scheduler.plan("redraw", None, lambda: None)
        else:
            self.scheduler.plan_every(
                "redraw",
                cadence.next_after(at.mono) - at.mono,
                cadence.period,
                lambda: self._redraw(self._clock()),
            )

    def _show_notice(self, kind: NoticeKind, at: Moment) -> None:
        """Show the notification of this kind; a routine's next step updates it in place."""
        notice = render_notice(kind, self.state, at, self.settings, self._today(at).done)
        if kind == self._notice_kind == "stretching":
            self.notifier.refresh(notice)
        else:
            self.notifier.show(notice)
        self._notice_kind = kind

    def _redraw(self, at: Moment) -> None:
        """Redraw what changes with time; the redraw job calls this without waking the loop."""
        with self._view_lock:
            stretching = isinstance(self.state.mode, engine.Stretching)
            if stretching and self._notice_kind == "stretching":
                self._show_notice("stretching", at)  # the hold's countdown
            self._redraw_tray(at)

    def _redraw_tray(self, at: Moment) -> None:
        """Show the current state's view in the tray; the caller holds the view lock."""
        if self.tray is not None:
            self.tray.show(
                tray_view(
                    self.state,
                    at,
                    self.settings,
                    self._today(at),
                    self._streak(at),
                    self.presence.in_call,
                )
            )

    def _save(self, at: Moment) -> None:
        """Write the state; a failure is logged, never fatal."""
        try:
            save_state(self.paths.state, self.state, self.today, at)
        except OSError as error:
            if not self._save_failing:  # once per outage, not on every change
                log.error("Could not save state to %s: %s", self.paths.state, error)
            self._save_failing = True
        else:
            if self._save_failing:
                log.warning("State is saved again to %s.", self.paths.state)
            self._save_failing = False

    def _shutdown(self) -> None:
        """Save, remove the socket, stop the scheduler and the icon."""
        self._save(self._clock())
        if self.control is not None:
            self.control.stop()
        self.scheduler.shutdown()
        self.notifier.stop()
        self._sleep_signal.stop()
        self._clock_change.stop()
        if self.tray is not None:
            self.tray.stop()
        self.history.record("daemon_stopped", None)
        self.history.close()
        log.info("backcare-tray stopped")
