"""Builds the Dash app: the shell (navigation, language switch, global filters) around Dash Pages."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
import flask
from dash import _callback
from dash import Input, Output, State, callback, clientside_callback, ctx, dcc, html

from dashboard import brief, charts, config, data, downloads, feed, i18n, progress, state as state_mod, vocab, web
from dashboard.charts import URL
from dashboard.components import other_lang
from dashboard.i18n import N_, _, ngettext
from dashboard.sitemap import NAV


SCROLL_CUE = N_("Scroll sideways →")


def _shell() -> html.Div:
    return html.Div([
        html.A(id="skip-link", href="#main", className="visually-hidden-focusable skip-link"),
        html.Header(id="shell-header", className="app-header", children=[
            dbc.Navbar(dbc.Container([
                dcc.Link(id="brand", href="/", className="navbar-brand fw-bold"),
                html.Button(html.Span(className="navbar-toggler-icon"), id="nav-toggler", className="navbar-toggler",
                            type="button", **{"aria-label": "Menu", "aria-controls": "nav-collapse"}),
                dbc.Collapse(id="nav-collapse", navbar=True, children=[
                    html.Nav(id="nav-links", className="navbar-nav me-auto"),
                    html.A(id="brief-link", href="/brief/overview", className="btn btn-outline-light btn-sm me-2 brief-link"),
                    dcc.Link(id="lang-toggle", href="/?lang=fr", className="btn btn-light btn-sm lang-toggle"),
                ]),
            ], fluid=True), color="primary", dark=True, expand="lg", className="py-2"),
        ]),
        html.Section(id="filter-bar", className="filter-bar border-bottom", children=dbc.Container(fluid=True, children=[
            html.H2(id="filters-heading", className="visually-hidden"),
            # On a phone the filters fold behind this button (assets/10-app.css); wider screens never show it.
            html.Button(id="filters-toggle", type="button", className="btn btn-outline-primary btn-sm my-2 filters-toggle",
                        n_clicks=0, **{"aria-expanded": "false", "aria-controls": "filters-body"}),
            dbc.Row(id="filters-body", className="g-2 align-items-end py-2 filters-body", children=[
                dbc.Col(md=4, children=[
                    html.Label(id="filters-jurisdiction-label", htmlFor="filters-jurisdiction", className="form-label small mb-0"),
                    dcc.Dropdown(id="filters-jurisdiction", multi=True, options=[], value=[]),
                ]),
                dbc.Col(md=2, children=[
                    html.Label(id="filters-level-label", htmlFor="filters-level", className="form-label small mb-0"),
                    dcc.Dropdown(id="filters-level", multi=True, options=[], value=[]),
                ]),
                dbc.Col(md=3, children=[
                    html.Label(id="filters-cycle-label", htmlFor="filters-cycle", className="form-label small mb-0"),
                    dcc.Dropdown(id="filters-cycle", multi=True, options=[], value=[]),
                ]),
                dbc.Col(md=3, children=[
                    # A browser's date input writes dates the browser's way (mm/dd/yyyy in an English
                    # Chromium, whatever the page's language): text boxes in the locale's short form
                    # (yyyy-mm-dd in en-CA and fr-CA) and the chosen period in words beside the label.
                    # A date counts on Enter or on leaving its box (n_submit, n_blur); not debounce=True,
                    # whose caret fix-up on a timer scrambles keys typed while the page is busy redrawing.
                    html.Div(className="d-flex flex-wrap column-gap-2 align-items-baseline", children=[
                        html.Span(id="filters-period-label", className="form-label small mb-0"),
                        html.Span(id="filters-period-hint", className="small filters-period-hint",
                                  **{"aria-live": "polite"}),
                    ]),
                    html.Div(className="d-flex gap-1", children=[
                        html.Label(id="filters-from-label", htmlFor="filters-from", className="visually-hidden"),
                        dcc.Input(id="filters-from", type="text", inputMode="numeric", maxLength=10, autoComplete="off",
                                  className="form-control form-control-sm", n_blur=0, n_submit=0),
                        html.Label(id="filters-to-label", htmlFor="filters-to", className="visually-hidden"),
                        dcc.Input(id="filters-to", type="text", inputMode="numeric", maxLength=10, autoComplete="off",
                                  className="form-control form-control-sm", n_blur=0, n_submit=0),
                    ]),
                ]),
            ]),
        ])),
        # What assets/scrollcue.js writes above a box that scrolls sideways, in each language.
        html.Main(id="main", tabIndex="-1", className="container-fluid py-3", children=dash.page_container,
                  **{f"data-scroll-cue-{lang}": _(SCROLL_CUE, lang) for lang in i18n.LANGS}),
        html.Footer(id="shell-footer", className="app-footer border-top py-3 small text-body-secondary"),
    ])


_SHELL_CALLBACKS: tuple | None = None


def _restore_shell_callbacks() -> None:
    """Put the module-level @callback registrations back where Dash looks for them.

    Dash hands the callbacks registered with `@callback` to the first app that serves a request and
    empties its globals; page modules are re-run for each app, but this module and charts.py are
    imported once, so a second app in the same process (every test module that builds one) would
    have no shell or chart callbacks. Called after Dash() has run the pages: the first call records
    every registration, later calls restore the ones missing.
    """
    global _SHELL_CALLBACKS
    if _SHELL_CALLBACKS is None:
        _SHELL_CALLBACKS = (dict(_callback.GLOBAL_CALLBACK_MAP), list(_callback.GLOBAL_CALLBACK_LIST),
                            list(_callback.GLOBAL_INLINE_SCRIPTS))
        return
    callback_map, callback_list, inline_scripts = _SHELL_CALLBACKS
    for key, entry in callback_map.items():
        _callback.GLOBAL_CALLBACK_MAP.setdefault(key, entry)
    listed = {spec["output"] for spec in _callback.GLOBAL_CALLBACK_LIST}
    _callback.GLOBAL_CALLBACK_LIST.extend(spec for spec in callback_list if spec["output"] not in listed)
    _callback.GLOBAL_INLINE_SCRIPTS.extend(s for s in inline_scripts if s not in _callback.GLOBAL_INLINE_SCRIPTS)


def create_app(data_dir: Path | None = None) -> dash.Dash:
    """Return the configured Dash app serving the newest verified snapshot in `data_dir`."""
    if data_dir is not None:
        os.environ["OGDASH_DATA_DIR"] = str(Path(data_dir).resolve())
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(config.PACKAGE_DIR / "pages"),
        assets_folder=str(config.ASSETS_DIR),
        title="Open Government Monitor",
        suppress_callback_exceptions=True,
        serve_locally=True,
        compress=False,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"},
                   {"name": "description", "content": "How open-government commitments, open data and learning are doing."}],
    )
    _restore_shell_callbacks()
    app.layout = _shell
    _index_in_the_views_language(app)
    downloads.register(app.server)  # /download/<snapshot>/<table>.csv
    feed.register(app.server)  # /feed/commitments.atom?<view>: the change feed (Atom)
    brief.register(app.server)  # /brief/<page>?<view>: a printable briefing, and its PDF
    web.install(app.server, app)  # app: for its CSP script hashes and callback list
    return app


def _index_in_the_views_language(app: dash.Dash) -> None:
    """Serve the page's HTML as <html lang="fr"> for a French view, so it is French before any script runs."""
    interpolate = app.interpolate_index

    def interpolate_index(**kwargs) -> str:
        page = interpolate(**kwargs)
        if flask.has_request_context():  # a feed reader runs no script: the feed's link is in the head (feed.py)
            page = page.replace("</head>", feed.head_link(flask.request.path, flask.request.query_string.decode(
                "utf-8", "replace")) + "</head>", 1)
        lang = state_mod.parse(flask.request.query_string.decode("utf-8", "replace")).lang if flask.has_request_context() \
            else i18n.DEFAULT_LANG
        return page.replace("<html>", f'<html lang="{lang}">', 1)

    app.interpolate_index = interpolate_index


