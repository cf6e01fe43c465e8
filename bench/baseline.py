"""The pandas baseline for `ogdash bench`: the same app, its queries answered by an idiomatic in-memory pandas layer.

This is how a typical Dash app is written: every table is read into a DataFrame once at start,
and each callback filters and groups those frames with vectorised pandas. It is meant to be a
fair opponent, not a straw man: dates are converted once at load, the joins every callback would
otherwise repeat (a row's jurisdiction level, a milestone's commitment) are done once at load,
filters are boolean masks with `isin`, and nothing is looped over in Python. It caches nothing,
as such apps usually do not.

`query(name, **params)` returns the same columns, in the same order, as `data.query(name, ...)`.
Run `python -m bench.baseline --data-dir DIR --port P` (from the checkout) to serve the dashboard with
`data.query` replaced by it; `ogdash bench` does so to time the baseline through the same HTTP
endpoint as the real app.
"""

from __future__ import annotations

import argparse
import inspect
import os
import re
import sys
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from dashboard import config, data, progress, schema, snapshots
from dashboard.app import create_app

_DATE_COLUMNS = {
    "commitments": ("start_date", "end_date"),
    "milestones": ("start_date", "due_date"),
    "milestone_status": ("period_date",),
    "indicators": ("due_date",),
    "datasets": ("published",),
    "learning_events": ("period_start", "period_end"),
    "portal_metrics": ("date",),
}


class Frames:
    """Every table of one snapshot as a DataFrame, with the joins callbacks need done once."""

    def __init__(self, snap: snapshots.Snapshot) -> None:
        self.snapshot = snap
        t: dict[str, pd.DataFrame] = {}
        self.columns = {name: list(declared.names) for name, declared in schema.TABLES.items()}
        for name in schema.TABLES:
            frame = pd.read_parquet(snap.table_path(name))
            for col in _DATE_COLUMNS.get(name, ()):
                frame[col] = pd.to_datetime(frame[col])
            t[name] = frame
        jur = t["jurisdictions"]
        self.level_of = jur.set_index("jurisdiction_id")["level"]
        for name in ("commitments", "datasets", "learning_events"):
            t[name]["level"] = t[name]["jurisdiction_id"].map(self.level_of)
        t["commitments"] = t["commitments"].merge(_plan_numbers(t["commitments"]), on=["jurisdiction_id", "cycle"],
                                                  how="left")
        by_commitment = t["commitments"].set_index("commitment_id")
        ms = t["milestones"]
        ms["jurisdiction_id"] = ms["commitment_id"].map(by_commitment["jurisdiction_id"])
        ms["cycle"] = ms["commitment_id"].map(by_commitment["cycle"])
        ms["level"] = ms["jurisdiction_id"].map(self.level_of)
        self.t = t


def _plan_numbers(c: pd.DataFrame) -> pd.DataFrame:
    """Return each (jurisdiction_id, cycle) with its plan_number and plan_number_basis, as rollups/action_plans.sql does."""
    stated = pd.to_numeric(c["action_plan_id"].astype("string").str.extract(r"^AP_[A-Z]+([0-9]+)$")[0],
                           errors="coerce")
    plans = c.assign(_stated=stated).groupby(["jurisdiction_id", "cycle"], sort=False).agg(
        cycle_start=("cycle_start", "min"), cycle_end=("cycle_end", "max"), low=("_stated", "min"),
        high=("_stated", "max")).reset_index()
    plans["stated"] = plans["low"].where(plans["low"] == plans["high"])
    plans = plans.sort_values(["jurisdiction_id", "cycle_start", "cycle_end", "cycle"], kind="stable")
    plans["place"] = plans.groupby("jurisdiction_id").cumcount() + 1
    offset = (plans["stated"] - plans["place"]).groupby(plans["jurisdiction_id"])
    counted = plans["place"] + offset.ffill().fillna(offset.bfill()).fillna(0)
    plans["plan_number"] = plans["stated"].where(plans["stated"].notna(), counted.where(counted >= 1))
    plans["plan_number_basis"] = np.where(plans["stated"].notna(), "stated", "counted")
    return plans[["jurisdiction_id", "cycle", "plan_number", "plan_number_basis"]]


def _names(values) -> np.ndarray:
    """Return the distinct values in order, as the list DuckDB's list(distinct x order by x) gives."""
    return np.array(sorted(set(values.dropna())), dtype=object)


def _mask(frame: pd.DataFrame, *, jurisdictions=(), levels=(), cycles=(), date_col: str | None = None,
          date_from=None, date_to=None) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    if jurisdictions:
        mask &= frame["jurisdiction_id"].isin(list(jurisdictions))
    if levels:
        mask &= frame["level"].isin(list(levels))
    if cycles:
        mask &= frame["cycle"].isin(list(cycles))
    if date_col is not None:
        if date_from is not None:
            mask &= frame[date_col] >= pd.Timestamp(date_from)
        if date_to is not None:
            mask &= frame[date_col] <= pd.Timestamp(date_to)
    return mask


def _limit(frame: pd.DataFrame, limit) -> pd.DataFrame:
    frame = frame.reset_index(drop=True)
    return frame.head(int(limit)) if limit is not None else frame


# ---------------------------------------------------------------- one function per query

