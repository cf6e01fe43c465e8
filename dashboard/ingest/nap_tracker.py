"""Connector for Canada's National Action Plan tracker: the recombinant YAML schemas, and its status records."""

from __future__ import annotations

import ast
import calendar
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any, Iterator

import pyarrow as pa
import yaml

from dashboard import progress
from dashboard.ingest import datastore
from dashboard.ingest._shared import (existing_file, fetch_beside, is_url, jurisdiction_row, local_copy,
                                      parse_timestamp, read_csv, with_downloads)
from dashboard.ingest.common import Source, build_table

JURISDICTION = "ca"
SITE = "https://open.canada.ca"
VOCAB = "nap"

_PLAN_FILE = re.compile(r"nap(\d+)_((?:19|20)\d\d)-((?:19|20)\d\d)\.ya?ml$", re.I)
_CYCLE = re.compile(r"\b((?:19|20)\d\d)-((?:19|20)\d\d)\b")
_PERIOD = re.compile(r"((?:19|20)\d\d)-(0[1-9]|1[0-2])")
_CSV_FILES = ("nap_commitments.csv", "nap_milestones.csv", "nap_indicators.csv")
STATUS_COLUMNS = ("reporting_period", "indicators", "status")
STATUS_TEXT = ("progress_en", "progress_fr", "evidence_en", "evidence_fr", "challenges_en", "challenges_fr")


class Plan:
    """One action plan's choices: commitments, milestones and indicators keyed by the tracker's own codes."""

    def __init__(self, plan: str, cycle: str, file: Path):
        self.plan, self.cycle, self.file = plan, cycle, file
        self.periods: set[str] = set()
        self.commitments: dict[str, dict[str, Any]] = {}
        self.milestones: dict[str, dict[str, Any]] = {}
        self.indicators: dict[str, dict[str, Any]] = {}

    def id(self, code: str) -> str:
        return f"CA-{self.plan}-{code}"


@with_downloads
def read(source: Source) -> dict[str, pa.Table]:
    """Return the plans' commitments, milestones and indicators, and milestone_status when `status` is set."""
    source = local_copy(source, "a NAP schema", files=source.options.get("files"))
    plans = _read_plans(source)
    commitments, milestones, indicators = [], [], []
    for plan in plans:
        commitments += _commitment_rows(source, plan)
        milestones += _milestone_rows(source, plan)
        indicators += _indicator_rows(source, plan)
    tables: dict[str, list[dict[str, Any]]] = {}
    statuses = _read_status(source, plans) if source.options.get("status") else []
    _apply_reported(statuses, indicators, milestones, commitments)
    if source.options.get("status"):
        tables["milestone_status"] = statuses
    tables.update(commitments=commitments, milestones=milestones, indicators=indicators,
                  jurisdictions=[jurisdiction_row(source, JURISDICTION)])
    where = _where(source)
    return {name: build_table(name, rows, source=source, file=where) for name, rows in tables.items()}


def _where(source: Source) -> str:
    return str(source.path) if source.path is not None else ""


def _folder(source: Source) -> Path:
    path = Path(source.path)
    return path if path.is_dir() else path.parent


def _read_plans(source: Source) -> list[Plan]:
    """Find the plan files (option `files`, else the folder's nap*.yaml, else its flattened CSVs) and read them."""
    if source.path is None:
        raise source.error("needs a path to the folder of nap*.yaml files")
    path = Path(source.path)
    if not path.exists():
        raise source.error("folder or file not found", file=path)
    fmt = source.options.get("format")
    if fmt not in (None, "yaml", "csv"):
        raise source.error("option format must be 'yaml' or 'csv'", column="format", value=fmt)
    if source.options.get("files"):
        files = [_folder(source) / f for f in source.options["files"]]
    elif path.is_file():
        # One of the flattened CSVs stands for all three beside it.
        files = [path.parent / f for f in _CSV_FILES] if path.name in _CSV_FILES else [path]
    else:
        yamls = sorted(path.glob("nap*.yaml")) + sorted(path.glob("nap*.yml"))
        flat = [path / f for f in _CSV_FILES]
        if fmt == "csv" or (fmt is None and not yamls and flat[0].exists()):
            files = flat
        elif yamls:
            files = yamls
        else:
            raise source.error("no nap*.yaml schemas (or nap_commitments.csv) in the folder", file=path)
    csv_files = [f for f in files if f.suffix.lower() == ".csv"]
    yaml_files = [f for f in files if f.suffix.lower() in (".yaml", ".yml")]
    if len(csv_files) + len(yaml_files) != len(files):
        other = next(f for f in files if f not in csv_files and f not in yaml_files)
        raise source.error("expected .yaml schemas or the flattened .csv files", file=other)
    plans = [_read_yaml(source, f) for f in yaml_files]
    if csv_files:
        plans += _read_flat_csv(source, csv_files)
    seen: dict[str, Path] = {}
    for plan in plans:
        if plan.plan in seen:
            raise source.error(f"plan {plan.plan} is given twice (also in {seen[plan.plan]})", file=plan.file)
        seen[plan.plan] = plan.file
    return plans


