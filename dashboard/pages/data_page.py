"""Data: sources and licences, the snapshot manifest, the data dictionary, CSV downloads and the SQL of every query."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import data, downloads, i18n, provenance, schema, state as state_mod
from dashboard.charts import snapshot_of
from dashboard.components import empty_state, only_in, page_header
from dashboard.i18n import N_, _, ngettext

dash.register_page(__name__, path="/data", name=N_("Data"), order=5, nav=True)

# Each source kind, what it reads and the terms its data comes under: dashboard/provenance.py, where every export
# (chart images, briefings, downloads) reads them too.
SOURCE_KINDS = provenance.SOURCE_KINDS

# The notebook recipe: runs as printed (tests/test_data_recipe.py runs it) for the snapshot the page shows,
# named by its absolute path, whatever folder the notebook runs in.
DUCKDB_NOTE = """import duckdb

from dashboard import data

snapshot = {path!r}
con = duckdb.connect()
for statement in data.sql_macros():  # the status rules and filters the queries call
    con.execute(statement)
for table in {tables}:
    con.read_parquet(f"{{snapshot}}/{{table}}.parquet").create_view(table)
for rollup, file in {rollups}:  # summaries written with the snapshot, else computed from their SQL
    if file:
        con.read_parquet(f"{{snapshot}}/{{file}}").create_view(rollup)
    else:
        con.execute(f"create view {{rollup}} as {{data.rollup_sql(rollup)}}")

sql = data.sql_text("releases_by_period")  # any query: dashboard/queries/<name>.sql, or `ogdash query`
con.execute(sql, {{"grain": "year", "jurisdictions": [], "levels": [], "date_from": None, "date_to": None}}).df()
"""


def _link(label: str, url) -> html.A | str:
    if not url:
        return label
    return html.A(label, href=url, target="_blank", rel="noopener")


def _section(title: str, section_id: str, children, lead: str | None = None) -> html.Section:
    body = [html.H2(title, id=section_id, className="h4 card-title")]
    if lead:
        body.append(html.P(lead, className="text-body-secondary"))
    return html.Section(html.Div(body + list(children), className="card-body"), className="chart-card card shadow-sm mb-4",
                        **{"aria-labelledby": section_id})


def shown_location(source: dict) -> str:
    """Return where a source was read from, as the page shows it: its URL, or its file or folder's name.

    The manifest keeps the path relative to the sources file (often ../../…, or absolute); that says
    where the build machine keeps its files (not for the public to see), not what the source is.
    """
    path = source.get("path")
    if isinstance(path, str) and path.strip():
        names = [part for part in path.replace("\\", "/").split("/") if part.strip() not in ("", ".", "..")]
        return names[-1] if names else "–"
    url = source.get("url")
    return url if isinstance(url, str) and url else "–"


def sources_table(snap, lang: str) -> html.Table:
    """Return the manifest's sources: name, kind, where from, when retrieved, rows per table."""
    head = html.Thead(html.Tr([html.Th(_(h, lang), scope="col") for h in (
        N_("Source"), N_("Kind"), N_("Location"), N_("Retrieved"), N_("Rows"), N_("Data"))]))
    body = []
    for src in snap.manifest.get("sources", []):
        rows = {k: v for k, v in (src.get("rows") or {}).items() if v}
        kind = src.get("kind", "")
        body.append(html.Tr([
            html.Td(src.get("name", "?"), className="fw-semibold"),
            html.Td(html.Code(kind)),
            html.Td(html.Code(shown_location(src), className="text-break")),
            html.Td(i18n.fmt_date(src["retrieved_at"], lang, "medium") if src.get("retrieved_at") else "–"),
            html.Td(", ".join(f"{k} {i18n.fmt_int(v, lang)}" for k, v in rows.items()) or "–"),
            html.Td(html.Span(_("synthetic", lang), className="badge text-bg-warning") if kind == "synthetic"
                    else html.Span(_("real", lang), className="badge text-bg-success")),
        ]))
    return html.Table([head, html.Tbody(body)], className="table table-sm align-middle data-sources")


