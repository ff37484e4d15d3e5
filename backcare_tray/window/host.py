"""What a page of the window may use of the window around it."""

import tkinter as tk
from collections.abc import Callable
from pathlib import Path
from tkinter import font as tkfont
from tkinter import ttk
from typing import Any, Protocol

__all__ = ["Host"]


class Host(Protocol):
    """The window as its pages see it (app.App)."""

    root: tk.Tk
    tabs: ttk.Notebook
    config: Path
    fonts: dict[str, tkfont.Font]

    def later(self, call: Callable[[], None]) -> None:
        """Run call on Tk's thread soon (callable from any thread)."""
        ...

    def in_background(self, work: Callable[[], Any], then: Callable[[Any], None]) -> None:
        """Run work on a thread of its own; then(result) runs on Tk's thread."""
        ...

    def ask_daemon(self, name: str) -> tuple[bool, bool, str]:
        """Send a command to the running daemon (off Tk's thread): (answered, done, said)."""
        ...