# -- the YAML schemas -------------------------------------------------------------------------


def _read_yaml(source: Source, file: Path) -> Plan:
    file = existing_file(source, file, "NAP schema")
    try:
        loader = yaml.CSafeLoader(file.read_text(encoding="utf-8"))
    except AttributeError:  # pragma: no cover - PyYAML built without libyaml
        loader = yaml.SafeLoader(file.read_text(encoding="utf-8"))
    try:
        node = loader.get_single_node()
        doc = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise source.error(f"not valid YAML: {getattr(exc, 'problem', exc)}", file=file,
                           row=mark.line + 1 if mark else None) from None
    finally:
        loader.dispose()
    if not isinstance(doc, dict) or not isinstance(doc.get("resources"), list) or not doc["resources"]:
        raise source.error("not a recombinant schema (no resources)", file=file)
    resource = doc["resources"][0]
    fields = {f.get("datastore_id"): (i, f) for i, f in enumerate(resource.get("fields") or [])}
    missing = [k for k in ("reporting_period", "commitments", "milestones", "indicators") if k not in fields]
    if missing:
        raise source.error(f"schema lacks the fields {missing}", file=file)

    plan_code, cycle = _plan_and_cycle(source, file, doc, fields["commitments"][1])
    plan = Plan(plan_code, cycle, file)
    plan.periods = {str(p) for p in (fields["reporting_period"][1].get("choices") or {})}
    resource_node = _child(_child(node, "resources"), 0)
    fields_node = _child(resource_node, "fields")

    def choices(name: str) -> Iterator[tuple[str, dict[str, Any], int]]:
        index, field = fields[name]
        lines = _key_lines(_child(_child(fields_node, index), "choices"))
        for code, value in (field.get("choices") or {}).items():
            line = lines.get(str(code))
            if not isinstance(value, dict):
                raise source.error("a choice needs en and fr text", file=file, row=line,
                                   column=f"{name}.{code}", value=value)
            yield str(code), value, line

    for code, value, line in choices("commitments"):
        url = (value.get("NAP_url") or {}).get("en")
        plan.commitments[code] = {"code": code, "en": _text(value.get("en")), "fr": _text(value.get("fr")),
                                  "url": SITE + url if url else None, "_row": line}
    for code, value, line in choices("milestones"):
        parent = _parent(source, file, line, "milestones", code, plan.commitments, levels=1)
        plan.milestones[code] = {"code": code, "parent": parent, "en": _text(value.get("en")),
                                 "fr": _text(value.get("fr")), "_row": line}
    for code, value, line in choices("indicators"):
        parent = _parent(source, file, line, "indicators", code, plan.milestones, levels=2)
        deadline = value.get("deadline") or {}
        plan.indicators[code] = {
            "code": code, "parent": parent, "en": _text(value.get("en")), "fr": _text(value.get("fr")),
            "due_date": _due_date(source, file, line, f"indicators.{code}.due_date", value.get("due_date")),
            "deadline_en": _text(deadline.get("en")), "deadline_fr": _text(deadline.get("fr")),
            "lead_dept": _lead_dept(value.get("lead_dept")), "_row": line,
        }
    return plan


def _child(node: yaml.Node | None, key: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int):
        return node.value[key] if key < len(node.value) else None
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return v
    return None


