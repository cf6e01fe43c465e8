"""The sources file's schema: each [[source]] table is checked against its kind's options (pydantic) before any
source is read, so a misspelt option or a value of the wrong type stops the build naming the source, key and value.

The options are those the connectors and the build read (docs/sources.md, dashboard/bundled/sources.example.toml); a
connector still checks what a type cannot say (a range, a file that must exist). A new option is a field
here, in the kind's model, and a line in docs/sources.md.
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dashboard.ingest.common import IngestError, Source

TEXT = "a string"
WHOLE = "a whole number"
NUMBER = "a number"
NAMES = 'a table of strings, e.g. { ukr = "Ukraine" }'
TEXTS = 'a list of strings, e.g. ["a", "b"]'


class _Source(BaseModel):
    """Keys every [[source]] has or may have; the build reads data_date, attribution and on_duplicate."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: str | None = Field(None, description=TEXT)
    kind: str = Field(description=TEXT)
    path: str | None = Field(None, description=f"{TEXT}: a file or folder, relative to the sources file")
    url: str | None = Field(None, description=f"{TEXT}: a web address")
    data_date: dt.date | str | None = Field(None, description="a date written YYYY-MM-DD, e.g. data_date = 2024-07-31")
    attribution: str | None = Field(None, description=TEXT)
    on_duplicate: Literal["skip"] | None = Field(None, description='"skip"')


class _Http(BaseModel):
    """The HTTP policy of a source read from a url (dashboard/ingest/http.py checks the ranges)."""

    timeout: float | None = Field(None, description=f"{NUMBER} of seconds")
    retries: int | None = Field(None, description=WHOLE)
    backoff: float | None = Field(None, description=f"{NUMBER} of seconds")
    max_mb: float | None = Field(None, description=f"{NUMBER} of megabytes")


class _Names(BaseModel):
    """Names for jurisdiction ids a source's file does not name (dashboard/ingest/_shared.py)."""

    jurisdiction_names: dict[str, str] | None = Field(None, description=NAMES)


class OgpExport(_Source, _Http, _Names):
    kind: Literal["ogp-export"]


class NapTracker(_Source, _Http, _Names):
    kind: Literal["nap-tracker"]
    files: list[str] | None = Field(None, description=TEXTS)
    format: Literal["yaml", "csv"] | None = Field(None, description='"yaml" or "csv"')
    cycles: dict[str, str] | None = Field(None, description='a table of plan = cycle, e.g. { nap4 = "2018-2020" }')
    status: str | list[str] | dict[str, str] | None = Field(
        None, description='a file or address, a list of them, or a table of plan = file, e.g. { nap5 = "nap5.csv" }')


class Ckan(_Source, _Http, _Names):
    kind: Literal["ckan"]
    jurisdiction: str | None = Field(None, description=f'{TEXT}: a jurisdiction id such as "ca-qc"')
    portal: str | None = Field(None, description=TEXT)
    language: Literal["en", "fr"] | None = Field(None, description='"en" or "fr"')
    rows: int | None = Field(None, description=f"{WHOLE} of records per page")
    sort: str | None = Field(None, description=TEXT)
    q: str | None = Field(None, description=TEXT)
    fq: str | None = Field(None, description=TEXT)
    accept_partial: bool | None = Field(None, description="true or false")
    organizations: str | None = Field(None, description=f"{TEXT}: the organization list's file")


class Learning(_Source, _Http, _Names):
    kind: Literal["learning"]


class CspsRegistrations(_Source, _Names):
    kind: Literal["csps-registrations"]
    fiscal_year: str | None = Field(None, description=f'{TEXT} such as "2018-19"')
    grain: Literal["course", "month"] | None = Field(None, description='"course" or "month"')
    confirmed_status: str | None = Field(None, description=TEXT)
    organizer: str | None = Field(None, description=TEXT)
    jurisdiction: str | None = Field(None, description=f'{TEXT}: a jurisdiction id such as "ca"')


class PortalMetrics(_Source, _Http):
    kind: Literal["portal-metrics"]
    portal: str | None = Field(None, description=TEXT)


class Reference(_Source):
    kind: Literal["reference"]
    tables: list[str] | None = Field(None, description=f"{TEXTS} of table names")


class Synthetic(_Source):
    kind: Literal["synthetic"]
    scale: str | None = Field(None, description=f'{TEXT}: "small", "world" or "world-x20"')
    seed: int | None = Field(None, description=WHOLE)
    as_of: dt.date | str | None = Field(None, description="a date written YYYY-MM-DD")
    tables: list[str] | None = Field(None, description=f"{TEXTS} of table names")


# kind -> the model of its [[source]] table (tests check it lists every kind in dashboard.ingest.KINDS).
MODELS: dict[str, type[_Source]] = {
    "ogp-export": OgpExport,
    "nap-tracker": NapTracker,
    "ckan": Ckan,
    "learning": Learning,
    "csps-registrations": CspsRegistrations,
    "portal-metrics": PortalMetrics,
    "reference": Reference,
    "synthetic": Synthetic,
}


def check_document(doc: dict[str, Any], *, file: str) -> None:
    """Raise IngestError for a top-level key other than the [[source]] tables (e.g. a misspelt [[sources]])."""
    for key, value in doc.items():
        if key != "source":
            hint = " (did you mean [[source]]?)" if difflib.get_close_matches(key, ["source"], n=1) else ""
            raise IngestError("config", f"unknown key at the top of the sources file{hint}; it holds only "
                              "[[source]] tables", file=file, column=key, value=value)


def check(entry: dict[str, Any], *, name: str, index: int, file: str) -> None:
    """Raise IngestError naming the source, the key and the value when `entry` is not a valid table of its kind."""
    kind = entry.get("kind")
    model = MODELS.get(kind)
    if model is None:
        return  # the caller reports an unknown kind
    try:
        model.model_validate(entry)
    except ValidationError as exc:
        key, why = _problem(model, kind, exc)
        raise IngestError(Source(name=name, kind=kind), why, file=file, row=index, column=key,
                          value=entry.get(key)) from None


def _problem(model: type[_Source], kind: str, exc: ValidationError) -> tuple[str, str]:
    """Return (the key, what is wrong) for the first key `exc` complains about."""
    error = exc.errors()[0]
    key = str(error["loc"][0])
    if error["type"] == "extra_forbidden":
        known = sorted(model.model_fields)
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"did you mean `{close[0]}`?" if close else f"the options of {kind} are {', '.join(known)}"
        return key, f"unknown option `{key}` for kind {kind}: {hint}"
    field = model.model_fields.get(key)
    expected = field.description if field is not None and field.description else error["msg"]
    return key, f"option `{key}` must be {expected}"