# ---------------------------------------------------------------- shell callbacks

@callback(
    Output("brand", "children"),
    Output("nav-links", "children"),
    Output("lang-toggle", "children"),
    Output("lang-toggle", "href"),
    Output("filters-heading", "children"),
    Output("filters-jurisdiction-label", "children"),
    Output("filters-level-label", "children"),
    Output("filters-cycle-label", "children"),
    Output("filters-period-label", "children"),
    Output("filters-from-label", "children"),
    Output("filters-to-label", "children"),
    Output("filters-from", "placeholder"),
    Output("filters-to", "placeholder"),
    Output("shell-footer", "children"),
    Output("skip-link", "children"),
    Output("filter-bar", "hidden"),
    Output("filters-toggle", "children"),
    Input(URL, "pathname"),
    Input(URL, "search"),
)
def chrome(pathname, search):
    """Return the navigation, language switch and footer in the view's language."""
    view = state_mod.parse(search)
    lang = view.lang
    path = pathname or "/"
    links = []
    for target, label in NAV:
        active = path == target or (target != "/" and path.startswith(target + "/")) or (target != "/" and path == target)
        # dcc.Link takes no aria-* props: the current page is marked on the link's text.
        text = html.Span(_(label, lang), **{"aria-current": "page"}) if active else _(label, lang)
        links.append(dcc.Link(text, href=target + view.to_query(page=1, q="", statuses=()),
                              className="nav-link" + (" active" if active else "")))
    other = other_lang(lang)
    # The switch names the other language in that language, marked so screen readers say it right.
    toggle_label = html.Span("Français" if other == "fr" else "English", lang=other)
    footer = _footer(lang)
    hide_filters = path == "/data" or path.startswith(("/data/", "/present"))  # /datasets keeps them
    return (_("Open Government Monitor", lang), links, toggle_label, path + view.to_query(lang=other),
            _("Filters", lang), _("Jurisdiction", lang), _("Level", lang), _("Action-plan cycle", lang),
            _("Period", lang), f"{_('Period starts', lang)} ({_(DATE_HINT, lang)})",
            f"{_('Period ends', lang)} ({_(DATE_HINT, lang)})", _(DATE_HINT, lang), _(DATE_HINT, lang),
            footer, _("Skip to main content", lang), hide_filters, filters_toggle_label(view))