def _key_lines(node: yaml.Node | None) -> dict[str, int]:
    """Return each key of a YAML mapping with its line number, so an error can name the line."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: k.start_mark.line + 1 for k, _ in node.value}


def _plan_and_cycle(source: Source, file: Path, doc: dict, commitments_field: dict) -> tuple[str, str]:
    """The plan ("NAP5") and cycle ("2022-2024"): from the file name, else dataset_type and the field's description."""
    m = _PLAN_FILE.search(file.name)
    if m:
        plan, cycle = f"NAP{int(m[1])}", f"{m[2]}-{m[3]}"
    else:
        dm = re.fullmatch(r"nap(\d+)", str(doc.get("dataset_type", "")))
        cm = _CYCLE.search(str((commitments_field.get("description") or {}).get("en", "")))
        if not dm:
            raise source.error("cannot tell which plan this is: name the file napN_YYYY-YYYY.yaml", file=file,
                               column="dataset_type", value=doc.get("dataset_type"))
        plan, cycle = f"NAP{int(dm[1])}", f"{cm[1]}-{cm[2]}" if cm else None
    cycle = source.options.get("cycles", {}).get(plan.lower(), cycle)
    if not cycle or not re.fullmatch(r"(19|20)\d\d-(19|20)\d\d", str(cycle)):
        raise source.error(f"no cycle for {plan}: set option cycles = {{{plan.lower()} = \"YYYY-YYYY\"}}",
                           file=file, column="cycles", value=cycle)
    return plan, str(cycle)


def _parent(source: Source, file: Path, line: int | None, field: str, code: str,
            parents: dict[str, Any], *, levels: int) -> str:
    parent = code.rsplit(".", levels - 1)[0] if levels > 1 else code.split(".")[0]
    if "." not in code or parent not in parents:
        kind = "commitments" if levels == 1 else "milestones"
        raise source.error(f"code does not belong to any of the plan's {kind}", file=file, row=line, column=field,
                           value=code)
    return parent


def _due_date(source: Source, file: Path, line: int | None, column: str, value: Any) -> dt.date | None:
    """A 'YYYY-MM' due month read as the month's last day: the indicator is due by the end of that month."""
    if value is None or str(value).strip() == "":
        return None
    m = _PERIOD.fullmatch(str(value).strip())
    if not m:
        raise source.error("expected a due month YYYY-MM", file=file, row=line, column=column, value=value)
    year, month = int(m[1]), int(m[2])
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _text(value: Any) -> str | None:
    """Text with the stray spaces and newlines of hand-edited YAML and CSV removed; None when blank."""
    text = str(value).strip() if value is not None else ""
    return text or None


def _lead_dept(value: Any) -> str | None:
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            value = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            return value.strip()
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or None
    if value is None:
        return None
    return str(value).strip() or None


# -- the flattened CSVs -----------------------------------------------------------------------


