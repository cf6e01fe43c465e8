"""When a catalogue record was released, and the catalogue-load rule: one home for both (see dashboard/bundled/README.md).

A CKAN record's release date is its `date_published` where the portal gives one, else the day of its
`metadata_created`. `metadata_created` is when the record entered *this* catalogue, so a migration
or a federation (open.canada.ca taking in Données Québec's records, say) stamps hundreds of records
with the day they were loaded, not the day they were released. Such a day, or month, stands far
above the portal's usual rate; its records are flagged as a catalogue load, drawn apart on the
releases chart and never counted as releases of that day, month or year.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from typing import Sequence

# Where `published` came from (the datasets column `published_basis`).
FROM_DATE_PUBLISHED = "date_published"
FROM_METADATA_CREATED = "metadata_created"

# A day (or month) is a catalogue load when the records dated by metadata_created on it number at
# least LOAD_MIN_RECORDS and at least LOAD_MULTIPLE times the portal's usual rate: the median count
# of the portal's *other* days (months) that have any release. Both thresholds must hold, so a
# small portal's busy day of a dozen releases is never a load, and a big portal needs a big day.
LOAD_MULTIPLE = 10
LOAD_MIN_RECORDS = 50


def release_date(date_published: dt.datetime | None,
                 metadata_created: dt.datetime | None) -> tuple[dt.date | None, str | None]:
    """Return (release day, basis): date_published's day where given, else metadata_created's, else (None, None)."""
    if date_published is not None:
        return date_published.date(), FROM_DATE_PUBLISHED
    if metadata_created is not None:
        return metadata_created.date(), FROM_METADATA_CREATED
    return None, None


def _usual(counts: Counter, key) -> float | None:
    """The median count of the other keys that have any record; None when there is no other."""
    others = [n for k, n in counts.items() if k != key and n > 0]
    return statistics.median(others) if others else None


def _far_above(loaded: int, usual: float | None) -> bool:
    return usual is not None and loaded >= LOAD_MIN_RECORDS and loaded >= LOAD_MULTIPLE * usual


def catalogue_loads(records: Sequence[tuple[dt.date | None, str | None]]) -> list[bool]:
    """Return, for each (release day, basis) of one portal's records, whether it belongs to a catalogue load.

    Only a record dated by metadata_created can be one: date_published is the publisher's own
    statement. Days are judged first; then months, counting only the records no load day took.
    """
    flags = [False] * len(records)

    def judge(period_of) -> None:
        counts: Counter = Counter()
        loaded: dict = {}
        for i, (day, basis) in enumerate(records):
            if day is None or flags[i]:
                continue
            key = period_of(day)
            counts[key] += 1
            if basis == FROM_METADATA_CREATED:
                loaded.setdefault(key, []).append(i)
        for key, members in loaded.items():
            if _far_above(len(members), _usual(counts, key)):
                for i in members:
                    flags[i] = True

    judge(lambda day: day)
    judge(lambda day: (day.year, day.month))
    return flags
