"""Presentation mode: plays a playlist of views full screen, one chart per slide, on a timer; state lives in the URL."""

from __future__ import annotations

from dataclasses import replace

import dash
from dash import Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import charts, i18n, playlists
from dashboard.charts import URL
from dashboard.i18n import _
from dashboard.playlists import parse_show, step

# In the navigation, last: a presenter finds the slides from any page (nav=True; see sitemap).
dash.register_page(__name__, path="/present", name="Present", order=90, nav=True)


def _error(message: str, lang: str) -> html.Div:
    return html.Div(className="present-mode present-error", lang=lang, children=[
        html.H1(_("This playlist cannot be played", lang)),
        html.P(message, className="present-error-detail"),
        html.P(_("Playlists are TOML files in the playlists folder; each slide names a view and a chart.", lang)),
    ])


def layout(**query):
    show = parse_show(query)
    lang = show.lang
    try:
        playlist = playlists.named(show.playlist)
    except playlists.PlaylistError as exc:
        return _error(str(exc), lang)
    count = len(playlist.slides)
    show = replace(show, slide=min(show.slide, count))
    seconds = show.interval or playlist.interval
    status = (_("Paused", lang) if show.paused
              else _("Next slide in {seconds} s", lang, seconds=i18n.fmt_int(seconds, lang)))
    other = "Français" if lang == "en" else "English"
    return html.Div(
        className="present-mode" + (" is-paused" if show.paused else ""), lang=lang,
        **{"data-slide": str(show.slide), "data-count": str(count), "data-paused": "1" if show.paused else "0"},
        children=[
            dcc.Store(id="present-slide", data={"playlist": playlist.name, "slide": show.slide, "lang": lang}),
            dcc.Interval(id="present-timer", interval=seconds * 1000, disabled=show.paused),
            html.Div(className="present-top", children=[
                html.Span(playlist.title_in(lang), className="present-playlist"),
                html.Span(_("Slide {n} of {count}", lang, n=show.slide, count=count), id="present-counter",
                          className="present-counter"),
            ]),
            html.H1(id="present-title", className="present-title"),
            # What a chart cut for a room keeps ("The 12 members with the most commitments, of 76"); empty otherwise.
            html.P(id="present-rule", className="present-rule"),
            # The figure takes the stage's free height (30-present.css): the graph fills it. On a phone it scrolls
            # sideways, so a keyboard can reach it.
            html.Figure(className="present-figure", tabIndex="0", **{"aria-labelledby": "present-title",
                                                       "aria-describedby": "present-sentence"}, children=[
                dcc.Graph(id="present-graph", className="present-graph", responsive=True,
                          config={**charts.graph_config(lang, "present"), "displayModeBar": False}),
            ]),
            html.P(id="present-sentence", className="present-sentence", **{"aria-live": "polite"}),
            html.P(id="present-caption", className="present-caption"),
            html.Div(className="present-controls", role="toolbar", **{"aria-label": _("Presentation controls", lang)},
                     children=[
                html.Button(_("Previous", lang), id="present-prev", className="btn btn-outline-light btn-sm",
                            title=_("Previous slide (Left arrow)", lang)),
                html.Button(_("Play", lang) if show.paused else _("Pause", lang), id="present-pause",
                            className="btn btn-outline-light btn-sm", title=_("Pause or play (Space or K)", lang)),
                html.Button(_("Next", lang), id="present-next", className="btn btn-outline-light btn-sm",
                            title=_("Next slide (Right arrow)", lang)),
                html.Button(other, id="present-lang", className="btn btn-outline-light btn-sm",
                            lang="fr" if lang == "en" else "en", title=_("Switch language (L)", lang)),
                html.Span(status, id="present-status", className="present-status", **{"aria-live": "polite"}),
            ]),
        ],
    )


@callback(
    Output(URL, "search", allow_duplicate=True),
    Input("present-next", "n_clicks"),
    Input("present-prev", "n_clicks"),
    Input("present-pause", "n_clicks"),
    Input("present-lang", "n_clicks"),
    Input("present-timer", "n_intervals"),
    State(URL, "search"),
    State("present-slide", "data"),
    prevent_initial_call=True,
)
def navigate(_next, _prev, _pause, _lang, _ticks, search, slide):
    """Return the URL of the slide, pause state or language a control asked for."""
    # A control drawn by a new slide's layout reports itself with no clicks yet: only a real press counts.
    pressed = ctx.triggered[0].get("value") if ctx.triggered else None
    if not isinstance(slide, dict) or ctx.triggered_id is None or not pressed:
        raise PreventUpdate
    show = parse_show(search if isinstance(search, str) else "")
    try:
        count = len(playlists.named(show.playlist).slides)
    except playlists.PlaylistError:
        raise PreventUpdate from None
    return step(replace(show, slide=min(show.slide, count)), ctx.triggered_id, count).to_query()


@callback(
    Output("present-graph", "figure"),
    Output("present-title", "children"),
    Output("present-rule", "children"),
    Output("present-sentence", "children"),
    Output("present-caption", "children"),
    Input("present-slide", "data"),
)
def draw_slide(slide):
    """Return the slide's figure (restyled for a room), title, rule, note and caption (as-of date and sources)."""
    if not isinstance(slide, dict):
        raise PreventUpdate
    return slide_content(str(slide.get("playlist", "")), slide.get("slide"), str(slide.get("lang", "")))


def slide_content(name: str, number, lang: str):
    """Return (figure, title, rule, note, caption) for slide `number` (1-based) of playlist `name` in `lang`."""
    lang = i18n.lang_or_default(lang)
    try:
        playlist = playlists.named(name)
    except playlists.PlaylistError:
        raise PreventUpdate from None
    if not isinstance(number, int) or not 1 <= number <= len(playlist.slides):
        raise PreventUpdate
    shown = playlists.render_slide(playlist.slides[number - 1], lang)
    # The caption gives each shown source's data date and the build time, labelled as such.
    return shown.figure, shown.title, shown.rule, shown.note, shown.caption