def _read_flat_csv(source: Source, files: list[Path]) -> list[Plan]:
    by_name = {f.name: f for f in files}
    missing = [n for n in _CSV_FILES if n not in by_name]
    if missing:
        raise source.error(f"the flattened tracker needs {list(_CSV_FILES)}; missing {missing}",
                           file=files[0].parent)
    plans: dict[str, Plan] = {}

    def plan_of(file: Path, line: int, rec: dict[str, str]) -> Plan:
        code, cycle = rec["plan"].strip().upper(), rec["cycle"].strip()
        if not re.fullmatch(r"NAP\d+", code):
            raise source.error("expected a plan such as NAP5", file=file, row=line, column="plan", value=rec["plan"])
        if not re.fullmatch(r"(19|20)\d\d-(19|20)\d\d", cycle):
            raise source.error("expected a cycle YYYY-YYYY", file=file, row=line, column="cycle", value=cycle)
        plan = plans.setdefault(code, Plan(code, cycle, file))
        if plan.cycle != cycle:
            raise source.error(f"{code} was given cycle {plan.cycle} before", file=file, row=line, column="cycle",
                               value=cycle)
        return plan

    file = by_name["nap_commitments.csv"]
    for line, rec in read_csv(source, file, required=("plan", "cycle", "commitment_id", "title_en", "title_fr")):
        plan = plan_of(file, line, rec)
        code = rec["commitment_id"].strip()
        plan.commitments[code] = {"code": code, "en": _text(rec["title_en"]), "fr": _text(rec["title_fr"]),
                                  "url": None, "_row": line}
    file = by_name["nap_milestones.csv"]
    for line, rec in read_csv(source, file, required=("plan", "cycle", "commitment_id", "milestone_id",
                                                       "title_en", "title_fr")):
        plan = plan_of(file, line, rec)
        code = rec["milestone_id"].strip()
        parent = _parent(source, file, line, "milestone_id", code, plan.commitments, levels=1)
        plan.milestones[code] = {"code": code, "parent": parent, "en": _text(rec["title_en"]),
                                 "fr": _text(rec["title_fr"]), "_row": line}
    file = by_name["nap_indicators.csv"]
    for line, rec in read_csv(source, file, required=("plan", "cycle", "commitment_id", "milestone_id",
                                                       "indicator_id", "title_en", "title_fr", "due_date",
                                                       "deadline_en", "lead_dept")):
        plan = plan_of(file, line, rec)
        code = rec["indicator_id"].strip()
        parent = _parent(source, file, line, "indicator_id", code, plan.milestones, levels=2)
        plan.indicators[code] = {
            "code": code, "parent": parent, "en": _text(rec["title_en"]), "fr": _text(rec["title_fr"]),
            "due_date": _due_date(source, file, line, "due_date", rec["due_date"]),
            "deadline_en": _text(rec["deadline_en"]), "deadline_fr": _text(rec.get("deadline_fr")),
            "lead_dept": _lead_dept(rec["lead_dept"]), "_row": line,
        }
    return list(plans.values())


# -- rows -------------------------------------------------------------------------------------


def _provenance(source: Source, row: int | None) -> dict[str, Any]:
    return {"source": source.name, "synthetic": False, "_row": row}


def _commitment_rows(source: Source, plan: Plan) -> list[dict[str, Any]]:
    start, end = (int(y) for y in plan.cycle.split("-"))
    number = int(plan.plan[3:])
    return [{
        "commitment_id": plan.id(c["code"]), "jurisdiction_id": JURISDICTION, "cycle": plan.cycle,
        "cycle_start": start, "cycle_end": end,
        "action_plan_id": f"AP_CAN{number:02d}",  # OGP's id for Canada's Nth plan, as in the OGP export
        "title_en": c["en"], "title_fr": c["fr"], "url": c["url"], **_provenance(source, c["_row"]),
    } for c in plan.commitments.values()]


def _milestone_rows(source: Source, plan: Plan) -> list[dict[str, Any]]:
    rows = []
    for m in plan.milestones.values():
        mine = [i for i in plan.indicators.values() if i["parent"] == m["code"]]
        depts = list(dict.fromkeys(d.strip() for i in mine if i["lead_dept"] for d in i["lead_dept"].split(",")))
        dues = [i["due_date"] for i in mine if i["due_date"]]
        rows.append({
            "milestone_id": plan.id(m["code"]), "commitment_id": plan.id(m["parent"]),
            "title_en": m["en"], "title_fr": m["fr"],
            "lead_dept": ", ".join(depts) or None,
            "due_date": max(dues) if dues else None,  # the milestone is due when its last indicator is
            "deadline_text_en": _shared_text(i["deadline_en"] for i in mine),
            "deadline_text_fr": _shared_text(i["deadline_fr"] for i in mine),
            **_provenance(source, m["_row"]),
        })
    return rows


def _shared_text(values) -> str | None:
    """The text every indicator agrees on, else None (a milestone has no deadline text of its own)."""
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None


def _indicator_rows(source: Source, plan: Plan) -> list[dict[str, Any]]:
    return [{
        "indicator_id": plan.id(i["code"]), "milestone_id": plan.id(i["parent"]),
        "commitment_id": plan.id(plan.milestones[i["parent"]]["parent"]),
        "title_en": i["en"], "title_fr": i["fr"], "due_date": i["due_date"],
        "deadline_text_en": i["deadline_en"], "deadline_text_fr": i["deadline_fr"], "lead_dept": i["lead_dept"],
        **_provenance(source, i["_row"]),
    } for i in plan.indicators.values()]


# -- status records ---------------------------------------------------------------------------


