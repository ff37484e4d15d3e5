"""The weekly progress chart (matplotlib, an optional extra imported only by this module)."""

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from pathlib import Path

from backcare_tray.dates import weekday_and_day
from backcare_tray.i18n import _
from backcare_tray.stats import HistoryEntry

__all__ = ["EXTRA_COMMAND", "done_by_day_and_stretch", "extra_hint", "write_chart"]

EXTRA_COMMAND = "pip install 'backcare-tray[charts]'"


def extra_hint() -> str:
    """Return how to install the charts extra, in the language in use."""
    return _("install the charts extra: {command}").format(command=EXTRA_COMMAND)


def done_by_day_and_stretch(
    events: Iterable[HistoryEntry], today: date, days: int
) -> tuple[list[str], dict[str, list[int]]]:
    """Return the dates of the window and, per stretch, how many were done each day."""
    dates = [(today - timedelta(days=back)).isoformat() for back in range(days - 1, -1, -1)]
    index = {on: position for position, on in enumerate(dates)}
    per_stretch: dict[str, list[int]] = {}
    for event in events:
        if event.kind == "done" and event.local_date in index and event.exercise_id:
            per_stretch.setdefault(event.exercise_id, [0] * days)[index[event.local_date]] += 1
    return dates, dict(sorted(per_stretch.items()))


def write_chart(
    events: Iterable[HistoryEntry],
    today: date,
    goal: int,
    path: Path,
    days: int = 7,
    names: Mapping[str, str] | None = None,
) -> None:
    """Draw stretches per day, stacked and named by stretch, against the goal; save the file."""
    # names gives each stretch's name by id for the legend (an unknown id is shown as it is);
    # the file's suffix says the format (.png, .svg...).
    import matplotlib

    matplotlib.use("Agg")  # files only: no display, no GUI toolkit
    from matplotlib import pyplot

    dates, per_stretch = done_by_day_and_stretch(events, today, days)
    named = names or {}
    figure, axes = pyplot.subplots(figsize=(8, 4.5), dpi=100)
    bottom = [0] * days
    labels = [weekday_and_day(date.fromisoformat(on)) for on in dates]
    for stretch, counts in per_stretch.items():
        axes.bar(range(days), counts, bottom=bottom, label=named.get(stretch, stretch))
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    axes.set_xticks(range(days), labels)
    axes.axhline(
        goal, color="black", linestyle="--", linewidth=1, label=_("goal ({goal})").format(goal=goal)
    )
    axes.set_ylabel(_("stretches done"))
    axes.set_title(_("backcare-tray: stretches per day"))
    axes.set_ylim(0, max([goal, *bottom]) + 1)
    axes.legend(loc="upper left", fontsize="small")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    pyplot.close(figure)
