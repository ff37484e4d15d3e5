"""The stretch library page: every stretch with its pictures, dose, steps and safety note."""

# The config is read on the Tk thread (it is small); the step pictures are drawn or scaled
# off it (App.in_background) and handed back as PNG data, a placeholder standing in until
# then. Pillow is imported only there, so the window opens as fast as without it.

import base64
import io
import threading
import tkinter as tk
from collections.abc import Callable, Sequence
from pathlib import Path
from tkinter import filedialog, ttk
from typing import TYPE_CHECKING, Any

from backcare_tray.adapters.config_edit import ConfigChanged, read_draft, save_draft
from backcare_tray.config_file import ConfigError, load_settings
from backcare_tray.exercises import Exercise
from backcare_tray.palette import BACKGROUND, MUTED, TEAL_DARK, TRACK
from backcare_tray.paths import app_paths
from backcare_tray.settings import Settings, settings_from_mapping
from backcare_tray.settings_schema import setting_named
from backcare_tray.stretch_share import (
    StretchError,
    StretchForm,
    builtin_ids,
    count_text,
    each_problem,
    form_problems,
    own_stretches,
)
from backcare_tray.validation import InvalidValue
from backcare_tray.window.host import Host
from backcare_tray.window.library import (
    FORM_FIELDS,
    LastStretch,
    phrase,
    problems_at_fields,
    reload_outcome,
    rotation_with,
)
from backcare_tray.window.look import box, debug, fit_headings, text_wrap, wrap_to_width
from backcare_tray.wording import dose

if TYPE_CHECKING:
    from backcare_tray.adapters.step_pictures import StepPictures

__all__ = ["StretchesPage"]

THUMB = 128  # pixels: a step's picture in the strip, a size step_pictures draws them at
GAP = 8  # pixels between two pictures (four of them fit beside the list)
WRAP = 520  # pixels: where the detail's text wraps
PictureData = str | None  # a step's picture as base64 PNG data, None when it has none


class _Pictures:
    """Each stretch's step pictures as PNG data, made off Tk's thread and kept."""

    def __init__(self, config: Path) -> None:
        self._config = config
        self._drawn: StepPictures | None = None  # imported off Tk's thread, when first needed
        self._lock = threading.Lock()
        self._prepared = False

    def data(self, exercise: Exercise) -> list[PictureData]:
        """Return a picture per step (called off Tk's thread; never raises)."""
        if exercise.pictures:
            return [_scaled(Path(p)) for p in exercise.pictures[: len(exercise.steps)]]
        if exercise.id not in builtin_ids():
            return [None] * len(exercise.steps)
        from backcare_tray.adapters.step_pictures import CACHE_FOLDER, StepPictures

        with self._lock:
            try:
                if self._drawn is None:
                    self._drawn = StepPictures(app_paths(str(self._config)).cache / CACHE_FOLDER)
                drawn = self._drawn
                paths = [drawn.path(exercise, n, 0, THUMB) for n in range(len(exercise.steps))]
                if None in paths and not self._prepared:
                    self._prepared = True
                    drawn.prepare()
                    paths = [drawn.path(exercise, n, 0, THUMB) for n in range(len(exercise.steps))]
            except Exception:  # no cache folder, no home: shown without pictures
                return [None] * len(exercise.steps)
        return [None if p is None else _read(Path(p)) for p in paths]


def _read(path: Path) -> PictureData:
    """Return a PNG file's bytes as base64 text, None when it cannot be read."""
    try:
        return base64.b64encode(path.read_bytes()).decode("ascii")
    except OSError:
        return None


def _scaled(path: Path) -> PictureData:
    """Return a picture scaled to fit the strip, as base64 PNG (unscaled without Pillow)."""
    try:
        from PIL import Image
    except ImportError:
        return _read(path)
    try:
        with Image.open(path) as image:
            picture = image.convert("RGBA")
    except (OSError, ValueError):
        return None
    scale = THUMB / max(picture.size)
    size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
    smooth = Image.Resampling.NEAREST if scale > 1 else Image.Resampling.LANCZOS
    out = io.BytesIO()
    picture.resize(size, smooth).save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode("ascii")


