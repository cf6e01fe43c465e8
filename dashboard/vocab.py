"""Values from the data in the reader's language: closed vocabularies through the catalog, English-only text marked.

A value from a closed list (event types, topics, levels, glitch reasons...) is translated through the
gettext catalogs like any UI string. A value that is free content and exists only in English (an
organizer's name, a course title) is shown as written, in an element with lang="en" and the
"only in English" marker; in a chart, where an element cannot carry lang, the marker is appended as
words.
"""

from __future__ import annotations

import re
from typing import Any, Callable

import pandas as pd
from dash import html

from dashboard import i18n
from dashboard.components import only_in
from dashboard.i18n import N_, _
from dashboard.members import JURISDICTIONS
from dashboard.progress import IMPACT_LABELS, LEVELS, MISSING, PROGRESS_LABELS, metric_label, missing_label

# Learning events: the kinds of event and the topics the sources name (CA0047's report, the generator).
EVENT_TYPES = {
    "course": N_("Course"),
    "workshop": N_("Workshop"),
    "webinar": N_("Webinar"),
    "conference": N_("Conference"),
    "hackathon": N_("Hackathon"),
    "armchair discussion": N_("Armchair discussion"),
    "train-the-trainer": N_("Train-the-trainer"),
    "training session": N_("Training session"),
    "learning event": N_("Learning event"),
}
TOPICS = {
    "introduction to open government": N_("Introduction to open government"),
    "open government": N_("Open government"),
    "open data": N_("Open data"),
    "open information": N_("Open information"),
    "open dialogue": N_("Open dialogue"),
    "open licensing": N_("Open licensing"),
    "open source": N_("Open source"),
    "open maps": N_("Open maps"),
    "open policy making": N_("Open policy making"),
    "access to information": N_("Access to information"),
    "data literacy": N_("Data literacy"),
    "public engagement": N_("Public engagement"),
}
# OGP's policy areas, as its commitment export names them.
POLICY_AREAS = {
    "Access to Information": N_("Access to Information"),
    "Aid": N_("Aid"),
    "Anti-Corruption": N_("Anti-Corruption"),
    "Automated Decision-Making": N_("Automated Decision-Making"),
    "Capacity Building": N_("Capacity Building"),
    "Civic Space": N_("Civic Space"),
    "Digital Governance": N_("Digital Governance"),
    "E-Government": N_("E-Government"),
    "Fiscal Openness": N_("Fiscal Openness"),
    "Gender": N_("Gender"),
    "Justice": N_("Justice"),
    "Legislation & Regulation": N_("Legislation & Regulation"),
    "Marginalized Communities": N_("Marginalized Communities"),
    "Open Contracting": N_("Open Contracting"),
    "Open Data": N_("Open Data"),
    "Public Participation": N_("Public Participation"),
    "Public Service Delivery": N_("Public Service Delivery"),
    "Records Management": N_("Records Management"),
}
# Organizers with an official French name; a name written in French already needs none.
ORGANIZERS = {
    "Canada School of Public Service": N_("Canada School of Public Service"),
    "Treasury Board of Canada Secretariat": N_("Treasury Board of Canada Secretariat"),
    "Privy Council Office": N_("Privy Council Office"),
    "CSPS": N_("CSPS"),
}
FRENCH_ORGANIZERS = {"Secrétariat du Conseil du trésor", "Bibliothèque et Archives nationales du Québec",
                     "Institut de la statistique du Québec"}
# The generator names other organizers "<jurisdiction>: <role>".
ORGANIZER_ROLES = {
    "open government team": N_("{place}: open government team"),
    "public service school": N_("{place}: public service school"),
    "civil society partners": N_("{place}: civil society partners"),
}

# Why a portal-metric point is flagged, as the portal-metrics connector and the generator write it.
# {number} and {date} placeholders are matched in the English text and written again the reader's way.
GLITCH_REASONS = (
    N_("zero: 0 where the days around it are about {around}"),
    N_("dip: {value} where the days around it are about {around}"),
    N_("spike: {value} where the days around it are about {around}"),
    N_("undercount: the fiscal-year count jumps from {before} to {after} on {date} and stays there; "
       "earlier values this year look too low"),
    N_("zero reading: collection failure"),
    N_("spike: automated traffic"),
    N_("partial day: collection incomplete"),
)
_NUMBER = r"-?\d[\d,]*(?:\.\d+)?"
_DATE = r"\d{4}-\d{2}-\d{2}"