def filter_options(f: Frames) -> pd.DataFrame:
    j = f.t["jurisdictions"]
    jur = pd.DataFrame({
        "kind": "jurisdiction",
        "value": j["jurisdiction_id"],
        "label_en": j["name_en"],
        "label_fr": j["name_fr"].fillna(j["name_en"]),
        "level": j["level"],
    })
    cycles = pd.Series(f.t["commitments"]["cycle"].unique())
    cyc = pd.DataFrame({"kind": "cycle", "value": cycles, "label_en": cycles, "label_fr": cycles, "level": None})
    out = pd.concat([jur, cyc], ignore_index=True)
    return out.sort_values(["kind", "label_en"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _completion_groups(c: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    c = c.assign(cos=c["progress_rank"] >= 2)
    g = c.groupby(keys, sort=False, dropna=False)
    out = g.agg(
        cycle_start=("cycle_start", "min"),
        cycle_end=("cycle_end", "max"),
        commitments=("commitment_id", "size"),
        assessed=("progress_rank", "count"),
        complete_or_substantial=("cos", "sum"),
        synthetic_rows=("synthetic", "sum"),
    ).reset_index()
    out["share"] = out["complete_or_substantial"] / out["assessed"].where(out["assessed"] > 0)
    return out


def completion_by_jurisdiction_cycle(f: Frames, jurisdictions, levels, cycles, min_assessed) -> pd.DataFrame:
    c = f.t["commitments"]
    c = c[_mask(c, jurisdictions=jurisdictions, levels=levels, cycles=cycles)]
    out = _completion_groups(c, ["jurisdiction_id", "cycle"])
    plans = c.groupby(["jurisdiction_id", "cycle"], sort=False)
    out["plan_number"] = [plans["plan_number"].min()[key] for key in zip(out["jurisdiction_id"], out["cycle"])]
    out["plan_number_basis"] = [plans["plan_number_basis"].min()[key] for key in zip(out["jurisdiction_id"], out["cycle"])]
    out["sources"] = [_names(plans.get_group(key)["source"]) for key in zip(out["jurisdiction_id"], out["cycle"])]
    out["low_confidence"] = (out["assessed"] > 0) & (out["assessed"] < int(min_assessed))
    names = f.t["jurisdictions"].set_index("jurisdiction_id")
    out["jurisdiction_name_en"] = out["jurisdiction_id"].map(names["name_en"])
    out["jurisdiction_name_fr"] = out["jurisdiction_id"].map(names["name_fr"])
    out["level"] = out["jurisdiction_id"].map(names["level"])
    out = out.sort_values(["jurisdiction_id", "cycle_start", "cycle"], kind="stable")
    return out[["jurisdiction_id", "jurisdiction_name_en", "jurisdiction_name_fr", "level", "cycle", "cycle_start",
                "cycle_end", "plan_number", "plan_number_basis", "commitments", "assessed", "complete_or_substantial",
                "share", "low_confidence", "sources", "synthetic_rows"]].reset_index(drop=True)


def _positioned(c: pd.DataFrame, align) -> pd.DataFrame:
    """Return the commitments with the place they take in the plan comparison (start year, or plan number)."""
    return c.assign(position=c["cycle_start"] if align == "year" else c["plan_number"])


def completion_by_cycle(f: Frames, jurisdictions, levels, cycles, align, min_assessed) -> pd.DataFrame:
    c = f.t["commitments"]
    c = _positioned(c[_mask(c, jurisdictions=jurisdictions, levels=levels, cycles=cycles)], align)
    out = _completion_groups(c, ["position"])
    groups = c.groupby("position", dropna=False, sort=False)
    out["cycles"] = [_names(groups.get_group(p)["cycle"]) if pd.notna(p) else
                     _names(c.loc[c["position"].isna(), "cycle"]) for p in out["position"]]
    out["sources"] = [_names(groups.get_group(p)["source"]) if pd.notna(p) else
                      _names(c.loc[c["position"].isna(), "source"]) for p in out["position"]]
    out["jurisdictions"] = [c.loc[c["position"] == p if pd.notna(p) else c["position"].isna(),
                                  "jurisdiction_id"].nunique() for p in out["position"]]
    out["low_confidence"] = (out["assessed"] > 0) & (out["assessed"] < int(min_assessed))
    out = out.sort_values(["position", "cycle_start"], na_position="last", kind="stable")
    return out[["position", "cycle_start", "cycle_end", "cycles", "jurisdictions", "commitments", "assessed",
                "complete_or_substantial", "share", "low_confidence", "sources", "synthetic_rows"]].reset_index(
        drop=True)


def milestone_status_counts(f: Frames, jurisdictions, levels, cycles) -> pd.DataFrame:
    m = f.t["milestones"]
    m = m[_mask(m, jurisdictions=jurisdictions, levels=levels, cycles=cycles)]
    keys = ["progress", "progress_rank", "status_vocab", "status_code"]
    out = m.groupby(keys, dropna=False, sort=False).agg(
        milestones=("milestone_id", "size"), synthetic_rows=("synthetic", "sum")).reset_index()
    out = out.sort_values(["progress_rank", "progress", "status_vocab", "status_code"], na_position="last",
                          kind="stable")
    return out.reset_index(drop=True)


def overdue_milestones(f: Frames, as_of, stale_periods, horizon_days, jurisdictions, levels, cycles,
                       limit) -> pd.DataFrame:
    as_of = pd.Timestamp(as_of)
    m = f.t["milestones"]
    m = m[_mask(m, jurisdictions=jurisdictions, levels=levels, cycles=cycles)
          & (m["progress"].ne("withdrawn") | m["progress"].isna())]
    h = f.t["milestone_status"]
    if len(m) < len(f.t["milestones"]):
        h = h[h["milestone_id"].isin(m["milestone_id"])]
    h = h[["milestone_id", "indicator_id", "period_date", "reporting_period", "status_vocab", "status_code"]]
    h = h.assign(series_id=h["indicator_id"].fillna(""),
                 status_key=h["status_vocab"] + ":" + h["status_code"].str.lower())
    h = h.sort_values(["milestone_id", "series_id", "period_date"], ascending=[True, True, False])
    series = h.groupby(["milestone_id", "series_id"], sort=False)
    h["periods_back"] = series.cumcount() + 1
    h["latest_status_key"] = series["status_key"].transform("first")
    h["series_latest"] = series["period_date"].transform("max")
    h["milestone_latest"] = h.groupby("milestone_id", sort=False)["period_date"].transform("max")
    current = h[h["series_latest"] == h["milestone_latest"]]
    changed = current[current["status_key"] != current["latest_status_key"]]
    first_change = changed.groupby(["milestone_id", "series_id"])["periods_back"].min() - 1
    counts = current.groupby(["milestone_id", "series_id"]).size()
    runs = first_change.reindex(counts.index).fillna(counts).astype("int64")
    periods_unchanged = runs.groupby(level="milestone_id").min()
    latest = current[current["periods_back"] == 1].groupby("milestone_id")["reporting_period"].first()

    c = f.t["commitments"].set_index("commitment_id")
    names = f.t["jurisdictions"].set_index("jurisdiction_id")
    out = pd.DataFrame({
        "milestone_id": m["milestone_id"],
        "commitment_id": m["commitment_id"],
        "jurisdiction_id": m["jurisdiction_id"],
        "jurisdiction_name_en": m["jurisdiction_id"].map(names["name_en"]),
        "jurisdiction_name_fr": m["jurisdiction_id"].map(names["name_fr"]),
        "level": m["level"],
        "cycle": m["cycle"],
        "title_en": m["title_en"],
        "title_fr": m["title_fr"],
        "commitment_title_en": m["commitment_id"].map(c["title_en"]),
        "commitment_title_fr": m["commitment_id"].map(c["title_fr"]),
        "due_date": m["due_date"],
        "days_overdue": (as_of - m["due_date"]).dt.days.astype("Int64"),
        "progress": m["progress"],
        "progress_rank": m["progress_rank"],
        "status_code": m["status_code"],
        "status_vocab": m["status_vocab"],
        "indicators_total": m["indicators_total"],
        "indicators_reported": m["indicators_reported"],
        "latest_period": m["milestone_id"].map(latest),
        "periods_unchanged": m["milestone_id"].map(periods_unchanged).astype("Int64"),
    })
    reported = m["progress"].notna()
    done = m["progress"].isin([progress.COMPLETE, *progress.NOTHING_EXPECTED])
    rank = m["progress_rank"].astype("float64")
    due = m["due_date"]
    past = (due < as_of).fillna(False).astype(bool)
    overdue = reported & ~done & past
    stalled = reported & ~done & (out["periods_unchanged"] >= int(stale_periods)).fillna(False).astype(bool)
    soon = ~done & (rank < progress.SUBSTANTIAL_RANK) & (due >= as_of) \
        & (due <= as_of + pd.Timedelta(days=int(horizon_days)))
    unreported = ~reported & past
    out["reason"] = np.select([overdue, stalled, soon.fillna(False).astype(bool), unreported],
                              [progress.OVERDUE, progress.STALLED, progress.DUE_SOON, progress.PAST_DUE_UNREPORTED],
                              default=None)
    out["synthetic"] = m["synthetic"]
    out = out[out["reason"].notna()]
    out = out.assign(_order=(~out["reason"].isin(progress.REPORTED_REASONS)).astype(int))
    out = out.sort_values(["_order", "days_overdue", "milestone_id"], ascending=[True, False, True],
                          na_position="last", kind="stable").drop(columns="_order")
    return _limit(out, limit)


def attention_counts(f: Frames, as_of, stale_periods, horizon_days, jurisdictions, levels, cycles) -> pd.DataFrame:
    rows = overdue_milestones(f, as_of, stale_periods, horizon_days, jurisdictions, levels, cycles, None)
    out = rows.groupby("reason").agg(milestones=("milestone_id", "size"), synthetic_rows=("synthetic", "sum"))
    return out.reset_index().sort_values("reason").reset_index(drop=True)


def _dated_datasets(f: Frames, jurisdictions, levels) -> pd.DataFrame:
    d = f.t["datasets"]
    return d[d["published"].notna() & _mask(d, jurisdictions=jurisdictions, levels=levels)]


def _loaded(d: pd.DataFrame) -> pd.Series:
    """Records a catalogue load put in the catalogue (dashboard/releases.py); null reads as false."""
    return d["catalogue_load"].fillna(False).astype(bool)


def _released_in_period(d: pd.DataFrame, date_from, date_to) -> pd.DataFrame:
    """A period counts releases only: with either end set, catalogue-load records are left out."""
    return d if date_from is None and date_to is None else d[~_loaded(d)]


def releases_by_month(f: Frames, jurisdictions, levels, date_from, date_to) -> pd.DataFrame:
    d = _dated_datasets(f, jurisdictions, levels)
    in_range = d[_mask(d, date_col="published", date_from=date_from, date_to=date_to)]
    before = int((d["published"] < pd.Timestamp(date_from)).sum()) if date_from is not None else 0
    month = in_range["published"].dt.to_period("M").dt.to_timestamp()
    monthly = in_range.assign(load=_loaded(in_range), release=~_loaded(in_range)).groupby(month).agg(
        all=("dataset_id", "size"), datasets=("release", "sum"), loads=("load", "sum"),
        synthetic_rows=("synthetic", "sum"))
    if monthly.empty:
        return pd.DataFrame({"month": [], "datasets": [], "catalogue_load_datasets": [], "cumulative_datasets": [],
                             "synthetic_rows": []})
    first = pd.Timestamp(date_from).to_period("M").to_timestamp() if date_from is not None else monthly.index.min()
    last = pd.Timestamp(date_to).to_period("M").to_timestamp() if date_to is not None else monthly.index.max()
    months = pd.date_range(first, last, freq="MS")
    monthly = monthly.reindex(months, fill_value=0)
    out = pd.DataFrame({
        "month": months,
        "datasets": monthly["datasets"].to_numpy("int64"),
        "catalogue_load_datasets": monthly["loads"].to_numpy("int64"),
        "cumulative_datasets": before + monthly["all"].cumsum().to_numpy("int64"),
        "synthetic_rows": monthly["synthetic_rows"].to_numpy("int64"),
    })
    return out


def releases_by_year(f: Frames, jurisdictions, levels, date_from, date_to) -> pd.DataFrame:
    d = _dated_datasets(f, jurisdictions, levels)
    in_range = d[_mask(d, date_col="published", date_from=date_from, date_to=date_to)]
    before = int((d["published"] < pd.Timestamp(date_from)).sum()) if date_from is not None else 0
    yearly = in_range.assign(load=_loaded(in_range), release=~_loaded(in_range)).groupby(
        in_range["published"].dt.year).agg(all=("dataset_id", "size"), datasets=("release", "sum"),
                                           loads=("load", "sum"), synthetic_rows=("synthetic", "sum"))
    if yearly.empty:
        return pd.DataFrame({"year": [], "datasets": [], "catalogue_load_datasets": [], "cumulative_datasets": [],
                             "synthetic_rows": []})
    first = pd.Timestamp(date_from).year if date_from is not None else int(yearly.index.min())
    last = pd.Timestamp(date_to).year if date_to is not None else int(yearly.index.max())
    yearly = yearly.reindex(range(first, last + 1), fill_value=0)
    return pd.DataFrame({
        "year": np.arange(first, last + 1, dtype="int32"),
        "datasets": yearly["datasets"].to_numpy("int64"),
        "catalogue_load_datasets": yearly["loads"].to_numpy("int64"),
        "cumulative_datasets": before + yearly["all"].cumsum().to_numpy("int64"),
        "synthetic_rows": yearly["synthetic_rows"].to_numpy("int64"),
    })


def releases_by_period(f: Frames, grain, jurisdictions, levels, date_from, date_to) -> pd.DataFrame:
    by = {"month": releases_by_month, "year": releases_by_year}.get(grain)
    if by is None:  # the query compares the grain as a value: any other returns no rows and no period column
        return pd.DataFrame({c: [] for c in ("datasets", "catalogue_load_datasets", "cumulative_datasets",
                                             "synthetic_rows")})
    return by(f, jurisdictions, levels, date_from, date_to)


def releases_by_dimension(f: Frames, dimension, jurisdictions, levels, date_from, date_to, limit) -> pd.DataFrame:
    d = f.t["datasets"]
    d = d[_mask(d, jurisdictions=jurisdictions, levels=levels, date_col="published", date_from=date_from,
                date_to=date_to)]
    d = _released_in_period(d, date_from, date_to)
    d = d.assign(loaded=_loaded(d).astype("int64"))
    columns = ["dimension", "value", "label_en", "label_fr", "datasets", "synthetic_rows", "catalogue_load_datasets"]
    if dimension == "jurisdiction":
        names = f.t["jurisdictions"].set_index("jurisdiction_id")
        out = d.groupby("jurisdiction_id", dropna=False).agg(
            datasets=("dataset_id", "size"), synthetic_rows=("synthetic", "sum"),
            catalogue_load_datasets=("loaded", "sum")).reset_index()
        out = out.rename(columns={"jurisdiction_id": "value"})
        out["label_en"] = out["value"].map(names["name_en"])
        out["label_fr"] = out["value"].map(names["name_fr"])
    elif dimension == "organization":
        out = d.groupby("organization", dropna=False).agg(
            label_en=("organization_title_en", "max"), label_fr=("organization_title_fr", "max"),
            datasets=("dataset_id", "size"), synthetic_rows=("synthetic", "sum"),
            catalogue_load_datasets=("loaded", "sum")).reset_index()
        out = out.rename(columns={"organization": "value"})
    elif dimension == "format":
        exploded = d[["portal", "dataset_id", "formats", "synthetic", "loaded"]].explode("formats")
        exploded = exploded[exploded["formats"].notna()]
        exploded["value"] = exploded["formats"].str.strip().str.upper()
        exploded = exploded[exploded["value"] != ""].drop_duplicates(["portal", "dataset_id", "value", "synthetic", "loaded"])
        out = exploded.groupby("value").agg(datasets=("dataset_id", "size"), synthetic_rows=("synthetic", "sum"),
                                            catalogue_load_datasets=("loaded", "sum")).reset_index()
        out["label_en"] = out["value"]
        out["label_fr"] = out["value"]
    elif dimension == "licence":
        out = d.groupby("licence", dropna=False).agg(
            datasets=("dataset_id", "size"), synthetic_rows=("synthetic", "sum"),
            catalogue_load_datasets=("loaded", "sum")).reset_index()
        out = out.rename(columns={"licence": "value"})
        out["label_en"] = out["value"]
        out["label_fr"] = out["value"]
    else:
        return pd.DataFrame({c: [] for c in columns})
    out["dimension"] = dimension
    out = out.sort_values(["datasets", "value"], ascending=[False, True], na_position="last", kind="stable")
    return _limit(out[columns], limit)


def top_publishers(f: Frames, jurisdictions, levels, date_from, date_to, limit) -> pd.DataFrame:
    d = f.t["datasets"]
    d = d[d["organization"].notna() & _mask(d, jurisdictions=jurisdictions, levels=levels, date_col="published",
                                            date_from=date_from, date_to=date_to)]
    d = _released_in_period(d, date_from, date_to)
    loaded = _loaded(d)
    d = d.assign(release_date=d["published"].where(~loaded),  # a load's date is no release date
                 loaded=loaded.astype("int64"))
    out = d.groupby(["jurisdiction_id", "portal", "organization"]).agg(
        organization_title_en=("organization_title_en", "max"),
        organization_title_fr=("organization_title_fr", "max"),
        datasets=("dataset_id", "size"),
        first_published=("release_date", "min"),
        last_published=("release_date", "max"),
        synthetic_rows=("synthetic", "sum"),
        catalogue_load_datasets=("loaded", "sum"),
    ).reset_index()
    out = out.sort_values(["datasets", "organization", "portal"], ascending=[False, True, True], kind="stable")
    out = _limit(out, limit)
    return out[["organization", "organization_title_en", "organization_title_fr", "portal", "jurisdiction_id",
                "datasets", "first_published", "last_published", "synthetic_rows", "catalogue_load_datasets"]]


def _learning(f: Frames, jurisdictions, levels, date_from, date_to) -> pd.DataFrame:
    e = f.t["learning_events"]
    return e[_mask(e, jurisdictions=jurisdictions, levels=levels, date_col="period_start", date_from=date_from,
                   date_to=date_to)]


def learning_reach(f: Frames, jurisdictions, levels, date_from, date_to) -> pd.DataFrame:
    e = _learning(f, jurisdictions, levels, date_from, date_to)
    keys = ["period", "period_start", "period_end", "jurisdiction_id", "organizer"]
    out = e.groupby(keys, sort=False).agg(
        events=("events", "sum"), learners=("learners", "sum"),
        organisations=("organisations", lambda s: s.sum(min_count=1)),
        synthetic_rows=("synthetic", "sum")).reset_index()
    names = f.t["jurisdictions"].set_index("jurisdiction_id")
    out["jurisdiction_name_en"] = out["jurisdiction_id"].map(names["name_en"])
    out["jurisdiction_name_fr"] = out["jurisdiction_id"].map(names["name_fr"])
    out["level"] = out["jurisdiction_id"].map(names["level"])
    out["learners_per_event"] = out["learners"] / out["events"].where(out["events"] != 0)
    out = out.sort_values(["period_start", "period_end", "jurisdiction_id", "organizer"], kind="stable")
    return out[["period", "period_start", "period_end", "jurisdiction_id", "jurisdiction_name_en",
                "jurisdiction_name_fr", "level", "organizer", "events", "learners", "organisations",
                "learners_per_event", "synthetic_rows"]].reset_index(drop=True)


def learning_reach_by_period(f: Frames, jurisdictions, levels, date_from, date_to) -> pd.DataFrame:
    e = _learning(f, jurisdictions, levels, date_from, date_to)
    out = e.groupby(["period", "period_start", "period_end"], sort=False).agg(
        jurisdictions=("jurisdiction_id", "nunique"), organizers=("organizer", "nunique"),
        events=("events", "sum"), learners=("learners", "sum"),
        organisations=("organisations", lambda s: s.sum(min_count=1)),
        synthetic_rows=("synthetic", "sum")).reset_index()
    out["learners_per_event"] = out["learners"] / out["events"].where(out["events"] != 0)
    out = out.sort_values(["period_start", "period_end"], kind="stable")
    return out[["period", "period_start", "period_end", "jurisdictions", "organizers", "events", "learners",
                "organisations", "learners_per_event", "synthetic_rows"]].reset_index(drop=True)


def commitment_progress_by_cycle(f: Frames, jurisdictions, levels, cycles, align) -> pd.DataFrame:
    c = f.t["commitments"]
    c = _positioned(c[_mask(c, jurisdictions=jurisdictions, levels=levels, cycles=cycles)], align)
    key = c["position"].fillna(-1)
    c = c.assign(_position=key, _progress=c["progress"].fillna("\0"))
    groups = c.groupby(["_position", "_progress"], sort=False)
    out = groups.agg(position=("position", "first"), cycle_start=("cycle_start", "min"),
                     progress=("progress", "first"), progress_rank=("progress_rank", "min"),
                     commitments=("commitment_id", "size"), synthetic_rows=("synthetic", "sum")).reset_index()
    out["cycles"] = [_names(groups.get_group(k)["cycle"]) for k in zip(out["_position"], out["_progress"])]
    out["sources"] = [_names(groups.get_group(k)["source"]) for k in zip(out["_position"], out["_progress"])]
    out["jurisdictions"] = out["_position"].map(c.groupby("_position")["jurisdiction_id"].nunique())
    out = out.sort_values(["position", "progress_rank", "progress"], na_position="last", kind="stable")
    return out[["position", "cycle_start", "cycles", "jurisdictions", "progress", "progress_rank", "commitments",
                "sources", "synthetic_rows"]].reset_index(drop=True)


def commitment_impact_completion(f: Frames, jurisdictions, levels, cycles, statuses) -> pd.DataFrame:
    c = f.t["commitments"]
    mask = _mask(c, jurisdictions=jurisdictions, levels=levels, cycles=cycles)
    if statuses:
        mask &= c["progress"].isin(list(statuses))
    c = c[mask]
    c = c.assign(potential_impact_missing=c["potential_impact_missing"].str.upper().where(
        c["potential_impact"].isna()))
    out = c.groupby(["potential_impact", "potential_impact_missing", "progress"], dropna=False, sort=False).agg(
        progress_rank=("progress_rank", "min"), commitments=("commitment_id", "size"),
        sources=("source", _names), synthetic_rows=("synthetic", "sum")).reset_index()
    out = out.sort_values(["potential_impact", "potential_impact_missing", "progress_rank", "progress"],
                          na_position="last", kind="stable")
    return out.reset_index(drop=True)


def commitments_list(f: Frames, jurisdictions, levels, cycles, statuses, q, limit, offset) -> pd.DataFrame:
    c = f.t["commitments"]
    mask = _mask(c, jurisdictions=jurisdictions, levels=levels, cycles=cycles)
    if statuses:
        mask &= c["progress"].isin(list(statuses))
    q = (q or "").strip().lower()
    a = f.t["aliases"]
    a = a[(a["record"] == "commitment") & a["alias_id"].str.lower().str.contains(q, regex=False)] if q else a[:0]
    if q:
        mask &= (c["commitment_id"].str.lower().str.contains(q, regex=False)
                 | c["commitment_id"].isin(a["canonical_id"])
                 | c["title_en"].fillna("").str.lower().str.contains(q, regex=False)
                 | c["title_fr"].fillna("").str.lower().str.contains(q, regex=False))
    c = c[mask]
    names = f.t["jurisdictions"].set_index("jurisdiction_id")
    exact = c["commitment_id"].str.lower() == q
    exact |= c["commitment_id"].isin(a.loc[a["alias_id"].str.lower() == q, "canonical_id"])
    out = c.assign(jurisdiction_name_en=c["jurisdiction_id"].map(names["name_en"]),
                   jurisdiction_name_fr=c["jurisdiction_id"].map(names["name_fr"]),
                   total=len(c), exact_id=exact)
    out = out.sort_values(["exact_id", "jurisdiction_id", "cycle_start", "commitment_id"],
                          ascending=[False, True, False, True], kind="stable")
    out = out.iloc[int(offset or 0):]
    out = _limit(out, limit)
    return out[["commitment_id", "jurisdiction_id", "jurisdiction_name_en", "jurisdiction_name_fr", "cycle",
                "title_en", "title_fr", "progress", "progress_rank", "status_code", "status_vocab", "synthetic",
                "total"]]


def _natural(milestone_id: str) -> tuple:
    return tuple(part.zfill(12) if part.isdigit() else part for part in re.findall(r"\d+|\D+", milestone_id))


def commitment_milestones(f: Frames, commitment_id, as_of) -> pd.DataFrame:
    as_of = pd.Timestamp(as_of)
    m = f.t["milestones"]
    m = m[m["commitment_id"] == commitment_id]
    ind = f.t["indicators"]
    indicators = ind[ind["commitment_id"] == commitment_id].groupby("milestone_id").size()
    st = f.t["milestone_status"]
    st = st[st["commitment_id"] == commitment_id].groupby("milestone_id")["reporting_period"]
    out = m[f.columns["milestones"]].drop(columns=["source", "synthetic"])
    out = out.assign(
        indicators=m["milestone_id"].map(indicators).fillna(0).astype("int64"),
        latest_period=m["milestone_id"].map(st.max()),
        periods_reported=m["milestone_id"].map(st.nunique()).fillna(0).astype("int64"),
        as_of=as_of,
        days_overdue=(as_of - m["due_date"]).dt.days.astype("Int64"),
        past_due=_past_due(m, as_of),
        overdue=_past_due(m, as_of).eq(progress.OVERDUE),
        source=m["source"],
        synthetic=m["synthetic"],
    )
    out = out.assign(_key=out["milestone_id"].map(_natural)).sort_values(["_key", "milestone_id"], kind="stable")
    return out.drop(columns="_key").reset_index(drop=True)


def _past_due(m: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """The past_due_state macro: overdue (reported, not complete, past due), past_due_unreported, else None."""
    past = (m["due_date"] < as_of).fillna(False).astype(bool)
    unreported = past & m["progress"].isna()
    overdue = past & m["progress"].notna() & ~m["progress"].isin([progress.COMPLETE, *progress.NOTHING_EXPECTED])
    return pd.Series(np.select([unreported, overdue], [progress.PAST_DUE_UNREPORTED, progress.OVERDUE], default=None),
                     index=m.index, dtype=object)


def commitment_status_history(f: Frames, commitment_id) -> pd.DataFrame:
    s = f.t["milestone_status"]
    s = s[s["commitment_id"] == commitment_id]
    titles = f.t["milestones"].set_index("milestone_id")
    out = pd.DataFrame({
        "commitment_id": s["commitment_id"], "milestone_id": s["milestone_id"], "indicator_id": s["indicator_id"],
        "series_id": s["indicator_id"].fillna(s["milestone_id"]),
        "milestone_title_en": s["milestone_id"].map(titles["title_en"]),
        "milestone_title_fr": s["milestone_id"].map(titles["title_fr"]),
        "reporting_period": s["reporting_period"], "period_date": s["period_date"], "progress": s["progress"],
        "progress_rank": s["progress_rank"], "status_code": s["status_code"], "status_vocab": s["status_vocab"],
        "progress_en": s["progress_en"], "progress_fr": s["progress_fr"], "source": s["source"],
        "synthetic": s["synthetic"],
    })
    return out.sort_values(["series_id", "period_date"], kind="stable").reset_index(drop=True)


def commitment_record(f: Frames, commitment_id) -> pd.DataFrame:
    c = f.t["commitments"]
    c = c[c["commitment_id"] == commitment_id][f.columns["commitments"]]
    names = f.t["jurisdictions"].set_index("jurisdiction_id")
    return c.assign(
        jurisdiction_name_en=c["jurisdiction_id"].map(names["name_en"]),
        jurisdiction_name_fr=c["jurisdiction_id"].map(names["name_fr"]),
        level=c["jurisdiction_id"].map(names["level"]),
        milestones=int((f.t["milestones"]["commitment_id"] == commitment_id).sum()),
        dated_milestones=int(f.t["milestones"].loc[f.t["milestones"]["commitment_id"] == commitment_id,
                                                   "due_date"].notna().sum()),
        status_rows=int((f.t["milestone_status"]["commitment_id"] == commitment_id).sum()),
        datasets=int((f.t["datasets"]["commitment_id"] == commitment_id).sum()),
        learning_rows=int((f.t["learning_events"]["commitment_id"] == commitment_id).sum()),
    ).reset_index(drop=True)


def commitment_datasets(f: Frames, commitment_id) -> pd.DataFrame:
    d = f.t["datasets"]
    d = d[d["commitment_id"] == commitment_id]
    d = d.sort_values(["published", "portal", "dataset_id"], ascending=[False, True, True], na_position="last",
                      kind="stable")
    return d[["portal", "dataset_id", "title_en", "title_fr", "organization", "organization_title_en",
              "organization_title_fr", "published", "licence", "formats", "synthetic"]].reset_index(drop=True)


def commitment_learning(f: Frames, commitment_id) -> pd.DataFrame:
    e = f.t["learning_events"]
    e = e[e["commitment_id"] == commitment_id]
    e = e.sort_values(["period_start", "organizer", "event_type"], na_position="last", kind="stable")
    return e[["period", "period_start", "period_end", "jurisdiction_id", "organizer", "event_type", "topic", "events",
              "learners", "organisations", "synthetic"]].reset_index(drop=True)


def datasets_summary(f: Frames, jurisdictions, levels, date_from, date_to) -> pd.DataFrame:
    d = f.t["datasets"]
    d = d[_mask(d, jurisdictions=jurisdictions, levels=levels, date_col="published", date_from=date_from,
                date_to=date_to)]
    loads = int(_loaded(d).sum())
    releases = d[~_loaded(d)]
    d = _released_in_period(d, date_from, date_to)
    named = d[d["organization"].notna()]
    return pd.DataFrame({
        "datasets": [len(d)],
        "dated_datasets": [int(d["published"].notna().sum())],
        "catalogue_load_datasets": [loads],
        "publishers": [len(named[["portal", "organization"]].drop_duplicates())],
        "portals": [d["portal"].nunique()],
        "first_published": [releases["published"].min()],
        "last_published": [releases["published"].max()],
        "synthetic_rows": [int(d["synthetic"].sum())],
    })


def datasets_portal_metrics(f: Frames, date_from, date_to) -> pd.DataFrame:
    m = f.t["portal_metrics"]
    m = m[_mask(m, date_col="date", date_from=date_from, date_to=date_to)]
    columns = ["portal", "metric", "date", "value", "is_outlier", "outlier_reason", "synthetic", "days"]
    flagged = m[m["is_outlier"]].assign(days=1)
    series = m.groupby(["portal", "metric"])["date"]
    span = (series.transform("max") - series.transform("min")).dt.days
    weekly, monthly = span > 366, span > 1096

    def bucket(d: pd.DataFrame) -> pd.Series:
        week = d["date"].dt.to_period("W-SUN").dt.start_time
        month = d["date"].dt.to_period("M").dt.start_time
        return d["date"].where(~weekly[d.index], week).where(~monthly[d.index], month)

    plain = m[~m["is_outlier"]].assign(bucket=bucket)
    plain = plain.sort_values("date", kind="stable")
    buckets = plain.groupby(["portal", "metric", "bucket"], sort=False)
    thinned = buckets.tail(1).set_index(["portal", "metric", "bucket"])[["date", "value"]]  # the latest day's value
    thinned = thinned.join(buckets.agg(synthetic=("synthetic", "any"), days=("date", "size"))).reset_index()
    thinned = thinned.assign(is_outlier=False, outlier_reason=None)
    out = pd.concat([flagged[columns], thinned[columns]], ignore_index=True)
    out["days"] = out["days"].astype("int64")
    out = out.sort_values(["portal", "metric", "date"], kind="stable")
    return out.reset_index(drop=True)


def _sum_or_null(series: pd.Series):
    return series.sum(min_count=1)


def training_by_jurisdiction(f: Frames, jurisdictions, levels, date_from, date_to) -> pd.DataFrame:
    e = _learning(f, jurisdictions, levels, date_from, date_to)
    out = e.groupby("jurisdiction_id").agg(
        organizers=("organizer", "nunique"), events=("events", "sum"), learners=("learners", "sum"),
        organisations=("organisations", _sum_or_null), synthetic_rows=("synthetic", "sum")).reset_index()
    names = f.t["jurisdictions"].set_index("jurisdiction_id")
    out["jurisdiction_name_en"] = out["jurisdiction_id"].map(names["name_en"])
    out["jurisdiction_name_fr"] = out["jurisdiction_id"].map(names["name_fr"])
    out["level"] = out["jurisdiction_id"].map(names["level"])
    out["learners_per_event"] = out["learners"] / out["events"].where(out["events"] != 0)
    out = out.sort_values(["learners", "jurisdiction_id"], ascending=[False, True], kind="stable")
    return out[["jurisdiction_id", "jurisdiction_name_en", "jurisdiction_name_fr", "level", "organizers", "events",
                "learners", "organisations", "learners_per_event", "synthetic_rows"]].reset_index(drop=True)


def training_by_organizer(f: Frames, jurisdictions, levels, date_from, date_to) -> pd.DataFrame:
    e = _learning(f, jurisdictions, levels, date_from, date_to)
    out = e.groupby("organizer").agg(
        jurisdictions=("jurisdiction_id", "nunique"), events=("events", "sum"), learners=("learners", "sum"),
        organisations=("organisations", _sum_or_null), synthetic_rows=("synthetic", "sum")).reset_index()
    out["learners_per_event"] = out["learners"] / out["events"].where(out["events"] != 0)
    out = out.sort_values(["learners", "organizer"], ascending=[False, True], kind="stable")
    return out[["organizer", "jurisdictions", "events", "learners", "organisations", "learners_per_event",
                "synthetic_rows"]].reset_index(drop=True)


def training_linked_commitments(f: Frames, jurisdictions, levels, cycles, date_from, date_to) -> pd.DataFrame:
    e = _learning(f, jurisdictions, levels, date_from, date_to)
    e = e[e["commitment_id"].notna()]
    c = f.t["commitments"].set_index("commitment_id")
    e = e.assign(cycle=e["commitment_id"].map(c["cycle"]), event_type=e["event_type"].fillna(""))
    if cycles:
        e = e[e["cycle"].isin(list(cycles))]
    keys = ["commitment_id", "jurisdiction_id", "organizer", "event_type", "period", "period_start", "period_end"]
    out = e.groupby(keys, sort=False).agg(
        cycle=("cycle", "first"), events=("events", "sum"), learners=("learners", "sum"),
        organisations=("organisations", _sum_or_null), synthetic_rows=("synthetic", "sum")).reset_index()
    out["commitment_title_en"] = out["commitment_id"].map(c["title_en"])
    out["commitment_title_fr"] = out["commitment_id"].map(c["title_fr"])
    out["learners_per_event"] = out["learners"] / out["events"].where(out["events"] != 0)
    out["_synthetic"] = out["synthetic_rows"] > 0
    out = out.sort_values(["_synthetic", "commitment_id", "learners", "organizer", "event_type", "period_start"],
                          ascending=[True, True, False, True, True, True], kind="stable")
    return out[["commitment_id", "commitment_title_en", "commitment_title_fr", "cycle", "jurisdiction_id",
                "organizer", "event_type", "period", "period_start", "period_end", "events", "learners",
                "organisations", "learners_per_event", "synthetic_rows"]].reset_index(drop=True)



def training_linked_totals(f: Frames, jurisdictions, levels, cycles, date_from, date_to, limit) -> pd.DataFrame:
    rows = training_linked_commitments(f, jurisdictions, levels, cycles, date_from, date_to)
    groups = rows.groupby(["commitment_id", "organizer"], dropna=False, sort=False)
    out = groups.agg(events=("events", "sum"), learners=("learners", "sum"), synthetic_rows=("synthetic_rows", "sum"),
                     records=("events", "size")).reset_index()
    out["organisations"] = groups["organisations"].sum(min_count=1).to_numpy()
    out["real"] = out["synthetic_rows"] < out["records"]
    out = out.sort_values(["real", "learners", "commitment_id", "organizer"], ascending=[False, False, True, True],
                          na_position="last", kind="stable")
    if limit is not None:
        out = out.head(limit)
    out = out.sort_values(["commitment_id", "learners", "organizer"], ascending=[True, False, True],
                          na_position="last", kind="stable")
    return out[["commitment_id", "organizer", "events", "learners", "organisations", "synthetic_rows", "records",
                "real"]].reset_index(drop=True)

def training_linked_list(f: Frames, jurisdictions, levels, cycles, date_from, date_to, limit) -> pd.DataFrame:
    rows = training_linked_commitments(f, jurisdictions, levels, cycles, date_from, date_to)
    order = (rows.assign(_generated=rows["synthetic_rows"] > 0).groupby("commitment_id")["_generated"].all()
             .reset_index().sort_values(["_generated", "commitment_id"], kind="stable"))
    kept = order.head(limit) if limit is not None else order
    out = rows.merge(kept, on="commitment_id", how="inner")
    out["_real_last"] = out["synthetic_rows"] > 0
    out = out.sort_values(["_generated", "commitment_id", "_real_last", "learners", "organizer", "event_type",
                           "period_start"], ascending=[True, True, True, False, True, True, True], kind="stable")
    out["commitments_total"] = len(order)
    return out.drop(columns=["_generated", "_real_last"]).reset_index(drop=True)


def training_summary(f: Frames, jurisdictions, levels, date_from, date_to) -> pd.DataFrame:
    e = _learning(f, jurisdictions, levels, date_from, date_to)
    return pd.DataFrame({
        "records": [len(e)],
        "events": [int(e["events"].sum())],
        "learners": [int(e["learners"].sum())],
        "organisations": [e["organisations"].sum(min_count=1)],
        "organizers": [e["organizer"].nunique()],
        "jurisdictions": [e["jurisdiction_id"].nunique()],
        "linked_commitments": [e["commitment_id"].nunique()],
        "synthetic_rows": [int(e["synthetic"].sum())],
    })


QUERIES: dict[str, Callable[..., pd.DataFrame]] = {
    fn.__name__: fn for fn in (
        filter_options, completion_by_jurisdiction_cycle, completion_by_cycle, milestone_status_counts,
        overdue_milestones, attention_counts, releases_by_period, releases_by_dimension, top_publishers,
        learning_reach, learning_reach_by_period, commitment_progress_by_cycle, commitment_impact_completion,
        commitments_list, commitment_milestones, commitment_status_history, commitment_record, commitment_datasets,
        commitment_learning, datasets_summary, datasets_portal_metrics, training_by_jurisdiction,
        training_by_organizer, training_linked_commitments, training_linked_list, training_linked_totals,
        training_summary,
    )
}


# ---------------------------------------------------------------- the drop-in for data.query

_frames: dict[str, Frames] = {}


def load(data_dir: Path, snapshot_id: str | None = None) -> Frames:
    """Return (reading once) every table of a snapshot as DataFrames."""
    snap = (snapshots.verify(data_dir, snapshot_id) if snapshot_id else snapshots.newest_good(data_dir))
    if snap is None:
        raise RuntimeError(f"no verified snapshot in {data_dir}")
    if snap.id not in _frames:
        _frames[snap.id] = Frames(snap)
    return _frames[snap.id]


def query(name: str, *, snapshot: str | None = None, base: str | None = None, data_dir: Path | None = None,
          **params: Any) -> pd.DataFrame:
    """Return what data.query(name, **params) returns, computed with pandas on frames loaded at start."""
    fn = QUERIES.get(name)
    if fn is None or base is not None:
        raise NotImplementedError(f"the pandas baseline has no equivalent of {name}" + (" with a base" if base else ""))
    frames = load(Path(data_dir or config.data_dir()), snapshot)
    wanted = list(inspect.signature(fn).parameters)[1:]
    return fn(frames, **{p: params.get(p) if not isinstance(params.get(p), tuple) else list(params[p])
                         for p in wanted})


def serve(data_dir: Path, host: str, port: int) -> None:
    """Serve the dashboard with data.query answered by this module (the way a typical Dash app is built)."""
    os.environ["OGDASH_DATA_DIR"] = str(data_dir)
    started = time.perf_counter()
    load(data_dir)
    print(f"bench.baseline: tables loaded in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    data.query = query  # every page calls data.query at call time, so this swaps the whole data layer
    create_app(data_dir).run(host=host, port=port, debug=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.baseline", description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8060)
    args = parser.parse_args(argv)
    serve(Path(args.data_dir).resolve(), args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
