"""The change feed: an Atom feed (RFC 4287) of what changed between consecutive snapshots for a view of commitments.

/feed/commitments.atom?<view> follows the commitments page's filters (jurisdiction, level, cycle, status; the
language of its words; snapshot= for the newest snapshot it reads); /feed/commitments/<id>.atom one commitment.
Each pair of consecutive verified snapshots, newest first, gives its entries (queries/feed_changes.sql): status
changes, milestones that became overdue, commitments added or removed, datasets published. The pages offer it with
`<link rel="alternate" type="application/atom+xml">` and a visible link (links()).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html import escape
from urllib.parse import quote, unquote

from dash import Input, Output, clientside_callback, dcc, html
from flask import Flask, Response, abort, request

from dashboard import charts, config, data, i18n, progress, snapshots, state as state_mod, web
from dashboard.vocab import present
from dashboard.i18n import N_, _

ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml"
FEED_PATH = "/feed/commitments.atom"
RECORD_FEED_PREFIX = "/feed/commitments/"
MAX_SNAPSHOTS = 20  # the newest snapshots read: at most MAX_SNAPSHOTS - 1 pairs
MAX_ENTRIES = 200  # entries in one feed, newest pairs first
CACHE_SECONDS = 300  # a feed changes only when a snapshot is published
TAG = "tag:ogdash,2026:"  # every id in a feed starts with it (RFC 4151); the rest is built from snapshot ids and records
AUTHOR = "Open Government Monitor"

KINDS = {
    ("status", "commitment"): N_("Commitment status changed: {title} ({old} → {new})"),
    ("status", "milestone"): N_("Milestone status changed: {title} ({old} → {new})"),
    ("overdue", "milestone"): N_("Milestone overdue: {title} (due {date})"),
    ("added", "commitment"): N_("Commitment added: {title}"),
    ("removed", "commitment"): N_("Commitment removed: {title}"),
    ("published", "dataset"): N_("Dataset published: {title}"),
}

ET.register_namespace("", ATOM)
# Characters XML 1.0 does not allow, even escaped: source text carrying one would make the feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(value) -> str:
    """Return a value as text that XML 1.0 can carry (ElementTree escapes &, < and > itself)."""
    return _NOT_XML.sub("\ufffd", "" if value is None else str(value))


# ---------------------------------------------------------------- addresses

def feed_view(view: state_mod.ViewState, commitment_id: str | None = None) -> state_mod.ViewState:
    """Return the part of a view a feed follows: language, snapshot and (for the list) its filters."""
    if commitment_id is not None:
        return state_mod.ViewState(lang=view.lang, snapshot=view.snapshot)
    return state_mod.ViewState(lang=view.lang, jurisdictions=view.jurisdictions, levels=view.levels,
                               cycles=view.cycles, statuses=view.statuses, snapshot=view.snapshot)


def record_path(commitment_id: str) -> str:
    return "/commitments/" + quote(commitment_id, safe="")


def feed_href(view: state_mod.ViewState, commitment_id: str | None = None) -> str:
    """Return the address of the feed of a view of commitments (or of one commitment)."""
    path = FEED_PATH if commitment_id is None else RECORD_FEED_PREFIX + quote(commitment_id, safe="") + ".atom"
    return path + feed_view(view, commitment_id).to_query()


def page_href(view: state_mod.ViewState, commitment_id: str | None = None) -> str:
    """Return the address of the page a feed follows: the commitments list with its filters, or the record's page."""
    path = "/commitments" if commitment_id is None else record_path(commitment_id)
    return path + feed_view(view, commitment_id).to_query()


def _absolute(path: str) -> str:
    """Return a path under the public address when one is set ($OGDASH_PUBLIC_URL), else as it is (a relative reference)."""
    root = config.public_url().rstrip("/")
    return root + path if root else path


# ---------------------------------------------------------------- which snapshots

@dataclass(frozen=True)
class Pair:
    base: snapshots.Snapshot
    head: snapshots.Snapshot


def pairs(head_id: str) -> list[Pair]:
    """Return the consecutive pairs of the newest MAX_SNAPSHOTS verified snapshots up to `head_id`, newest first.

    A snapshot that does not verify is left out: its neighbours are paired with each other.
    """
    ids = [i for i in data.available_snapshots() if i <= head_id][-MAX_SNAPSHOTS:]
    good = []
    for snapshot_id in ids:
        try:
            good.append(data.get_snapshot(snapshot_id))
        except data.QueryError:
            continue
    return [Pair(base, head) for base, head in reversed(list(zip(good, good[1:])))]


