"""The window's words: dates in the language in use, and tables translated where shown."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from support.catalogs import compiled_catalog

from backcare_tray.dates import day_and_month, day_name, weekday_name
from backcare_tray.i18n import Language, use_language
from backcare_tray.settings_schema import setting_named
from backcare_tray.stretch_share import count_text, say
from backcare_tray.window.form import field_description, field_label, section_label
from backcare_tray.window.library import phrase

pytest.importorskip("tkinter")


GERMAN = r"""
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

msgctxt "weekday"
msgid "Mon"
msgstr "Mo"

msgctxt "weekday"
msgid "Tue"
msgstr "Di"

msgctxt "month"
msgid "Dec"
msgstr "Dez"

msgid "{day} {month}"
msgstr "{day}. {month}"

msgid "Save"
msgstr "Speichern"

msgid "Snooze for"
msgstr "Schlummern für"

msgid "Schedule"
msgstr "Zeitplan"

msgid "Sitting time before a stretch is due."
msgstr "Sitzzeit, bis eine Dehnübung fällig ist."

msgid "{count} stretch"
msgid_plural "{count} stretches"
msgstr[0] "{count} Dehnübung"
msgstr[1] "{count} Dehnübungen"

msgid "{file}: {problem}"
msgstr "{file}: {problem} (Datei)"
"""


@pytest.fixture
def german(tmp_path: Path) -> Iterator[None]:
    """Speak German from a catalog compiled as the build compiles it, English again after."""
    compiled_catalog(tmp_path, "de", GERMAN)
    use_language(Language("de", "LANG"), tmp_path)
    try:
        yield
    finally:
        use_language(Language("en", "the default"))


@pytest.mark.usefixtures("german")
def test_dates_and_tables_speak_the_language_chosen_after_import() -> None:
    """Weekdays, dates, the form's labels and the library's words follow the catalog in use."""
    assert day_name("mon") == "Mo"
    assert weekday_name(date(2026, 12, 1)) == "Di"
    assert day_and_month(date(2026, 12, 1)) == "01. Dez"
    assert day_name("wed") == "Wed"  # not in the catalog: English
    assert phrase("save") == "Speichern"
    snooze = setting_named("schedule.snooze")
    assert field_label(snooze) == "Schlummern für"
    assert section_label("schedule") == "Zeitplan"
    assert field_description(setting_named("schedule.sitting_interval")) == (
        "Sitzzeit, bis eine Dehnübung fällig ist."
    )
    assert count_text(1) == "1 Dehnübung"
    assert count_text(3) == "3 Dehnübungen"
    assert say("in_file", file="a.toml", problem="x") == "a.toml: x (Datei)"
