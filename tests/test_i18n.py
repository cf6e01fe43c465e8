"""Every UI string has a French translation, and locale formatting follows fr-CA."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

from dashboard import i18n

PACKAGE = Path(i18n.__file__).resolve().parent
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def ui_strings(package: Path = PACKAGE) -> set[str]:
    """Return every msgid (each form of a plural) that the package passes to a standard gettext keyword.

    The keywords are Babel's defaults (_, gettext, ngettext, pgettext, N_ ...), so an ordinary variable
    such as a dict named `t` is never taken for a message.
    """
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(package), method_map=[("**.py", "python")], keywords=DEFAULT_KEYWORDS,
    ):
        for form in message if isinstance(message, tuple) else (message,):
            if isinstance(form, str) and form:
                found.add(form)
    return found


def untranslated(package: Path = PACKAGE) -> list[str]:
    french = i18n.catalog_entries("fr")
    return sorted(s for s in ui_strings(package) if not french.get(s))


def test_every_ui_string_has_a_french_translation():
    missing = untranslated()
    assert not missing, "untranslated UI strings (add them to dashboard/locale/fr/LC_MESSAGES/*.po):\n" + "\n".join(missing)


def test_the_check_catches_a_string_left_untranslated_on_purpose(tmp_path):
    (tmp_path / "page.py").write_text(
        "from dashboard.i18n import N_, _, ngettext\n"
        "t = {'commitments': 1}\n"
        "rows = t['commitments']\n"
        "label = _('Overview', 'fr')\n"
        "todo = _('A sentence nobody has translated on purpose', 'fr')\n"
        "count = ngettext('{n} untranslated thing', '{n} untranslated things', 2, 'fr')\n",
        encoding="utf-8")
    assert untranslated(tmp_path) == ["A sentence nobody has translated on purpose",
                                      "{n} untranslated thing", "{n} untranslated things"]


def test_plural_entries_translate_both_forms():
    french = i18n.catalog_entries("fr")
    assert french["{n} event"] == "{n} activité" and french["{n} events"] == "{n} activités"
    assert i18n.ngettext("{n} day left", "{n} days left", 1, "fr") == "encore 1 jour"
    assert i18n.ngettext("{n} day left", "{n} days left", 2, "en") == "2 days left"


def test_translations_keep_their_placeholders():
    for msgid, text in i18n.catalog_entries("fr").items():
        assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(text)), msgid


def test_the_extractor_sees_the_shell():
    strings = ui_strings()
    assert {"Overview", "Skip to main content", "Data as of: {dates}"} <= strings


def test_fr_ca_formats():
    assert i18n.fmt_num(1800.5, "fr") == "1\u00a0800,5"
    assert i18n.fmt_num(1800.5, "en") == "1,800.5"
    assert i18n.fmt_pct(0.45, "fr") == "45\u00a0%"
    assert i18n.fmt_pct(0.45, "en") == "45%"
    assert i18n.fmt_date(dt.date(2026, 11, 22), "fr") == "22 novembre 2026"
    assert i18n.fmt_date(dt.date(2026, 11, 22), "en") == "November 22, 2026"
    assert i18n._("Data as of {date}", "fr", date="x") == "Données au x"


def test_ngettext_follows_each_language_plural_rule():
    assert i18n.ngettext("{n} event", "{n} events", 1, "en") == "1 event"
    assert i18n.ngettext("{n} event", "{n} events", 0, "en") == "0 events"
    assert i18n.ngettext("{n} event", "{n} events", 0, "fr") == "0 activité"
    assert i18n.ngettext("{n} learner", "{n} learners", 1800, "fr") == "1\u00a0800 apprenants"
