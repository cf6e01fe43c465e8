"""English and French: gettext catalogs read with Babel, and locale formatting of numbers, percentages and dates."""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
import json
import math
import unicodedata
from pathlib import Path

from babel import Locale
from babel.core import get_global
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGS = ("en", "fr")
DEFAULT_LANG = "en"
LOCALES = {"en": "en_CA", "fr": "fr_CA"}
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


@functools.lru_cache(maxsize=None)
def _locale(lang: str) -> Locale:
    """Return the parsed Babel locale for `lang`: parsing "fr_CA" on every number cost more than formatting it."""
    return Locale.parse(LOCALES[lang])


@functools.lru_cache(maxsize=64)
def _pattern(fmt: str) -> babel_numbers.NumberPattern:
    return babel_numbers.parse_pattern(fmt)


def lang_or_default(lang: str | None) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


@functools.lru_cache(maxsize=None)
def _catalog(lang: str) -> dict[str, str]:
    """Return every translation for `lang`, merged from the .po catalogs in locale/<lang>/LC_MESSAGES/."""
    merged: dict[str, str] = {}
    for path in sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
        with open(path, "rb") as fh:
            catalog = read_po(fh, locale=lang)
        for m in catalog:
            if not m.id:
                continue
            # A plural entry counts each of its forms as a message of its own (singular, then plural).
            ids = m.id if isinstance(m.id, tuple) else (m.id,)
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            merged.update({i: s for i, s in zip(ids, strings) if s})
    return merged


@functools.lru_cache(maxsize=None)
def _translations(lang: str) -> gettext.NullTranslations:
    """Return the gettext translations of `lang`, every .po catalog compiled in memory and merged.

    Going through gettext gives the catalog's own plural rule (its Plural-Forms header) to ngettext.
    """
    if lang == DEFAULT_LANG:
        return gettext.NullTranslations()
    merged: Translations | None = None
    for path in sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
        with open(path, "rb") as fh:
            catalog = read_po(fh, locale=lang)
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        translations = Translations(compiled, domain=path.stem)
        merged = translations if merged is None else merged.merge(translations)
    return merged or gettext.NullTranslations()


def catalog_entries(lang: str) -> dict[str, str]:
    """Return the merged catalog for `lang` (for tests and tooling)."""
    return dict(_catalog(lang))


def N_(msgid: str) -> str:
    """Mark a string for translation where it is defined; translate it later with _()."""
    return msgid


def _(msgid: str, lang: str, **values: object) -> str:
    """Return `msgid` translated into `lang` (English is the msgid itself), with {placeholders} filled."""
    text = msgid if lang == DEFAULT_LANG else _translations(lang).gettext(msgid)
    return text.format(**values) if values else text


def ngettext(singular: str, plural: str, count: float | int | None, lang: str, **values: object) -> str:
    """Return the form of `singular`/`plural` that `count` takes in `lang`, with {placeholders} filled.

    `{n}` is filled with `count` in the locale's grouping unless `values` gives it. The form follows
    the catalog's plural rule: in French 0 and 1 take the singular ("0 jalon"), in English only 1 does.
    """
    if count is None or (isinstance(count, float) and math.isnan(count)):
        count = 0
    text = _translations(lang_or_default(lang)).ngettext(singular, plural, int(abs(count)))
    values.setdefault("n", fmt_int(count, lang))
    return text.format(**values)


@functools.lru_cache(maxsize=None)
def _int_symbols(lang: str) -> tuple[str, str] | None:
    """Return (group, minus) of `lang`'s whole numbers when it groups them by threes (en_CA and fr_CA do), else None."""
    locale = _locale(lang)
    if babel_numbers.parse_pattern(locale.decimal_formats[None]).grouping != (3, 3):
        return None
    return babel_numbers.get_group_symbol(locale), babel_numbers.get_minus_sign_symbol(locale)


def fmt_int(n: float | int | None, lang: str) -> str:
    """Return a whole number grouped the locale's way: 1,800 or 1 800."""
    if n is None:
        return "–"
    whole = round(n)
    symbols = _int_symbols(lang)
    if symbols is None:
        return babel_numbers.format_decimal(whole, locale=_locale(lang))
    # Babel's own pattern, grouping by threes, written directly: a heatmap prints a thousand numbers, and
    # format_decimal (Decimal arithmetic, pattern lookups) took 9 us each.
    group, minus = symbols
    text = f"{abs(int(whole)):,}"
    return (minus if whole < 0 else "") + (text.replace(",", group) if group != "," else text)


