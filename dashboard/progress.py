"""The vocabulary: one progress scale for every status vocabulary (each source's own code kept beside it), and
every label, order, colour, pattern, symbol and rank limit of progress, potential impact, level, portal metric
and attention reason. Figures, pages, tables and SQL (as macros, see sql_macros) read them here.

It is the bottom of the import graph (no dash, pandas or duckdb), so the connectors, the query layer and the
figures can all read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from dashboard.i18n import N_, _, fmt_int, ngettext

# The common scale. Rank orders it; "share complete or substantial" means rank >= SUBSTANTIAL_RANK (below).
# stuck and incomplete are progress that has started but is blocked or ended unfinished:
# they rank with limited. withdrawn and unclear have no rank.
SCALE: dict[str, int | None] = {
    "not_started": 0,
    "limited": 1,
    "stuck": 1,
    "incomplete": 1,
    "substantial": 2,
    "complete": 3,
    "withdrawn": None,
    "unclear": None,
}

# A share of complete-or-substantial commitments rests on this many assessed commitments at least to
# be read with confidence. Fewer: the cell or bar is drawn faded and labelled with its n, and it is
# never called the highest or lowest. SQL gets it as $min_assessed; figures and sentences read it here.
MIN_ASSESSED = 5

# vocabulary -> the source's own code (compared case-insensitively) -> scale value
VOCABULARIES: dict[str, dict[str, str]] = {
    # OGP Independent Reporting Mechanism completion ratings.
    "irm": {
        "not started": "not_started",
        "limited": "limited",
        "substantial": "substantial",
        "complete": "complete",
        "withdrawn": "withdrawn",
        "unclear": "unclear",
        # The IRM's "No Evidence Available": nothing to judge completion by. It cannot be judged, like
        # Unclear; status_code keeps OGP's words, so the two stay apart.
        "no evidence available": "unclear",
    },
    # OGP website milestone tracker.
    "ogp-tracker": {
        "not started": "not_started",
        "in progress": "limited",
        "stuck": "stuck",
        "finished": "complete",
        "incomplete": "incomplete",
    },
    # Canada's National Action Plan tracker, per reporting period.
    "nap": {
        "ns": "not_started",
        "lp": "limited",
        "sp": "substantial",
        "c": "complete",
    },
}


@dataclass(frozen=True)
class Progress:
    progress: str
    rank: int | None
    code: str
    vocab: str


class UnknownStatus(ValueError):
    """A status code that its vocabulary does not define."""


def normalise(code: str, vocab: str) -> Progress:
    """Return the common-scale reading of a source's status code; raise UnknownStatus if it has none."""
    try:
        mapping = VOCABULARIES[vocab]
    except KeyError:
        raise UnknownStatus(f"unknown status vocabulary {vocab!r}") from None
    key = (code or "").strip().lower()
    if key not in mapping:
        allowed = ", ".join(sorted(mapping))
        raise UnknownStatus(f"{code!r} is not a {vocab} status (expected one of: {allowed})")
    value = mapping[key]
    return Progress(value, SCALE[value], code.strip(), vocab)


# ---------------------------------------------------------------- what a status says, and what it does not
#
# A status is what a source reported, nothing more. A milestone with no reported status may be
# finished or not: past its due date it is "past due, no status reported", never overdue, late or
# at risk. Overdue is a reported status that is not complete, past the due date. A status built
# from parts (a NAP milestone from its indicators, a NAP commitment from its milestones) is
# complete only when every part reported complete, and says how many parts reported.

COMPLETE = "complete"
NOTHING_EXPECTED = ("withdrawn",)  # nothing more is expected of these: never overdue, never listed
# The rank limits. "Complete or substantial" is a rank of SUBSTANTIAL_RANK or more; "due soon" is a reported
# status below it; a milestone below COMPLETE_RANK may still need attention.
SUBSTANTIAL_RANK = SCALE["substantial"]
COMPLETE_RANK = SCALE[COMPLETE]