def _status_files(source: Source, plans: list[Plan]) -> list[tuple[Path, Plan | None]]:
    """Option `status`: a file (or list of files) whose records name their plan by reporting period,
    or a table {nap5 = "file"} that says which plan each file belongs to."""
    option = source.options["status"]
    by_plan = {p.plan.lower(): p for p in plans}
    if isinstance(option, dict):
        out = []
        for key, file in option.items():
            if key.lower() not in by_plan:
                raise source.error(f"status names plan {key!r}, which is not among {sorted(by_plan)}",
                                   column="status", value=key)
            out.append((_status_location(source, file), by_plan[key.lower()]))
        return out
    files = option if isinstance(option, list) else [option]
    return [(_status_location(source, f), None) for f in files]


def _status_location(source: Source, name: str) -> Path | str:
    """A datastore_search address as it is; another address (or, for a source read from a url, a name under it)
    downloaded; else a file beside the schemas."""
    if datastore.is_datastore_url(name):
        return name
    if is_url(name) or source.url:
        return fetch_beside(source, name, "a status file")
    return _folder(source) / name


def _read_status(source: Source, plans: list[Plan]) -> list[dict[str, Any]]:
    rows = []
    for file, fixed_plan in _status_files(source, plans):
        for line, rec in _status_records(source, file):
            plan = fixed_plan or _plan_for(source, file, line, rec, plans)
            rows.append(_status_row(source, file, line, rec, plan))
    return rows


