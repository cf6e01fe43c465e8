"""One progress scale for every status vocabulary, keeping each source's own code beside it."""

from __future__ import annotations

from dataclasses import dataclass

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
