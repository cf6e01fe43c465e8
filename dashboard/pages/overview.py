"""Overview: KPI tiles that link into each page with the matching filter applied."""

from __future__ import annotations

import dash
from dash import html

from dashboard import state as state_mod
from dashboard.components import page_header
from dashboard.i18n import t

dash.register_page(__name__, path="/", name="Overview", order=0)


def layout(**query):
    view = state_mod.parse(query)
    return html.Div([page_header(t("Overview", view.lang), view)], id="overview-page")
