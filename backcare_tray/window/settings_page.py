"""The settings page: every key of the settings table, a section at a time, checked as typed."""

import tkinter as tk
from collections.abc import Callable
from tkinter import ttk
from typing import Any

from backcare_tray.adapters.config_edit import ConfigChanged, ConfigDraft, read_draft, save_draft
from backcare_tray.config_file import ConfigError
from backcare_tray.dates import day_name
from backcare_tray.hours import DAYS
from backcare_tray.i18n import N_, _
from backcare_tray.settings import Settings, settings_from_mapping
from backcare_tray.settings_schema import SECTIONS, Setting, TomlValue, describe_bounds, settings_in
from backcare_tray.validation import InvalidValue
from backcare_tray.window.form import (
    WidgetValue,
    check_field,
    day_order,
    field_description,
    field_label,
    problems_by_field,
    section_label,
    to_widget,
)
from backcare_tray.window.host import Host
from backcare_tray.window.look import box, cut_texts, debug

__all__ = ["SettingsPage"]

WRAP = 400  # pixels: where a description wraps
# Marked here, translated where shown.
TEXTS = {
    "not_toml": N_("{error}. Fix it in a text editor; the form opens once it is TOML."),
    "others": N_("The file has problems the form cannot fix:"),
    "refused_values": N_("The file has values the loader refuses; see below."),
    "rewritten": N_("{problem} (Save writes the value shown here)"),
    "not_saved": N_("Not saved: {problem}"),
    "clash": N_("the file was changed meanwhile, in {names} too; Revert to read it again"),
    "nothing_to_save": N_("Nothing to save: the file already says this."),
    "asking": N_("Saved. Asking backcare-tray to use the new settings..."),
    "saved_not_running": N_("Saved. {said}; it will use the new settings when it starts."),
    "saved_applied": N_("Saved. backcare-tray uses the new settings now."),
    "saved_refused": N_("Saved, but backcare-tray did not take them: {said}"),
    # Translators: a setting that is switched on (a default, and the check box's label).
    "on": N_("on"),
    "off": N_("off"),
    # Translators: a default that is empty (no list, no text).
    "none": N_("none"),
    "default": N_("Default: {default}"),
    "save": N_("Save"),
    # Translators: the button that forgets the changes and reads the settings file again.
    "revert": N_("Revert"),
}
LABEL_WRAP = 190  # and a field's label


def _default_text(setting: Setting) -> str:
    """Return a setting's default as the form shows it."""
    held = to_widget(setting, setting.default)
    if isinstance(held, bool):
        return _(TEXTS["on"]) if held else _(TEXTS["off"])
    if isinstance(held, list):
        return ", ".join(held) or _(TEXTS["none"])
    return held or _(TEXTS["none"])


