"""Offline bundle: a playlist written as a static site (HTML, plotly.js, figures as data) that plays from file://."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import shutil
from pathlib import Path

from dashboard import brief, config, data, i18n, playlists
from dashboard.app import create_app
from dashboard.i18n import _

STATIC = Path(__file__).resolve().parent / "static"
PLAYER_FILES = ("player.js", "player.css")


def _ui(lang: str) -> dict[str, str]:
    return {
        "slide": _("Slide {n} of {count}", lang), "paused": _("Paused", lang),
        "next_in": _("Next slide in {seconds} s", lang), "previous": _("Previous", lang), "next": _("Next", lang),
        "pause": _("Pause", lang), "play": _("Play", lang), "other": "Français" if lang == "en" else "English",
        "controls": _("Presentation controls", lang),
        "offline": _("Offline copy of playlist {name}, made {date} from snapshot {snapshot}.", lang),
    }


def slides_payload(playlist: playlists.Playlist) -> list[dict]:
    """Return, per slide, its view, chart and {lang: {title, sentence, caption, figure}} computed by the chart builders."""
    out = []
    for slide in playlist.slides:
        per_lang = {}
        for lang in i18n.LANGS:
            shown = playlists.render_slide(slide, lang)  # as /present shows it: cut and restyled for a room
            per_lang[lang] = {
                "title": shown.title,
                "rule": shown.rule,
                "sentence": shown.note,
                "caption": shown.caption,  # the snapshot, each shown source's data date, the build time labelled as such
                "figure": json.loads(shown.figure.to_json()),
                "config": {"displayModeBar": False, "responsive": True, **i18n.plotly_locale(lang)},
            }
        out.append({"view": slide.view, "chart": slide.chart, **per_lang})
    return out


def export(playlist_file: Path, out: Path, *, data_dir: Path | None = None) -> Path:
    """Write the playlist in `playlist_file` as a static site in `out`; return the path of its index.html.

    The slides are drawn from the snapshot `ogdash serve` would serve from `data_dir` (default: as serve's,
    $OGDASH_DATA_DIR, else ./data): the newest that verifies. Its id is in manifest.json, in the page's
    <meta name="ogdash-snapshot"> and on every slide's caption.
    """
    data_dir = Path(data_dir or config.data_dir()).resolve()
    create_app(data_dir)  # registers the charts and points data at data_dir
    playlist = playlists.load(playlist_file)
    snapshot = data.current_snapshot(data_dir)
    out = Path(out)
    (out / "data").mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    show = {
        "playlist": playlist.name,
        "title": {lang: playlist.title_in(lang) for lang in i18n.LANGS},
        "interval": playlist.interval,
        "snapshot": snapshot.id,
        "generated_at": now.isoformat(),
        "ui": {lang: _ui(lang) for lang in i18n.LANGS},
        "date": {lang: i18n.fmt_date(now, lang) for lang in i18n.LANGS},
        "slides": slides_payload(playlist),
    }
    text = json.dumps(show, ensure_ascii=False)
    (out / "data" / "slides.json").write_text(text, encoding="utf-8")
    # file:// pages cannot fetch JSON, so the player reads the same data from a script: '<', '>' and '&'
    # escaped there (brief.html_json), so that no text from the data can close or comment out a script.
    (out / "data" / "slides.js").write_text("window.OGDASH_SHOW = " + brief.html_json(show) + ";\n",
                                            encoding="utf-8")
    shutil.copyfile(brief.plotly_js(), out / "plotly.min.js")
    for name in PLAYER_FILES:
        shutil.copyfile(STATIC / name, out / name)
    raw = Path(playlist_file).read_bytes()
    manifest = {
        "snapshot_id": snapshot.id,
        "snapshot_created_at": snapshot.manifest["created_at"],
        "playlist": {"name": playlist.name, "file": Path(playlist_file).name,
                     "sha256": hashlib.sha256(raw).hexdigest(),
                     "slides": [{"view": s.view, "chart": s.chart} for s in playlist.slides]},
        "generated_at": now.isoformat(),
        "sources": snapshot.manifest.get("sources", []),
        "tables": {name: {"rows": meta.get("rows"), "sha256": meta.get("sha256")}
                   for name, meta in snapshot.manifest.get("tables", {}).items()},
        "files": {},
    }
    for path in sorted(p for p in out.rglob("*") if p.is_file() and p.name not in ("manifest.json", "index.html")):
        manifest["files"][path.relative_to(out).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    index = out / "index.html"
    index.write_text(INDEX.format(title=html.escape(playlist.title_in("en")), snapshot=html.escape(snapshot.id)),
                     encoding="utf-8")
    return index


INDEX = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="ogdash-snapshot" content="{snapshot}">
<title>{title}</title><link rel="stylesheet" href="player.css"></head>
<body><div class="present-mode" data-slide="1" lang="en">
<div class="present-top"><span class="present-playlist"></span><span class="present-counter" id="present-counter"></span></div>
<h1 class="present-title" id="present-title"></h1>
<p class="present-rule" id="present-rule"></p>
<figure class="present-figure" aria-labelledby="present-title" aria-describedby="present-sentence"><div id="present-graph" class="present-graph"></div></figure>
<p class="present-sentence" id="present-sentence" aria-live="polite"></p>
<p class="present-caption" id="present-caption"></p>
<div class="present-controls" role="toolbar">
<button type="button" id="present-prev"></button><button type="button" id="present-pause"></button>
<button type="button" id="present-next"></button><button type="button" id="present-lang"></button>
<span class="present-status" id="present-status" aria-live="polite"></span></div>
<p class="present-provenance" id="present-provenance"></p>
</div>
<script src="plotly.min.js"></script><script src="data/slides.js"></script><script src="player.js"></script>
</body></html>
"""
