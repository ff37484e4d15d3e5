"""The progress page: today, the week and the month from the history, and the sitting itself."""

# The numbers are `backcare-tray stats`'s own (stats.compute_stats over the history file), read
# on a thread of their own so the window draws at once; the charts are drawn on Tk canvases,
# so no matplotlib is needed here.

import io
import tkinter as tk
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from tkinter import filedialog, ttk
from typing import Any

from backcare_tray.dates import day_and_month, weekday_name
from backcare_tray.durations import format_duration
from backcare_tray.i18n import N_, _, ngettext
from backcare_tray.palette import AMBER, AMBER_DARK, MUTED, TEAL, TEAL_DARK, TEXT, TRACK
from backcare_tray.stats import LONG_BOUT_SECONDS, BoutStats, DayStats, Stats
from backcare_tray.window.host import Host
from backcare_tray.window.look import box, debug, fit_headings

__all__ = ["MONTH_DAYS", "Progress", "ProgressPage", "read_progress"]

MONTH_DAYS = 30
WEEK_DAYS = 7
CHART_HEIGHT = 130
SIT_HEIGHT = 100
SIT_SCALE_MOST = 3 * 3600  # a longer sit's bar is cut at the top, its label says how long
# Marked here, translated where shown; the sentences that count go through ngettext there.
TEXTS = {
    "loading": N_("Reading the history…"),
    "today": N_("Today"),
    "week": N_("This week"),
    "month": N_("30 days"),
    "none_due": N_("nothing fell due yet"),
    "sitting_chart": N_("Longest sit each day (the line is 30 minutes)"),
    "no_sits_week": N_("This week: no sits recorded"),
    "no_sits_month": N_("30 days: no sits recorded"),
    "per_stretch": N_("Each stretch, all time"),
    # Translators: the heading of the table's column of stretch names.
    "column_name": N_("Stretch"),
    # Translators: the heading of the table's column of how many times a stretch was done.
    "column_done": N_("Done"),
    "column_last": N_("Last done"),
    "export": N_("Export CSV…"),
    "refresh": N_("Refresh"),
    "exported": N_("Saved {path}."),
    "not_exported": N_("Not saved: {problem}"),
    "unreadable": N_("The history cannot be read: {problem}"),
    "config_broken": N_("Shown with the default goal: the config has a mistake ({problem})."),
}


@dataclass(frozen=True)
class Progress:
    """What the page shows: the month's stats and the week's, as `stats --days` gives them."""

    month: Stats
    week: Stats
    today: date
    config_problem: str | None = None  # a broken config: the goal and names are the defaults


def read_progress(config: Path) -> Progress:
    """Read the history and the settings and work out the month and the week (off Tk)."""
    from backcare_tray.adapters.history import read_events
    from backcare_tray.config_file import ConfigError, load_settings
    from backcare_tray.paths import app_paths
    from backcare_tray.settings import Settings
    from backcare_tray.stats import compute_stats, last_days

    problem = None
    try:
        settings = load_settings(config)
    except ConfigError as error:
        settings = Settings()  # a broken config still has a history worth showing
        problem = str(error).splitlines()[0]
    history = app_paths(str(config)).history
    events = list(read_events(history)) if history.exists() else []
    names = {stretch_id: exercise.name for stretch_id, exercise in settings.exercises.items()}
    now = datetime.now(UTC)
    today = now.astimezone().date()
    goal = settings.daily_goal
    month = compute_stats(events, today, MONTH_DAYS, goal, now=now, names=names)
    return Progress(month, last_days(month, WEEK_DAYS), today, problem)


def _share(bouts: BoutStats) -> str:
    """Return the long sits' share as a percentage, or a dash with no sits."""
    from backcare_tray.wording import percent_text

    return percent_text(bouts.long / bouts.count) if bouts.count else "-"


def _natural_breaks(count: int) -> str:
    """Return "1 natural break" or "3 natural breaks", in the language in use."""
    return ngettext("{count} natural break", "{count} natural breaks", count).format(count=count)