# Why a milestone is listed on the attention table. The first three are read from a reported
# status; the last is a neutral category of its own, never counted with them.
OVERDUE = "overdue"
STALLED = "stalled"
DUE_SOON = "due_soon"
PAST_DUE_UNREPORTED = "past_due_unreported"
REPORTED_REASONS = (OVERDUE, STALLED, DUE_SOON)
REASONS = {
    OVERDUE: N_("Overdue"),
    STALLED: N_("Stalled"),
    DUE_SOON: N_("Due soon"),
    PAST_DUE_UNREPORTED: N_("Past due, no status reported"),
}
NO_STATUS_REPORTED = N_("No status reported")

STALE_PERIODS = 3  # a reported status unchanged for this many reporting periods is "stalled"
HORIZON_DAYS = 60  # "due soon": within this many days of the as-of date

# A slide for a room shows at most ROOM_MEMBERS members of a chart drawn member by member (the heatmap has 76
# rows on the OGP export): the members with the most commitments, and the slide says so (room_rule).
ROOM_MEMBERS = 12


# ---------------------------------------------------------------- how each value is named, ordered and drawn

PROGRESS_LABELS = {
    "not_started": N_("Not started"),
    "limited": N_("Limited"),
    "stuck": N_("Stuck"),
    "incomplete": N_("Incomplete"),
    "substantial": N_("Substantial"),
    "complete": N_("Complete"),
    "withdrawn": N_("Withdrawn"),
    "unclear": N_("Unclear"),
}
NOT_ASSESSED = N_("Not assessed")  # a commitment with no status on the scale (None below)

# The order statuses read in, left to right: from not started to complete, then the unranked, then None.
READ_ORDER = ["not_started", "stuck", "incomplete", "limited", "substantial", "complete", "withdrawn", "unclear", None]
PROGRESS_ORDER = READ_ORDER[:-1]  # the values of the scale alone
# The order statuses stack in, from the baseline up: done first, so "complete or substantial" reads from zero.
STACK_ORDER = ["complete", "substantial", "limited", "incomplete", "stuck", "not_started", "withdrawn", "unclear", None]
# One status per rank, from 0 up: a colour scale by rank draws these.
RANKED = ["not_started", "limited", "substantial", "complete"]

# Each status's colour (Okabe-Ito, distinguishable with every common colour-vision deficiency), with a
# pattern so that colour is never the only signal (status labels are also printed on the marks), and, on
# the milestone timeline, its own marker shape. The same colours are the status swatches' in
# assets/20-commitments.css (.swatch-<status>).
PROGRESS_COLOURS = {
    "not_started": "#D55E00",
    "stuck": "#CC79A7",
    "incomplete": "#E69F00",
    "limited": "#F0E442",
    "substantial": "#56B4E9",
    "complete": "#0072B2",
    "withdrawn": "#999999",
    "unclear": "#BBBBBB",
}
PROGRESS_PATTERNS = {
    "not_started": "x",
    "stuck": "\\",
    "incomplete": "-",
    "limited": "/",
    "substantial": ".",
    "complete": "",
    "withdrawn": "|",
    "unclear": "+",
}
PROGRESS_SYMBOLS = {
    "complete": "circle", "substantial": "diamond", "limited": "triangle-up", "incomplete": "triangle-down",
    "stuck": "square", "not_started": "x", "withdrawn": "line-ew-open", "unclear": "circle-open", None: "circle-open",
}
NOT_ASSESSED_COLOUR = "#EEF0F3"
NOT_ASSESSED_PATTERN = ""
NO_STATUS_COLOUR = "#4a5057"  # a milestone's marker when no status is reported

# Where a status comes from: the status vocabulary's short name (tables) and its full name (a record's status line).
STATUS_SOURCES = {
    "irm": (N_("IRM completion"), N_("IRM completion rating")),
    "ogp-tracker": (N_("OGP milestone tracker"), N_("OGP milestone tracker")),
    "nap": (N_("Canada NAP tracker"), N_("Canada NAP tracker (NS, LP, SP, C)")),
}