def _ask_open(parent: tk.Misc, title: str, kinds: list[tuple[str, str]]) -> str:
    """Return the file a person picks in Tk's dialog, "" when none."""
    chosen = filedialog.askopenfilename(parent=parent, title=title, filetypes=kinds)
    return str(chosen or "")


class StretchesPage:
    """The stretches the config knows in a list; the chosen one in full on the right."""

    def __init__(self, app: Host) -> None:
        self.app = app
        self.frame = ttk.Frame(app.tabs, padding=(12, 10))
        self.settings: Settings | None = None
        self.chosen: str | None = None
        self._pictures = _Pictures(app.config)
        self._images: dict[str, list[tk.PhotoImage | None]] = {}
        self._drawn_for: str | None = None
        self._filled = False
        self.form: _StretchForm | None = None

        bar = ttk.Frame(self.frame)
        bar.pack(side="top", fill="x", pady=(0, 8))
        self.add_button = ttk.Button(bar, text=phrase("add"), command=self.open_form)
        self.add_button.pack(side="left")
        self.import_button = ttk.Button(bar, text=phrase("import"), command=self.import_file)
        self.import_button.pack(side="left", padx=(8, 0))
        self.export_button = ttk.Button(bar, text=phrase("export"), command=self.export_file)
        self.export_button.pack(side="left", padx=(8, 0))
        self.banner = ttk.Label(self.frame, text="", style="Banner.TLabel", wraplength=840)
        status = ttk.Frame(self.frame)
        status.pack(side="bottom", fill="x", pady=(8, 0))
        self.said = ttk.Label(status, text="", style="Said.TLabel", wraplength=840)
        self.said.pack(side="left", fill="x")
        self.body = ttk.Frame(self.frame)
        self.body.pack(side="top", fill="both", expand=True)

        listing = ttk.Frame(self.body)
        listing.pack(side="left", fill="y", padx=(0, 16))
        self.tree = ttk.Treeview(
            listing, columns=("rotation",), selectmode="browse", height=18, show="tree headings"
        )
        self.tree.heading("#0", text=phrase("list_heading"), anchor="w")
        self.tree.heading("rotation", text=phrase("rotation_heading"), anchor="w")
        self.tree.column("#0", width=230, stretch=False)
        self.tree.column("rotation", width=80, stretch=False)
        fit_headings(self.tree)
        self.tree.tag_configure("off", foreground=MUTED)
        self.tree.pack(side="left", fill="y")
        self.tree.bind("<<TreeviewSelect>>", self._selected)
        self.tree.bind("<Map>", lambda _event: self.tree.after_idle(self._report))

        detail = ttk.Frame(self.body)
        detail.pack(side="left", fill="both", expand=True)
        self.name = ttk.Label(detail, text="", style="Heading.TLabel", wraplength=WRAP)
        self.name.pack(anchor="w")
        self.summary = ttk.Label(detail, text="", wraplength=WRAP)
        self.summary.pack(anchor="w", pady=(2, 4))
        self.dose = ttk.Label(detail, text="", style="Field.TLabel")
        self.dose.pack(anchor="w")
        self.equipment = ttk.Label(detail, text="")
        self.equipment.pack(anchor="w")
        self.included = tk.BooleanVar(self.frame, value=False)
        self.rotation_box = ttk.Checkbutton(
            detail, text=phrase("in_rotation"), variable=self.included, command=self._toggled
        )
        self.rotation_box.pack(anchor="w", pady=(4, 4))
        self.safety = ttk.Label(detail, text="", style="Banner.TLabel", wraplength=WRAP)
        self.safety.pack(anchor="w", fill="x", pady=(0, 6))
        self.strip = tk.Canvas(
            detail, height=THUMB + 24, highlightthickness=0, background=BACKGROUND
        )
        self.strip.pack(fill="x")
        self.scroll = ttk.Scrollbar(detail, orient="horizontal", command=self.strip.xview)
        self.strip.configure(xscrollcommand=self.scroll.set)
        ttk.Label(detail, text=phrase("steps"), style="Field.TLabel").pack(anchor="w", pady=(6, 2))
        self.steps = tk.Text(
            detail,
            height=8,
            wrap="word",
            relief="flat",
            font=app.fonts["body"],
            padx=4,
            pady=4,
            cursor="arrow",
        )
        self.steps.pack(fill="both", expand=True)
        # The detail's words wrap where the pane ends, however long a language's words are.
        wrap_to_width(detail, {self.name: 4, self.summary: 4, self.safety: 28})
        self.steps.configure(state="disabled")

    def shown(self) -> None:
        """Read the config the first time the page is shown."""
        if not self._filled:
            self._filled = True
            self.load()

    def load(self, select: str | None = None) -> None:
        """Read the config into the list; a broken file shows its mistake and no list."""
        self.banner.pack_forget()
        try:
            settings = load_settings(self.app.config)
        except ConfigError as error:
            self.settings = None
            self._show_banner([phrase("config_broken"), *str(error).splitlines()])
            for button in (self.add_button, self.import_button, self.export_button):
                button.state(["disabled"])
            self.tree.delete(*self.tree.get_children())
            self.body.pack_forget()
            self.app.root.update_idletasks()
            debug("stretches broken", problems=str(error), **self.where_things_are())
            return
        self.settings = settings
        self.body.pack(side="top", fill="both", expand=True)
        for button in (self.add_button, self.import_button):
            button.state(["!disabled"])
        self.export_button.state(["!disabled"] if own_stretches(settings) else ["disabled"])
        self.tree.delete(*self.tree.get_children())
        for exercise in settings.exercises.values():
            on = exercise.id in settings.rotation
            self.tree.insert(
                "",
                "end",
                iid=exercise.id,
                text=exercise.name,
                values=(phrase("on") if on else phrase("off"),),
                tags=() if on else ("off",),
            )
        wanted = select if select in settings.exercises else self.chosen
        if wanted not in settings.exercises:
            wanted = next(iter(settings.exercises))
        self.chosen = None
        self.tree.selection_set(wanted)
        self.tree.see(wanted)
        self.choose(wanted)

    def choose(self, stretch_id: str) -> None:
        """Show one stretch on the right: name, dose, rotation, safety, pictures and steps."""
        if self.settings is None or stretch_id not in self.settings.exercises:
            return
        exercise = self.settings.exercise(stretch_id)
        changed = stretch_id != self.chosen
        self.chosen = stretch_id
        self.name.configure(text=exercise.name)
        self.summary.configure(text=exercise.summary)
        self.dose.configure(text=phrase("dose").format(dose=dose(exercise)))
        if exercise.equipment and exercise.equipment != "none":
            self.equipment.configure(text=phrase("equipment").format(equipment=exercise.equipment))
        else:
            self.equipment.configure(text=phrase("no_equipment"))
        self.included.set(stretch_id in self.settings.rotation)
        if exercise.safety:
            self.safety.configure(text=exercise.safety)
            self.safety.pack(anchor="w", fill="x", pady=(0, 6), before=self.strip)
        else:
            self.safety.pack_forget()
        self.steps.configure(state="normal")
        self.steps.delete("1.0", "end")
        self.steps.configure(wrap=text_wrap(" ".join(exercise.steps)))
        for number, step in enumerate(exercise.steps, 1):
            self.steps.insert("end", f"{number}. {step}\n")
        self.steps.configure(state="disabled")
        if changed or self._drawn_for != stretch_id:
            self._draw_strip(exercise)
        self._report()

    def _report(self, tries: int = 20) -> None:
        """Say what the page shows and where, once the list is on the screen (for tests)."""
        if self.settings is None or self.chosen not in self.settings.exercises:
            return
        exercise = self.settings.exercise(self.chosen)
        self.app.root.update_idletasks()
        where = self.where_things_are()
        mapped = bool(self.tree.winfo_ismapped() and where["rows"])
        if self.tree.winfo_ismapped() and not mapped and tries:  # the rows are not drawn yet
            self.tree.after(50, lambda: self._report(tries - 1))
        debug(
            "stretches",
            mapped=mapped,
            shown=list(self.settings.exercises),
            names=[self.tree.item(i, "text") for i in self.tree.get_children()],
            chosen=self.chosen,
            in_rotation=list(self.settings.rotation),
            steps=[self.steps.get(f"{n}.0", f"{n}.end") for n in range(1, len(exercise.steps) + 1)],
            safety=exercise.safety if self.safety.winfo_manager() else "",
            dose=self.dose.cget("text"),
            **where,
        )

    def where_things_are(self) -> dict[str, Any]:
        """Return where the page's parts are on the screen, for tests."""
        rows: dict[str, list[int]] = {}
        left, top = self.tree.winfo_rootx(), self.tree.winfo_rooty()
        for item in self.tree.get_children():
            place = self.tree.bbox(item)
            if place:
                x, y, width, height = place
                rows[item] = [left + x, top + y, width, height]
        return {
            "rows": rows,
            "in_rotation_box": box(self.rotation_box),
            "buttons_enabled": [
                not b.instate(["disabled"])
                for b in (self.add_button, self.import_button, self.export_button)
            ],
            "add": box(self.add_button),
            "import": box(self.import_button),
            "export": box(self.export_button),
            "pictures": self._picture_boxes(),
            "safety_box": box(self.safety) if self.safety.winfo_ismapped() else None,
            "banner": box(self.banner) if self.banner.winfo_ismapped() else None,
            "said": self.said.cget("text"),
        }

    # The pictures.

    def _draw_strip(self, exercise: Exercise) -> None:
        """Draw the step placeholders, then each picture once it is made off Tk's thread."""
        self._drawn_for = exercise.id
        made = self._images.get(exercise.id)
        self._fill_strip(exercise, made)
        if made is None:
            self.app.in_background(
                lambda: self._pictures.data(exercise),
                lambda data: self._pictures_made(exercise, data),
            )

    def _pictures_made(self, exercise: Exercise, data: Sequence[PictureData]) -> None:
        """Keep a stretch's pictures as Tk images and show them if it is still the chosen one."""
        images: list[tk.PhotoImage | None] = []
        for item in data:
            try:
                images.append(None if item is None else tk.PhotoImage(master=self.strip, data=item))
            except tk.TclError:  # not a picture Tk reads
                images.append(None)
        self._images[exercise.id] = images
        if self.chosen == exercise.id:
            self._fill_strip(exercise, images)

    def _fill_strip(
        self, exercise: Exercise, images: Sequence[tk.PhotoImage | None] | None
    ) -> None:
        """Draw a box per step: its picture, or a placeholder while it is made (or without)."""
        self.strip.delete("all")
        for index in range(len(exercise.steps)):
            left = index * (THUMB + GAP)
            image = images[index] if images is not None and index < len(images) else None
            if image is not None:
                self.strip.create_image(
                    left + THUMB // 2, THUMB // 2, image=image, anchor="center", tags=("picture",)
                )
            else:
                self.strip.create_rectangle(
                    left, 0, left + THUMB - 1, THUMB - 1, fill=TRACK, outline=TRACK
                )
                note = phrase("drawing") if images is None else phrase("no_picture")
                self.strip.create_text(
                    left + THUMB // 2,
                    THUMB // 2,
                    text=note,
                    fill=MUTED,
                    font=self.app.fonts["small"],
                )
            self.strip.create_text(
                left + THUMB // 2,
                THUMB + 12,
                text=phrase("step_number").format(number=index + 1),
                fill=TEAL_DARK,
                font=self.app.fonts["small"],
            )
        width = len(exercise.steps) * (THUMB + GAP)
        self.strip.configure(scrollregion=(0, 0, width, THUMB + 24))
        self.strip.xview_moveto(0)
        if width - GAP > self.strip.winfo_width():  # more steps than the page is wide
            self.scroll.pack(fill="x", after=self.strip)
        else:
            self.scroll.pack_forget()
        if images is not None:
            self.app.root.update_idletasks()
            debug(
                "stretch pictures",
                id=exercise.id,
                drawn=[image is not None for image in images],
                pictures=self._picture_boxes(),
            )

    def _picture_boxes(self) -> list[list[int]]:
        """Return each step's picture box on the screen."""
        if self.settings is None or self.chosen not in self.settings.exercises:
            return []
        steps = len(self.settings.exercise(self.chosen).steps)
        left, top = self.strip.winfo_rootx(), self.strip.winfo_rooty()
        shift = round(self.strip.canvasx(0))
        return [[left + n * (THUMB + GAP) - shift, top, THUMB, THUMB] for n in range(steps)]

    # The rotation.

    def _selected(self, _event: object = None) -> None:
        """Show the stretch chosen in the list."""
        chosen = self.tree.selection()
        if chosen and chosen[0] != self.chosen:
            self.choose(str(chosen[0]))

    def _toggled(self) -> None:
        """Turn the chosen stretch on or off in the rotation, writing [rotation] exercises."""
        if self.settings is None or self.chosen is None:
            return
        stretch_id, on = self.chosen, self.included.get()
        try:  # the file as it is now, whatever changed it since the page read it
            rotation = rotation_with(load_settings(self.app.config).rotation, stretch_id, on)
        except ConfigError as error:
            self.included.set(not on)
            self._say(phrase("not_saved").format(reason=error))
            debug("stretches refused", id=stretch_id, said=self.said.cget("text"))
            return
        except LastStretch as refused:
            self.included.set(True)
            self._say(str(refused))
            debug("stretches refused", id=stretch_id, said=str(refused))
            return
        problem = self._write_rotation(rotation)
        if problem:
            self.included.set(not on)
            self._say(phrase("not_saved").format(reason=problem))
            debug("stretches refused", id=stretch_id, said=self.said.cget("text"))
            return
        self.load(select=stretch_id)
        self._tell_daemon(phrase("saved"), "stretches saved", id=stretch_id, rotation=rotation)

    def _write_rotation(self, rotation: list[str]) -> str:
        """Write the rotation to the config, comments kept; return the problem, "" when saved."""
        try:
            draft = read_draft(self.app.config)
            draft.set(setting_named("rotation.exercises"), rotation)
            settings_from_mapping(draft.data(), self.app.config.parent)
            save_draft(draft)
        except (ConfigError, InvalidValue, ConfigChanged) as error:
            return str(error)
        except OSError as error:
            return error.strerror or str(error)
        return ""

    def _tell_daemon(self, done: str, event: str, **details: Any) -> None:
        """Ask a running daemon to reload, then say how that went."""
        self._say(phrase("asking").format(done=done))

        def answered(answer: tuple[bool, bool, str]) -> None:
            text = reload_outcome(done, *answer)
            self._say(text)
            debug(event, said=text, answered=answer[0], **details)

        self.app.in_background(lambda: self.app.ask_daemon("reload"), answered)

    # Adding, importing and exporting.

    def open_form(self) -> None:
        """Open the new-stretch form (or raise the open one)."""
        if self.form is not None and self.form.window.winfo_exists():
            self.form.window.lift()
            return
        taken = [e.id for e in own_stretches(self.settings)] if self.settings else []
        self.form = _StretchForm(self.app, taken, self._form_saved)

    def _form_saved(self, form: StretchForm) -> list[InvalidValue] | list[str]:
        """Add the form's stretch; return its problems (none: added, the form closes)."""
        from backcare_tray.adapters.stretch_import import add_stretch

        try:
            added = add_stretch(form, self.app.config)
        except InvalidValue as error:
            return list(each_problem(error))
        except StretchError as error:
            return list(error.problems)
        new = added.exercises[0]
        self.load(select=new.id)
        self._tell_daemon(phrase("added").format(name=new.name), "stretch added", id=new.id)
        return []

    def import_file(self, chosen: str | None = None) -> None:
        """Import a stretch file chosen in Tk's dialog: all its stretches, or none."""
        kinds = [(phrase("stretch_files"), "*.toml"), (phrase("all_files"), "*")]
        debug("file dialog", purpose="import")
        path = (
            chosen if chosen is not None else _ask_open(self.frame, phrase("import_title"), kinds)
        )
        if not path:
            return
        from backcare_tray.adapters.stretch_import import import_stretches

        source = Path(path)
        try:
            added = import_stretches(source, self.app.config)
        except StretchError as error:
            problems = list(error.problems)
            self._show_banner([phrase("import_refused").format(file=source.name), *problems])
            self._say("")
            self.app.root.update_idletasks()
            debug("stretches imported", ids=[], problems=problems, **self.where_things_are())
            return
        ids = [e.id for e in added.exercises]
        self.load(select=ids[0] if ids else None)
        names = ", ".join(e.name for e in added.exercises)
        self._tell_daemon(phrase("imported").format(names=names), "stretches imported", ids=ids)

    def export_file(self, chosen: str | None = None) -> None:
        """Write the user's own stretches to a stretch file chosen in Tk's dialog."""
        kinds = [(phrase("stretch_files"), "*.toml")]
        debug("file dialog", purpose="export")
        path = chosen or filedialog.asksaveasfilename(
            parent=self.frame,
            title=phrase("export_title"),
            filetypes=kinds,
            defaultextension=".toml",
            initialfile="stretches.toml",
        )
        if not path:
            return
        from backcare_tray.adapters.stretch_import import export_stretches

        try:
            exported = export_stretches(self.app.config, Path(path), replace=True)
        except StretchError as error:
            self._show_banner(list(error.problems))
            debug("stretches exported", path=None, problems=list(error.problems))
            return
        self.banner.pack_forget()
        count = count_text(len(exported.exercises))
        self._say(phrase("exported").format(count=count, file=exported.path))
        debug(
            "stretches exported", path=str(exported.path), problems=[], said=self.said.cget("text")
        )

    def _show_banner(self, lines: list[str]) -> None:
        """Show problems above the library, in the warning style."""
        self.banner.configure(text="\n".join(lines))
        self.banner.pack(side="top", fill="x", pady=(0, 8), before=self.body)

    def _say(self, text: str) -> None:
        """Say the outcome of the last action in the bottom line."""
        self.said.configure(text=text)