def _sitting_line(week: bool, bouts: BoutStats) -> str:
    """Return a line about the sitting of the week or of the month."""
    if not bouts.count:
        return _(TEXTS["no_sits_week"] if week else TEXTS["no_sits_month"])
    if week:
        line = ngettext(
            "This week: longest sit {longest}; {long} of {count} sit {limit} or longer "
            "({share}); {breaks}",
            "This week: longest sit {longest}; {long} of {count} sits {limit} or longer "
            "({share}); {breaks}",
            bouts.count,
        )
    else:
        line = ngettext(
            "30 days: longest sit {longest}; {long} of {count} sit {limit} or longer "
            "({share}); {breaks}",
            "30 days: longest sit {longest}; {long} of {count} sits {limit} or longer "
            "({share}); {breaks}",
            bouts.count,
        )
    return line.format(
        longest=format_duration(bouts.longest_seconds),
        long=bouts.long,
        count=bouts.count,
        limit=format_duration(LONG_BOUT_SECONDS),
        share=_share(bouts),
        breaks=_natural_breaks(bouts.natural_breaks),
    )


def numbers(progress: Progress) -> dict[str, Any]:
    """Return the figures the page shows, by name (for tests to set beside `stats --json`)."""
    month, week = progress.month, progress.week
    today = month.days[-1]
    return {
        "today": {"date": today.date, "done": today.done, "due": today.due, "kept": today.kept},
        "goal": month.goal,
        "streak": {"current": month.current_streak, "best": month.best_streak},
        "week_done": sum(day.done for day in week.days),
        "week_met": sum(day.done >= week.goal for day in week.days),
        "month_done": sum(day.done for day in month.days),
        "month_stretching_seconds": sum(day.stretching_seconds for day in month.days),
        "done_per_day": [day.done for day in month.days],
        "longest_sit_per_day": [day.bouts.longest_seconds for day in month.days],
        "week_bouts": vars(week.bouts),
        "month_bouts": vars(month.bouts),
        "stretches": [[e.name, e.done, e.last_done] for e in month.exercises],
    }


