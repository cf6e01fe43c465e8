"""One record per commitment, milestone and indicator: links the rows several sources give for the same one.

Run by publish.build() on the merged tables, before they are written. The rule (dashboard/bundled/README.md,
"Linking"): two rows from different sources are the same commitment when they belong to the same
jurisdiction and the same action plan (the year it was submitted, `cycle_start`) and either

- a crosswalk pairs their ids (the `aliases` rows a source gives, rule "crosswalk": the reference
  source reads them from dashboard/bundled/reference/crosswalk.csv), or
- their English titles match, once case, spacing, dashes and quotes are set aside, and no other row
  of either source in that plan has that title (rule "title").

Milestones are linked the same way under one (linked) commitment, indicators under one milestone;
a title there may end with its lead in parentheses, "(TBS)", as the NAP tracker writes it. Generated
rows are never linked to real ones, and two rows of one source are never linked to each other.

A row that a source with `on_duplicate = "skip"` yielded (its id was given by an earlier source) is
treated the same way: left out as a row, its values still fill the kept record's empty fields.

A linked record keeps one row under one canonical id: the crosswalk's, else the id given by a source
that uses OGP's ids (kinds ogp-export and reference), else the first source's. Its other ids become
aliases. Each field is taken from the first source, in the order of the sources file, that gives it
(fields that belong together, such as a status and its code, come together); `field_sources` says
which source gave each field, and where the sources give different values, `conflicts` keeps every
value with its source (not for `url`: each source's own page). Rows that point at an alias (a
milestone's commitment, a status record's indicator, a dataset's commitment) are pointed at the
canonical id.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.compute as pc

from dashboard import schema
from dashboard.ingest.common import IngestError, Source

# The tables this step fills (declared in dashboard.schema); connectors give only the crosswalk's aliases.
TABLES = ("aliases", "conflicts", "field_sources")

CROSSWALK = "crosswalk"
TITLE = "title"
RULES = (CROSSWALK, TITLE)
SAME_ID = "same id"  # a source that yields (on_duplicate = "skip") gives a record an earlier one gave

# Source kinds whose commitment ids are OGP's own (CA0073); their ids are canonical.
OGP_ID_KINDS = ("ogp-export", "reference")


@dataclass(frozen=True)
class Record:
    name: str  # the `record` value in aliases, conflicts and field_sources
    table: str
    id: str
    parent: str | None  # the record kind it belongs to
    parent_id: str | None  # its column naming that parent


RECORDS: dict[str, Record] = {
    "commitment": Record("commitment", "commitments", "commitment_id", None, None),
    "milestone": Record("milestone", "milestones", "milestone_id", "commitment", "commitment_id"),
    "indicator": Record("indicator", "indicators", "indicator_id", "milestone", "milestone_id"),
}

# Columns that hold another record's id: (table, column) -> the record kind it names.
REFERENCES: dict[tuple[str, str], str] = {
    ("milestones", "commitment_id"): "commitment",
    ("indicators", "commitment_id"): "commitment",
    ("indicators", "milestone_id"): "milestone",
    ("milestone_status", "commitment_id"): "commitment",
    ("milestone_status", "milestone_id"): "milestone",
    ("milestone_status", "indicator_id"): "indicator",
    ("datasets", "commitment_id"): "commitment",
    ("learning_events", "commitment_id"): "commitment",
}

# Fields that travel together: the first source that gives the first field gives them all, and
# sources disagree when they give different values of the first field.
GROUPS: tuple[tuple[str, ...], ...] = (
    ("cycle", "cycle_start", "cycle_end"),
    ("progress", "progress_rank", "status_code", "status_vocab", "indicators_total", "indicators_reported"),
    ("potential_impact", "potential_impact_missing"),
    ("completion_midterm", "completion_midterm_missing"),
    ("completion_end_term", "completion_end_term_missing"),
    ("starred", "starred_missing"),
    ("opened_government", "opened_government_missing"),
)
# Never merged: the record's identity, its place, and provenance.
_NOT_FIELDS = {"commitment_id", "milestone_id", "indicator_id", "jurisdiction_id", "source", "synthetic"}
# Each source's own page about the record: two sources give two pages, which is no disagreement.
NOT_COMPARED = ("url",)

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u00ad"), "-")
_QUOTES = {ord("\u2018"): "'", ord("\u2019"): "'", ord("\u201c"): '"', ord("\u201d"): '"', ord("\u00ab"): '"',
           ord("\u00bb"): '"'}
_TRAILING_PARENS = re.compile(r"\s*\(([^()]*)\)\s*$")


def normalise_text(text: str | None) -> str | None:
    """Return text as compared: Unicode-normalised, one kind of dash and quote, lower case, single spaces."""
    if text is None:
        return None
    text = unicodedata.normalize("NFKC", str(text)).translate(_DASHES).translate(_QUOTES).casefold()
    text = " ".join(text.split()).rstrip(" .")
    return text or None


def normalise_title(title: str | None, leads: Iterable[str | None] = ()) -> str | None:
    """Return a title as compared; a trailing "(LEAD)" naming one of `leads` is not part of it."""
    text = normalise_text(title)
    if text is None:
        return None
    match = _TRAILING_PARENS.search(text)
    if match and match.group(1).strip() in {normalise_text(lead) for lead in leads if lead}:
        text = text[:match.start()].rstrip(" .") or text
    return text


def _display(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class LinkError(IngestError):
    """A crosswalk pair that contradicts the rows it pairs."""


# ---------------------------------------------------------------- the step

def link(tables: dict[str, pa.Table], sources: list[Source],
         parts: dict[str, list[tuple[Source, pa.Table]]] | None = None) -> dict[str, pa.Table]:
    """Return `tables` with each linked record as one row, every reference to an alias pointed at its
    canonical id, and the `aliases`, `conflicts` and `field_sources` tables filled.

    `parts` (each source's own tables, before merging) gives the rows a source with
    `on_duplicate = "skip"` yielded: they stay out of the tables, but where the kept row is empty they
    fill it, and where they disagree with it the conflict is kept.
    """
    tables = dict(tables)
    order = {s.name: i for i, s in enumerate(sources)}
    kinds = {s.name: s.kind for s in sources}
    by_name = {s.name: s for s in sources}
    given = tables.get("aliases", schema.TABLES["aliases"].empty_table()).to_pylist()
    crosswalk = {(a["record"], a["alias_id"]): a for a in given}

    canonical: dict[str, dict[str, str]] = {r: {} for r in RECORDS}  # record -> alias id -> canonical id
    alias_rows: list[dict[str, Any]] = []
    conflicts: list[dict[str, Any]] = []
    field_sources: list[dict[str, Any]] = []
    commitment_of: dict[str, str] = {}  # canonical milestone / indicator id -> canonical commitment id

    for record in RECORDS.values():
        table = tables.get(record.table)
        if table is None or not table.num_rows:
            continue
        wanted = {a["alias_id"] for (r, _), a in crosswalk.items() if r == record.name}
        wanted |= {a["canonical_id"] for (r, _), a in crosswalk.items() if r == record.name}
        candidates = _candidate_rows(table, record, wanted, canonical)
        rows_by_id = {r[record.id]: r for r in candidates}
        # Parents first: a milestone is compared under its commitment's canonical id.
        parent_map = canonical[record.parent] if record.parent else {}
        for r in candidates:
            if record.parent_id:
                r["__parent"] = parent_map.get(r[record.parent_id], r[record.parent_id])
        groups = _crosswalk_groups(record, crosswalk, rows_by_id, by_name)
        grouped = {r[record.id] for g in groups for r in g["rows"]}
        linked_parents = set(canonical[record.parent].values()) if record.parent else set()
        groups += _title_groups(record, [r for r in candidates if r[record.id] not in grouped], linked_parents)
        groups = _with_yielded(record, table, groups, (parts or {}).get(record.table, []), canonical)
        if not groups:
            continue
        merged_rows, drop = [], set()
        for g in groups:
            rows = sorted(g["rows"], key=lambda r: order.get(r["source"], len(order)))
            canon = g["canonical"] or _canonical_id(rows, kinds, record)
            row, provenance, disagreements = _merge_rows(record, rows, canon)
            commitment = canon if record.name == "commitment" else row.get("commitment_id")
            if record.name != "commitment":
                commitment = canonical["commitment"].get(commitment, commitment)
            if record.name == "indicator":
                commitment = commitment_of.get(row["milestone_id"], commitment)
            commitment_of[canon] = commitment
            for r in rows:
                drop.add(r[record.id])
                if r[record.id] != canon:
                    canonical[record.name][r[record.id]] = canon
                    alias_rows.append(_alias_row(record, r, canon, commitment, g))
            merged_rows.append(row)
            for fld, (src, rid) in provenance.items():
                field_sources.append({"record": record.name, "record_id": canon, "commitment_id": commitment,
                                      "field": fld, "source_record_id": rid, "source": src,
                                      "synthetic": row["synthetic"]})
            for fld, values in disagreements.items():
                for src, rid, value, kept in values:
                    conflicts.append({"record": record.name, "record_id": canon, "commitment_id": commitment,
                                      "field": fld, "value": value, "source_record_id": rid, "kept": kept,
                                      "source": src, "synthetic": row["synthetic"]})
        keep = pc.invert(pc.is_in(table.column(record.id), value_set=pa.array(sorted(drop), pa.string())))
        merged = pa.Table.from_pylist([{k: v for k, v in r.items() if not k.startswith("__")} for r in merged_rows],
                                      schema=table.schema)
        tables[record.table] = pa.concat_tables([table.filter(keep), merged])
        # The children of a linked record now belong to its canonical id before they are compared.
        tables = _repoint(tables, canonical)

    # Crosswalk pairs whose alias no loaded source uses still name the record (a URL may carry them).
    present = {r: set(tables[RECORDS[r].table].column(RECORDS[r].id).to_pylist()) for r in RECORDS
               if RECORDS[r].table in tables}
    used = {(a["record"], a["alias_id"]) for a in alias_rows}
    for key, a in crosswalk.items():
        if key in used or a["canonical_id"] not in present.get(a["record"], ()):
            continue
        alias_rows.append({**a, "commitment_id": _commitment_of(a, tables, canonical, commitment_of),
                           "alias_source": None, "rule": a.get("rule") or CROSSWALK})
    tables = _repoint(tables, canonical)
    tables["aliases"] = _table("aliases", alias_rows)
    tables["conflicts"] = _table("conflicts", conflicts)
    tables["field_sources"] = _table("field_sources", field_sources)
    return tables


def summary(tables: dict[str, pa.Table]) -> dict[str, Any]:
    """Return the manifest's counts of links and conflicts, read from the tables being written."""
    def rows(name: str) -> list[dict[str, Any]]:
        table = tables.get(name)
        return table.to_pylist() if table is not None and table.num_rows else []

    aliases = rows("aliases")
    linked = [a for a in aliases if a["alias_source"] is not None]
    conflicts = rows("conflicts")
    fields = {(c["record"], c["record_id"], c["field"]) for c in conflicts}
    joined = {(f["record"], f["record_id"]) for f in rows("field_sources")}
    out: dict[str, Any] = {
        "records_joined": {RECORDS[r].table: sum(j[0] == r for j in joined) for r in RECORDS},
        "links": {RECORDS[r].table: sum(a["record"] == r for a in linked) for r in RECORDS},
        "links_by_rule": {rule: sum(a["rule"] == rule for a in linked) for rule in RULES},
        "aliases_not_loaded": len(aliases) - len(linked),
        "conflicts": {RECORDS[r].table: sum(f[0] == r for f in fields) for r in RECORDS},
        "conflicting_fields": {},
    }
    for record, _, fld in sorted(fields):
        key = f"{RECORDS[record].table}.{fld}"
        out["conflicting_fields"][key] = out["conflicting_fields"].get(key, 0) + 1
    return out


# ---------------------------------------------------------------- finding the rows to link

def _candidate_rows(table: pa.Table, record: Record, wanted: set[str],
                    canonical: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """Return the rows a link may concern: those the crosswalk names, and real rows under a linked parent
    (for commitments: every real row, whose titles are compared)."""
    real = pc.invert(table.column("synthetic"))
    if record.parent is None:
        mask = pc.or_(real, pc.is_in(table.column(record.id), value_set=pa.array(sorted(wanted), pa.string())))
    else:
        parents = set(canonical[record.parent]) | set(canonical[record.parent].values())
        mask = pc.or_(pc.and_(real, pc.is_in(table.column(record.parent_id),
                                             value_set=pa.array(sorted(parents), pa.string()))),
                      pc.is_in(table.column(record.id), value_set=pa.array(sorted(wanted), pa.string())))
    return table.filter(mask).to_pylist()


def _crosswalk_groups(record: Record, crosswalk: dict, rows_by_id: dict[str, dict],
                      sources: dict[str, Source]) -> list[dict[str, Any]]:
    """Group each crosswalk pair's two rows (several pairs may share a canonical id); refuse a pair that
    contradicts its rows."""
    groups: dict[str, dict[str, Any]] = {}
    for (kind, alias), pair in sorted(crosswalk.items()):
        if kind != record.name:
            continue
        canon = pair["canonical_id"]
        if canon in {p["alias_id"] for (k, _), p in crosswalk.items() if k == kind}:
            raise _pair_error(pair, sources, f"{canon} is itself an alias; pair {alias} with the id it stands for")
        if alias == canon:
            raise _pair_error(pair, sources, "an id cannot be an alias of itself")
        a, c = rows_by_id.get(alias), rows_by_id.get(canon)
        if a is None or c is None:
            continue  # one of the two ids is not in this snapshot: nothing to link
        _check_pair(record, pair, c, a, sources)
        group = groups.setdefault(canon, {"canonical": canon, "rows": [c], "rule": CROSSWALK, "pairs": {}})
        if any(r["source"] == a["source"] for r in group["rows"]):
            other = next(r for r in group["rows"] if r["source"] == a["source"])
            raise _pair_error(pair, sources, f"source {a['source']!r} gives both {other[record.id]} and {alias}: "
                                             "two rows of one source are two records")
        group["rows"].append(a)
        group["pairs"][alias] = pair
    return list(groups.values())


def _check_pair(record: Record, pair: dict, canon: dict, alias: dict, sources: dict[str, Source]) -> None:
    """Refuse a crosswalk pair whose rows are not in the same jurisdiction and plan (or under one parent)."""
    if canon["synthetic"] != alias["synthetic"]:
        raise _pair_error(pair, sources, "pairs a generated row with a real one")
    if record.parent is None:
        for column in ("jurisdiction_id", "cycle_start"):
            if canon[column] != alias[column]:
                raise _pair_error(pair, sources, f"the two commitments differ in {column}: "
                                                 f"{canon[column]!r} ({canon['source']}) and {alias[column]!r} "
                                                 f"({alias['source']}); a link needs one jurisdiction and plan")
    elif canon["__parent"] != alias["__parent"]:
        raise _pair_error(pair, sources, f"the two {record.table} belong to different {RECORDS[record.parent].table}: "
                                         f"{canon['__parent']} ({canon['source']}) and {alias['__parent']} "
                                         f"({alias['source']}); link those first")


def _pair_error(pair: dict, sources: dict[str, Source], why: str) -> LinkError:
    source = sources.get(pair["source"]) or pair["source"]
    file = None
    row = None
    if isinstance(source, Source) and source.kind == "reference" and source.path is not None:
        file = Path(source.path) / "crosswalk.csv"
        row = _line_of(file, pair["canonical_id"], pair["alias_id"])
    return LinkError(source, f"crosswalk pair {pair['canonical_id']} <- {pair['alias_id']}: {why}", file=file,
                     row=row, column="alias_id", value=pair["alias_id"])


def _line_of(file: Path, *needles: str) -> int | None:
    try:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            if all(n in line.split(",") for n in needles):
                return number
    except OSError:
        return None
    return None


def _title_groups(record: Record, rows: list[dict[str, Any]], linked_parents: set[str]) -> list[dict[str, Any]]:
    """Group rows of different sources whose titles match within one plan (or under one linked parent)."""
    def scope(r: dict[str, Any]) -> tuple | None:
        if r["synthetic"]:
            return None
        if record.parent is None:
            return (r["jurisdiction_id"], r["cycle_start"])
        return (r["__parent"],) if r["__parent"] in linked_parents else None

    buckets: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    leads: dict[tuple, list[str | None]] = defaultdict(list)
    scoped = [(scope(r), r) for r in rows]
    for key, r in scoped:
        if key is not None:
            leads[key].append(r.get("lead_dept"))
    for key, r in scoped:
        if key is None:
            continue
        title = normalise_title(r.get("title_en"), leads[key])
        if title:
            buckets[(*key, title)].append(r)
    groups = []
    for key, members in buckets.items():
        per_source = defaultdict(int)
        for r in members:
            per_source[r["source"]] += 1
        if len(per_source) < 2 or max(per_source.values()) > 1:
            continue  # one source only, or a title that one source uses twice: not a safe match
        groups.append({"canonical": None, "rows": members, "rule": TITLE, "pairs": {}})
    return groups


def _with_yielded(record: Record, table: pa.Table, groups: list[dict[str, Any]],
                  parts: list[tuple[Source, pa.Table]], canonical: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """Return the groups with the rows that sources yielded (on_duplicate = "skip") added to the record
    they share an id with; a yielded row whose record is in no group makes a group of its own."""
    ids = table.column(record.id)
    yielded: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for source, part in parts:
        if not part.num_rows or source.options.get("on_duplicate") != "skip":
            continue  # only a source that yields can have rows left out
        kept_own = table.filter(pc.equal(table.column("source"), source.name)).column(record.id)
        left_out = pc.and_(pc.is_in(part.column(record.id), value_set=ids),
                           pc.invert(pc.is_in(part.column(record.id), value_set=kept_own)))
        for r in part.filter(left_out).to_pylist():
            yielded[r[record.id]].append(r)
    if not yielded:
        return groups
    kept = table.filter(pc.is_in(ids, value_set=pa.array(sorted(yielded), pa.string()))).to_pylist()
    kept_source = {r[record.id]: r["source"] for r in kept}
    yielded = {i: [r for r in rows if r["source"] != kept_source.get(i)] for i, rows in yielded.items()}
    yielded = {i: rows for i, rows in yielded.items() if rows}
    parent_map = canonical[record.parent] if record.parent else {}
    for rows in yielded.values():
        for r in rows:
            if record.parent_id:
                r["__parent"] = parent_map.get(r[record.parent_id], r[record.parent_id])
    member_of = {r[record.id]: g for g in groups for r in g["rows"]}
    for r in kept:
        if r[record.id] not in yielded:
            continue
        group = member_of.get(r[record.id])
        if group is None:
            if record.parent_id:
                r["__parent"] = parent_map.get(r[record.parent_id], r[record.parent_id])
            group = {"canonical": r[record.id], "rows": [r], "rule": SAME_ID, "pairs": {}}
            groups.append(group)
        group["rows"].extend(yielded[r[record.id]])
    return groups


def _canonical_id(rows: list[dict[str, Any]], kinds: dict[str, str], record: Record) -> str:
    for r in rows:
        if kinds.get(r["source"]) in OGP_ID_KINDS:
            return r[record.id]
    return rows[0][record.id]


# ---------------------------------------------------------------- merging rows into one

def _fields(record: Record) -> list[tuple[str, ...]]:
    """Return the table's fields as merge units: each group of GROUPS present in the schema, else one field."""
    names = [f.name for f in schema.TABLES[record.table] if f.name not in _NOT_FIELDS]
    units, seen = [], set()
    for name in names:
        if name in seen:
            continue
        group = next((g for g in GROUPS if g[0] in names and name in g), None)
        unit = tuple(n for n in group if n in names) if group else (name,)
        seen.update(unit)
        units.append(unit)
    return units


def _comparable(record: Record, field: str, value: Any, leads: list[str | None]) -> Any:
    if value is None:
        return None
    if field in ("title_en", "title_fr"):
        return normalise_title(value, leads)
    if isinstance(value, str):
        return normalise_text(value)
    if isinstance(value, (list, tuple)):
        return tuple(sorted({normalise_text(v) for v in value if v is not None}))
    return value


def _given(record: Record, row: dict[str, Any], unit: tuple[str, ...]) -> bool:
    first = row.get(unit[0])
    if unit[0] == "action_plan_id" and first == f"{row.get('jurisdiction_id')}-{row.get('cycle')}":
        return False  # the placeholder a source writes when it has no plan id: not a value
    return first is not None


def _merge_rows(record: Record, rows: list[dict[str, Any]], canon: str):
    """Return the linked record as one row, where each field came from, and the fields the sources disagree on."""
    base = next(r for r in rows if r[record.id] == canon) if any(r[record.id] == canon for r in rows) else rows[0]
    merged = dict(base)
    merged[record.id] = canon
    if record.parent_id:
        merged[record.parent_id] = base["__parent"]
    provenance: dict[str, tuple[str, str]] = {}
    disagreements: dict[str, list[tuple[str, str, str | None, bool]]] = {}
    leads = [r.get("lead_dept") for r in rows]
    for unit in _fields(record):
        givers = [r for r in rows if _given(record, r, unit)]
        if not givers:
            # No source gives the unit's first field: take the first one that gives any of it.
            givers = [r for r in rows if any(r.get(f) is not None for f in unit[1:])][:1]
            if not givers:
                for f in unit:
                    merged[f] = None
                continue
        chosen = givers[0]
        for f in unit:
            merged[f] = chosen.get(f)
            if chosen.get(f) is not None:
                provenance[f] = (chosen["source"], chosen[record.id])
        values = {_comparable(record, unit[0], r.get(unit[0]), leads) for r in givers}
        if len(values) > 1 and unit[0] not in NOT_COMPARED:
            disagreements[unit[0]] = [(r["source"], r[record.id], _display(r.get(unit[0])), r is chosen)
                                      for r in givers]
    return merged, provenance, disagreements


def _alias_row(record: Record, row: dict[str, Any], canon: str, commitment: str, group: dict) -> dict[str, Any]:
    pair = group["pairs"].get(row[record.id])
    if pair is not None:
        return {**pair, "commitment_id": commitment, "alias_source": row["source"], "rule": CROSSWALK}
    scope = "action plan" if record.parent is None else RECORDS[record.parent].name
    return {"record": record.name, "alias_id": row[record.id], "canonical_id": canon, "commitment_id": commitment,
            "alias_source": row["source"], "rule": group["rule"],
            "basis": f"same English title in the same {scope}", "source": row["source"],
            "synthetic": row["synthetic"]}


def _commitment_of(pair: dict, tables, canonical, commitment_of: dict[str, str]) -> str | None:
    canon = pair["canonical_id"]
    if pair["record"] == "commitment":
        return canon
    if canon in commitment_of:
        return commitment_of[canon]
    record = RECORDS[pair["record"]]
    table = tables[record.table]
    hit = table.filter(pc.equal(table.column(record.id), canon))
    if not hit.num_rows:
        return None
    found = hit.column("commitment_id")[0].as_py()
    return canonical["commitment"].get(found, found)


# ---------------------------------------------------------------- pointing references at canonical ids

def _repoint(tables: dict[str, pa.Table], canonical: dict[str, dict[str, str]]) -> dict[str, pa.Table]:
    """Return the tables with every column that names a record holding its canonical id, not an alias."""
    out = dict(tables)
    for (table_name, column), kind in REFERENCES.items():
        mapping = canonical[kind]
        table = out.get(table_name)
        if not mapping or table is None or not table.num_rows:
            continue
        col = table.column(column)
        keys = pa.array(list(mapping), pa.string())
        if not pc.any(pc.is_in(col, value_set=keys)).as_py():
            continue
        index = pc.index_in(col, value_set=keys)
        replaced = pc.take(pa.array(list(mapping.values()), pa.string()), index)
        out[table_name] = table.set_column(table.schema.get_field_index(column), table.schema.field(column),
                                           pc.coalesce(replaced, col))
    status = out.get("milestone_status")
    if status is not None and status.num_rows:
        out["milestone_status"] = _first_report_wins(status)
    return out


def _first_report_wins(status: pa.Table) -> pa.Table:
    """Two linked sources reporting the same indicator in the same period: the row of the first source
    listed is kept (the merged table is in source order)."""
    keys = list(schema.PRIMARY_KEYS["milestone_status"])
    numbered = status.append_column("__row", pa.array(range(status.num_rows), pa.int64()))
    first = numbered.group_by(keys, use_threads=False).aggregate([("__row", "min")])
    if first.num_rows == status.num_rows:
        return status
    rows = pc.sort_indices(first.column("__row_min"))
    return status.take(pc.take(first.column("__row_min"), rows))


def _table(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    target = schema.TABLES[name]
    return pa.Table.from_pylist([{f.name: r.get(f.name) for f in target} for r in rows], schema=target)