def fmt_num(x: float | None, lang: str, digits: int = 1) -> str:
    """Return a decimal number with `digits` places: 1,800.5 or 1 800,5."""
    if x is None:
        return "–"
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return babel_numbers.format_decimal(x, format=_pattern(pattern), locale=_locale(lang))


def fmt_pct(share: float | None, lang: str, digits: int = 0) -> str:
    """Return a share (0-1) as a percentage: 45% or 45 %."""
    if share is None:
        return "–"
    # Babel reads a number as Decimal(str(number)), so its text decides what is written (-0.0 is "-0%").
    return _pct(str(share), lang, digits)


@functools.lru_cache(maxsize=4096)
def _pct(share: str, lang: str, digits: int) -> str:
    """Return fmt_pct's text, kept: shares are ratios of small counts that recur (a heatmap prints a thousand)."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "\u00a0%" if lang == "fr" else None
    if pattern:
        return babel_numbers.format_percent(share, format=_pattern(pattern), locale=_locale(lang))
    fmt = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return babel_numbers.format_percent(share, format=_pattern(fmt), locale=_locale(lang))


def fmt_date(d: dt.date | dt.datetime | str | None, lang: str, fmt: str = "long") -> str:
    """Return a date in the locale's words: November 22, 2026 or 22 novembre 2026."""
    if d is None or d == "":
        return "–"
    if isinstance(d, str):
        d = dt.date.fromisoformat(d[:10])
    if isinstance(d, dt.datetime):
        d = d.date()
    return babel_dates.format_date(d, format=fmt, locale=_locale(lang))


def fmt_month(d: dt.date, lang: str) -> str:
    """Return a month and year: November 2026 or novembre 2026."""
    return babel_dates.format_date(d, format="LLLL y", locale=_locale(lang))


@functools.lru_cache(maxsize=None)
def plotly_locale(lang: str) -> dict:
    """Return dcc.Graph config keys that make Plotly's axes, hover labels and modebar speak `lang`."""
    if lang != "fr":
        return {"locale": "en"}
    fr = json.loads((LOCALE_DIR / "plotly-fr.json").read_text(encoding="utf-8"))
    # Plotly's own French uses capitalised month names; French writes them in lower case.
    fmt = dict(fr["format"])
    fmt["months"] = [m.lower() for m in fmt["months"]]
    fmt["shortMonths"] = [m.lower() for m in fmt["shortMonths"]]
    fmt["days"] = [d.lower() for d in fmt["days"]]
    fmt["thousands"] = "\u202f"
    return {"locale": "fr", "locales": {"fr": {"dictionary": fr["dictionary"], "format": fmt}}}


def separators(lang: str) -> str:
    """Return Plotly's layout.separators: decimal mark then thousands mark."""
    return ",\u202f" if lang == "fr" else ".,"


@functools.lru_cache(maxsize=1024)
def country_name(code: str | None, lang: str) -> str | None:
    """Return the name in `lang` of the country or territory with ISO 3166-1 code `code`, from Babel's locale data.

    `code` is alpha-2 ("DE") or alpha-3 ("DEU", as the OGP export and the jurisdictions table write it):
    country_name("DEU", "fr") is "Allemagne". None for a code Babel does not know. The one place a country's
    name is looked up: the jurisdictions table takes its French names from here (dashboard/ingest/_shared.py).
    """
    if not isinstance(code, str) or not code.strip():
        return None
    key = code.strip().upper()
    if len(key) == 3:
        aliases = get_global("territory_aliases").get(key) or []
        key = aliases[0] if aliases else key
    if key == "ZZ":  # Babel's "unknown region"
        return None
    return _locale(lang_or_default(lang)).territories.get(key)


def sort_key(text: str) -> tuple[str, str]:
    """Return a key that sorts names the way a reader looks for them: accents and case set aside first
    ("États-Unis" among the E's), then as written."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text or "") if not unicodedata.combining(c))
    return folded.casefold(), text or ""
