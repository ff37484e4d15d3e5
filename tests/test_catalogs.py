"""The message catalogs: the template holds every message, and each language translates all."""

import gettext
import re
import tokenize
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from support.catalogs import compiled_catalog

from backcare_tray import i18n
from backcare_tray.catalog_file import SortedCatalog, read_catalog
from backcare_tray.i18n import (
    DOMAIN,
    LOCALE_DIR,
    Language,
    available_languages,
    current,
    use_language,
)
from backcare_tray.messages import PACKAGE, template_messages

# The languages the package promises beyond English; each must be complete.
LANGUAGES = ("de", "fr", "es", "it", "pt_BR", "nl", "pl", "ja")
# The catalogs as written, in the source tree next to this test's package (the .po files are
# not installed: the package carries their compiled .mo files).
SOURCE_LOCALE = Path(__file__).resolve().parent.parent / "backcare_tray" / "locale"
# Babel's writer puts "Zebra" before the context-keyed "menu\x04Quit": not byte order.
UNSORTED = """
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgctxt "menu"
msgid "Quit"
msgstr "Beenden"

msgid "Zebra"
msgstr "Zebra!"
"""
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")
# argparse's own messages, which the parser takes from the catalog, use printf's style.
PRINTF = re.compile(r"%(?:\((\w+)\))?[rsd]")