def licences_table(snap, lang: str) -> html.Table:
    """Return each source kind with what it reads and the terms of its data, marking those in this snapshot."""
    used = {s.get("kind") for s in snap.manifest.get("sources", [])}
    head = html.Thead(html.Tr([html.Th(_(h, lang), scope="col") for h in (
        N_("Kind"), N_("What it reads"), N_("Licence or terms"), N_("In this snapshot"))]))
    body = []
    for kind, what, licence, url in SOURCE_KINDS:
        link = url.get(lang) if isinstance(url, dict) else url
        body.append(html.Tr([html.Td(html.Code(kind)), html.Td(_(what, lang)), html.Td(_link(_(licence, lang), link)),
                             html.Td(_("yes", lang) if kind in used else "–")]))
    return html.Table([head, html.Tbody(body)], className="table table-sm align-middle data-licences")


def manifest_table(snap, lang: str) -> html.Table:
    """Return the manifest's tables: rows, synthetic rows, SHA-256 and a CSV download of each."""
    head = html.Thead(html.Tr([html.Th(_(h, lang), scope="col", className="text-end" if h in ("Rows", "Synthetic rows")
                                       else None) for h in (
        N_("Table"), N_("Rows"), N_("Synthetic rows"), N_("SHA-256"), N_("Download"))]))
    body = []
    for table in schema.TABLES:
        entry = snap.manifest["tables"].get(table, {})
        digest = entry.get("sha256", "")
        body.append(html.Tr([
            html.Td(html.Code(table)),
            html.Td(i18n.fmt_int(entry.get("rows", 0), lang), className="text-end font-monospace"),
            html.Td(i18n.fmt_int(entry.get("synthetic_rows", 0), lang), className="text-end font-monospace"),
            html.Td(html.Code(digest[:16] + "…", title=digest, className="sha")),
            html.Td(html.A("CSV", href=downloads.table_url(snap.id, table), className="btn btn-sm btn-outline-primary",
                           download=f"{table}_{snap.id}.csv", **{"aria-label": f"CSV: {table}"})),
        ]))
    return html.Table([head, html.Tbody(body)], className="table table-sm align-middle data-manifest")


def data_files_note(snap, lang: str) -> html.Div:
    """Return how to read the snapshot's data package and the charts' CSV and JSON downloads."""
    return html.Div([
        html.P([_("The snapshot’s Frictionless data package describes every table (its columns and their types, "
                  "its sources and their licences):", lang), " ",
                html.A("datapackage.json", href=f"/download/{snap.id}/datapackage.json", className="data-package")],
               className="small mb-1"),
        html.P(_("Every chart’s CSV starts with lines beginning with “#” that state its snapshot, its filters, its "
                 "sources with their licences and its data date; every text value is quoted. Read it with "
                 "pandas.read_csv(url, comment=\"#\"). In French (lang=fr) the CSV is a French spreadsheet’s: add "
                 "sep=\";\", decimal=\",\". The JSON link beside it gives the same rows with the same facts.", lang),
               className="small text-body-secondary mb-0 data-files-note"),
    ])


def queries_block(snap, lang: str) -> html.Div:
    """Return every query's SQL in a <pre>, each under its name and first comment line."""
    items = []
    for name in data.query_names():
        sql = data.sql_text(name)
        first = sql.splitlines()[0].lstrip("- ").strip() if sql else ""
        items.append(html.Details([
            html.Summary([html.Code(f"{name}.sql", className="me-2"), html.Span(first, className="text-body-secondary")]),
            # A long statement scrolls inside its box: focusable so a keyboard can scroll it too (axe).
            html.Pre(html.Code(sql), className="sql-block", tabIndex="0", role="region",
                     **{"aria-label": f"{name}.sql"}),
        ], className="query-item", id=f"data-query-{name}"))
    note = DUCKDB_NOTE.format(path=str(snap.path.resolve()), tables=list(schema.TABLES), rollups=data.rollup_sources(snap))
    return html.Div([
        html.P(_("Every chart reads one of these statements. They are plain DuckDB SQL over the snapshot’s "
                 "Parquet files; values are bound as $parameters (an empty list means no filter).", lang)),
        html.H3(_("Open the snapshot in a notebook", lang), className="h6"),
        html.Pre(html.Code(note), className="sql-block", tabIndex="0", role="region",
                 **{"aria-label": _("Open the snapshot in a notebook", lang)}),
        *items,
    ])