def active_filters(view: state_mod.ViewState) -> int:
    """Return how many filters the view applies: each jurisdiction, level and cycle chosen, and the period as one."""
    return len(view.jurisdictions) + len(view.levels) + len(view.cycles) + bool(view.date_from or view.date_to)


def filters_toggle_label(view: state_mod.ViewState) -> list:
    """Return the phone's "Filters" button text, with how many filters are on ("Filters 2", read "2 active")."""
    lang, n = view.lang, active_filters(view)
    label: list = [_("Filters", lang)]
    if n:
        label += [" ", html.Span(i18n.fmt_int(n, lang), className="badge text-bg-primary", **{"aria-hidden": "true"}),
                  html.Span(ngettext(", {n} active", ", {n} active", n, lang),
                            className="visually-hidden")]
    return label


def _footer(lang: str):
    try:
        snap = data.current_snapshot()
    except data.NoSnapshot:
        return dbc.Container(_("No verified snapshot is available.", lang), fluid=True)
    refused = data.refused_snapshots()
    # Each source's own data date, then the build time labelled as such: the build is not the data's date.
    parts = [
        html.Span(charts.data_as_of_text(snap, lang), className="footer-data-dates"), " · ",
        html.Span(charts.built_text(snap, lang)), " · ",
        dcc.Link(_("Sources and licences", lang), href="/data" + ("?lang=fr" if lang == "fr" else "")),
    ]
    if snap.synthetic_rows:
        parts += [" · ", html.Span(_("This snapshot includes synthetic (generated) records, marked in the data.", lang))]
    if refused:
        parts = [html.Div(_("A newer snapshot failed its integrity check and is not served: {ids}", lang,
                            ids=", ".join(refused)), className="alert alert-danger py-1 mb-2", role="alert")] + parts
    return dbc.Container(parts, fluid=True)


def warm() -> None:
    """Do once, before a worker serves, what each visitor's first page load would otherwise pay for.

    That is the filter choices' query (its files' first read) and, in both languages, the message
    catalogs and Babel's locale data (loaded on first use): about 100 ms each, in the first callbacks.
    """
    today = dt.date.today()
    for lang in i18n.LANGS:
        _("Overview", lang)
        i18n.fmt_date(today, lang), i18n.fmt_date(today, lang, "medium"), i18n.fmt_month(today, lang)
        i18n.fmt_int(1800, lang), i18n.fmt_num(1800.5, lang), i18n.fmt_pct(0.45, lang)
        try:
            filter_choices(lang)
        except data.NoSnapshot:
            return


def filter_choices(lang: str) -> tuple[list, list, list]:
    """Return the filter choices available in the served snapshot, labelled in `lang`."""
    options = data.query("filter_options")
    jur = options[options["kind"] == "jurisdiction"]
    level_names = {level: _(label, lang) for level, label in progress.LEVELS.items()}
    # Sorted by the name shown (Allemagne among the A's in French), accents and case set aside.
    jurisdictions = sorted((
        {"label": f"{(r.label_fr if lang == 'fr' and r.label_fr else r.label_en)} · {level_names.get(r.level, r.level)}",
         "value": r.value}
        for r in jur.itertuples()
    ), key=lambda option: i18n.sort_key(option["label"]))
    levels = [{"label": name, "value": level} for level, name in level_names.items()]
    # A plan submitted and ended in the same year reads as that year ("2017"); the URL keeps the cycle's key.
    cycles = [{"label": vocab.cycle_label(r.value), "value": r.value}
              for r in options[options["kind"] == "cycle"].itertuples()]
    return jurisdictions, levels, cycles