# The IRM's potential-impact rating, strongest first, and why a commitment has none (None: the source does not say).
IMPACT_LABELS = {
    "Transformative": N_("Transformative"),
    "Moderate": N_("Moderate"),
    "Minor": N_("Minor"),
    "None": N_("None"),
}
IMPACT_ORDER = list(IMPACT_LABELS)
# Why an IRM rating is missing, by the export's code (None: the source does not say): a label, and a sentence.
MISSING = {
    "ND": (N_("No data (ND)"), N_("No data (ND): the IRM export has no value for it.")),
    "NR": (N_("Not reviewed (NR)"), N_("Not reviewed (NR): the IRM did not review it.")),
    "NA": (N_("Not applicable (NA)"), N_("Not applicable (NA): it does not apply to this commitment.")),
    None: (N_("Not recorded"), N_("Not recorded: the source does not say.")),
}
MISSING_ORDER = list(MISSING)
# The IRM's own words for completion and for "did it open government?", as its export writes them.
IRM_LABELS = {
    "Not Started": N_("Not started"), "Limited": N_("Limited"), "Substantial": N_("Substantial"),
    "Complete": N_("Complete"), "Withdrawn": N_("Withdrawn"), "Unclear": N_("Unclear"),
    "Did Not Change": N_("Did not change"), "Marginal": N_("Marginal"), "Major": N_("Major"),
    "Outstanding": N_("Outstanding"), "Worsens": N_("Worsens"),
}

# A jurisdiction's level, in the filters' order.
LEVELS = {"national": N_("National"), "subnational": N_("Subnational"), "local": N_("Local")}

# Metric names the portals report, as readable labels; an unknown metric shows its own name.
METRIC_LABELS = {
    "visits": N_("Visits"),
    "total_visits": N_("Visits"),
    "total_downloads": N_("Downloads"),
    "visits_to_date": N_("Visits to date"),
    "downloads": N_("Downloads"),
    "datasets_created": N_("Datasets created this fiscal year"),
    "datasets_created_fytd": N_("Datasets created this fiscal year"),
    "non_geospatial_datasets_created_fytd": N_("Non-geospatial datasets created this fiscal year"),
    "pct_non_geospatial_rated_3_plus": N_("Non-geospatial datasets rated 3 or more (%)"),
    "pct_api_enabled_datasets": N_("API-enabled datasets (%)"),
    "api_enabled_datasets": N_("API-enabled datasets"),
    "map_views": N_("Map views"),
    "datasets": N_("Datasets"),
}


def _known(value) -> bool:
    """Return True for a value that is there: not None, NaN or pandas' NA (read without importing pandas)."""
    return value is not None and type(value).__name__ != "NAType" and value == value


def progress_label(progress, lang: str) -> str:
    """Return the status's name in `lang`; a missing status is "Not assessed"."""
    if not _known(progress):
        return _(NOT_ASSESSED, lang)
    return _(PROGRESS_LABELS.get(progress, progress), lang)


def impact_label(value, missing, lang: str) -> str:
    """Return the potential-impact category's name: the IRM value, else why it is missing."""
    if _known(value):
        return _(IMPACT_LABELS.get(value, value), lang)
    return missing_label(missing, lang)


def missing_label(code, lang: str, *, full: bool = False) -> str:
    """Return why an IRM rating is missing: its code's label ("No data (ND)"), or with `full` the sentence saying
    so; a code that is absent or unknown reads "Not recorded"."""
    key = code.upper() if isinstance(code, str) and code.upper() in MISSING else None
    return _(MISSING[key][1 if full else 0], lang)


def status_source(vocab, lang: str, *, full: bool = False) -> str | None:
    """Return the name of a status vocabulary ("IRM completion"; with `full`, "IRM completion rating"); None when unknown."""
    names = STATUS_SOURCES.get(vocab) if isinstance(vocab, str) else None
    return _(names[1 if full else 0], lang) if names else None


