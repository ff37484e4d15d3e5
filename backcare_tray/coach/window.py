"""The coach window in Tk: the step's picture, what to do, a countdown ring and three buttons."""

# Threads: stdin is read on a thread of its own, and each button's command is sent on a thread
# of its own, so Tk never waits. Those threads hand what they got to Tk through a queue and a
# virtual event (`event generate ... -when tail`): tkinter passes a call from another thread to
# the thread that runs Tcl, where the event is queued and handled in turn, so no Tk call is
# made off the main thread. (With a Tcl built without threads, which tkinter warns about, only
# the main thread may call Tk at all; every current Python and Linux distribution builds Tcl
# with threads.)
#
# Staying on top without taking the keyboard:
# - X11 (and XWayland): `-topmost` (_NET_WM_STATE_ABOVE) and the window type utility, so the
#   window manager treats it as a tool window. Openbox, like many, still focuses a new utility
#   window, so until it is mapped the window says it takes no input (WM_HINTS input false, Tk's
#   focus model "active"); once it is up the hint is set back (focus model "passive"), so a
#   click on it can give it the keyboard and Escape closes it. focus_force is never called.
# - Windows: `-topmost`, and WS_EX_NOACTIVATE on its frame so clicks on it do not take the
#   keyboard from the window in use (not tried here: the tests run on X11).
# - macOS: `-topmost` and Tk's utility window class with the noActivates attribute, where this
#   Tk offers it (not tried here either).

import contextlib
import os
import queue
import re
import sys
import threading
import time
import tkinter as tk
from pathlib import Path
from tkinter import font as tkfont
from tkinter import ttk
from typing import IO, TYPE_CHECKING, Any, Literal

from backcare_tray.coach.model import (
    End,
    Malformed,
    Step,
    clamp_place,
    default_place,
    next_change_ms,
    parse_message,
    parse_place,
    picture_range,
    picture_scale,
    ring_extent,
    seconds_shown,
)
from backcare_tray.i18n import _, current, ngettext, pgettext
from backcare_tray.palette import (
    AMBER,
    BACKGROUND,
    MUTED,
    PAUSED,
    REFUSED,
    TEAL,
    TEAL_DARK,
    TEAL_PALE,
    TEXT,
    TRACK,
    WARNING_BG,
    WARNING_FG,
)

if TYPE_CHECKING:  # the command table loads the engine: imported only when a button sends
    from backcare_tray.commands import CommandName

__all__ = ["DEBUG_ENV", "PLACE_FILE", "Coach", "Unavailable", "run"]

PLACE_FILE = "coach-window.json"
DEBUG_ENV = "BACKCARE_TRAY_COACH_DEBUG"  # =1: the window says where its parts are on stderr
CLASS = "BackcareTrayCoach"
INSTANCE = "backcare-tray-coach"
WIDTH = 384  # the content's width: the largest picture
PLACEHOLDER = (352, 240)  # the picture's place when there is none
RING = 116  # the countdown ring's canvas
RING_WIDTH = 10
END_SHOWN_MS = {True: 4000, False: 3000}  # counted, stopped
SAVE_AFTER_MS = 500  # a move is saved once the window has stood still this long
REQUEST_TIMEOUT = 5.0
GEOMETRY = re.compile(r"\d+x\d+\+(-?\d+)\+(-?\d+)")


Item = tuple[Literal["line", "eof", "reply"], Any]


def label(name: "CommandName") -> str:
    """Return the label of the button that sends a command, in the language in use."""
    match name:
        case "done":
            # Translators: the coach window's button: the stretch is done, count it
            return pgettext("coach button", "Done")
        case "pause-routine":
            # Translators: the coach window's button that pauses the countdown
            return pgettext("coach button", "Pause")
        case "resume-routine":
            # Translators: the coach window's button that carries on after a pause
            return pgettext("coach button", "Continue")
        case "cancel":
            # Translators: the coach window's button that stops the routine, not counted
            return pgettext("coach button", "Stop")
    return name  # pragma: no cover  (no other command has a button)


def no_picture() -> str:
    """Return what the picture's place says when the step has no picture."""
    return _("No picture for this step")


