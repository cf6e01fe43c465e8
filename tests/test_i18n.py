"""Every UI string has a French translation, and locale formatting follows fr-CA."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir

from dashboard import i18n

PACKAGE = Path(i18n.__file__).resolve().parent
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def ui_strings() -> set[str]:
    """Return every msgid passed to t() or N_() in the package."""
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords={"t": None, "N_": None},
    ):
        if isinstance(message, str) and message:
            found.add(message)
    return found


def test_every_ui_string_has_a_french_translation():
    french = i18n.catalog_entries("fr")
    missing = sorted(s for s in ui_strings() if not french.get(s))
    assert not missing, "untranslated UI strings (add them to dashboard/locale/fr/LC_MESSAGES/*.po):\n" + "\n".join(missing)


def test_translations_keep_their_placeholders():
    for msgid, text in i18n.catalog_entries("fr").items():
        assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(text)), msgid


def test_the_extractor_sees_the_shell():
    strings = ui_strings()
    assert {"Overview", "Skip to main content", "Data as of {date}"} <= strings


def test_fr_ca_formats():
    assert i18n.fmt_num(1800.5, "fr") == "1\u00a0800,5"
    assert i18n.fmt_num(1800.5, "en") == "1,800.5"
    assert i18n.fmt_pct(0.45, "fr") == "45\u00a0%"
    assert i18n.fmt_pct(0.45, "en") == "45%"
    assert i18n.fmt_date(dt.date(2026, 11, 22), "fr") == "22 novembre 2026"
    assert i18n.fmt_date(dt.date(2026, 11, 22), "en") == "November 22, 2026"
    assert i18n.t("Data as of {date}", "fr", date="x") == "Données au x"