def _day(snap: snapshots.Snapshot) -> dt.date:
    """The day "overdue" is judged on in a snapshot: the day it was built (as on the pages, charts.as_of)."""
    return snap.created_at.date()


def released_since(base: snapshots.Snapshot) -> dt.date:
    """Return the first day a dataset new in the next snapshot counts as published from.

    The earliest data date among the base's sources of datasets (the day its catalogue described), else the
    day the base was built: a record older than that was not published between the two snapshots, it only
    arrived in the catalogue (a new source, a migration).
    """
    names = [src.get("name") for src in base.manifest.get("sources", []) if (src.get("rows") or {}).get("datasets")]
    dates = [date for _name, date, _basis in charts.data_dates(base, names) if date is not None] if names else []
    return min(dates) if dates else _day(base)


def _updated(snap: snapshots.Snapshot) -> str:
    when = snap.created_at
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.isoformat()


# ---------------------------------------------------------------- entries

def rows(view: state_mod.ViewState, pair: Pair, commitment_id: str | None, limit: int):
    """Return the feed's rows for one pair of snapshots (queries/feed_changes.sql)."""
    return data.query("feed_changes", snapshot=pair.head.id, base=pair.base.id,
                      jurisdictions=list(view.jurisdictions) if commitment_id is None else [],
                      levels=list(view.levels) if commitment_id is None else [],
                      cycles=list(view.cycles) if commitment_id is None else [],
                      statuses=list(view.statuses) if commitment_id is None else [],
                      commitment_id=commitment_id, as_of=_day(pair.head), base_as_of=_day(pair.base),
                      released_since=released_since(pair.base), limit=limit)


def _text(row: dict, en: str, fr: str, lang: str) -> str | None:
    first, second = (row.get(fr), row.get(en)) if lang == "fr" else (row.get(en), row.get(fr))
    return first if present(first) else (second if present(second) else None)


def _title(row: dict, lang: str) -> str:
    """Return the record's title in `lang`, else in the other language with a marker saying so, else its id."""
    want, other, other_lang = ("title_fr", "title_en", "en") if lang == "fr" else ("title_en", "title_fr", "fr")
    if present(row.get(want)):
        return row[want]
    if present(row.get(other)):
        marker = _("only in English", lang) if other_lang == "en" else _("only in French", lang)
        return f"{row[other]} [{marker}]"
    return str(row["record_id"])


def _label(value, record: str, lang: str) -> str:
    """Return a status's name; none is "No status reported" for a milestone, "Not assessed" for a commitment."""
    if not present(value):
        none = progress.NO_STATUS_REPORTED if record == "milestone" else progress.NOT_ASSESSED
        return _(none, lang)  # a name, not a literal, inside _(): message extraction reads literals only
    return progress.progress_label(value, lang)


def _status(value, code, record: str, lang: str) -> str:
    label = _label(value, record, lang)
    return _("{status} (“{code}”)", lang, status=label, code=code) if present(value) and present(code) else label


def _date(value, lang: str) -> str:
    return i18n.fmt_date(value, lang) if present(value) else "–"