@callback(
    Output(URL, "search"),
    Output("filters-jurisdiction", "value"),
    Output("filters-level", "value"),
    Output("filters-cycle", "value"),
    Output("filters-from", "value"),
    Output("filters-to", "value"),
    Output("filters-jurisdiction", "options"),
    Output("filters-level", "options"),
    Output("filters-cycle", "options"),
    Output("filters-jurisdiction", "placeholder"),
    Output("filters-level", "placeholder"),
    Output("filters-cycle", "placeholder"),
    Input(URL, "search"),
    Input("filters-jurisdiction", "value"),
    Input("filters-level", "value"),
    Input("filters-cycle", "value"),
    Input("filters-from", "n_submit"),
    Input("filters-from", "n_blur"),
    Input("filters-to", "n_submit"),
    Input("filters-to", "n_blur"),
    State("filters-from", "value"),
    State("filters-to", "value"),
)
def sync_filters(search, jurisdictions, levels, cycles, _from_submit, _from_blur, _to_submit, _to_blur,
                 date_from, date_to):
    """Keep the filter controls and the URL in step: the URL is the state, the controls show it.

    Choices and values travel in one response: a dropdown given values before its choices would
    drop them as unknown and report an empty selection, which would wipe the URL's filters.
    """
    view = state_mod.parse(search)
    if ctx.triggered_id in (None, URL):
        lang = view.lang
        return (dash.no_update, list(view.jurisdictions), list(view.levels), list(view.cycles),
                view.date_from.isoformat() if view.date_from else None,
                view.date_to.isoformat() if view.date_to else None,
                *filter_choices(lang), _("All jurisdictions", lang), _("All levels", lang), _("All cycles", lang))
    typed_from, typed_to = date_from, date_to
    date_from, date_to = typed_date(date_from), typed_date(date_to)
    if date_from is BAD_DATE or date_to is BAD_DATE or reversed_period(date_from, date_to):
        # period_hint says what is wrong; the URL keeps its last good period, and other filters still apply.
        if ctx.triggered_id in ("filters-from", "filters-to"):
            return (dash.no_update,) * 12
        date_from, date_to = view.date_from, view.date_to
        typed_from, typed_to = (d.isoformat() if d else "" for d in (date_from, date_to))  # leave the boxes alone
    wanted = state_mod.parse({
        **({"lang": view.lang} if view.lang != i18n.DEFAULT_LANG else {}),
        **({"jurisdiction": _chosen(jurisdictions)} if jurisdictions else {}),
        **({"level": _chosen(levels)} if levels else {}),
        **({"cycle": _chosen(cycles)} if cycles else {}),
        **({"from": date_from.isoformat()} if date_from else {}),
        **({"to": date_to.isoformat()} if date_to else {}),
    })
    new = view.to_query(jurisdictions=wanted.jurisdictions, levels=wanted.levels, cycles=wanted.cycles,
                        date_from=wanted.date_from, date_to=wanted.date_to, page=1)
    # A date typed another way (2024/1/5) is shown back the way the URL holds it; a box already
    # showing that is left alone, so what is being typed in the other one is not overwritten.
    shown = tuple(d.isoformat() if d and d.isoformat() != typed.strip() else dash.no_update
                  for d, typed in ((date_from, typed_from), (date_to, typed_to)))
    return ((new,) if new != (search or "") else (dash.no_update,)) + (dash.no_update,) * 3 + shown \
        + (dash.no_update,) * 6


DATE_HINT = N_("yyyy-mm-dd")
BAD_DATE = object()
_TYPED_DATE = re.compile(r"\s*(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*")


def typed_date(text) -> dt.date | None | object:
    """Return the date typed as yyyy-mm-dd (yyyy/m/d and yyyy.m.d too), None when empty, BAD_DATE otherwise."""
    if not isinstance(text, str) or not text.strip():
        return None
    match = _TYPED_DATE.fullmatch(text)
    try:
        day = dt.date(*(int(part) for part in match.groups())) if match else None
    except ValueError:
        day = None
    return day if day is not None and 1990 <= day.year <= 2100 else BAD_DATE