class _StretchForm:
    """The new-stretch form in a window of its own, checked as the person types."""

    def __init__(
        self,
        app: Host,
        taken: list[str],
        save: Callable[[StretchForm], list[InvalidValue] | list[str]],
    ) -> None:
        self.app = app
        self._taken = taken
        self._save = save
        self.pictures: list[Path] = []
        self.touched: set[str] = set()
        window = self.window = tk.Toplevel(app.root)
        window.title(phrase("form_title"))
        window.transient(app.root)
        outer = ttk.Frame(window, padding=(14, 12))
        outer.pack(fill="both", expand=True)
        outer.columnconfigure(1, weight=1)
        self.name = tk.StringVar(window)
        self.hold = tk.StringVar(window, value="10")
        self.reps = tk.StringVar(window, value="3")
        self.two_sides = tk.BooleanVar(window, value=False)
        self.side_one = tk.StringVar(window, value=phrase("side_one"))
        self.side_two = tk.StringVar(window, value=phrase("side_two"))
        self.widgets: dict[str, tk.Widget] = {}
        self.messages: dict[str, ttk.Label] = {}
        row = 0

        def field(key: str, label: str, widget: tk.Widget) -> None:
            nonlocal row
            ttk.Label(outer, text=label, style="Field.TLabel").grid(
                row=row, column=0, sticky="nw", padx=(0, 12), pady=(8, 0)
            )
            widget.grid(row=row, column=1, sticky="we", pady=(6, 0))
            message = ttk.Label(outer, text="", style="Problem.TLabel", wraplength=380)
            message.grid(row=row + 1, column=1, sticky="w")
            message.grid_remove()
            self.widgets[key], self.messages[key] = widget, message
            row += 2

        field("name", phrase("name"), ttk.Entry(outer, textvariable=self.name, width=40))
        self.steps = tk.Text(outer, height=5, width=44, wrap="word", font=app.fonts["body"])
        field("steps", phrase("form_steps"), self.steps)
        field(
            "hold_seconds",
            phrase("hold"),
            ttk.Spinbox(outer, textvariable=self.hold, from_=0, to=600, width=6),
        )
        field(
            "reps",
            phrase("reps"),
            ttk.Spinbox(outer, textvariable=self.reps, from_=1, to=50, width=6),
        )
        sides = ttk.Frame(outer)
        ttk.Checkbutton(sides, text=phrase("sides"), variable=self.two_sides).pack(side="left")
        self.side_entries = [
            ttk.Entry(sides, textvariable=self.side_one, width=12),
            ttk.Entry(sides, textvariable=self.side_two, width=12),
        ]
        for entry in self.side_entries:
            entry.pack(side="left", padx=(8, 0))
        field("sides", "", sides)
        self.safety = tk.Text(outer, height=2, width=44, wrap="word", font=app.fonts["body"])
        field("safety", phrase("safety"), self.safety)
        chooser = ttk.Frame(outer)
        self.choose_button = ttk.Button(
            chooser, text=phrase("choose_pictures"), command=self.choose
        )
        self.choose_button.pack(side="left")
        ttk.Button(chooser, text=phrase("clear_pictures"), command=self.clear).pack(
            side="left", padx=(8, 0)
        )
        self.chosen_label = ttk.Label(chooser, text=phrase("no_pictures"), style="Muted.TLabel")
        self.chosen_label.pack(side="left", padx=(8, 0))
        field("pictures", phrase("pictures"), chooser)
        self.others = ttk.Label(outer, text="", style="Problem.TLabel", wraplength=480)
        self.others.grid(row=row, column=0, columnspan=2, sticky="w", pady=(8, 0))
        buttons = ttk.Frame(outer)
        buttons.grid(row=row + 1, column=0, columnspan=2, sticky="e", pady=(12, 0))
        self.save_button = ttk.Button(
            buttons, text=phrase("save"), style="Primary.TButton", command=self.save
        )
        self.save_button.pack(side="right")
        ttk.Button(buttons, text=phrase("cancel"), command=window.destroy).pack(
            side="right", padx=(0, 8)
        )
        for key, variable in (
            ("name", self.name),
            ("hold_seconds", self.hold),
            ("reps", self.reps),
            ("sides", self.two_sides),
            ("sides", self.side_one),
            ("sides", self.side_two),
        ):
            variable.trace_add("write", self._changer(key))
        for key, text in (("steps", self.steps), ("safety", self.safety)):
            text.bind("<<Modified>>", self._modified(key, text))
        window.bind("<Map>", self._mapped, add="+")
        self.check()

    def form(self) -> tuple[StretchForm, dict[str, str]]:
        """Return what the form holds, and the problems of its number fields."""
        numbers: dict[str, str] = {}
        values = {}
        for key, variable, fallback in (("hold_seconds", self.hold, 0), ("reps", self.reps, 1)):
            try:
                values[key] = int(variable.get().strip())
            except ValueError:
                values[key], numbers[key] = fallback, phrase("whole_number")
        sides = (self.side_one.get().strip(), self.side_two.get().strip())
        return (
            StretchForm(
                name=self.name.get().strip(),
                steps=self.steps.get("1.0", "end").splitlines(),
                hold_seconds=values["hold_seconds"],
                reps=values["reps"],
                sides=sides if self.two_sides.get() else None,
                safety=self.safety.get("1.0", "end").strip(),
                pictures=tuple(self.pictures),
            ),
            numbers,
        )

    def check(self, show_all: bool = False) -> dict[str, str]:
        """Check the form as the loader would; show each problem at its field; return them."""
        form, numbers = self.form()
        at_fields, others = problems_at_fields(form_problems(form, self._taken))
        at_fields.update(numbers)
        for key in FORM_FIELDS:
            problem = at_fields.get(key) if (show_all or key in self.touched) else None
            self._show(key, problem)
        for entry in self.side_entries:
            entry.state(["!disabled"] if self.two_sides.get() else ["disabled"])
        self.others.configure(text="\n".join(others) if show_all else "")
        can = not at_fields and not others
        self.save_button.state(["!disabled"] if can else ["disabled"])
        self.window.update_idletasks()
        debug(
            "stretch form",
            mapped=bool(self.window.winfo_ismapped()),
            problems=at_fields,
            others=others,
            **self.where_things_are(),
        )
        return at_fields

    def save(self) -> None:
        """Add the stretch; close the form, or show why it was not added."""
        if self.check(show_all=True):
            return
        form, _numbers = self.form()
        problems = self._save(form)
        if not problems:
            self.window.destroy()
            return
        singles = [p for p in problems if isinstance(p, InvalidValue)]
        at_fields, others = problems_at_fields(singles)
        for key in FORM_FIELDS:
            self._show(key, at_fields.get(key))
        lines = [*others, *(p for p in problems if isinstance(p, str))]
        self.others.configure(text="\n".join(lines))
        debug("stretch form", problems=at_fields, others=lines, **self.where_things_are())

    def choose(self) -> None:
        """Pick the pictures in Tk's dialog."""
        kinds = [(phrase("png_files"), "*.png"), (phrase("all_files"), "*")]
        debug("file dialog", purpose="pictures")
        chosen = filedialog.askopenfilenames(
            parent=self.window, title=phrase("pictures_title"), filetypes=kinds
        )
        if chosen:
            self.pictures = [Path(p) for p in self.window.tk.splitlist(chosen)]
            self.chosen_label.configure(text=", ".join(p.name for p in self.pictures))
            self.touched.add("pictures")
            self.check()

    def clear(self) -> None:
        """Forget the pictures chosen."""
        self.pictures = []
        self.chosen_label.configure(text=phrase("no_pictures"))
        self.check()

    def where_things_are(self) -> dict[str, Any]:
        """Return where the form's parts are on the screen, for tests."""
        return {
            "fields": {key: box(widget) for key, widget in self.widgets.items()},
            "save": box(self.save_button),
            "choose_pictures": box(self.choose_button),
            "pictures_chosen": [str(p) for p in self.pictures],
        }

    def _show(self, key: str, problem: str | None) -> None:
        """Show a problem under its field, or clear it."""
        message = self.messages[key]
        message.configure(text=problem or "")
        if problem:
            message.grid()
        else:
            message.grid_remove()

    def _changer(self, key: str) -> Callable[..., None]:
        """Return the trace that checks the form when a field changes."""

        def changed(*_args: object) -> None:
            self.touched.add(key)
            self.check()

        return changed

    def _modified(self, key: str, text: tk.Text) -> Callable[[object], None]:
        """Return the binding that checks the form when a text box changes."""

        def modified(_event: object) -> None:
            if text.edit_modified():
                text.edit_modified(False)
                self.touched.add(key)
                self.check()

        return modified

    def _mapped(self, event: "tk.Event[tk.Misc]") -> None:
        """Say where the form's parts are once it is on the screen."""
        if event.widget is self.window:
            self.check()