def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{([a-z_]+)\}", template)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>{_DATE if p == 'date' else _NUMBER})"
                    for i, p in enumerate(parts))
    return re.compile(regex)


_GLITCH_PATTERNS = [(template, _pattern(template)) for template in GLITCH_REASONS]


def present(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return False
    if isinstance(value, float) and value != value:
        return False
    return not (isinstance(value, str) and not value.strip())


def plain_records(frame: pd.DataFrame) -> list[dict]:
    """Return the rows as dicts with every missing value (NaN, NA, NaT) as None, so "nan" is never shown."""
    def plain(v):
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
            return None
        return v
    return [{k: plain(v) for k, v in rec.items()} for rec in frame.to_dict("records")]


def jurisdiction_name(row, lang: str) -> str:
    """Return a row's jurisdiction name in `lang` (its French name in French when it has one), else its id."""
    fr, en = row.get("jurisdiction_name_fr"), row.get("jurisdiction_name_en")
    if lang == "fr" and isinstance(fr, str) and fr:
        return fr
    return en if isinstance(en, str) and en else str(row.get("jurisdiction_id", "–"))


# How an action plan's place in its jurisdiction's sequence is known (queries/rollups/action_plans.sql).
PLAN_NUMBER_BASES = {
    "stated": N_("numbered by the source"),
    "counted": N_("counted from the plans in this snapshot"),
}


def cycle_label(cycle: Any) -> str:
    """Return an action plan's cycle as shown: "2017" for a plan submitted and ended in the same year, else "2018-2020"."""
    if not present(cycle):
        return ""
    text = str(cycle)
    start, sep, end = text.partition("-")
    return start if sep and start == end else text


def ordinal(n: int, lang: str) -> str:
    """Return a place in a sequence the language's way: 1st, 2nd, 3rd, 11th / 1er, 2e, 3e."""
    n = int(n)
    if lang == "fr":
        return "1er" if n == 1 else f"{n}e"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def plan_name(plan_number: Any, lang: str) -> str:
    """Return "4th action plan" / "4e plan d'action"; "action plan, place unknown" when there is no number."""
    if not present(plan_number):
        return _("action plan, place unknown", lang)
    return _("{ordinal} action plan", lang, ordinal=ordinal(plan_number, lang))


def plan_short(plan_number: Any, lang: str) -> str:
    """Return "4th plan" / "4e plan" (an axis label); "place unknown" when there is no number."""
    if not present(plan_number):
        return _("place unknown", lang)
    return _("{ordinal} plan", lang, ordinal=ordinal(plan_number, lang))


def glitch_reason(reason: str, lang: str) -> str | None:
    """Return a flagged point's reason in `lang`, numbers and dates written its way; None for a reason not in the list."""
    for template, pattern in _GLITCH_PATTERNS:
        match = pattern.fullmatch(reason.strip())
        if not match:
            continue
        if lang == "en":
            return reason  # as the source wrote it
        values = {}
        for name, text in match.groupdict().items():
            if name == "date":
                values[name] = i18n.fmt_date(text, lang)
            else:
                number = float(text.replace(",", ""))
                values[name] = i18n.fmt_int(number, lang) if "." not in text else i18n.fmt_num(number, lang, 1)
        return _(template, lang, **values)
    return None


def organizer(name: str, lang: str) -> str | None:
    """Return an organizer's name in `lang` when it has one (official names, the generator's roles); else None."""
    if lang == "en" or name in FRENCH_ORGANIZERS:
        return name
    if "; " in name:  # organizers reporting together
        parts = [organizer(part, lang) for part in name.split("; ")]
        return "; ".join(parts) if all(parts) else None
    if name in ORGANIZERS:
        return _(ORGANIZERS[name], lang)
    place, sep, role = name.rpartition(": ")
    if sep and role in ORGANIZER_ROLES:
        return _(ORGANIZER_ROLES[role], lang, place=_PLACES_FR.get(place, place))
    return None


def _places_fr() -> dict[str, str]:
    """Return the generator's jurisdiction names, English to French (the places in its organizers' names)."""
    return {row[1]: row[2] for row in JURISDICTIONS}


_PLACES_FR = _places_fr()


def term(vocabulary: dict[str, str], value: str, lang: str) -> str | None:
    """Return `value` from a closed vocabulary in `lang` (matched without regard to case); None when not in it."""
    key = value.strip().lower() if isinstance(value, str) else value
    found = vocabulary.get(value) or vocabulary.get(key)
    return _(found, lang) if found else None


def event_type(value: str, lang: str) -> str | None:
    return term(EVENT_TYPES, value, lang)


def topic(value: str, lang: str) -> str | None:
    return term(TOPICS, value, lang)


def level(value: str, lang: str) -> str | None:
    return term(LEVELS, value, lang)


def policy_area(value: str, lang: str) -> str | None:
    return _(POLICY_AREAS[value], lang) if value in POLICY_AREAS else None


def english_only(text: str, lang: str) -> html.Span | str:
    """Return English `text` with lang="en" and, in French, the "only in English" marker."""
    if lang == "en":
        return text
    return html.Span([html.Span(text, lang="en"), " ", only_in("en", lang)])


def plain(text: str | None, lang: str) -> str:
    """Return English `text` for a chart (hover, label, sentence), with the marker as words in French."""
    if not text:
        return text or ""
    return text if lang == "en" else f"{text} ({_('only in English', lang)})"


def show(translate: Callable[[str, str], str | None], value: Any, lang: str):
    """Return `value` translated for an HTML element, or as written with lang="en" and the marker; "–" when absent."""
    if not present(value):
        return "–"
    return translate(str(value), lang) or english_only(str(value), lang)


def label(translate: Callable[[str, str], str | None], value: Any, lang: str) -> str:
    """Return `value` translated for a chart, or as written followed by the marker in words; "" when absent."""
    if not present(value):
        return ""
    return translate(str(value), lang) or plain(str(value), lang)


def _localized_pair(column: str, record: dict, lang: str):
    """Return an `<x>_en` column's text: the `<x>_fr` one's in French when there is one is the reader's column."""
    value = record.get(column)
    if not present(value) or lang == "en":
        return None
    text = str(value)
    if present(record.get(column[:-3] + "_fr")):
        return html.Span(text, lang="en")
    return english_only(text, lang)


def cell(column: str, record: dict, lang: str):
    """Return a data-table cell for `column` of `record` in `lang`, or None when the column holds no language."""
    value = record.get(column)
    if column == "cycle" and present(value):
        return cycle_label(value)
    if column == "cycles" and value is not None and not isinstance(value, str):
        return ", ".join(cycle_label(v) for v in list(value))
    if column == "plan_number" and present(value):
        return plan_short(value, lang)
    if column == "plan_number_basis" and value in PLAN_NUMBER_BASES:
        return _(PLAN_NUMBER_BASES[value], lang)
    if column in ("progress", "from_progress", "to_progress"):
        return _(PROGRESS_LABELS[value], lang) if value in PROGRESS_LABELS else None
    if column == "potential_impact":
        return _(IMPACT_LABELS[value], lang) if value in IMPACT_LABELS else None
    if column == "potential_impact_missing":
        return missing_label(value, lang) if value in MISSING and value is not None else None
    if column == "metric" and present(value):
        return metric_label(str(value), lang)
    if column == "level" and present(value):
        return show(level, value, lang)
    if column == "outlier_reason" and present(value):
        return show(glitch_reason, value, lang)
    if column == "event_type" and present(value):
        return show(event_type, value, lang)
    if column == "topic" and present(value):
        return show(topic, value, lang)
    if column == "organizer" and present(value):
        return show(organizer, value, lang)
    if column == "jurisdiction_name_en" and present(value) and lang != "en":
        french = record.get("jurisdiction_name_fr")
        return str(french) if present(french) else english_only(str(value), lang)
    if column.endswith("_en"):
        return _localized_pair(column, record, lang)
    return None