def _status_records(source: Source, file: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (row, record) from a datastore dump: CSV, a JSON list (or datastore_search answer), or JSON Lines."""
    if datastore.is_datastore_url(file):
        yield from datastore.records(source, file)
        return
    file = existing_file(source, file, "status file")
    suffix = file.suffix.lower()
    if suffix == ".csv":
        yield from read_csv(source, file, required=STATUS_COLUMNS)
        return
    with open(file, encoding="utf-8-sig") as fh:
        if suffix in (".jsonl", ".ndjson"):
            for line, text in enumerate(fh, start=1):
                if text.strip():
                    yield line, _json_record(source, file, line, text)
            return
        if suffix != ".json":
            raise source.error("status records must be .csv, .json or .jsonl", file=file)
        try:
            doc = json.load(fh)
        except json.JSONDecodeError as exc:
            raise source.error(f"not valid JSON: {exc.msg}", file=file, row=exc.lineno) from None
    if isinstance(doc, dict):
        doc = (doc.get("result") or doc).get("records")
    if not isinstance(doc, list):
        raise source.error("expected a list of records (or a datastore_search answer)", file=file)
    for i, rec in enumerate(doc, start=1):
        if not isinstance(rec, dict):
            raise source.error("a record must be a JSON object", file=file, row=i, value=rec)
        yield i, rec


def _json_record(source: Source, file: Path, line: int, text: str) -> dict[str, Any]:
    try:
        rec = json.loads(text)
    except json.JSONDecodeError as exc:
        raise source.error(f"not valid JSON: {exc.msg}", file=file, row=line) from None
    if not isinstance(rec, dict):
        raise source.error("a record must be a JSON object", file=file, row=line, value=rec)
    return rec


def _code(value: Any) -> str:
    """A tracker code, from the code itself or the full-text form 'C01.1.1: text'."""
    return str(value or "").split(":", 1)[0].strip()


def _plan_for(source: Source, file: Path, line: int, rec: dict[str, Any], plans: list[Plan]) -> Plan:
    """The plan whose reporting periods include the record's (the datastore only accepts those)."""
    if len(plans) == 1:
        return plans[0]
    period = str(rec.get("reporting_period") or "").strip()
    matches = [p for p in plans if period in p.periods]
    if len(matches) != 1:
        raise source.error("cannot tell which plan this record belongs to (its reporting period is in "
                           f"{len(matches)} plans' schemas); give status as {{nap5 = \"file\"}}", file=file,
                           row=line, column="reporting_period", value=rec.get("reporting_period"))
    return matches[0]


def _status_row(source: Source, file: Path, line: int, rec: dict[str, Any], plan: Plan) -> dict[str, Any]:
    missing = [c for c in STATUS_COLUMNS if c not in rec]
    if missing:
        raise source.error(f"record lacks {missing}", file=file, row=line)
    period = str(rec["reporting_period"] or "").strip()
    m = _PERIOD.fullmatch(period)
    if not m:
        raise source.error("expected a reporting period YYYY-MM", file=file, row=line, column="reporting_period",
                           value=rec["reporting_period"])
    indicator = _code(rec["indicators"])
    if indicator not in plan.indicators:
        raise source.error(f"not an indicator of {plan.plan}", file=file, row=line, column="indicators",
                           value=rec["indicators"])
    milestone = plan.indicators[indicator]["parent"]
    commitment = plan.milestones[milestone]["parent"]
    for column, expected in (("milestones", milestone), ("commitments", commitment)):
        if rec.get(column) not in (None, "") and _code(rec[column]) != expected:
            raise source.error(f"indicator {indicator} belongs to {expected}", file=file, row=line, column=column,
                               value=rec[column])
    try:
        status = progress.normalise(str(rec["status"] or ""), VOCAB)
    except progress.UnknownStatus as exc:
        raise source.error(str(exc), file=file, row=line, column="status", value=rec["status"]) from None
    return {
        "commitment_id": plan.id(commitment), "milestone_id": plan.id(milestone),
        "indicator_id": plan.id(indicator), "reporting_period": period,
        "period_date": dt.date(int(m[1]), int(m[2]), 1),
        "progress": status.progress, "progress_rank": status.rank, "status_code": status.code,
        "status_vocab": VOCAB,
        **{k: (str(rec[k]) if rec.get(k) not in (None, "") else None) for k in STATUS_TEXT},
        "record_modified": parse_timestamp(rec.get("record_modified"), source=source, file=file, row=line,
                                           column="record_modified"),
        **_provenance(source, line),
    }


def _apply_reported(statuses: list[dict[str, Any]], indicators: list[dict[str, Any]],
                    milestones: list[dict[str, Any]], commitments: list[dict[str, Any]]) -> None:
    """Give each milestone and commitment the status its indicators reported, and how many reported.

    Each indicator counts with its latest report. A milestone is complete only when every one of its
    indicators reported complete; a commitment only when every one of its milestones is (the rule is
    dashboard.progress.combine). An indicator that never reported leaves its milestone without a
    complete status, and a milestone with no reported indicator has no status at all.
    """
    latest: dict[str, dict[str, Any]] = {}
    for s in statuses:
        seen = latest.get(s["indicator_id"])
        if seen is None or s["reporting_period"] > seen["reporting_period"]:
            latest[s["indicator_id"]] = s

    def reading(s: dict[str, Any] | None) -> progress.Progress | None:
        return None if s is None else progress.Progress(s["progress"], s["progress_rank"], s["status_code"], VOCAB)

    parts: dict[str, list[progress.Progress | None]] = {m["milestone_id"]: [] for m in milestones}
    for i in sorted(indicators, key=lambda i: _code_key(i["indicator_id"])):
        parts[i["milestone_id"]].append(reading(latest.get(i["indicator_id"])))
    by_commitment: dict[str, list[tuple[progress.Progress | None, int, int]]] = {
        c["commitment_id"]: [] for c in commitments}
    for m in sorted(milestones, key=lambda m: _code_key(m["milestone_id"])):
        mine = parts[m["milestone_id"]]
        status = progress.combine(mine)
        reported = sum(p is not None for p in mine)
        _set_status(m, status, len(mine), reported)
        by_commitment[m["commitment_id"]].append((status, len(mine), reported))
    for c in commitments:
        mine = by_commitment[c["commitment_id"]]
        _set_status(c, progress.combine([status for status, _, _ in mine]),
                    sum(total for _, total, _ in mine), sum(reported for _, _, reported in mine))


def _set_status(row: dict[str, Any], status: progress.Progress | None, total: int, reported: int) -> None:
    row.update(progress=status.progress if status else None, progress_rank=status.rank if status else None,
               status_code=status.code if status else None, status_vocab=VOCAB if status else None,
               indicators_total=total, indicators_reported=reported)


def _code_key(text: str) -> list:
    """Order tracker ids as numbers: C01.2 before C01.10."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.findall(r"\d+|\D+", text)]
