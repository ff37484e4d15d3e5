"""The window's frame: one Tk root with a page per tab, raised when asked for again."""

# Threads: stdin (the daemon's "show this page" lines) and each request to the daemon run on
# threads of their own and hand their results to Tk through a queue and a virtual event, as
# the coach window does, so no Tk call is made off the main thread and Tk never waits.

import contextlib
import json
import queue
import sys
import threading
import tkinter as tk
from collections.abc import Callable
from functools import partial
from pathlib import Path
from tkinter import messagebox, ttk
from typing import IO, Any

from backcare_tray.i18n import N_, _
from backcare_tray.window.look import box, cut_texts, debug, style
from backcare_tray.window.progress_page import ProgressPage
from backcare_tray.window.settings_page import SettingsPage
from backcare_tray.window.stretches_page import StretchesPage

__all__ = ["App", "Unavailable", "run"]

TITLE = "backcare-tray"
CLASS = "BackcareTray"
INSTANCE = "backcare-tray"
SIZE = (900, 640)
REQUEST_TIMEOUT = 5.0
# Marked here, translated where shown (the language is chosen after this module is imported).
TEXTS = {
    "not_running": N_("backcare-tray is not running"),
    "no_answer": N_("backcare-tray did not answer ({problem})"),
    # Translators: the daemon said no to a request, giving no reason.
    "refused": N_("refused"),
    "unsaved_title": N_("Unsaved settings"),
    "unsaved": N_("Some settings are changed and not saved. Save them before closing?"),
    "daemon_gone": N_(
        "backcare-tray has quit. Save your changes here: they are used when it starts."
    ),
    # Translators: the window's title: the page shown, then the program's name.
    "title": N_("{page} - {program}"),
}
# Translators: the window's tabs.
PAGE_TITLES = {"settings": N_("Settings"), "progress": N_("Progress"), "stretches": N_("Stretches")}


class Unavailable(Exception):
    """No display could be opened."""


class App:
    """The root window: its tabs, the daemon's messages and requests made off Tk's thread."""

    def __init__(self, root: tk.Tk, config: Path, runtime_dir: Path | None) -> None:
        self.root = root
        self.config = config
        self.runtime_dir = runtime_dir
        self._inbox: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self.fonts = style(root)
        self.tabs = ttk.Notebook(root, style="App.TNotebook")
        self.tabs.pack(fill="both", expand=True)
        self.pages: dict[str, Any] = {
            "settings": SettingsPage(self),
            "progress": ProgressPage(self),
            "stretches": StretchesPage(self),
        }
        for name, page in self.pages.items():
            self.tabs.add(page.frame, text=_(PAGE_TITLES[name]))
        self.tabs.bind("<<NotebookTabChanged>>", self._tab_changed)
        root.bind("<<Message>>", self._take_messages)
        root.protocol("WM_DELETE_WINDOW", self.close_asking)
        root.bind("<Control-w>", lambda _event: self.close_asking())
        root.bind("<Control-s>", lambda _event: self.pages["settings"].save())

    def show(self, page: str) -> None:
        """Show a page and bring the window to the front."""
        self.tabs.select(self.pages[page].frame)  # type: ignore[no-untyped-call]
        self.root.deiconify()
        self.root.lift()
        self.root.attributes("-topmost", True)  # past a window manager's focus-stealing guard
        self.root.after_idle(lambda: self.root.attributes("-topmost", False))

    def later(self, call: Callable[[], None]) -> None:
        """Run call on Tk's thread soon (callable from any thread)."""
        self._inbox.put(call)
        with contextlib.suppress(tk.TclError, RuntimeError):  # the window is closing
            self.root.event_generate("<<Message>>", when="tail")

    def in_background(self, work: Callable[[], Any], then: Callable[[Any], None]) -> None:
        """Run work on a thread of its own; then(result) runs on Tk's thread."""

        def working() -> None:
            result = work()
            self.later(lambda: then(result))

        threading.Thread(target=working, name="window-work", daemon=True).start()

    def ask_daemon(self, name: str) -> tuple[bool, bool, str]:
        """Send a command to the running daemon (off Tk's thread): (answered, done, said)."""
        from backcare_tray.adapters.control.client import NotRunning, endpoint_for, send_request
        from backcare_tray.commands import Command, command_named

        command = command_named(name)
        assert command is not None
        try:
            folder = self.runtime_dir or _found_runtime_dir()
            reply = send_request(
                endpoint_for(folder, sys.platform), Command(command), timeout=REQUEST_TIMEOUT
            )
        except NotRunning:
            return False, False, _(TEXTS["not_running"])
        except Exception as problem:  # the runtime folder, a socket, a malformed answer
            return False, False, _(TEXTS["no_answer"]).format(problem=problem)
        if reply.get("ok"):
            return True, True, str(reply.get("message") or "")
        return True, False, str(reply.get("error") or _(TEXTS["refused"]))

    def follow(self, stream: IO[bytes]) -> None:
        """Read the daemon's lines on a thread: show the page each asks for; close at EOF."""

        def reading() -> None:
            for line in stream:
                try:
                    message = json.loads(line)
                except ValueError:
                    continue
                page = message.get("page") if isinstance(message, dict) else None
                if isinstance(page, str) and page in self.pages:
                    self.later(partial(self.show, page))
            self.later(self._daemon_gone)

        threading.Thread(target=reading, name="window-stdin", daemon=True).start()

    def _daemon_gone(self) -> None:
        """Close as the daemon quit, unless settings are changed and not saved (they stay)."""
        settings = self.pages["settings"]
        if not settings.unsaved():
            self.close()
            return
        settings.say(_(TEXTS["daemon_gone"]))
        debug("daemon gone", kept_open=True)

    def close_asking(self) -> None:
        """Close the window, first asking whether to save settings changed and not saved."""
        settings = self.pages["settings"]
        if settings.unsaved():
            answer = messagebox.askyesnocancel(
                _(TEXTS["unsaved_title"]), _(TEXTS["unsaved"]), parent=self.root
            )
            if answer is None:
                return
            if answer and not settings.save(wait_for_reload=True):
                return  # not saved: the page says why, and the window stays
        self.close()

    def close(self) -> None:
        """Close the window."""
        debug("closing")
        self.root.destroy()

    def _take_messages(self, _event: object = None) -> None:
        """Run the calls handed over from other threads."""
        while True:
            try:
                call = self._inbox.get_nowait()
            except queue.Empty:
                return
            call()

    def _tab_changed(self, _event: object = None) -> None:
        """Fill a page when it is first shown, and say where its parts are."""
        chosen = str(self.tabs.select())  # type: ignore[no-untyped-call]
        name = next(n for n, p in self.pages.items() if str(p.frame) == chosen)
        page = self.pages[name]
        self.root.title(_(TEXTS["title"]).format(page=_(PAGE_TITLES[name]), program=TITLE))
        page.shown()
        self.root.update_idletasks()
        where = {"cut": cut_texts(self.root), "frame": box(self.root)}
        debug("page", page=name, **where, **page.where_things_are())