def layout(**query):
    view = state_mod.parse(query)
    lang = view.lang
    header = page_header(_("Data", lang), view,
                         lead=_("Where the numbers come from, under which terms, and how to reuse them.", lang))
    try:
        snap = snapshot_of(view)
    except data.NoSnapshot:
        return html.Div(id="data-page", children=[header, empty_state(_("No verified snapshot is available.", lang),
                                                                      lang)])
    dictionary = downloads.data_dictionary()
    synthetic = snap.synthetic_rows
    facts = [
        (_("Snapshot", lang), html.Code(snap.id)),
        (_("Created", lang), i18n.fmt_date(snap.created_at, lang) + " · " + snap.created_at.strftime("%H:%M UTC")),
        (_("Schema version", lang), str(snap.manifest.get("schema_version", "–"))),
        (_("Rows", lang), i18n.fmt_int(sum(e.get("rows", 0) for e in snap.manifest["tables"].values()), lang)),
        (_("Synthetic rows", lang), i18n.fmt_int(synthetic, lang)),
    ]
    if snap.manifest.get("note"):
        facts.append((_("Note", lang), snap.manifest["note"]))
    toc = [(_("Sources and licences", lang), "data-sources"), (_("Snapshot and downloads", lang), "data-manifest"),
           (_("Data dictionary", lang), "data-dictionary"), (_("Queries", lang), "data-queries")]
    return html.Div(id="data-page", children=[
        header,
        html.Nav(html.Ul([html.Li(html.A(label, href=f"#{anchor}"), className="list-inline-item me-3")
                          for label, anchor in toc], className="list-inline mb-3"),
                 **{"aria-label": _("On this page", lang)}, className="data-toc"),
        html.Div(ngettext("This snapshot includes {n} synthetic (generated) row. It is marked synthetic=true in "
                          "every table and download; it is not a real record.",
                          "This snapshot includes {n} synthetic (generated) rows. They are marked synthetic=true in "
                          "every table and download; they are not real records.", synthetic, lang),
                 className="alert alert-warning", role="note") if synthetic else None,
        _section(_("Sources and licences", lang), "data-sources", [
            html.Div(sources_table(snap, lang), className="table-responsive"),
            html.H3(_("Licence of each kind of source", lang), className="h6 mt-3"),
            html.Div(licences_table(snap, lang), className="table-responsive"),
        ], lead=_("The sources this snapshot was built from, as its manifest records them.", lang)),
        _section(_("Snapshot and downloads", lang), "data-manifest", [
            dbc.Row([dbc.Col([html.Div(label, className="kpi-label"), html.Div(value, className="fw-semibold")],
                             xs=6, md="auto", className="me-4 mb-2") for label, value in facts], className="mb-3"),
            html.Div(manifest_table(snap, lang), className="table-responsive"),
            html.P(_("Each download is the whole table as CSV (UTF-8 with a byte-order mark, so spreadsheet "
                     "programs read accents correctly); lists are joined with “|”. The SHA-256 is of the "
                     "Parquet file in the snapshot folder.", lang), className="small text-body-secondary"),
            data_files_note(snap, lang),
        ], lead=_("Snapshots are immutable: the checksums let anyone verify the files they hold.", lang)),
        _section(_("Data dictionary", lang), "data-dictionary", [
            html.Details([
                html.Summary([_("Every table and column, what it means and which source fills it", lang),
                              *([" ", only_in("en", lang)] if lang != "en" else [])]),
                # The dictionary is written in English only: lang="en" so screen readers read it as English.
                html.Div(dcc.Markdown(dictionary, className="data-dictionary mt-2", link_target="_blank"), lang="en"),
            ], className="data-dictionary-details", id="data-dictionary-text") if dictionary else
            empty_state(_("The data dictionary (dashboard/bundled/README.md) is not available in this installation.", lang), lang),
        ]),
        _section(_("Queries", lang), "data-queries", [queries_block(snap, lang)]),
    ])