class ProgressPage:
    """Cards for today, the week and the month, two charts, and each stretch's count."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.frame = ttk.Frame(host.tabs, padding=(12, 10))
        self.progress: Progress | None = None
        self._filled = False
        cards = ttk.Frame(self.frame)
        cards.pack(fill="x")
        self.cards: dict[str, tuple[ttk.Label, ttk.Label, ttk.Label]] = {}
        for column, key in enumerate(("today", "week", "month")):
            card = ttk.Frame(cards, padding=(0, 0, 24, 0))
            card.grid(row=0, column=column, sticky="nw")
            cards.columnconfigure(column, weight=1)
            ttk.Label(card, text=_(TEXTS[key]), style="Field.TLabel").pack(anchor="w")
            big = ttk.Label(card, text="-", style="Big.TLabel")
            big.pack(anchor="w")
            first = ttk.Label(card, text=_(TEXTS["loading"]), style="Muted.TLabel")
            first.pack(anchor="w")
            second = ttk.Label(card, text="", style="Muted.TLabel")
            second.pack(anchor="w")
            self.cards[key] = (big, first, second)
        self.stretches_title = ttk.Label(self.frame, text="", style="Field.TLabel")
        self.stretches_title.pack(anchor="w", pady=(12, 2))
        self.chart = tk.Canvas(self.frame, height=CHART_HEIGHT, highlightthickness=0)
        self.chart.pack(fill="x")
        ttk.Label(self.frame, text=_(TEXTS["sitting_chart"]), style="Field.TLabel").pack(
            anchor="w", pady=(10, 2)
        )
        self.sitting = tk.Canvas(self.frame, height=SIT_HEIGHT, highlightthickness=0)
        self.sitting.pack(fill="x")
        bar = ttk.Frame(self.frame)
        bar.pack(side="bottom", fill="x", pady=(8, 0))
        self.said = ttk.Label(bar, text="", style="Said.TLabel")
        self.said.pack(side="left", fill="x", expand=True)
        self.export_button = ttk.Button(bar, text=_(TEXTS["export"]), command=self.export)
        self.export_button.pack(side="right")
        ttk.Button(bar, text=_(TEXTS["refresh"]), command=self.refresh).pack(
            side="right", padx=(0, 8)
        )
        below = ttk.Frame(self.frame)
        below.pack(fill="both", expand=True, pady=(8, 0))
        below.columnconfigure(0, weight=1, uniform="half")
        below.columnconfigure(1, weight=1, uniform="half")
        self.sitting_lines = ttk.Label(
            below, text="", style="Muted.TLabel", justify="left", wraplength=400
        )
        self.sitting_lines.grid(row=0, column=0, rowspan=2, sticky="nw", padx=(0, 16))
        ttk.Label(below, text=_(TEXTS["per_stretch"]), style="Field.TLabel").grid(
            row=0, column=1, sticky="w"
        )
        self.table = ttk.Treeview(below, columns=("done", "last"), height=4, selectmode="none")
        self.table.heading("#0", text=_(TEXTS["column_name"]), anchor="w")
        self.table.heading("done", text=_(TEXTS["column_done"]))
        self.table.heading("last", text=_(TEXTS["column_last"]))
        self.table.column("#0", width=190)
        self.table.column("done", width=60, anchor="e")
        self.table.column("last", width=110, anchor="center")
        fit_headings(self.table)
        self.table.grid(row=1, column=1, sticky="nsew")
        for canvas in (self.chart, self.sitting):
            canvas.configure(background=str(ttk.Style().lookup("TFrame", "background")))
            canvas.bind("<Configure>", lambda _event: self._draw_charts())

    def shown(self) -> None:
        """Read the history the first time the page is shown."""
        if not self._filled:
            self._filled = True
            self.refresh()

    def refresh(self) -> None:
        """Read the history again on a thread of its own, then draw."""
        config = self.host.config

        def reading() -> Progress | str:
            try:
                return read_progress(config)
            except Exception as problem:  # a damaged or locked database file
                return _(TEXTS["unreadable"]).format(problem=problem)

        self.host.in_background(reading, self._show)

    def export(self) -> None:
        """Save the month's figures as CSV where the person chooses."""
        if self.progress is None:
            return
        name = f"backcare-tray-{self.progress.today.isoformat()}.csv"
        chosen = filedialog.asksaveasfilename(
            parent=self.frame,
            initialfile=name,
            defaultextension=".csv",
            filetypes=[("CSV", "*.csv")],
        )
        if chosen:
            self.save_csv(Path(chosen))

    def save_csv(self, path: Path) -> None:
        """Write the month's figures as `stats --csv` writes them."""
        from backcare_tray.adapters.state_file import write_atomically
        from backcare_tray.cli.render import write_stats_csv

        assert self.progress is not None
        text = io.StringIO()
        write_stats_csv(self.progress.month, text)
        try:
            write_atomically(path, text.getvalue())
        except OSError as problem:
            self.said.configure(text=_(TEXTS["not_exported"]).format(problem=problem))
            return
        self.said.configure(text=_(TEXTS["exported"]).format(path=path))
        debug("progress exported", path=str(path))

    def where_things_are(self) -> dict[str, Any]:
        """Return where the page's parts are on the screen, for tests."""
        return {"export": box(self.export_button), "chart": box(self.chart)}

    def _show(self, result: "Progress | str") -> None:
        """Fill the cards, the charts and the table."""
        if isinstance(result, str):
            self.said.configure(text=result)
            debug("progress unreadable", problem=result)
            return
        self.progress = result
        problem = result.config_problem
        broken = _(TEXTS["config_broken"]).format(problem=problem) if problem else ""
        self.said.configure(text=broken)
        month, week = result.month, result.week
        today = month.days[-1]
        big, first, second = self.cards["today"]
        big.configure(text=f"{today.done}/{month.goal}")
        first.configure(
            text=ngettext(
                "{done} of {goal} stretch", "{done} of {goal} stretches", month.goal
            ).format(done=today.done, goal=month.goal)
        )
        kept = ngettext(
            "{kept} of {due} answered when due", "{kept} of {due} answered when due", today.due
        ).format(kept=today.kept, due=today.due)
        second.configure(text=kept if today.due else _(TEXTS["none_due"]))
        big, first, second = self.cards["week"]
        week_done = sum(day.done for day in week.days)
        met = sum(day.done >= week.goal for day in week.days)
        big.configure(text=str(week_done))
        first.configure(
            text=ngettext(
                "{done} stretch, goal met on {met} of 7 days",
                "{done} stretches, goal met on {met} of 7 days",
                week_done,
            ).format(done=week_done, met=met)
        )
        second.configure(
            text=ngettext(
                "Streak: {current} day (best {best})",
                "Streak: {current} days (best {best})",
                month.current_streak,
            ).format(current=month.current_streak, best=month.best_streak)
        )
        big, first, second = self.cards["month"]
        month_done = sum(day.done for day in month.days)
        guided = format_duration(sum(day.stretching_seconds for day in month.days))
        big.configure(text=str(month_done))
        first.configure(
            text=ngettext(
                "{done} stretch, {guided} in guided stretches",
                "{done} stretches, {guided} in guided stretches",
                month_done,
            ).format(done=month_done, guided=guided)
        )
        second.configure(text="")
        self.stretches_title.configure(
            text=ngettext(
                "Stretches done each day (the line is your goal of {goal})",
                "Stretches done each day (the line is your goal of {goal})",
                month.goal,
            ).format(goal=month.goal)
        )
        self.sitting_lines.configure(
            text="\n".join(
                (
                    _sitting_line(True, week.bouts),
                    _sitting_line(False, month.bouts),
                )
            )
        )
        self.table.delete(*self.table.get_children())
        for exercise in sorted(month.exercises, key=lambda e: (-e.done, e.name)):
            self.table.insert(
                "", "end", text=exercise.name, values=(exercise.done, exercise.last_done)
            )
        self._draw_charts()
        self.host.root.update_idletasks()
        debug("progress drawn", numbers=numbers(result), **self.where_things_are())

    def _draw_charts(self) -> None:
        """Draw the month's stretches and longest sits as bars, this week's darker."""
        if self.progress is None:
            return
        days = self.progress.month.days
        goal = self.progress.month.goal
        most_done = max(goal, *(day.done for day in days))
        _bars(self.chart, days, [day.done for day in days], most_done, goal, TEAL, TEAL_DARK, str)
        sits = [day.bouts.longest_seconds for day in days]
        most_sit = min(SIT_SCALE_MOST, max(LONG_BOUT_SECONDS * 2, *sits))
        _bars(self.sitting, days, sits, most_sit, LONG_BOUT_SECONDS, AMBER, AMBER_DARK, _minutes)