class _Field:
    """One setting's widget, its check and its message."""

    def __init__(
        self, parent: ttk.Frame, setting: Setting, on_change: Callable[[], None], row: int
    ) -> None:
        self.setting = setting
        self._on_change = on_change
        self.text = tk.StringVar(parent)
        self.flag = tk.BooleanVar(parent)
        self.days = {day: tk.BooleanVar(parent) for day in DAYS}
        self.order: list[str] = []  # stretch ids: every known one, in the rotation's order first
        self.included: dict[str, tk.BooleanVar] = {}
        self.names: dict[str, str] = {}
        label = ttk.Label(
            parent, text=field_label(setting), style="Field.TLabel", wraplength=LABEL_WRAP
        )
        label.grid(row=row, column=0, sticky="nw", padx=(0, 12), pady=(10, 0))
        self.holder = ttk.Frame(parent)
        self.holder.grid(row=row, column=1, sticky="we", pady=(8, 0))
        self.widget = self._build(self.holder)
        default = _(TEXTS["default"]).format(default=_default_text(setting))
        about = f"{field_description(setting)}\n{default}"
        if setting.kind in ("duration", "durations", "whole number"):
            about += f"; {describe_bounds(setting)}"
        ttk.Label(parent, text=about, style="Muted.TLabel", wraplength=WRAP).grid(
            row=row + 1, column=1, sticky="w"
        )
        self.message = ttk.Label(parent, text="", style="Problem.TLabel", wraplength=WRAP)
        self.message.grid(row=row + 2, column=1, sticky="w")
        self.message.grid_remove()  # shown only with a problem
        for variable in (self.text, self.flag, *self.days.values()):
            variable.trace_add("write", lambda *_args: self._on_change())

    def _build(self, holder: ttk.Frame) -> tk.Widget:
        """Make the widget the setting's kind calls for."""
        setting = self.setting
        if setting.kind == "on/off":
            widget: tk.Widget = ttk.Checkbutton(holder, variable=self.flag, text=_(TEXTS["on"]))
        elif setting.kind == "choice":
            widget = ttk.Combobox(
                holder, textvariable=self.text, values=setting.choices, state="readonly", width=14
            )
        elif setting.kind == "whole number":
            top = setting.maximum if setting.maximum is not None else 10**6
            widget = ttk.Spinbox(
                holder, textvariable=self.text, from_=setting.minimum, to=top, width=8
            )
        elif setting.kind == "days":
            widget = ttk.Frame(holder)
            for day in DAYS:
                ttk.Checkbutton(widget, text=day_name(day), variable=self.days[day]).pack(
                    side="left", padx=(0, 6)
                )
        elif setting.kind == "stretch ids":
            widget = ttk.Frame(holder)
        else:
            width = 28 if setting.kind in ("durations", "time ranges") else 12
            widget = ttk.Entry(holder, textvariable=self.text, width=width)
        widget.pack(side="left", anchor="w")
        return widget

    def set(self, value: TomlValue, stretch_names: dict[str, str]) -> None:
        """Show a value of the file."""
        held = to_widget(self.setting, value)
        if self.setting.kind == "on/off":
            self.flag.set(bool(held))
        elif self.setting.kind == "days":
            chosen = {str(day).lower() for day in held} if isinstance(held, list) else set()
            for day, variable in self.days.items():
                variable.set(day in chosen)
        elif self.setting.kind == "stretch ids":
            ids = list(held) if isinstance(held, list) else []
            self.names = stretch_names
            self.order = [*ids, *(i for i in stretch_names if i not in ids)]
            self.included = {i: tk.BooleanVar(self.holder, value=i in ids) for i in self.order}
            for variable in self.included.values():
                variable.trace_add("write", lambda *_args: self._on_change())
            self._draw_rotation()
        else:
            self.text.set(str(held))

    def held(self) -> WidgetValue:
        """Return what the widget holds now."""
        if self.setting.kind == "on/off":
            return self.flag.get()
        if self.setting.kind == "days":
            return day_order([day for day, variable in self.days.items() if variable.get()])
        if self.setting.kind == "stretch ids":
            return [i for i in self.order if self.included[i].get()]
        return self.text.get()

    def say(self, problem: str | None) -> None:
        """Show the loader's message under the field, or clear it."""
        self.message.configure(text=problem or "")
        if problem:
            self.message.grid()
        else:
            self.message.grid_remove()

    def _draw_rotation(self) -> None:
        """Draw the list of stretches: in or out of the rotation, and moved up or down."""
        for child in self.widget.winfo_children():
            child.destroy()
        for place, stretch_id in enumerate(self.order):
            row = ttk.Frame(self.widget)
            row.pack(fill="x", anchor="w")
            ttk.Checkbutton(
                row, text=self.names.get(stretch_id, stretch_id), variable=self.included[stretch_id]
            ).pack(side="left")
            down = ttk.Button(row, text="↓", width=2, command=self._mover(place, 1))
            up = ttk.Button(row, text="↑", width=2, command=self._mover(place, -1))
            down.pack(side="right")
            up.pack(side="right", padx=(8, 2))
            if place == 0:
                up.state(["disabled"])
            if place == len(self.order) - 1:
                down.state(["disabled"])

    def _mover(self, place: int, by: int) -> Callable[[], None]:
        """Return the command that moves a stretch up or down the rotation's order."""

        def move() -> None:
            other = place + by
            if 0 <= other < len(self.order):
                self.order[place], self.order[other] = self.order[other], self.order[place]
                self._draw_rotation()
                self._on_change()

        return move


