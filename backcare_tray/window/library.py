"""The stretch library's rules and words (pure): the rotation's changes and the form's fields."""

from collections.abc import Mapping, Sequence

from backcare_tray.validation import InvalidValue

__all__ = [
    "FORM_FIELDS",
    "TEXT",
    "LastStretch",
    "field_of",
    "problems_at_fields",
    "reload_outcome",
    "rotation_with",
]

# Every sentence of the stretch library page and its form, in one place (to be translated).
TEXT: Mapping[str, str] = {
    "add": "Add a stretch…",
    "import": "Import a stretch file…",
    "export": "Export…",
    "list_heading": "Stretch",
    "rotation_heading": "Rotation",
    "on": "on",
    "off": "off",
    "in_rotation": "In the rotation",
    "dose": "Dose: {dose}",
    "equipment": "Equipment: {equipment}",
    "no_equipment": "Equipment: none",
    "steps": "Steps",
    "no_picture": "No picture",
    "drawing": "Drawing…",
    "step_number": "Step {number}",
    "config_broken": "Your config has a mistake; fix it first (check-config shows it):",
    "last_one": "The rotation needs at least one stretch. Turn another one on first.",
    "not_saved": "Not saved: {reason}",
    "saved": "Saved.",
    "added": "Added {name}.",
    "imported": "Imported {names}.",
    "exported": "Wrote {count} to {file}.",
    "import_refused": "Nothing was imported from {file}:",
    "asking": "{done} Asking backcare-tray to use it...",
    "applied": "{done} backcare-tray uses the new settings now.",
    "not_running": "{done} {said}; it will use the new settings when it starts.",
    "refused": "{done} But backcare-tray did not take them: {said}",
    "import_title": "Import a stretch file",
    "export_title": "Export your stretches",
    "pictures_title": "Pictures, one per step",
    "stretch_files": "Stretch files",
    "png_files": "PNG pictures",
    "all_files": "All files",
    # The new-stretch form.
    "form_title": "Add a stretch",
    "name": "Name",
    "form_steps": "Steps, one per line",
    "hold": "Hold seconds (0: a movement)",
    "reps": "Repetitions",
    "sides": "Done on each side",
    "side_one": "left leg",
    "side_two": "right leg",
    "safety": "Safety note (optional)",
    "pictures": "Pictures (optional, one PNG per step)",
    "choose_pictures": "Choose pictures…",
    "clear_pictures": "Clear",
    "no_pictures": "none chosen",
    "save": "Save",
    "cancel": "Cancel",
    "whole_number": "Type a whole number.",
}

# The form's fields, and the keys of the problems form_problems says at each.
FORM_FIELDS = ("name", "steps", "hold_seconds", "reps", "sides", "safety", "pictures")
_AT_FIELD = {"summary": "steps"}  # the summary is the first step


class LastStretch(ValueError):
    """The last stretch of the rotation cannot be turned off."""


def rotation_with(rotation: Sequence[str], stretch_id: str, on: bool) -> list[str]:
    """Return the rotation with a stretch turned on (at the end) or off, the rest in order."""
    if on:
        return [*rotation] if stretch_id in rotation else [*rotation, stretch_id]
    kept = [i for i in rotation if i != stretch_id]
    if not kept:
        raise LastStretch(TEXT["last_one"])
    return kept


def field_of(key: str) -> str | None:
    """Return the form field a problem's key belongs to: steps[2] -> steps; None for none."""
    base = key.split("[", 1)[0].split(".", 1)[0]
    base = _AT_FIELD.get(base, base)
    return base if base in FORM_FIELDS else None


def problems_at_fields(problems: Sequence[InvalidValue]) -> tuple[dict[str, str], list[str]]:
    """Return the first problem at each form field, and those that belong to no field."""
    fields: dict[str, str] = {}
    others: list[str] = []
    for problem in problems:
        field = field_of(problem.key)
        if field is None:
            others.append(str(problem))
        elif field not in fields:
            fields[field] = str(problem)
    return fields, others


def reload_outcome(done: str, answered: bool, ok: bool, said: str) -> str:
    """Return what to say once the daemon was asked to reload after a change was saved."""
    if not answered:
        return TEXT["not_running"].format(done=done, said=said)
    if ok:
        return TEXT["applied"].format(done=done)
    return TEXT["refused"].format(done=done, said=said)