def _found_runtime_dir() -> Path:
    """Return the runtime folder by the daemon's own rule."""
    from backcare_tray.adapters.runtime_dir import runtime_dir

    return runtime_dir().path


def _show_when_made(made: list[App], page: str) -> None:
    """Show a page another request asked for, once the window is built (from any thread)."""
    if made:
        made[0].later(partial(made[0].show, page))


def open_root() -> tk.Tk:
    """Open the Tk root window, hidden until its first page is drawn."""
    try:
        root = tk.Tk(baseName=INSTANCE, className=CLASS)
    except tk.TclError as problem:
        raise Unavailable(f"cannot open a display ({problem})") from None
    root.withdraw()
    root.title(TITLE)
    root.geometry(f"{SIZE[0]}x{SIZE[1]}")
    root.minsize(640, 480)
    return root


def run(page: str, config: Path, runtime_dir: Path | None, stream: IO[bytes] | None) -> int:
    """Run the window until it is closed (or, following stdin, until stdin ends).

    When a window is open already, the page is shown there and this one ends at once.
    """
    from backcare_tray.adapters.instance_lock import AlreadyRunning
    from backcare_tray.adapters.runtime_dir import RuntimeDirError
    from backcare_tray.i18n import speak_as_configured
    from backcare_tray.window.single import ask_open_window, take_the_window

    debug("starting")
    speak_as_configured(config)
    root = open_root()
    made: list[App] = []  # the window, once built: pages asked for before then are dropped
    one = None
    try:
        folder = runtime_dir or _found_runtime_dir()
        # Taken before the pages are built, so a second request finds this window at once.
        taken = take_the_window(folder, config, partial(_show_when_made, made))
    except AlreadyRunning:
        said = ask_open_window(folder, config, page)  # type: ignore[arg-type]
        if said is not None:
            debug("handed over", said=said)
            root.destroy()
            return 0
        taken = "another window holds the lock and does not answer"
    except RuntimeDirError as problem:
        taken = str(problem)
    if isinstance(taken, str):
        print(f"backcare-tray window: more than one window may open: {taken}", file=sys.stderr)
    else:
        one = taken
    app = App(root, config, runtime_dir)
    made.append(app)
    app.show(page)
    if stream is not None:
        root.after_idle(lambda: app.follow(stream))  # inside mainloop: the thread may call Tk
    try:
        root.mainloop()
    finally:
        if one is not None:
            one.close()
    return 0