class SettingsPage:
    """Every setting with its widget, description and default; Save writes the config."""

    def __init__(self, app: Host) -> None:
        self.app = app
        self.frame = ttk.Frame(app.tabs, padding=(12, 10))
        self.draft: ConfigDraft | None = None
        self.fields: dict[str, _Field] = {}
        self._known: dict[str, object] = {}
        self._shown_values: dict[str, TomlValue] = {}  # what the form showed when read
        # Values the loader refuses that the widget shows as valid: written as shown at Save.
        self._file_problems: dict[str, str] = {}
        self._loading = False
        self.section = tk.StringVar(self.frame, value=SECTIONS[0])
        self.banner = ttk.Label(self.frame, text="", style="Banner.TLabel", wraplength=760)
        self.body = ttk.Frame(self.frame)
        self.body.pack(side="top", fill="both", expand=True)
        sections = ttk.Frame(self.body)
        sections.pack(side="left", fill="y", padx=(0, 16))
        self.section_buttons: dict[str, ttk.Radiobutton] = {}
        for section in SECTIONS:
            button = ttk.Radiobutton(
                sections,
                text=section_label(section),
                value=section,
                variable=self.section,
                style="Section.Toolbutton",
                command=self._show_section,
            )
            button.pack(fill="x", pady=1)
            self.section_buttons[section] = button
        self.forms: dict[str, ttk.Frame] = {}
        for section in SECTIONS:
            form = ttk.Frame(self.body)
            form.columnconfigure(1, weight=1)
            for index, setting in enumerate(settings_in(section)):
                self.fields[setting.name] = _Field(form, setting, self._changed, index * 3)
            self.forms[section] = form
        bar = ttk.Frame(self.frame)
        bar.pack(side="bottom", fill="x", pady=(10, 0))
        self.said = ttk.Label(bar, text="", style="Said.TLabel", wraplength=520)
        self.said.pack(side="left", fill="x", expand=True)
        self.save_button = ttk.Button(
            bar, text=_(TEXTS["save"]), style="Primary.TButton", command=self.save
        )
        self.save_button.pack(side="right")
        self.revert_button = ttk.Button(bar, text=_(TEXTS["revert"]), command=self.load)
        self.revert_button.pack(side="right", padx=(0, 8))
        self._filled = False

    def shown(self) -> None:
        """Read the config when first shown, and again if it changed with nothing unsaved here.

        The stretches page writes the rotation too; coming back here shows what it wrote.
        """
        if not self._filled:
            self._filled = True
            self.load()
        elif self.draft is not None and not self.unsaved() and self._changed_on_disk():
            self.load()

    def _changed_on_disk(self) -> bool:
        """Return True when the file is no longer what the form read."""
        assert self.draft is not None
        try:
            now = self.app.config.read_text(encoding="utf-8")
        except OSError:
            return self.draft.existed
        return now != self.draft.original or not self.draft.existed

    def load(self) -> None:
        """Read the config file into the form; a broken file shows its errors at the fields."""
        self.banner.pack_forget()
        try:
            self.draft = read_draft(self.app.config)
        except ConfigError as error:
            self.draft = None
            self._show_banner(_(TEXTS["not_toml"]).format(error=error))
            self._enable(False)
            self._say("")
            debug("settings unreadable", problem=str(error))
            return
        self._known, names = _stretches_of(self.draft)
        self._loading = True
        for name, field in self.fields.items():
            field.set(_in_effect(self.draft, field.setting), names)
            self._shown_values[name] = check_field(field.setting, field.held(), self._known).value
        self._loading = False
        at_fields, others = self._loader_problems()
        self._file_problems = {}
        for name, problem in at_fields.items():
            if check_field(
                self.fields[name].setting, self.fields[name].held(), self._known
            ).problem:
                continue  # the field shows it as it is
            # The widget shows the value as it reads it ("false" as text: off): Save writes
            # it as shown, so it is a change to save even untouched.
            self._file_problems[name] = problem
        self._enable(True)
        self._show_section()
        problems = self._check_all()
        if others:
            self._show_banner("\n".join([_(TEXTS["others"]), *others]))
        wrong = bool(problems or self._file_problems)
        self._say(_(TEXTS["refused_values"]) if wrong else "")
        self._update_save()
        debug(
            "settings loaded",
            problems=problems,
            rewritten=self._file_problems,
            others=others,
            values=self._shown_values,
        )

    def unsaved(self) -> bool:
        """Return True when the form holds changes that are not saved."""
        return self.draft is not None and bool(self._changes())

    def save(self, wait_for_reload: bool = False) -> bool:
        """Write the changed settings, keeping the comments, and ask for a reload; False: not.

        A file changed meanwhile (the stretches page, an editor) takes the changes too, unless
        it changed one of the same settings. Closing the window waits for the daemon's answer
        (a thread would end with it).
        """
        if self.draft is None or self._check_all():
            return False
        changes = self._changes()
        try:
            written, merged = self._write(changes)
        except (InvalidValue, ConfigChanged, ConfigError, OSError) as problem:
            self._say(_(TEXTS["not_saved"]).format(problem=self._describe(problem)))
            return False
        self._file_problems = {}
        if merged:
            self.load()  # the file as written: its other change and these
        else:
            self._shown_values.update(changes)
        self._update_save()
        if not written:
            self._say(_(TEXTS["nothing_to_save"]))
            return True
        debug("settings saved", changed=sorted(changes), merged=merged)
        self._say(_(TEXTS["asking"]))
        if wait_for_reload:
            self._reloaded(self.app.ask_daemon("reload"))
        else:
            self.app.in_background(lambda: self.app.ask_daemon("reload"), self._reloaded)
        return True

    def _write(self, changes: dict[str, TomlValue]) -> tuple[bool, bool]:
        """Save the changes over the file as read, or as it is now; (written, merged)."""
        assert self.draft is not None
        try:
            return self._write_onto(self.draft, changes), False
        except ConfigChanged:
            fresh = read_draft(self.app.config)
        clashes = [
            name
            for name in changes
            if fresh.value(self.fields[name].setting) != self.draft.value(self.fields[name].setting)
        ]
        if clashes:
            raise ConfigChanged(_(TEXTS["clash"]).format(names=", ".join(clashes)))
        self.draft = fresh
        return self._write_onto(fresh, changes), True

    def _write_onto(self, draft: ConfigDraft, changes: dict[str, TomlValue]) -> bool:
        """Check the changes in a copy of draft, then write it; raise what stops it."""
        attempt = draft.copy()  # the draft itself stays as read until the file is written
        for name, value in changes.items():
            attempt.set(self.fields[name].setting, value)
        try:
            settings_from_mapping(attempt.data(), self.app.config.parent)
        except InvalidValue as error:
            for name, problem in problems_by_field(error)[0].items():
                self.fields[name].say(problem)
            raise
        written = save_draft(attempt)
        self.draft = attempt
        return written

    @staticmethod
    def _describe(problem: Exception) -> str:
        """Return a problem that stopped a save, in a line."""
        if isinstance(problem, InvalidValue):
            fields, others = problems_by_field(problem)
            return "; ".join([*fields.values(), *others])
        return str(problem)

    def where_things_are(self) -> dict[str, Any]:
        """Return where the form's parts are on the screen, for tests."""
        found: dict[str, Any] = {
            "save": box(self.save_button),
            "sections": {name: box(b) for name, b in self.section_buttons.items()},
            "section": self.section.get(),
        }
        fields: dict[str, Any] = {}
        for name, field in self.fields.items():
            if field.widget.winfo_ismapped():
                fields[name] = box(field.widget)
        found["fields"] = fields
        return found

    def _reloaded(self, answer: tuple[bool, bool, str]) -> None:
        """Say what the daemon did with the saved file."""
        answered, ok, said = answer
        if not answered:
            text = _(TEXTS["saved_not_running"]).format(said=said)
        elif ok:
            text = _(TEXTS["saved_applied"])
        else:
            text = _(TEXTS["saved_refused"]).format(said=said)
        self._say(text)
        debug("settings applied", said=text, answered=answered)

    def _changes(self) -> dict[str, TomlValue]:
        """Return the settings whose value differs from what the form showed when read."""
        changes = {}
        for name, field in self.fields.items():
            value = check_field(field.setting, field.held(), self._known).value
            if value != self._shown_values.get(name) or name in self._file_problems:
                changes[name] = value
        return changes

    def _check_all(self) -> dict[str, str]:
        """Check every field; show and return the problems by setting name."""
        problems = {}
        for name, field in self.fields.items():
            problem = check_field(field.setting, field.held(), self._known).problem
            if problem is None and name in self._file_problems:  # a note; Save rewrites it
                field.say(_(TEXTS["rewritten"]).format(problem=self._file_problems[name]))
                continue
            field.say(problem)
            if problem:
                problems[name] = problem
        for section, button in self.section_buttons.items():
            wrong = any(n.startswith(f"{section}.") for n in problems)
            label = section_label(section)
            button.configure(text=f"{label}  !" if wrong else label)
        return problems

    def _loader_problems(self) -> tuple[dict[str, str], list[str]]:
        """Return the loader's problems with the file: by field, and the file's own."""
        if self.draft is None:
            return {}, []
        try:
            settings_from_mapping(self.draft.data(), self.app.config.parent)
        except InvalidValue as error:
            return problems_by_field(error)
        return {}, []

    def _changed(self) -> None:
        """Check the fields again as the person types."""
        if self._loading:
            return
        problems = self._check_all()
        self._update_save()
        if problems:
            self._say("")
        debug("settings checked", problems=problems)

    def _update_save(self) -> None:
        """Allow Save only with a change and no problem."""
        can = self.draft is not None and bool(self._changes()) and not self._check_all()
        self.save_button.state(["!disabled"] if can else ["disabled"])

    def _enable(self, enabled: bool) -> None:
        """Enable or disable the form and its buttons."""
        flag = ["!disabled"] if enabled else ["disabled"]
        self.save_button.state(flag)
        self.revert_button.state(["!disabled"])
        for button in self.section_buttons.values():
            button.state(flag)

    def _show_section(self) -> None:
        """Show the chosen section's fields."""
        for name, form in self.forms.items():
            if name == self.section.get():
                form.pack(side="left", fill="both", expand=True, anchor="n")
            else:
                form.pack_forget()
        self.app.root.update_idletasks()
        debug("page", page="settings", cut=cut_texts(self.app.root), **self.where_things_are())

    def _show_banner(self, text: str) -> None:
        """Show a problem of the whole file above the form."""
        self.banner.configure(text=text)
        self.banner.pack(side="top", fill="x", pady=(0, 8), before=self.body)

    def say(self, text: str) -> None:
        """Say something in the bottom bar (for the window around the page)."""
        self._say(text)

    def _say(self, text: str) -> None:
        """Say the outcome of the last action in the bottom bar."""
        self.said.configure(text=text)
        if text:
            debug("settings said", said=text)


def _in_effect(draft: ConfigDraft, setting: Setting) -> TomlValue:
    """Return the value a setting has with this file: its own, else the default."""
    value = draft.value(setting)
    if value is not None:
        return value
    if setting.name == "rotation.exercises" and isinstance(setting.default, list):
        return [*setting.default, *_own_ids(draft)]  # the built-in stretches, then the own
    return setting.default


def _own_ids(draft: ConfigDraft) -> list[str]:
    """Return the ids of the file's own [[exercises]] tables, in file order."""
    tables = draft.data().get("exercises", [])
    if not isinstance(tables, list):
        return []
    return [t["id"].strip() for t in tables if isinstance(t, dict) and isinstance(t.get("id"), str)]


def _stretches_of(draft: ConfigDraft) -> tuple[dict[str, object], dict[str, str]]:
    """Return the stretch ids a rotation may name, and each stretch's name."""
    names = {exercise.id: exercise.name for exercise in Settings().exercises.values()}
    tables = draft.data().get("exercises", [])
    for table in tables if isinstance(tables, list) else []:
        if isinstance(table, dict) and isinstance(table.get("id"), str):
            names[table["id"].strip()] = str(table.get("name") or table["id"])
    return dict.fromkeys(names), names
