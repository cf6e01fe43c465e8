"""One progress scale for every status vocabulary, keeping each source's own code beside it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from dashboard.i18n import N_, fmt_int, ngettext

# The common scale. Rank orders it; "share complete or substantial" means rank >= 2.
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
SUBSTANTIAL_RANK = SCALE["substantial"]  # "due soon" is a reported status below this rank

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


def _sql_text(values: Iterable[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def sql_macros(schema: str) -> list[str]:
    """Return the DuckDB statements that define this module's rules as macros in `schema`.

    past_due_state(due_date, progress, as_of): 'overdue' (a reported status that is not complete,
    past the due date), 'past_due_unreported' (no reported status, past the due date), else null.
    attention_reason(due_date, progress, progress_rank, periods_unchanged, as_of, stale_periods,
    horizon_days): the first reason of REASONS that applies, else null.
    attention_order(reason): 0 for a reason read from a reported status, 1 for the neutral one (listed last).
    The query layer defines them when it binds a snapshot, so every query reads one rule.
    """
    done = _sql_text((COMPLETE, *NOTHING_EXPECTED))
    return [
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
