"""The stretch library's rules and words (pure): the rotation's changes and the form's fields."""

from collections.abc import Mapping, Sequence

from backcare_tray.i18n import N_, _
from backcare_tray.validation import InvalidValue

__all__ = [
    "FORM_FIELDS",
    "TEXT",
    "LastStretch",
    "field_of",
    "phrase",
    "problems_at_fields",
    "reload_outcome",
    "rotation_with",
]

# Every sentence of the stretch library page and its form, in one place: marked here, and
# translated with phrase() where shown.
TEXT: Mapping[str, str] = {
    "add": N_("Add a stretch…"),
    "import": N_("Import a stretch file…"),
    "export": N_("Export…"),
    # Translators: the heading of the list's column of stretch names.
    "list_heading": N_("Stretch"),
    # Translators: the heading of the list's column saying whether a stretch is in the rotation.
    "rotation_heading": N_("Rotation"),
    # Translators: in the list, a stretch that is in the rotation (short).
    "on": N_("on"),
    # Translators: in the list, a stretch that is not in the rotation (short).
    "off": N_("off"),
    "in_rotation": N_("In the rotation"),
    "dose": N_("Dose: {dose}"),
    "equipment": N_("Equipment: {equipment}"),
    "no_equipment": N_("Equipment: none"),
    "steps": N_("Steps"),
    "no_picture": N_("No picture"),
    "drawing": N_("Drawing…"),
    "step_number": N_("Step {number}"),
    "config_broken": N_("Your config has a mistake; fix it first (check-config shows it):"),
    "last_one": N_("The rotation needs at least one stretch. Turn another one on first."),
    "not_saved": N_("Not saved: {reason}"),
    "saved": N_("Saved."),
    "added": N_("Added {name}."),
    "imported": N_("Imported {names}."),
    # Translators: {count} is a number of stretches, such as "3 stretches".
    "exported": N_("Wrote {count} to {file}."),
    "import_refused": N_("Nothing was imported from {file}:"),
    # Translators: {done} is what was just done, a sentence such as "Saved.".
    "asking": N_("{done} Asking backcare-tray to use it..."),
    "applied": N_("{done} backcare-tray uses the new settings now."),
    "not_running": N_("{done} {said}; it will use the new settings when it starts."),
    "refused": N_("{done} But backcare-tray did not take them: {said}"),
    "import_title": N_("Import a stretch file"),
    "export_title": N_("Export your stretches"),
    "pictures_title": N_("Pictures, one per step"),
    "stretch_files": N_("Stretch files"),
    "png_files": N_("PNG pictures"),
    "all_files": N_("All files"),
    # The new-stretch form.
    "form_title": N_("Add a stretch"),
    "name": N_("Name"),
    "form_steps": N_("Steps, one per line"),
    "hold": N_("Hold seconds (0: a movement)"),
    "reps": N_("Repetitions"),
    "sides": N_("Done on each side"),
    # Translators: the default names of the two sides of a stretch done on each side.
    "side_one": N_("left leg"),
    "side_two": N_("right leg"),
    "safety": N_("Safety note (optional)"),
    "pictures": N_("Pictures (optional, one PNG per step)"),
    "choose_pictures": N_("Choose pictures…"),
    # Translators: the button that forgets the pictures chosen.
    "clear_pictures": N_("Clear"),
    "no_pictures": N_("none chosen"),
    "save": N_("Save"),
    "cancel": N_("Cancel"),
    "whole_number": N_("Type a whole number."),
}


def phrase(key: str) -> str:
    """Return one of TEXT in the language in use."""
    return _(TEXT[key])


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
        raise LastStretch(phrase("last_one"))
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
        return phrase("not_running").format(done=done, said=said)
    if ok:
        return phrase("applied").format(done=done)
    return phrase("refused").format(done=done, said=said)