def metric_label(metric: str, lang: str) -> str:
    """Return a portal metric's readable label in `lang`."""
    if metric in METRIC_LABELS:
        return _(METRIC_LABELS[metric], lang)
    return str(metric).replace("_", " ").capitalize()


def room_rule(shown: int, total: int, lang: str) -> str:
    """Return the rule a slide states when it shows `shown` of `total` members: the ROOM_MEMBERS with the most
    commitments ("The 12 members with the most commitments, of 76")."""
    return ngettext("The {n} member with the most commitments, of {total}",
                    "The {n} members with the most commitments, of {total}", shown, lang,
                    total=fmt_int(total, lang))


def complete_or_substantial(rank) -> bool:
    """Return True for a rank of substantial or more (a missing rank is not)."""
    return _known(rank) and rank >= SUBSTANTIAL_RANK


def _sql_text(values: Iterable[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def sql_macros(schema: str) -> list[str]:
    """Return the DuckDB statements that define this module's rules as macros in `schema`.

    past_due_state(due_date, progress, as_of): 'overdue' (a reported status that is not complete,
    past the due date), 'past_due_unreported' (no reported status, past the due date), else null.
    attention_reason(due_date, progress, progress_rank, periods_unchanged, as_of, stale_periods,
    horizon_days): the first reason of REASONS that applies, else null.
    attention_order(reason): 0 for a reason read from a reported status, 1 for the neutral one (listed last).
    substantial_rank(), complete_rank(): the rank limits SUBSTANTIAL_RANK and COMPLETE_RANK.
    The query layer defines them when it binds a snapshot (and when it writes rollups), so every query reads one rule.
    """
    done = _sql_text((COMPLETE, *NOTHING_EXPECTED))
    return [
        f"create or replace macro {schema}.substantial_rank() as {int(SUBSTANTIAL_RANK)}",
        f"create or replace macro {schema}.complete_rank() as {int(COMPLETE_RANK)}",
        f"""create or replace macro {schema}.past_due_state(due_date, progress, as_of) as
            case
                when due_date < as_of and progress is null then '{PAST_DUE_UNREPORTED}'
                when due_date < as_of and progress not in ({done}) then '{OVERDUE}'
            end""",
        f"""create or replace macro {schema}.attention_reason(due_date, progress, progress_rank, periods_unchanged,
                                                              as_of, stale_periods, horizon_days) as
            case
                when progress in ({done}) then null
                when progress is not null and due_date < as_of then '{OVERDUE}'
                when progress is not null and periods_unchanged >= stale_periods then '{STALLED}'
                when progress_rank < {SUBSTANTIAL_RANK} and due_date >= as_of
                    and due_date <= as_of + cast(horizon_days as integer) then '{DUE_SOON}'
                when progress is null and due_date < as_of then '{PAST_DUE_UNREPORTED}'
            end""",
        f"""create or replace macro {schema}.attention_order(reason) as
            case when reason in ({_sql_text(REPORTED_REASONS)}) then 0 else 1 end""",
    ]


def combine(parts: list[Progress | None]) -> Progress | None:
    """Return the status of a whole from its parts' reported statuses (None: a part that reported nothing).

    Complete only when every part reported complete. When a reported part is not complete, the
    whole is the least advanced of them (the first such part on a tie). When nothing was reported,
    or every part that reported is complete but some have not reported, the whole has no reported
    status: whether it is complete is not known.
    """
    reported = [p for p in parts if p is not None]
    if not reported:
        return None
    unfinished = [p for p in reported if p.progress != COMPLETE]
    if not unfinished:
        return reported[0] if len(reported) == len(parts) else None
    ranked = [p for p in unfinished if p.rank is not None]
    if ranked:
        return min(ranked, key=lambda p: p.rank)
    return unfinished[0]


def indicators_reported(reported: int, total: int, lang: str) -> str:
    """Return "1 of 7 indicators reported" in `lang`."""
    return ngettext("{reported} of {n} indicator reported", "{reported} of {n} indicators reported", total, lang,
                    reported=fmt_int(reported, lang))
