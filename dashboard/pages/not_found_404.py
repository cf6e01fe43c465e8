"""The app's own not-found page: what Dash Pages shows for an address no page has (the server answers 404 with it)."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import state as state_mod
from dashboard.components import page_header
from dashboard.i18n import _
from dashboard.sitemap import NAV

# Dash Pages shows the page of a module named not_found_404 for every unknown path; dashboard.web sets the 404.
dash.register_page(__name__, path="/not-found-404", name="Page not found", title="Page not found · Open Government Monitor",
                   order=99)


def layout(**query):
    view = state_mod.parse(query)
    lang = view.lang
    return html.Div(id="not-found-page", children=[
        page_header(_("Page not found", lang), view,
                    lead=_("There is no page at this address. It may have been mistyped, or the link may be old.",
                           lang)),
        html.P(_("The dashboard's pages:", lang), className="mb-1"),
        html.Ul([html.Li(dcc.Link(_(label, lang), href=path + view.to_query(page=1, q="", statuses=())))
                 for path, label in NAV], id="not-found-pages"),
    ])