def entry(row: dict, pair: Pair, lang: str) -> dict:
    """Return one feed entry (id, title, updated, link, content) from a row of feed_changes."""
    kind, record = row["kind"], row["record"]
    title = _title(row, lang)
    heading = _(KINDS[(kind, record)], lang, title=title, old=_label(row.get("from_progress"), record, lang),
                new=_label(row.get("to_progress"), record, lang), date=_date(row.get("due_date"), lang))
    place = _text(row, "jurisdiction_name_en", "jurisdiction_name_fr", lang) or row.get("jurisdiction_id") or "–"
    lines = []
    if record == "milestone":
        lines.append(_("Milestone {milestone} of commitment {commitment} · {place} · {cycle}", lang,
                       milestone=row["record_id"], commitment=row["commitment_id"], place=place,
                       cycle=row.get("cycle") or "–"))
    elif record == "commitment":
        lines.append(_("Commitment {commitment} · {place} · {cycle}", lang, commitment=row["commitment_id"],
                       place=place, cycle=row.get("cycle") or "–"))
    else:
        lines.append(_("Dataset {dataset} on {portal} · {place}", lang, dataset=row["record_id"],
                       portal=row.get("portal") or "–", place=place))
    if kind == "status":
        lines.append(_("Status: {old} → {new}; source: {source}.", lang,
                       old=_status(row.get("from_progress"), row.get("from_status_code"), record, lang),
                       new=_status(row.get("to_progress"), row.get("to_status_code"), record, lang),
                       source=progress.status_source(row.get("status_vocab"), lang, full=True) or "–"))
    elif kind == "overdue":
        lines.append(_("Due {due}; reported status {status}, not complete. Overdue as of {now}; it was not as of "
                       "{then}.", lang, due=_date(row.get("due_date"), lang),
                       status=_status(row.get("to_progress"), row.get("to_status_code"), record, lang),
                       now=i18n.fmt_date(_day(pair.head), lang), then=i18n.fmt_date(_day(pair.base), lang)))
    elif kind == "published":
        lines.append(_("Released {date}.", lang, date=_date(row.get("published"), lang)))
    if present(row.get("synthetic")) and bool(row["synthetic"]):
        lines.append(_("Synthetic record (generated demo data).", lang))
    lines.append(_("Between snapshot {base} (built {base_date}) and snapshot {head} (built {head_date}).", lang,
                   base=pair.base.id, base_date=i18n.fmt_date(pair.base.created_at, lang), head=pair.head.id,
                   head_date=i18n.fmt_date(pair.head.created_at, lang)))
    lines.append(charts.data_as_of_text(pair.head, lang) + ".")
    if present(row.get("commitment_id")):
        link = record_path(row["commitment_id"]) + state_mod.ViewState(lang=lang).to_query()
    else:
        jur = state_mod.parse({"jurisdiction": row.get("jurisdiction_id") or ""}).jurisdictions
        link = "/datasets" + state_mod.ViewState(lang=lang, jurisdictions=jur).to_query()
    return {
        "id": f"{TAG}change/{pair.base.id}/{pair.head.id}/{kind}/{record}/{quote(str(row['record_id']), safe='')}",
        "title": heading,
        "updated": _updated(pair.head),
        "link": link,
        "content": "\n".join(lines),
    }


def entries(view: state_mod.ViewState, head_id: str, commitment_id: str | None = None,
            limit: int | None = None) -> list[dict]:
    """Return the feed's entries up to snapshot `head_id`, newest pair first, at most `limit` (default MAX_ENTRIES)."""
    limit = MAX_ENTRIES if limit is None else limit
    out: list[dict] = []
    for pair in pairs(head_id):
        if len(out) >= limit:
            break
        found = rows(view, pair, commitment_id, limit - len(out))
        out += [entry(r, pair, view.lang) for r in found.to_dict("records")]
    return out


# ---------------------------------------------------------------- the document

def _filters_in_words(view: state_mod.ViewState, head_id: str) -> str:
    lang = view.lang
    parts = []
    if view.jurisdictions:
        options = data.query("filter_options", snapshot=head_id)
        names = dict(zip(options["value"], options["label_fr" if lang == "fr" else "label_en"]))
        parts.append(", ".join(str(names.get(j, j)) for j in view.jurisdictions))
    if view.levels:
        parts.append(", ".join(_(progress.LEVELS[v], lang) for v in view.levels))
    if view.cycles:
        parts.append(", ".join(view.cycles))
    if view.statuses:
        parts.append(", ".join(progress.progress_label(s, lang) for s in view.statuses))
    return " · ".join(parts)


