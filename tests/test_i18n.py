"""Choosing the person's language and speaking it from a compiled catalog."""

import logging
from pathlib import Path

import pytest
from support.catalogs import compiled_catalog

from backcare_tray import i18n
from backcare_tray.i18n import Language, choose_language, ngettext, use_language

KNOWN = ("en", "de", "fr", "pt_BR", "ja")


@pytest.mark.parametrize(
    ("override", "environ", "ui", "expected"),
    [
        (None, {"LANG": "de_DE.UTF-8"}, [], Language("de", "LANG")),
        (
            None,
            {"LANGUAGE": "sv:fr:de", "LANG": "de_DE.UTF-8"},
            [],
            Language("fr", "LANGUAGE", ("sv",)),
        ),
        (None, {"LC_ALL": "ja_JP.UTF-8", "LANG": "de_DE.UTF-8"}, [], Language("ja", "LC_ALL")),
        (None, {"LC_MESSAGES": "fr_CA.UTF-8", "LANG": "de_DE"}, [], Language("fr", "LC_MESSAGES")),
        (None, {"LANG": "pt_BR.UTF-8"}, [], Language("pt_BR", "LANG")),
        (None, {"LANG": "pt_PT.UTF-8"}, [], Language("pt_BR", "LANG")),
        ("de", {"LANG": "fr_FR.UTF-8"}, [], Language("de", "[general] language")),
        ("auto", {"LANG": "fr_FR.UTF-8"}, [], Language("fr", "LANG")),
        ("xx", {}, [], Language("en", "the default", ("xx",))),
        (None, {"LANG": "C.UTF-8"}, ["de-DE"], Language("en", "LANG")),
        (None, {}, ["de-DE", "en-US"], Language("de", "the desktop's display language")),
        (None, {}, [], Language("en", "the default")),
    ],
)
def test_the_language_is_chosen_as_the_desktop_chooses(
    override: str | None, environ: dict[str, str], ui: list[str], expected: Language
) -> None:
    """The config wins, then LANGUAGE, LC_ALL, LC_MESSAGES, LANG, then the desktop's setting."""
    assert choose_language(override, environ, ui, KNOWN) == expected


GERMAN = r"""
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

msgid "Snooze"
msgstr "Schlummern"

msgid "{count} stretch"
msgid_plural "{count} stretches"
msgstr[0] "{count} Dehnübung"
msgstr[1] "{count} Dehnübungen"
"""


def test_a_compiled_catalog_is_spoken_with_its_plurals(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A catalog compiled as the build compiles it translates, plural forms included."""
    compiled_catalog(tmp_path, "de", GERMAN)
    try:
        use_language(Language("de", "LANG"), tmp_path)
        assert i18n._("Snooze") == "Schlummern"
        assert i18n._("Quit") == "Quit"  # not in the catalog: English
        assert ngettext("{count} stretch", "{count} stretches", 1) == "{count} Dehnübung"
        assert ngettext("{count} stretch", "{count} stretches", 3) == "{count} Dehnübungen"
        assert i18n.current() == Language("de", "LANG")
        with caplog.at_level(logging.INFO, "backcare_tray.i18n"):
            use_language(Language("pl", "LANG"), tmp_path)  # no catalog there
        assert i18n.current().code == "en"
        assert i18n._("Snooze") == "Snooze"
        assert "The pl catalog cannot be read" in caplog.text
    finally:
        use_language(Language("en", "the default"))
