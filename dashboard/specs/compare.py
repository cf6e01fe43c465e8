"""What the compare page shows: which two snapshots it compares, and what changed between them (sources,
commitments, statuses, datasets, learners): the charts' rows, specs and sentences, and the story in words.

Importing it registers the charts compare-transitions, compare-summary, compare-datasets and compare-learning.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from dashboard import data, figures, i18n, state as state_mod
from dashboard.charts import Chart, register
from dashboard.figures.compare import signed
from dashboard.i18n import N_, _, ngettext
from dashboard.progress import SCALE
from dashboard.snapshots import source_changes

_ID_RE = re.compile(r"^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z")


def pair(view: state_mod.ViewState) -> tuple[str, str] | None:
    """Return (base, head): the snapshots the view compares, defaulting to the one before the served one and the served one."""
    ids = data.available_snapshots()
    if len(ids) < 2:
        return None
    if view.snapshot in ids:
        head = view.snapshot
    else:
        try:
            head = data.current_snapshot().id
        except data.NoSnapshot:
            head = ids[-1]
    if view.base in ids and view.base != head:
        return view.base, head
    earlier = [i for i in ids if i < head]
    return (earlier[-1] if earlier else [i for i in ids if i != head][-1]), head


def snapshot_label(snapshot_id: str, lang: str) -> str:
    """Return a snapshot id with its date and time written out, read from the id itself."""
    m = _ID_RE.match(snapshot_id)
    if not m:
        return snapshot_id
    y, mo, d, h, mi, _seconds = (int(g) for g in m.groups())
    when = i18n.fmt_date(dt.date(y, mo, d), lang)
    clock = f"{h:02d} h {mi:02d}" if lang == "fr" else f"{h:02d}:{mi:02d}"
    return f"{when}, {clock} UTC · {snapshot_id}"


def _where(view: state_mod.ViewState, *, cycles: bool = True) -> dict:
    out = {"jurisdictions": list(view.jurisdictions), "levels": list(view.levels)}
    if cycles:
        out["cycles"] = list(view.cycles)
    return out


def _diff(name: str, view: state_mod.ViewState, *, cycles: bool = True, **params) -> pd.DataFrame:
    chosen = pair(view)
    if chosen is None:
        return pd.DataFrame()
    base, head = chosen
    return data.query(name, snapshot=head, base=base, **_where(view, cycles=cycles), **params)


# ---------------------------------------------------------------- status transitions

def transitions_rows(view: state_mod.ViewState) -> pd.DataFrame:
    return _diff("compare_status_transitions", view)


def transitions_sentence(rows: pd.DataFrame, lang: str) -> str:
    changed = rows[rows["change"] == "changed"]
    up = int(changed.loc[changed["to_rank"].astype("Float64") > changed["from_rank"].astype("Float64"), "milestones"].sum())
    down = int(changed.loc[changed["to_rank"].astype("Float64") < changed["from_rank"].astype("Float64"), "milestones"].sum())
    added = int(rows.loc[rows["change"] == "added", "milestones"].sum())
    removed = int(rows.loc[rows["change"] == "removed", "milestones"].sum())
    text = _("Milestones that changed status: {n} ({up} forward, {down} back).", lang,
             n=i18n.fmt_int(int(changed["milestones"].sum()), lang), up=i18n.fmt_int(up, lang),
             down=i18n.fmt_int(down, lang))
    if added or removed:
        text += " " + _("New milestones: {added}; no longer listed: {removed}.", lang,
                        added=i18n.fmt_int(added, lang), removed=i18n.fmt_int(removed, lang))
    return text + " " + _("Rows are the earlier status, columns the newer one.", lang)


def transitions_click(point: dict, view: state_mod.ViewState) -> str | None:
    custom = point.get("customdata") or []
    to = custom[1] if len(custom) > 1 else None
    if to not in SCALE:
        return None
    return "/commitments" + view.to_query(statuses=(to,), base=None)


register(Chart(
    id="compare-transitions",
    title=N_("Status transitions"),
    rows=transitions_rows,
    figure=figures.status_transition_heatmap,
    sentence=transitions_sentence,
    tables=("milestones", "commitments"),
    columns={"change": N_("Change"), "from_progress": N_("From"), "to_progress": N_("To"),
             "milestones": N_("Milestones"), "synthetic_rows": N_("Synthetic records")},
    on_click=transitions_click,
    empty=N_("No milestone changed status between these two snapshots."),
))


# ---------------------------------------------------------------- summary

SUMMARY_MEASURES = (
    ("commitments_added", N_("Commitments added")),
    ("commitments_removed", N_("Commitments removed")),
    ("status_changes", N_("Milestones that changed status")),
    ("milestones_added", N_("Milestones added")),
    ("milestones_removed", N_("Milestones removed")),
    ("datasets_added", N_("Datasets added")),
    ("datasets_removed", N_("Datasets removed")),
)


def summary_rows(view: state_mod.ViewState) -> pd.DataFrame:
    """Return the one-row diff summary as one row per measure (label in the view's language)."""
    wide = _diff("snapshot_diff_summary", view)
    if wide.empty:
        return wide
    first = wide.iloc[0]
    return pd.DataFrame({
        "measure": [m for m, _ in SUMMARY_MEASURES],
        "label": [_(label, view.lang) for _key, label in SUMMARY_MEASURES],
        "count": [int(first[m]) for m, _ in SUMMARY_MEASURES],
    })


def summary_row(view: state_mod.ViewState) -> pd.Series | None:
    """Return the diff summary's one row (counts added, removed and changed), or None without two snapshots."""
    wide = _diff("snapshot_diff_summary", view)
    return None if wide.empty else wide.iloc[0]


def summary_sentence(rows: pd.DataFrame, lang: str) -> str:
    counts = {m: i18n.fmt_int(n, lang) for m, n in zip(rows["measure"], rows["count"])}
    return _("Commitments added: {commitments_added}; removed: {commitments_removed}. Status changes: "
             "{status_changes}. Datasets added: {datasets_added}; removed: {datasets_removed}.", lang, **counts)


register(Chart(
    id="compare-summary",
    title=N_("What changed"),
    rows=summary_rows,
    figure=figures.change_summary_bars,
    sentence=summary_sentence,
    tables=("commitments", "milestones", "datasets"),
    columns={"label": N_("Change"), "count": N_("Count")},
    empty=N_("Pick two different snapshots to compare."),
))


# ---------------------------------------------------------------- datasets

def datasets_rows(view: state_mod.ViewState) -> pd.DataFrame:
    return _diff("compare_dataset_changes", view, cycles=False)


def datasets_sentence(rows: pd.DataFrame, lang: str) -> str:
    added, removed = int(rows["added"].sum()), int(rows["removed"].sum())
    top = rows.iloc[0].to_dict()
    name = figures.label_of(top, lang, "jurisdiction_name_en", "jurisdiction_name_fr", "jurisdiction_id")
    return _("Datasets added: {added}; removed: {removed}. {name} changed most.", lang,
             added=i18n.fmt_int(added, lang), removed=i18n.fmt_int(removed, lang), name=name) + " " + \
        _("Click a bar to see that jurisdiction’s datasets.", lang)


def datasets_click(point: dict, view: state_mod.ViewState) -> str | None:
    custom = point.get("customdata") or []
    if not custom or not custom[0]:
        return None
    return "/datasets" + view.to_query(jurisdictions=(str(custom[0]),), base=None)


register(Chart(
    id="compare-datasets",
    title=N_("Datasets added and removed, by jurisdiction"),
    rows=datasets_rows,
    figure=figures.dataset_changes_bars,
    sentence=datasets_sentence,
    tables=("datasets",),
    columns={"jurisdiction_name_en": N_("Jurisdiction"), "added": N_("Added"), "removed": N_("Removed"),
             "net": N_("Net change")},
    on_click=datasets_click,
    empty=N_("No dataset was added or removed between these two snapshots."),
))


# ---------------------------------------------------------------- learners

def learning_rows(view: state_mod.ViewState) -> pd.DataFrame:
    return _diff("compare_learning_changes", view, cycles=False)


def learning_sentence(rows: pd.DataFrame, lang: str) -> str:
    learners, events = int(rows["learners_added"].sum()), int(rows["events_added"].sum())
    text = _("Learners added in the newer snapshot: {learners}; events added: {events}; organizers with a change: {n}.",
             lang, learners=i18n.fmt_int(learners, lang), events=i18n.fmt_int(events, lang),
             n=i18n.fmt_int(len(rows), lang))
    if len(rows) > figures.TOP_CHANGES:
        text += " " + _("The chart shows the {top} organizers that changed most; the table and CSV have them all.",
                        lang, top=figures.TOP_CHANGES)
    return text


register(Chart(
    id="compare-learning",
    title=N_("Learners added, by organizer"),
    rows=learning_rows,
    figure=figures.learning_changes_bars,
    sentence=learning_sentence,
    tables=("learning_events",),
    columns={"organizer": N_("Organizer"), "base_learners": N_("Learners before"), "learners": N_("Learners after"),
             "learners_added": N_("Learners added"), "events_added": N_("Events added")},
    empty=N_("No learning figures changed between these two snapshots."),
))


# ---------------------------------------------------------------- sources and commitments, in words

def sources_rows(view: state_mod.ViewState) -> list[dict]:
    """Return how the two snapshots' sources differ (snapshots.source_changes), or [] without two snapshots."""
    chosen = pair(view)
    if chosen is None:
        return []
    base, head = (data.get_snapshot(i).manifest for i in chosen)
    return source_changes(base, head)


def commitments_rows(view: state_mod.ViewState) -> pd.DataFrame:
    return _diff("snapshot_diff_commitments", view, limit=None)


def status_rows(view: state_mod.ViewState) -> pd.DataFrame:
    """Return every milestone whose status changed (or that was added or removed), with its titles."""
    return _diff("snapshot_diff_status", view)


def dataset_change_rows(view: state_mod.ViewState) -> pd.DataFrame:
    """Return every dataset added or removed, with its titles, organization, portal and publication date."""
    return _diff("snapshot_diff_datasets", view, cycles=False, limit=None)


def _names(rows: list[dict], change: str, lang: str) -> list[str]:
    out = []
    for r in rows:
        if r["change"] != change:
            continue
        before, after = r.get("data_date_before"), r.get("data_date_after")
        if change == "updated" and after and before and after != before:
            out.append(_("{name} (data of {after}; before, {before})", lang, name=r["name"],
                         after=i18n.fmt_date(after, lang), before=i18n.fmt_date(before, lang)))
        else:
            out.append(r["name"])
    return out


def change_story(summary: pd.Series | None, sources: list[dict], lang: str) -> list[str]:
    """Return what changed between the two snapshots as sentences: sources, commitments, statuses, datasets, learners."""
    said = []
    for change, singular, plural in (
        ("added", N_("Source added: {names}."), N_("Sources added: {names}.")),
        ("dropped", N_("Source dropped: {names}."), N_("Sources dropped: {names}.")),
        ("updated", N_("Source with new data: {names}."), N_("Sources with new data: {names}.")),
    ):
        names = _names(sources, change, lang)
        if names:
            said.append(ngettext(singular, plural, len(names), lang, names=", ".join(names)))
    if sources and not said:
        said.append(_("No source changed.", lang))
    if summary is None:
        return said
    n = {k: int(summary[k]) for k in ("commitments_added", "commitments_removed", "status_changes",
                                      "milestones_added", "milestones_removed", "datasets_added",
                                      "datasets_removed", "learners_added", "events_added")}
    fmt = {k: i18n.fmt_int(v, lang) for k, v in n.items()}
    if n["commitments_added"] or n["commitments_removed"]:
        said.append(_("Commitments added: {added}; removed: {removed}.", lang, added=fmt["commitments_added"],
                      removed=fmt["commitments_removed"]))
    if n["status_changes"] or n["milestones_added"] or n["milestones_removed"]:
        said.append(_("Milestones that changed status: {n}; milestones added: {added}; removed: {removed}.", lang,
                      n=fmt["status_changes"], added=fmt["milestones_added"], removed=fmt["milestones_removed"]))
    if n["datasets_added"] or n["datasets_removed"]:
        said.append(_("Datasets added: {added}; removed: {removed}.", lang, added=fmt["datasets_added"],
                      removed=fmt["datasets_removed"]))
    if n["learners_added"] or n["events_added"]:
        said.append(_("Learners: {learners} ({events} events).", lang, learners=signed(n["learners_added"], lang),
                      events=signed(n["events_added"], lang)))
    if not any(n.values()):
        said.append(_("No commitment, status, dataset or learning figure changed.", lang))
    return said
