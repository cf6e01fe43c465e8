"""Shared layout pieces: page header, notices, breadcrumbs, KPI tiles, empty states, link helpers."""

from __future__ import annotations

from dash import dcc, html

from dashboard import i18n, state as state_mod
from dashboard.i18n import N_, _

# The global filters, as (query key, ViewState field, English label).
FILTERS = (
    ("jurisdiction", "jurisdictions", N_("Jurisdiction")),
    ("level", "levels", N_("Level")),
    ("cycle", "cycles", N_("Action-plan cycle")),
)

# The changes to a view that leave one page's own state (its list page, search and status filter) behind when a
# link goes to another page.
ELSEWHERE = {"page": 1, "q": "", "statuses": ()}


def href(path: str, view: state_mod.ViewState, **changes) -> str:
    """Return a link to `path` that keeps the view's state, with `changes` applied."""
    return path + view.to_query(**changes)


def safe_href(path: str, view: state_mod.ViewState, **changes) -> str | None:
    """Return a link to `path` with `changes`, or None when a changed value would not survive the URL's checks."""
    query = view.to_query(**changes)
    return None if state_mod.parse(query).notices else path + query


def page_header(title: str, view: state_mod.ViewState, *, lead: str | None = None,
                crumbs: list[tuple[str, str | None]] | None = None) -> html.Header:
    """Return the page's heading block: breadcrumbs, h1, a lead sentence and any URL notices."""
    lang = view.lang
    children = []
    if crumbs:
        children.append(breadcrumbs(crumbs, lang))
    children.append(html.H1(title, className="display-6 fw-semibold mb-1"))
    if lead:
        children.append(html.P(lead, className="lead text-body-secondary mb-2"))
    children.append(notices(view))
    return html.Header(children, className="page-header mb-3")


def section_card(title_id: str, title, children: list, *, section_id: str | None = None,
                 className: str = "card shadow-sm mb-4 records-card") -> html.Section:
    """Return a card section labelled by its h2 `title` (id `title_id`), `children` below it."""
    return html.Section(className=className, **({"id": section_id} if section_id else {}),
                        **{"aria-labelledby": title_id}, children=html.Div(className="card-body", children=[
                            html.H2(title, id=title_id, className="h5 card-title"), *children]))


def breadcrumbs(items: list[tuple[str, str | None]], lang: str) -> html.Nav:
    """Return a breadcrumb trail; the last item is the current page."""
    lis = []
    for i, (label, link) in enumerate(items):
        last = i == len(items) - 1
        if last or not link:
            lis.append(html.Li(label, className="breadcrumb-item active", **({"aria-current": "page"} if last else {})))
        else:
            lis.append(html.Li(dcc.Link(label, href=link), className="breadcrumb-item"))
    return html.Nav(html.Ol(lis, className="breadcrumb mb-1"), **{"aria-label": _("Breadcrumb", lang)})


def notices(view: state_mod.ViewState):
    """Return a visible notice for each unknown or malformed URL parameter that was ignored."""
    if not view.notices:
        return None
    lang = view.lang
    items = [html.Li(_("“{key}={value}” is not understood and was ignored; the default is shown.", lang,
                       key=k, value=v)) for k, v in view.notices]
    return html.Div([html.Strong(_("Some of the link was not understood.", lang)), html.Ul(items, className="mb-0")],
                    className="alert alert-warning url-notice", role="status")


def kpi_tile(label: str, value: str, link: str, *, detail: str | None = None, tile_id: str | None = None) -> dcc.Link:
    """Return a KPI tile that links into the page behind the number."""
    body = [html.Div(label, className="kpi-label"), html.Div(value, className="kpi-value")]
    if detail:
        body.append(html.Div(detail, className="kpi-detail"))
    return dcc.Link(html.Div(body, className="card-body"), href=link, className="card kpi-tile shadow-sm h-100",
                    id=tile_id or f"kpi-{label}")


def empty_state(message: str, lang: str, *, clear_link: str | None = None) -> html.Div:
    """Return a helpful empty state instead of blank axes or an empty table."""
    children = [html.P(message, className="mb-1")]
    if clear_link:
        children.append(dcc.Link(_("Clear the filters", lang), href=clear_link))
    return html.Div(children, className="empty-state text-body-secondary")


def only_in(lang_available: str, lang: str) -> html.Span:
    """Return the marker shown where a text exists only in the other language."""
    label = _("only in English", lang) if lang_available == "en" else _("only in French", lang)
    return html.Span(label, className="badge text-bg-light border lang-marker", lang=lang)


def localized(en: str | None, fr: str | None, lang: str):
    """Return the text in `lang` if the source has it, else the other language with a marker."""
    want, other, other_lang = (fr, en, "en") if lang == "fr" else (en, fr, "fr")
    if want:
        return want
    if other:
        return html.Span([html.Span(other, lang=other_lang), " ", only_in(other_lang, lang)])
    return "–"


def lang_name(lang: str) -> str:
    return {"en": "English", "fr": "Français"}[lang]


def other_lang(lang: str) -> str:
    return "fr" if lang == "en" else "en"


def format_count(n, lang: str) -> str:
    return i18n.fmt_int(n, lang)