def _minutes(seconds: int) -> str:
    """Return a sit's length for a bar's label."""
    return format_duration(seconds) if seconds else ""


def _bars(
    canvas: tk.Canvas,
    days: tuple[DayStats, ...],
    values: list[int],
    top: int,
    line_at: int,
    colour: str,
    recent_colour: str,
    label: Any,
) -> None:
    """Draw a bar per day up to top, a dashed line at line_at, and the dates below."""
    canvas.delete("all")
    width, height = canvas.winfo_width(), int(canvas.cget("height"))
    if width < 50:
        return
    bottom, labels_at = height - 18, height - 8
    slot = width / len(days)
    scale = (bottom - 14) / max(top, 1)
    for index, (day, value) in enumerate(zip(days, values, strict=True)):
        left = index * slot + slot * 0.15
        right = (index + 1) * slot - slot * 0.15
        recent = index >= len(days) - WEEK_DAYS
        canvas.create_rectangle(left, bottom - 1, right, bottom, fill=TRACK, outline="")
        if value:
            value_top = max(bottom - value * scale, 12)  # past the top: cut, its label says
            canvas.create_rectangle(
                left,
                value_top,
                right,
                bottom,
                fill=recent_colour if recent else colour,
                outline="",
            )
            if slot > 34 or recent:
                canvas.create_text(
                    (left + right) / 2,
                    value_top - 7,
                    text=label(value),
                    fill=TEXT,
                    font=("TkDefaultFont", 7),
                )
        when = date.fromisoformat(day.date)
        if recent or when.day in (1, 10, 20):
            text = weekday_name(when) if recent else day_and_month(when)
            canvas.create_text(
                (left + right) / 2, labels_at, text=text, fill=MUTED, font=("TkDefaultFont", 7)
            )
    y = bottom - line_at * scale
    canvas.create_line(0, y, width, y, fill=MUTED, dash=(4, 3))