def document(view: state_mod.ViewState, head: snapshots.Snapshot, commitment_id: str | None = None) -> bytes:
    """Return the Atom feed (UTF-8 XML) of a view of commitments, or of one commitment, up to snapshot `head`."""
    lang = view.lang
    view = feed_view(view, commitment_id)
    if commitment_id is None:
        words = _filters_in_words(view, head.id)
        title = _("Changes to commitments", lang) + (f" · {words}" if words else "")
    else:
        title = _("Changes to commitment {commitment}", lang, commitment=commitment_id)
    found = entries(view, head.id, commitment_id)
    root = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang})

    def add(parent, tag: str, text=None, **attrs):
        child = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: _clean(v) for k, v in attrs.items()})
        if text is not None:
            child.text = _clean(text)
        return child

    add(root, "id", f"{TAG}feed{feed_href(view, commitment_id)}")
    add(root, "title", title)
    add(root, "subtitle", _("What changed between consecutive snapshots of the data: status changes, milestones "
                            "that became overdue, commitments added or removed, datasets published.", lang))
    add(root, "updated", max((e["updated"] for e in found), default=_updated(head)))
    add(root, "link", rel="self", type=ATOM_TYPE, href=_absolute(feed_href(view, commitment_id)))
    add(root, "link", rel="alternate", type="text/html", href=_absolute(page_href(view, commitment_id)))
    author = add(root, "author")
    add(author, "name", AUTHOR)
    add(root, "generator", "ogdash")
    for e in found:
        node = add(root, "entry")
        add(node, "id", e["id"])
        add(node, "title", e["title"])
        add(node, "updated", e["updated"])
        add(node, "link", rel="alternate", type="text/html", href=_absolute(e["link"]))
        add(node, "content", e["content"], type="text")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# ---------------------------------------------------------------- on the pages

HEAD_LINK_ID = "feed-head-link"  # the alternate link in the page's HTML head, for readers that run no script


def _link_title(view: state_mod.ViewState, commitment_id: str | None) -> str:
    return (_("Changes to these commitments (Atom feed)", view.lang) if commitment_id is None
            else _("Changes to this commitment (Atom feed)", view.lang))


def links(view: state_mod.ViewState, commitment_id: str | None = None) -> list:
    """Return what a page offers its feed with: the alternate link browsers discover (kept current as the view's
    filters change), and a visible link."""
    target = feed_href(view, commitment_id)
    title = _link_title(view, commitment_id)
    return [
        html.Link(id="feed-alternate", rel="alternate", type=ATOM_TYPE, href=target, title=title),
        dcc.Store(id="feed-sync"),
        html.A(_("Feed of changes", view.lang), href=target, className="feed-link small", title=title),
    ]


def head_link(path: str, search: str) -> str:
    """Return the alternate link the HTML of a page of commitments carries in its head ('' for any other page).

    A feed reader reads the page's HTML without running its scripts, so it finds the feed there; once the page
    is drawn, its own link (links()) takes over and this one is removed, so there is one, current, link.
    """
    if path == "/commitments":
        commitment_id = None
    elif path.startswith("/commitments/") and path.count("/") == 2:
        commitment_id = state_mod.record_key(unquote(path.rpartition("/")[2]))
        if not commitment_id:
            return ""
    else:
        return ""
    view = state_mod.parse(search)
    return (f'<link id="{HEAD_LINK_ID}" rel="alternate" type="{ATOM_TYPE}" '
            f'title="{escape(_link_title(view, commitment_id))}" href="{escape(feed_href(view, commitment_id))}">')


# The page's own alternate link is drawn: the one the HTML head carried for the first address goes.
clientside_callback(
    f"""
    function(href) {{
        const early = document.getElementById('{HEAD_LINK_ID}');
        if (early) {{ early.remove(); }}
        return window.dash_clientside.no_update;
    }}
    """,
    Output("feed-sync", "data"),
    Input("feed-alternate", "href"),
)


# ---------------------------------------------------------------- the routes

def _respond(commitment_id: str | None) -> Response:
    search = "?" + request.query_string.decode("utf-8", "replace") if request.query_string else ""
    view = state_mod.parse(search)
    if web.absent_snapshot(request.args):
        abort(404)  # the entries would be another snapshot's, under this one's name
    try:
        head = data.get_snapshot(view.snapshot) if view.snapshot else data.current_snapshot()
    except (data.QueryError, data.NoSnapshot):
        abort(404)
    body = document(view, head, commitment_id)
    response = Response(body, headers={"Content-Type": f"{ATOM_TYPE}; charset=utf-8",
                                       "X-Content-Type-Options": "nosniff",
                                       "Cache-Control": f"public, max-age={CACHE_SECONDS}"})
    response.set_etag(hashlib.sha256(body).hexdigest())
    return response.make_conditional(request)


def register(server: Flask) -> None:
    """Add the feed routes to the app's Flask server."""

    @server.route(FEED_PATH)
    def commitments_feed():
        return _respond(None)

    @server.route(RECORD_FEED_PREFIX + "<commitment_id>.atom")
    def commitment_feed(commitment_id: str):
        if state_mod.record_key(commitment_id) is None:
            abort(404)
        return _respond(commitment_id)
