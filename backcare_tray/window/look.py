"""The window's look and its test hooks: the palette's styles, and what it says when asked."""

import json
import os
import sys
import time
import tkinter as tk
from tkinter import font as tkfont
from tkinter import ttk
from typing import Any, Literal

from backcare_tray.palette import (
    BACKGROUND,
    MUTED,
    REFUSED,
    TEAL,
    TEAL_DARK,
    TEAL_PALE,
    TEXT,
    TRACK,
    WARNING_BG,
    WARNING_FG,
)

__all__ = [
    "DEBUG_ENV",
    "box",
    "cut_texts",
    "debug",
    "fit_headings",
    "style",
    "text_wrap",
    "wrap_to_width",
]

DEBUG_ENV = "BACKCARE_TRAY_WINDOW_DEBUG"  # =1: the window says what it drew on stderr


def debug(event: str, **details: Any) -> None:
    """Say on stderr what the window did, when BACKCARE_TRAY_WINDOW_DEBUG=1 (tests, bench)."""
    if os.environ.get(DEBUG_ENV) == "1":
        print(json.dumps({"window": event, "t": time.monotonic(), **details}), file=sys.stderr)
        sys.stderr.flush()


def box(widget: tk.Misc) -> list[int]:
    """Return a widget's place on the screen: x, y, width, height."""
    return [
        widget.winfo_rootx(),
        widget.winfo_rooty(),
        widget.winfo_width(),
        widget.winfo_height(),
    ]


# Room a Treeview heading takes beside its text: the padding and the separator.
HEADING_PADDING = 16


def heading_width(tree: ttk.Treeview, column: str) -> int:
    """Return the pixels a Treeview column's heading text needs."""
    font = tkfont.nametofont("TkHeadingFont")
    return font.measure(str(tree.heading(column, "text"))) + HEADING_PADDING


def fit_headings(tree: ttk.Treeview) -> None:
    """Widen each column of a Treeview to its heading, whose words may be long in a language."""
    for column in ("#0", *tree["columns"]):
        width = int(tree.column(column, "width"))
        wants = heading_width(tree, column)
        if wants > width:  # kept that wide: a narrow window squeezes the others first
            tree.column(column, width=wants, minwidth=wants, stretch=column == "#0")


def _cut_headings(tree: ttk.Treeview) -> list[dict[str, Any]]:
    """Return the headings of a Treeview that are wider than their column."""
    return [
        {"text": str(tree.heading(column, "text")), "box": box(tree), "wants": [wants, width]}
        for column in ("#0", *tree["columns"])
        if (wants := heading_width(tree, column)) > (width := int(tree.column(column, "width")))
    ]


def wrap_to_width(container: tk.Misc, labels: dict[ttk.Label, int]) -> None:
    """Wrap each label at the container's laid-out width, less its margin, as that changes."""

    def fit(event: "tk.Event[tk.Misc]") -> None:
        for label, margin in labels.items():
            label.configure(wraplength=max(120, event.width - margin))

    container.bind("<Configure>", fit, add="+")


def text_wrap(text: str) -> Literal["char", "word"]:
    """Return how a Text should wrap: by words, or by characters for Japanese and Chinese."""
    # Tk's word wrap breaks only at spaces, which these languages do not write.
    from backcare_tray.exercises import written_without_spaces

    return "char" if written_without_spaces(text) else "word"


def cut_texts(root: tk.Misc) -> list[dict[str, Any]]:
    """Return every shown text that has less room than it asks for: cut off on the screen."""
    cut: list[dict[str, Any]] = []
    widgets: list[tk.Misc] = [root]
    while widgets:
        widget = widgets.pop()
        widgets.extend(widget.winfo_children())
        if isinstance(widget, ttk.Treeview) and widget.winfo_viewable():
            cut.extend(_cut_headings(widget))
        try:
            text = str(widget.cget("text"))
        except tk.TclError:  # no text option: a frame, a canvas, an entry
            continue
        if not text or not widget.winfo_viewable():
            continue
        wants = (widget.winfo_reqwidth(), widget.winfo_reqheight())
        if widget.winfo_width() < wants[0] or widget.winfo_height() < wants[1]:
            cut.append({"text": text, "box": box(widget), "wants": list(wants)})
    return cut


def style(root: tk.Tk) -> dict[str, tkfont.Font]:
    """Set the themed look in the app's palette; return the fonts."""
    base = tkfont.nametofont("TkDefaultFont").actual("family")
    fonts = {
        "body": tkfont.Font(family=base, size=10),
        "small": tkfont.Font(family=base, size=9),
        "label": tkfont.Font(family=base, size=10, weight="bold"),
        "heading": tkfont.Font(family=base, size=14, weight="bold"),
        "big": tkfont.Font(family=base, size=22, weight="bold"),
    }
    style = ttk.Style(root)
    if "clam" in style.theme_names():
        style.theme_use("clam")
    root.configure(background=BACKGROUND)
    style.configure(".", background=BACKGROUND, foreground=TEXT, font=fonts["body"])
    style.configure("TFrame", background=BACKGROUND)
    style.configure("App.TNotebook", background=BACKGROUND, bordercolor=TRACK)
    style.configure("App.TNotebook.Tab", padding=(14, 6), font=fonts["label"])
    style.map("App.TNotebook.Tab", background=[("selected", BACKGROUND), ("!selected", TRACK)])
    style.configure("TLabel", background=BACKGROUND, foreground=TEXT)
    style.configure("Muted.TLabel", foreground=MUTED, font=fonts["small"])
    style.configure("Field.TLabel", font=fonts["label"])
    style.configure("Heading.TLabel", foreground=TEAL_DARK, font=fonts["heading"])
    style.configure("Big.TLabel", foreground=TEAL_DARK, font=fonts["big"])
    style.configure("Problem.TLabel", foreground=REFUSED, font=fonts["small"])
    style.configure("Said.TLabel", foreground=TEAL_DARK)
    style.configure("Banner.TLabel", background=WARNING_BG, foreground=WARNING_FG, padding=(10, 6))
    style.configure("TCheckbutton", background=BACKGROUND)
    style.map("TCheckbutton", background=[("active", TEAL_PALE)])
    style.configure("TRadiobutton", background=BACKGROUND)
    style.configure(
        "Section.Toolbutton", padding=(12, 6), anchor="w", background=BACKGROUND, width=16
    )
    style.map("Section.Toolbutton", background=[("selected", TEAL_PALE), ("active", TEAL_PALE)])
    style.configure("TButton", padding=(10, 4))
    style.configure("Primary.TButton", background=TEAL, foreground="#ffffff")
    style.map(
        "Primary.TButton",
        background=[("disabled", TRACK), ("active", TEAL_DARK)],
        foreground=[("disabled", MUTED)],
    )
    return fonts