class Unavailable(Exception):
    """No display could be opened."""


def debugging() -> bool:
    """Return True when the window is to say what it does on stderr (tests, benchmark)."""
    return os.environ.get(DEBUG_ENV) == "1"


def _debug(event: str, **details: Any) -> None:
    """Say on stderr what the window did, when BACKCARE_TRAY_COACH_DEBUG=1."""
    if debugging():
        import json

        print(json.dumps({"coach": event, "t": time.monotonic(), **details}), file=sys.stderr)
        sys.stderr.flush()


class Coach:
    """The window: built hidden, shown at the first step, closed at EOF or after the end."""

    def __init__(self, root: tk.Tk, runtime_dir: Path, state_dir: Path) -> None:
        self.root = root
        self.runtime_dir = runtime_dir
        self.place_path = state_dir / PLACE_FILE
        self._inbox: queue.SimpleQueue[Item] = queue.SimpleQueue()
        self._closing = False
        self._shown = False
        self._ending = False
        self._paused = False
        self._step: Step | None = None
        self._deadline = 0.0
        self._left = 0
        self._tick: str | None = None
        self._save: str | None = None
        self._opened_at: tuple[int, int] | None = None
        self._saved_at: tuple[int, int] | None = None
        self._pictures: dict[str, tk.PhotoImage] = {}
        self._placeholders: dict[tuple[int, int], tk.PhotoImage] = {}
        self._picture_size = PLACEHOLDER
        self._in_flight: set[CommandName] = set()
        self._style()
        self._build()
        root.bind("<<Message>>", self._take_messages)
        root.bind("<Escape>", lambda _event: self.close())
        root.protocol("WM_DELETE_WINDOW", self.close)

    # Building.

    def _style(self) -> None:
        """Set the themed look in the app's palette."""
        base = tkfont.nametofont("TkDefaultFont").actual("family")
        self.fonts = {
            "exercise": tkfont.Font(family=base, size=11, weight="bold"),
            "doing": tkfont.Font(family=base, size=20, weight="bold"),
            "where": tkfont.Font(family=base, size=12),
            "body": tkfont.Font(family=base, size=11),
            "small": tkfont.Font(family=base, size=9),
            "seconds": tkfont.Font(family=base, size=26, weight="bold"),
            "title": tkfont.Font(family=base, size=22, weight="bold"),
        }
        style = ttk.Style(self.root)
        if "clam" in style.theme_names():
            style.theme_use("clam")
        self.root.configure(background=BACKGROUND)
        style.configure("Coach.TFrame", background=BACKGROUND)
        style.configure("Coach.TLabel", background=BACKGROUND, foreground=TEXT)
        for name, font, colour in (
            ("Exercise", "exercise", TEAL_DARK),
            ("Count", "small", MUTED),
            ("Doing", "doing", TEXT),
            ("Where", "where", TEAL_DARK),
            ("Body", "body", TEXT),
            ("Next", "body", MUTED),
            ("Status", "small", REFUSED),
            ("Title", "title", TEAL_DARK),
            ("Stopped", "title", MUTED),
        ):
            style.configure(f"{name}.Coach.TLabel", font=self.fonts[font], foreground=colour)
        style.configure(
            "Safety.Coach.TLabel",
            font=self.fonts["body"],
            background=WARNING_BG,
            foreground=WARNING_FG,
            padding=(8, 6),
        )
        style.configure(
            "Picture.Coach.TLabel", background=TEAL_PALE, foreground=MUTED, anchor="center"
        )
        style.configure(
            "Coach.TButton",
            font=self.fonts["body"],
            padding=(10, 5),
            background="#ffffff",
            foreground=TEXT,
            bordercolor=TRACK,
            focuscolor=TEAL,
        )
        style.map("Coach.TButton", background=[("active", TEAL_PALE), ("disabled", BACKGROUND)])
        style.configure(
            "Done.Coach.TButton", background=TEAL, foreground="#ffffff", bordercolor=TEAL_DARK
        )
        style.map("Done.Coach.TButton", background=[("active", TEAL_DARK), ("disabled", PAUSED)])

    def _build(self) -> None:
        """Lay out the step's parts and the end's, the end's hidden."""
        wrap = WIDTH
        self.frame = ttk.Frame(self.root, style="Coach.TFrame", padding=12)
        self.frame.pack(fill="both", expand=True)
        self.step_part = ttk.Frame(self.frame, style="Coach.TFrame")
        self.step_part.pack(fill="both", expand=True)
        part = self.step_part
        part.columnconfigure(1, weight=1)
        self.picture = ttk.Label(
            part,
            style="Picture.Coach.TLabel",
            image=self._placeholder(),
            text=no_picture(),
            compound="center",
        )
        self.picture.grid(row=0, column=0, columnspan=2, pady=(0, 10))
        header = ttk.Frame(part, style="Coach.TFrame")
        header.grid(row=1, column=0, columnspan=2, sticky="we")
        self.exercise = ttk.Label(header, style="Exercise.Coach.TLabel")
        self.exercise.pack(side="left")
        self.count = ttk.Label(header, style="Count.Coach.TLabel")
        self.count.pack(side="right")
        self.doing = ttk.Label(part, style="Doing.Coach.TLabel", wraplength=wrap)
        self.doing.grid(row=2, column=0, columnspan=2, sticky="w")
        self.where = ttk.Label(part, style="Where.Coach.TLabel", wraplength=wrap)
        self.where.grid(row=3, column=0, columnspan=2, sticky="w", pady=(0, 8))
        self.ring = tk.Canvas(
            part, width=RING, height=RING, background=BACKGROUND, highlightthickness=0
        )
        self.ring.grid(row=4, column=0, sticky="nw", padx=(0, 12))
        pad = RING_WIDTH / 2 + 2
        box = (pad, pad, RING - pad, RING - pad)
        self.ring.create_oval(*box, outline=TRACK, width=RING_WIDTH)
        self.arc = self.ring.create_arc(
            *box, start=90, extent=0, style="arc", outline=TEAL, width=RING_WIDTH
        )
        self.seconds = self.ring.create_text(
            RING / 2, RING / 2 - 6, font=self.fonts["seconds"], fill=TEXT
        )
        self.unit = self.ring.create_text(
            RING / 2, RING / 2 + 22, font=self.fonts["small"], fill=MUTED
        )
        self.instruction = ttk.Label(
            part, style="Body.Coach.TLabel", wraplength=wrap - RING - 12, justify="left"
        )
        self.instruction.grid(row=4, column=1, sticky="nw")
        self.next_up = ttk.Label(part, style="Next.Coach.TLabel", wraplength=wrap)
        self.next_up.grid(row=5, column=0, columnspan=2, sticky="w", pady=(8, 0))
        self.safety = ttk.Label(
            part, style="Safety.Coach.TLabel", wraplength=wrap - 16, justify="left"
        )
        self.safety.grid(row=6, column=0, columnspan=2, sticky="we", pady=(8, 0))
        self.status = ttk.Label(part, style="Status.Coach.TLabel", wraplength=wrap)
        self.status.grid(row=7, column=0, columnspan=2, sticky="w", pady=(6, 0))
        self.safety.grid_remove()  # each shown only when it has something to say
        self.status.grid_remove()
        buttons = ttk.Frame(part, style="Coach.TFrame")
        buttons.grid(row=8, column=0, columnspan=2, sticky="e", pady=(10, 0))
        self.done = ttk.Button(
            buttons,
            text=label("done"),
            style="Done.Coach.TButton",
            command=lambda: self.send("done"),
        )
        self.pause = ttk.Button(
            buttons,
            text=label("pause-routine"),
            style="Coach.TButton",
            command=self._pause_or_continue,
        )
        self.stop = ttk.Button(
            buttons,
            text=label("cancel"),
            style="Coach.TButton",
            command=lambda: self.send("cancel"),
        )
        for button in (self.stop, self.pause, self.done):
            button.configure(width=8)
            button.pack(side="left", padx=(8, 0))
        self.end_part = ttk.Frame(self.frame, style="Coach.TFrame")
        self.mark = tk.Canvas(
            self.end_part, width=96, height=96, background=BACKGROUND, highlightthickness=0
        )
        self.mark.pack(pady=(24, 12))
        self.end_title = ttk.Label(self.end_part, style="Title.Coach.TLabel", wraplength=wrap)
        self.end_title.pack()
        self.end_text = ttk.Label(
            self.end_part, style="Body.Coach.TLabel", wraplength=wrap, justify="center"
        )
        self.end_text.pack(pady=(8, 24))

    # Messages from the daemon.

    def read(self, stream: IO[bytes]) -> None:
        """Read the daemon's lines on a thread of its own until EOF (start inside mainloop)."""
        # Straight from the file descriptor: a thread blocked inside sys.stdin's buffer would
        # hold its lock, and Python aborts when it finds that lock held as it exits.
        descriptor = stream.fileno()

        def reading() -> None:
            rest = b""
            try:
                while chunk := os.read(descriptor, 65536):
                    *lines, rest = (rest + chunk).split(b"\n")
                    for line in lines:
                        if line.strip():
                            self._post(("line", line))
            except OSError as error:
                print(f"coach window: cannot read stdin ({error})", file=sys.stderr)
            if rest.strip():
                self._post(("line", rest))
            self._post(("eof", None))

        threading.Thread(target=reading, name="coach-stdin", daemon=True).start()

    def _post(self, item: Item) -> None:
        """Hand an item to Tk's thread (from any thread) and wake it with a virtual event."""
        if self._closing:
            return
        self._inbox.put(item)
        with contextlib.suppress(tk.TclError, RuntimeError):  # the window is going away
            self.root.event_generate("<<Message>>", when="tail")

    def _take_messages(self, _event: object = None) -> None:
        """Handle every item waiting, in order."""
        while not self._closing:
            try:
                kind, value = self._inbox.get_nowait()
            except queue.Empty:
                return
            if kind == "eof":
                if not self._ending:  # after the end message the confirmation stays its time
                    self.close()
            elif kind == "reply":
                self._replied(*value)
            else:
                try:
                    message = parse_message(value)
                except Malformed as problem:
                    print(f"coach window: ignored a message: {problem}", file=sys.stderr)
                    continue
                if isinstance(message, Step):
                    self.show_step(message)
                else:
                    self.show_end(message)

    def show_step(self, step: Step) -> None:
        """Show a step (a new one, or the same one paused or carried on) and count it down."""
        if self._ending:
            return
        self._step = step
        self._paused = step.paused
        self.exercise.configure(text=step.exercise)
        count = ""
        if step.step_count and step.step_number:
            # Translators: the step of the routine shown and how many steps it has
            text = ngettext("Step {number} of {count}", "Step {number} of {count}", step.step_count)
            count = text.format(number=step.step_number, count=step.step_count)
        self.count.configure(text=count)
        self.doing.configure(text=step.doing)
        self.where.configure(text=step.where)
        self.instruction.configure(text=step.instruction)
        self.next_up.configure(text=step.next_up)
        self.safety.configure(text=step.safety)
        if step.safety:
            self.safety.grid()
        else:
            self.safety.grid_remove()
        self.pause.configure(text=label("resume-routine" if step.paused else "pause-routine"))
        self._show_picture(step.picture)
        self._count_from(step.seconds_left)
        self._say("")
        self._appear()
        if debugging():  # drawn first, so what the line says is on the screen
            self.root.update_idletasks()
            _debug("step", doing=step.doing, paused=step.paused, **self._where_things_are())

    def show_end(self, end: End) -> None:
        """Show the confirmation large, then close after a few seconds."""
        self._ending = True
        self._stop_ticking()
        if self._shown:  # the confirmation keeps the window's size and place
            self.root.geometry(f"{self.root.winfo_width()}x{self.root.winfo_height()}")
        self.step_part.pack_forget()
        self.end_part.pack(expand=True)
        self.end_title.configure(
            text=end.title, style="Title.Coach.TLabel" if end.counted else "Stopped.Coach.TLabel"
        )
        self.end_text.configure(text=end.text)
        self._draw_mark(end.counted)
        self._appear()
        self.root.after(END_SHOWN_MS[end.counted], self.close)
        if debugging():
            self.root.update_idletasks()
            _debug("end", counted=end.counted, window=self._where_things_are()["window"])

    def _draw_mark(self, counted: bool) -> None:
        """Draw a teal disc with a tick (counted) or a grey one with a bar (stopped)."""
        self.mark.delete("all")
        self.mark.create_oval(4, 4, 92, 92, fill=TEAL if counted else PAUSED, outline="")
        if counted:
            self.mark.create_line(
                [28, 50, 43, 65, 70, 34], fill="#ffffff", width=9, capstyle="round"
            )
        else:
            self.mark.create_line(30, 48, 66, 48, fill="#ffffff", width=9, capstyle="round")

    def _show_picture(self, path: str | None) -> None:
        """Show the step's picture, scaled to about 320-384 px, or the plain placeholder."""
        photo = self._picture(path) if path else None
        if photo is None:
            self.picture.configure(image=self._placeholder(), text=no_picture())
        else:
            self._picture_size = (photo.width(), photo.height())
            self.picture.configure(image=photo, text="")

    def _placeholder(self) -> tk.PhotoImage:
        """Return a plain picture of the size of the last one shown, so the window stays put."""
        size = self._picture_size
        if size not in self._placeholders:
            blank = tk.PhotoImage(master=self.root, width=size[0], height=size[1])
            blank.put(TEAL_PALE, to=(0, 0, *size))
            self._placeholders[size] = blank
        return self._placeholders[size]

    def _picture(self, path: str) -> tk.PhotoImage | None:
        """Return the picture at path (read once), None when it cannot be read (yet)."""
        if path in self._pictures:
            return self._pictures[path]
        try:
            photo = tk.PhotoImage(master=self.root, file=path)
        except tk.TclError as problem:  # tried again at the next message: it may be drawn then
            print(f"coach window: cannot show the picture {path}: {problem}", file=sys.stderr)
            return None
        smallest, largest = picture_range(self.root.winfo_screenheight())
        zoom, subsample = picture_scale(photo.width(), photo.height(), smallest, largest)
        if zoom > 1:
            photo = photo.zoom(zoom)
        if subsample > 1:
            photo = photo.subsample(subsample)
        self._pictures[path] = photo
        return photo

    # The countdown.

    def _count_from(self, seconds: int) -> None:
        """Start counting down from seconds, or hold there while paused."""
        self._stop_ticking()
        self._deadline = time.monotonic() + seconds
        self._left = seconds
        self._draw_ring()
        if not self._paused:
            self._plan_tick()

    def _plan_tick(self) -> None:
        """Plan the next redraw for when the shown seconds go down by one."""
        delay = next_change_ms(self._deadline, time.monotonic())
        if delay is not None:
            self._tick = self.root.after(delay, self._ticked)

    def _ticked(self) -> None:
        """Show one second less, and plan the next."""
        self._tick = None
        self._left = seconds_shown(self._deadline, time.monotonic())
        self._draw_ring()
        self._plan_tick()

    def _stop_ticking(self) -> None:
        """Cancel the planned redraw, if any."""
        if self._tick is not None:
            self.root.after_cancel(self._tick)
            self._tick = None

    def _draw_ring(self) -> None:
        """Draw the ring's arc for the seconds left of the step, the seconds in its middle."""
        step = self._step
        total = step.phase_seconds if step else 0
        colour = TEAL if step is None or step.kind == "hold" else AMBER
        if self._paused:
            colour = PAUSED
        self.ring.itemconfigure(self.arc, extent=ring_extent(self._left, total), outline=colour)
        self.ring.itemconfigure(self.seconds, text=str(self._left))
        if self._paused:
            # Translators: under the countdown's number while the routine is paused
            unit = pgettext("countdown", "paused")
        else:
            # Translators: under the countdown's number: the seconds left of the step
            unit = ngettext("second", "seconds", self._left)
        self.ring.itemconfigure(self.unit, text=unit)

    # The buttons.

    def _pause_or_continue(self) -> None:
        """Ask for a pause, or to carry on when paused (the daemon's next step confirms it)."""
        self.send("resume-routine" if self._paused else "pause-routine")

    def send(self, name: "CommandName") -> None:
        """Send a command over the control channel on a thread of its own."""
        if name in self._in_flight:
            return
        self._in_flight.add(name)

        def sending() -> None:
            self._post(("reply", (name, _request(self.runtime_dir, name))))

        threading.Thread(target=sending, name=f"coach-{name}", daemon=True).start()
        _debug("sending", command=name)

    def _replied(self, name: "CommandName", problem: str | None) -> None:
        """Say a refusal or an unreachable daemon in a short line; nothing when it went well."""
        self._in_flight.discard(name)
        if problem:
            # Translators: a button's label, then why what it asked for was not done
            self._say(_("{button}: {problem}").format(button=label(name), problem=problem))
        else:
            self._say("")
        _debug("replied", command=name, problem=problem)

    def _say(self, text: str) -> None:
        """Show a short line above the buttons (a refusal), or no line."""
        self.status.configure(text=text)
        if text:
            self.status.grid()
        else:
            self.status.grid_remove()

    # The window itself.

    def _appear(self) -> None:
        """Place and show the window the first time something is to be shown."""
        if self._shown:
            return
        self._shown = True
        root = self.root
        root.update_idletasks()
        width, height = root.winfo_reqwidth(), root.winfo_reqheight()
        screen = (root.winfo_screenwidth(), root.winfo_screenheight())
        place = self._remembered_place()
        if place is None:
            x, y = default_place(width, height, screen, sys.platform)
        else:
            x, y = clamp_place(*place, width, height, screen)
        self._opened_at = self._saved_at = (x, y)
        root.geometry(f"+{x}+{y}")
        root.bind("<Map>", self._mapped)
        root.bind("<Configure>", self._moved)
        root.deiconify()

    def _mapped(self, event: "tk.Event[tk.Misc]") -> None:
        """Once up, let a click give the window the keyboard (see the top of this module)."""
        if event.widget is not self.root:
            return
        root = self.root
        if root.tk.call("tk", "windowingsystem") == "x11":
            root.wm_focusmodel("passive")
        root.update_idletasks()
        # The window manager's frame is known only now: if it reaches off the screen (a place
        # saved on a larger screen), move the window once to bring all of it back.
        x, y = self._place()
        left, top = max(0, root.winfo_rootx() - x), max(0, root.winfo_rooty() - y)
        frame = (root.winfo_width() + 2 * left, root.winfo_height() + top + left)
        screen = (root.winfo_screenwidth(), root.winfo_screenheight())
        inside = clamp_place(x, y, *frame, screen)
        if inside != (x, y):
            root.geometry(f"+{inside[0]}+{inside[1]}")
            self._opened_at = self._saved_at = inside
            root.update_idletasks()
        _debug("mapped", **self._where_things_are())

    def _moved(self, event: "tk.Event[tk.Misc]") -> None:
        """Save the place once the window has stood still a moment after a move."""
        if event.widget is not self.root or self._closing:
            return
        if self._save is not None:
            self.root.after_cancel(self._save)
        self._save = self.root.after(SAVE_AFTER_MS, self._save_place)

    def _place(self) -> tuple[int, int]:
        """Return where the window is: the top left of its frame, as `wm geometry` says."""
        found = GEOMETRY.fullmatch(self.root.wm_geometry())  # WxH+X+Y; X, Y may be -8
        if found is None:
            return self.root.winfo_x(), self.root.winfo_y()
        return int(found[1]), int(found[2])

    def _save_place(self) -> None:
        """Write the window's place, when it moved, for the next time it opens."""
        self._save = None
        if not self._shown:
            return
        place = self._place()
        if place == self._saved_at:
            return
        from backcare_tray.adapters.state_file import write_atomically

        try:
            write_atomically(self.place_path, f'{{"x": {place[0]}, "y": {place[1]}}}\n')
        except OSError as problem:
            print(f"coach window: cannot remember its place: {problem}", file=sys.stderr)
            return
        self._saved_at = place
        _debug("saved", x=place[0], y=place[1])

    def _remembered_place(self) -> tuple[int, int] | None:
        """Return the place saved last time, None when there is none to use."""
        try:
            return parse_place(self.place_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            return None

    def _where_things_are(self) -> dict[str, Any]:
        """Return the screen boxes of the window and its parts (for the debug lines)."""

        def box(widget: tk.Misc) -> list[int]:
            return [
                widget.winfo_rootx(),
                widget.winfo_rooty(),
                widget.winfo_width(),
                widget.winfo_height(),
            ]

        from backcare_tray.window.look import cut_texts

        return {
            "cut": cut_texts(self.root),
            "window": box(self.root),
            "picture": box(self.picture),
            "ring": box(self.ring),
            "buttons": {"done": box(self.done), "pause": box(self.pause), "stop": box(self.stop)},
        }

    def close(self) -> None:
        """Save the place and close: the routine goes on in the notification."""
        if self._closing:
            return
        if self._save is not None:
            self.root.after_cancel(self._save)
        self._save_place()
        self._closing = True
        _debug("closing")
        self.root.destroy()


def _request(runtime_dir: Path, name: "CommandName") -> str | None:
    """Send one command to the daemon; return what went wrong, None when it was done."""
    from backcare_tray.adapters.control.client import NotRunning, endpoint_for, send_request
    from backcare_tray.commands import Command

    try:
        reply = send_request(
            endpoint_for(runtime_dir, sys.platform), Command(name), timeout=REQUEST_TIMEOUT
        )
    except NotRunning:
        return _("backcare-tray is not running")
    except (OSError, ValueError) as problem:
        return _("backcare-tray did not answer ({problem})").format(problem=problem)
    if reply.get("ok"):
        return None
    # Translators: what the coach window says when the daemon refused a button's command
    return str(reply.get("error") or _("refused"))


def _stay_out_of_the_way(root: tk.Tk) -> None:
    """Keep the window on top without taking the keyboard (per platform, see the top)."""
    root.wm_attributes("-topmost", True)
    system = root.tk.call("tk", "windowingsystem")
    if system == "x11":
        root.wm_attributes("-type", "utility")
        root.wm_focusmodel("active")  # WM_HINTS input false until mapped
    elif system == "aqua":
        with contextlib.suppress(tk.TclError):  # not every Tk on macOS has it
            style = ("style", root, "utility", "noActivates")
            root.tk.call("::tk::unsupported::MacWindowStyle", *style)
    if sys.platform == "win32":
        _no_activate(root)


def _no_activate(root: tk.Tk) -> None:
    """Windows: add WS_EX_NOACTIVATE to the window's frame."""
    if sys.platform == "win32":
        import ctypes

        gwl_exstyle, ws_ex_noactivate = -20, 0x08000000
        try:
            root.update_idletasks()
            frame = int(root.wm_frame(), 16)
            user32 = ctypes.windll.user32
            style = user32.GetWindowLongW(frame, gwl_exstyle)
            user32.SetWindowLongW(frame, gwl_exstyle, style | ws_ex_noactivate)
        except (OSError, ValueError, AttributeError, tk.TclError) as problem:
            print(f"coach window: cannot keep from taking the focus: {problem}", file=sys.stderr)


def open_root() -> tk.Tk:
    """Open the hidden Tk root window; raise Unavailable when no display can be opened."""
    try:
        root = tk.Tk(baseName=INSTANCE, className=CLASS)
    except tk.TclError as problem:
        raise Unavailable(f"cannot open a display ({problem})") from None
    root.withdraw()
    # Translators: the coach window's title
    root.title(_("Stretch coach"))
    root.resizable(False, False)
    _stay_out_of_the_way(root)
    return root


def run(runtime_dir: Path, state_dir: Path, stream: IO[bytes]) -> int:
    """Run the window until EOF, the end message's pause, or the person closes it."""
    _debug("starting", language=current().code)
    root = open_root()
    coach = Coach(root, runtime_dir, state_dir)
    root.after_idle(lambda: coach.read(stream))  # inside mainloop: the thread may call Tk
    root.mainloop()
    return 0