@callback(
    Output("filters-period-hint", "children"),
    Output("filters-period-hint", "className"),
    Output("filters-from", "className"),
    Output("filters-to", "className"),
    Input(URL, "search"),
    Input("filters-from", "n_submit"),
    Input("filters-from", "n_blur"),
    Input("filters-to", "n_submit"),
    Input("filters-to", "n_blur"),
    State("filters-from", "value"),
    State("filters-to", "value"),
    State("filters-from", "className"),
    State("filters-to", "className"),
)
def period_hint(search, _from_submit, _from_blur, _to_submit, _to_blur, date_from, date_to, from_class=None,
                to_class=None):
    """Return the chosen period in the language's words, or what is wrong with a typed date, and the boxes' classes.

    On a new URL the period is the URL's (the boxes are being refilled from it); on Enter or leaving a box, the boxes'.
    """
    view = state_mod.parse(search)
    if ctx.triggered_id in (None, URL):
        date_from, date_to = (d.isoformat() if d else None for d in (view.date_from, view.date_to))
    return period_feedback(view.lang, date_from, date_to, from_class, to_class)


def period_feedback(lang: str, date_from, date_to, from_class=None, to_class=None) -> tuple:
    """Return (sentence, its class, the start box's class, the end box's class) for the period typed."""
    start, end = typed_date(date_from), typed_date(date_to)
    wrong = {"from": start is BAD_DATE, "to": end is BAD_DATE}
    if wrong["from"] or wrong["to"]:
        text = date_from if wrong["from"] else date_to
        message = _("“{text}” is not a date: type it as {format}.", lang, text=text.strip(), format=_(DATE_HINT, lang))
    elif reversed_period(start, end):
        wrong = {"from": True, "to": True}
        message = _("The period ends before it starts.", lang)
    elif start and end:
        message = _("from {start} to {end}", lang, start=i18n.fmt_date(start, lang), end=i18n.fmt_date(end, lang))
    elif start:
        message = _("from {start}", lang, start=i18n.fmt_date(start, lang))
    elif end:
        message = _("up to {end}", lang, end=i18n.fmt_date(end, lang))
    else:
        message = _("all dates", lang)
    box = "form-control form-control-sm"
    # A box is given a class only when it changes, so a box being typed in is not redrawn.
    classes = [box + (" is-invalid" if wrong[key] else "") for key in ("from", "to")]
    return (message, "small filters-period-hint" + (" text-danger" if any(wrong.values()) else ""),
            *(new if new != old else dash.no_update for new, old in zip(classes, (from_class, to_class))))


def reversed_period(start, end) -> bool:
    return isinstance(start, dt.date) and isinstance(end, dt.date) and start > end


def _chosen(values) -> str:
    """Return a multi-select dropdown's value as "a,b"; anything but a list of strings counts as nothing chosen."""
    return ",".join(v for v in values if isinstance(v, str)) if isinstance(values, list) else ""


clientside_callback(
    """
    function(search) {
        const lang = new URLSearchParams(search || '').get('lang') === 'fr' ? 'fr' : 'en';
        document.documentElement.lang = lang;
        return window.dash_clientside.no_update;
    }
    """,
    Output("skip-link", "lang"),
    Input(URL, "search"),
)


# The phone's "Filters" button opens and closes the filter bar (a class, so wider screens, where the button is
# hidden, always show the bar); aria-expanded says which.
clientside_callback(
    """
    function(n) {
        const open = (n || 0) % 2 === 1;
        return [open ? 'filter-bar border-bottom filters-open' : 'filter-bar border-bottom', open ? 'true' : 'false'];
    }
    """,
    Output("filter-bar", "className"),
    Output("filters-toggle", "aria-expanded"),
    Input("filters-toggle", "n_clicks"),
)


@callback(
    Output("brief-link", "href"),
    Output("brief-link", "children"),
    Output("brief-link", "hidden"),
    Input(URL, "pathname"),
    Input(URL, "search"),
)
def brief_link(pathname, search):
    """Return the link to the PDF briefing of the current view (hidden on pages without one, or if nothing can print)."""
    view = state_mod.parse(search)
    target = brief.brief_path(pathname if isinstance(pathname, str) else "/")
    href = f"{target}/pdf{view.to_query()}" if target else "/brief/overview/pdf"
    return href, _("Briefing (PDF)", view.lang), target is None or not brief.printing_offered()


@callback(Output("nav-collapse", "is_open"), Input("nav-toggler", "n_clicks"), State("nav-collapse", "is_open"),
          prevent_initial_call=True)
def toggle_nav(n, is_open):
    return not is_open