def _read(path: Path, language: str | None = None) -> Catalog:
    """Read a .po or .pot file."""
    with open(path, "rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def _key(message: Message) -> tuple[object, str | None]:
    """Return what tells a message apart: its singular text and its context."""
    text = message.id[0] if isinstance(message.id, tuple) else message.id
    return text, message.context


def _placeholders(text: str) -> list[str]:
    """Return a text's {placeholders} and %(placeholders)s, sorted, each as often as it appears."""
    return sorted([*PLACEHOLDER.findall(text), *(f"%{name}" for name in PRINTF.findall(text))])


def _template() -> Catalog:
    """Return the template file as written."""
    return _read(SOURCE_LOCALE / f"{DOMAIN}.pot")


def _problems(catalog: Catalog, pot: Catalog, language: str) -> list[str]:
    """Return every message a catalog misses, leaves fuzzy or translates with other slots."""
    problems: list[str] = []
    forms = get_plural(language).num_plurals
    for wanted in pot:
        if not wanted.id:
            continue
        message = catalog.get(wanted.id, wanted.context)
        name = repr(_key(wanted)[0])
        if message is None:
            problems.append(f"missing {name}")
            continue
        if message.fuzzy:
            problems.append(f"fuzzy {name}")
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if isinstance(wanted.id, tuple) and len(strings) != forms:
            problems.append(f"{len(strings)} plural forms for {forms} in {name}")
        if not all(strings):
            problems.append(f"untranslated {name}")
            continue
        english = str(wanted.id[-1] if isinstance(wanted.id, tuple) else wanted.id)
        for string in strings:
            if _placeholders(str(string)) != _placeholders(english):
                problems.append(f"placeholders of {name}: {string!r}")
    return problems


def test_the_template_holds_every_message_of_the_code_and_the_stretches() -> None:
    """A message marked in the code but missing from the .pot means `make messages` was not run."""
    written = {_key(message) for message in _template() if message.id}
    marked = {
        (m.id[0] if isinstance(m.id, tuple) else m.id, m.context)
        for m in template_messages(PACKAGE)
    }
    assert sorted(marked - written, key=str) == [], "run: make messages"
    assert sorted(written - marked, key=str) == [], "run: make messages"


def test_every_message_has_named_placeholders_only() -> None:
    """Translators reorder {name} placeholders; {} and {0} cannot be moved, so none are used."""
    unnamed = [
        m.where
        for m in template_messages(PACKAGE)
        for text in (m.id if isinstance(m.id, tuple) else (m.id,))
        if "" in PLACEHOLDER.findall(text) or re.search(r"\{\d", text)
    ]
    assert unnamed == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_catalog_translates_every_message(language: str) -> None:
    """Nothing missing, nothing fuzzy, every plural form, and the English's placeholders."""
    path = SOURCE_LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    assert path.exists(), f"no catalog for {language}"
    catalog = _read(path, language)
    assert not catalog.fuzzy, "the header is marked fuzzy: review it and remove the mark"
    assert _problems(catalog, _template(), language) == []


def test_a_catalog_problem_is_found() -> None:
    """The check itself: a missing, a fuzzy, an untranslated and a misplaced message fail it."""
    pot = Catalog()
    for text in ("Stretch", "Snooze {time}", "Skip", "Done", "Start {name}"):
        pot.add(text)
    pot.add(("{count} day", "{count} days"))
    catalog = Catalog(locale="de")
    catalog.add("Snooze {time}", "Später {zeit}")
    catalog.add("Skip", "Überspringen", flags=["fuzzy"])
    catalog.add("Done", "")
    catalog.add("Start {name}", "{name} beginnen")  # moved, not changed: fine
    catalog.add(("{count} day", "{count} days"), ("{count} Tag",))
    assert _problems(catalog, pot, "de") == [
        "missing 'Stretch'",
        "placeholders of 'Snooze {time}': 'Später {zeit}'",
        "fuzzy 'Skip'",
        "untranslated 'Done'",
        "1 plural forms for 2 in '{count} day'",
    ]


def test_the_installed_package_carries_every_language() -> None:
    """The build compiles each catalog into the package, where gettext finds it."""
    assert set(LANGUAGES) <= set(available_languages())


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_daemons_reader_finds_every_message_as_gettext_does(language: str) -> None:
    """The installed catalog is searched in place, and finds what gettext's own parse finds."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    searched = read_catalog(path)
    assert isinstance(searched, SortedCatalog)  # the build wrote its keys in byte order
    with open(path, "rb") as handle:
        parsed = gettext.GNUTranslations(handle)
    for message in _template():
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            for count in (0, 1, 2, 3, 5, 11, 22, 101):
                wanted = parsed.ngettext(message.id[0], message.id[1], count)
                assert searched.ngettext(message.id[0], message.id[1], count) == wanted
        elif message.context:
            wanted = parsed.pgettext(message.context, str(message.id))
            assert searched.pgettext(message.context, str(message.id)) == wanted
        else:
            assert searched.gettext(str(message.id)) == parsed.gettext(str(message.id))
    assert searched.gettext("not a message of ours") == "not a message of ours"
    assert searched.ngettext("{count} thing", "{count} things", 2) == "{count} things"


def test_a_catalog_out_of_byte_order_is_read_as_gettext_reads_it(tmp_path: Path) -> None:
    """A .mo from another tool (Babel's own writer sorts otherwise) still translates."""
    compiled_catalog(tmp_path, "de", UNSORTED)
    catalog = read_catalog(tmp_path / "de" / "LC_MESSAGES" / f"{DOMAIN}.mo")
    assert not isinstance(catalog, SortedCatalog)
    assert catalog.pgettext("menu", "Quit") == "Beenden"
    assert catalog.gettext("Zebra") == "Zebra!"


def test_no_message_is_marked_inside_an_f_string() -> None:
    """The extractor reads an f-string as one string: a _() inside it never reaches the catalog."""
    hidden = []
    for source in sorted(PACKAGE.rglob("*.py")):
        with open(source, "rb") as handle:
            for token in tokenize.tokenize(handle.readline):
                prefix = token.string.split('"')[0].split("'")[0].lower()
                marked = re.search(r"\b(_|N_|ngettext|pgettext)\(", token.string)
                if token.type == tokenize.STRING and "f" in prefix and marked:
                    hidden.append(f"{source.name}:{token.start[0]}")
    assert hidden == []


@pytest.mark.parametrize("keep", [0, 3, 20, 27, 3000, -2000, -1])
def test_a_damaged_catalog_speaks_english_and_says_why(
    tmp_path: Path, keep: int, caplog: pytest.LogCaptureFixture
) -> None:
    """A .mo cut short anywhere is refused whole: English, a warning, no crash, no blank label."""
    whole = (LOCALE_DIR / "de" / "LC_MESSAGES" / f"{DOMAIN}.mo").read_bytes()
    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / f"{DOMAIN}.mo").write_bytes(whole[:keep])
    with caplog.at_level("WARNING", logger="backcare_tray.i18n"):
        use_language(Language("de", "LANG"), tmp_path)
    assert current().code == "en"
    assert i18n._("Time to stretch: {name}") == "Time to stretch: {name}"
    assert "The de catalog cannot be read" in caplog.text
