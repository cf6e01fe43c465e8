"""Values from the data in French: closed vocabularies translated exactly, English-only text marked with lang="en"."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard import charts, figures, vocab
from dashboard.ingest import portal_metrics
from dashboard.specs import datasets as datasets_spec
from helpers import find_all, make_snapshot, page_module
from helpers import text_of

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def app_page_modules(app_on):
    """Return the page modules by name, registered by an app over a one-row snapshot."""
    app_on("vocab-data", lambda data_dir: make_snapshot(
        data_dir, {"jurisdictions": [{"jurisdiction_id": "ca", "name_en": "Canada", "level": "national"}]}))
    return {name: page_module(name) for name in ("datasets", "training", "commitment_detail")}



def _flagged(values: list[float]) -> list[str]:
    """Return the reasons the portal-metrics connector writes for a one-fiscal-year count series."""
    start = dt.date(2024, 4, 1)
    points = [{"date": start + dt.timedelta(days=i), "value": float(v), "is_outlier": False, "outlier_reason": None,
               "_fiscal_start": start} for i, v in enumerate(values)]
    portal_metrics.flag_outliers(points, "count")
    return [p["outlier_reason"] for p in points if p["is_outlier"]]


# ---------------------------------------------------------------- glitch reasons

def test_every_reason_the_connector_writes_reads_in_french():
    zero, dip, spike = _flagged([1000] * 6 + [0] + [1000] * 6 + [200] + [1000] * 6 + [9000] + [1000] * 6)
    assert zero == "zero: 0 where the days around it are about 1,000"
    assert vocab.glitch_reason(zero, "fr") == f"zéro{NBSP}: 0 alors que les jours voisins sont d’environ 1{NBSP}000"
    assert vocab.glitch_reason(dip, "fr") == f"creux{NBSP}: 200 alors que les jours voisins sont d’environ 1{NBSP}000"
    assert vocab.glitch_reason(spike, "fr") == f"pic{NBSP}: 9{NBSP}000 alors que les jours voisins sont d’environ 1{NBSP}000"
    undercount = _flagged([100, 110, 120, 130, 140, 5000, 5100, 5200, 5300, 5400, 5500])[0]
    assert vocab.glitch_reason(undercount, "fr") == (
        f"sous-comptage{NBSP}: le cumul de l’exercice passe de 140 à 5{NBSP}000 le 6 avril 2024 et s’y maintient{NBSP}; "
        "les valeurs antérieures de l’exercice semblent trop basses")
    assert vocab.glitch_reason(undercount, "en") == undercount  # English reads as the source wrote it


def test_the_generators_reasons_read_in_french():
    assert vocab.glitch_reason("zero reading: collection failure", "fr") == f"lecture nulle{NBSP}: échec de la collecte"
    assert vocab.glitch_reason("spike: automated traffic", "fr") == f"pic{NBSP}: trafic automatisé"
    assert vocab.glitch_reason("partial day: collection incomplete", "fr") == f"journée partielle{NBSP}: collecte incomplète"


def test_an_unknown_reason_is_shown_as_written_and_marked_english_only():
    assert vocab.glitch_reason("reported as 0", "fr") is None
    assert vocab.label(vocab.glitch_reason, "reported as 0", "fr") == "reported as 0 (en anglais seulement)"
    assert vocab.label(vocab.glitch_reason, "reported as 0", "en") == "reported as 0"
    shown = vocab.show(vocab.glitch_reason, "reported as 0", "fr")
    assert text_of(shown) == "reported as 0 en anglais seulement"
    assert [n.lang for n in find_all(shown, lambda n: getattr(n, "lang", None))] == ["en", "fr"]


METRICS = pd.DataFrame([
    {"portal": "open.canada.ca", "metric": "total_visits", "date": pd.Timestamp("2024-04-01"), "value": 3300.0,
     "is_outlier": False, "outlier_reason": None, "synthetic": False},
    {"portal": "open.canada.ca", "metric": "total_visits", "date": pd.Timestamp("2024-04-02"), "value": 0.0,
     "is_outlier": True, "outlier_reason": "zero: 0 where the days around it are about 3,300", "synthetic": False},
    {"portal": "open.canada.ca", "metric": "total_visits", "date": pd.Timestamp("2024-04-03"), "value": 3350.0,
     "is_outlier": False, "outlier_reason": None, "synthetic": False},
    {"portal": "open.canada.ca", "metric": "total_visits", "date": pd.Timestamp("2024-04-04"), "value": 9.0,
     "is_outlier": True, "outlier_reason": "meter reset", "synthetic": False},
])
ZERO_FR = f"zéro{NBSP}: 0 alors que les jours voisins sont d’environ 3{NBSP}300"


def test_portal_metrics_hover_gives_the_french_reason_or_the_marker():
    fig = figures.portal_metrics_lines(METRICS, lang="fr")
    flagged = [tr for tr in fig.data if tr.legendgroup == "flagged"]
    assert [list(c) for c in flagged[0].customdata] == [
        ["open.canada.ca", ZERO_FR], ["open.canada.ca", "meter reset (en anglais seulement)"]]


def test_portal_metrics_sentence_gives_the_french_reasons(app_page_modules):
    sentence = datasets_spec.metrics_sentence(METRICS, "fr")
    assert sentence.endswith(f"Raison{NBSP}: {ZERO_FR} (1); meter reset (en anglais seulement) (1).")


def test_portal_metrics_table_gives_french_metric_and_reason(app_page_modules):
    chart = charts.REGISTRY["datasets-portal-metrics"]
    table = charts.data_table(METRICS, chart.columns, "fr", "x")
    rows = find_all(table, lambda n: type(n).__name__ == "Tr")[1:]
    assert [text_of(td) for td in rows[1].children] == [
        "open.canada.ca", "Visites", "2 avr. 2024", "0,00", "oui", ZERO_FR]
    reason = rows[3].children[-1]
    assert text_of(reason) == "meter reset en anglais seulement"
    assert [n.lang for n in find_all(reason, lambda n: getattr(n, "lang", None))] == ["en", "fr"]


# ---------------------------------------------------------------- learning vocabularies and organizers

def test_event_types_topics_and_levels_are_translated():
    assert [vocab.event_type(v, "fr") for v in ("course", "webinar", "armchair discussion", "train-the-trainer",
                                                "learning event", "Workshop")] == [
        "Cours", "Webinaire", "Causerie", "Formation des formateurs", "Activité d’apprentissage", "Atelier"]
    assert vocab.topic("open data", "fr") == "Données ouvertes"
    assert vocab.level("subnational", "fr") == "Infranational"
    assert vocab.event_type("Instructor-Led", "fr") is None
    assert vocab.event_type("course", "en") == "Course"


def test_organizers_get_their_official_french_name_or_the_marker():
    assert vocab.organizer("Canada School of Public Service", "fr") == "École de la fonction publique du Canada"
    assert vocab.organizer("Canada School of Public Service; Treasury Board of Canada Secretariat", "fr") == \
        "École de la fonction publique du Canada; Secrétariat du Conseil du Trésor du Canada"
    assert vocab.organizer("Secrétariat du Conseil du trésor", "fr") == "Secrétariat du Conseil du trésor"
    assert vocab.organizer("Scotland, United Kingdom: public service school", "fr") == \
        f"Écosse, Royaume-Uni{NBSP}: école de la fonction publique"
    assert vocab.organizer("MCN", "fr") is None
    assert vocab.label(vocab.organizer, "MCN", "fr") == "MCN (en anglais seulement)"
    assert vocab.organizer("Privy Council Office", "en") == "Privy Council Office"


def test_table_cells_for_jurisdictions_levels_and_english_columns():
    record = {"jurisdiction_name_en": "Quebec", "jurisdiction_name_fr": "Québec", "level": "subnational",
              "progress_en": "Done in 2017.", "progress_fr": None, "title_en": "Open data", "title_fr": "Données",
              "progress": "not_started", "potential_impact": "Minor", "potential_impact_missing": "ND"}
    assert vocab.cell("jurisdiction_name_en", record, "fr") == "Québec"
    assert vocab.cell("level", record, "fr") == "Infranational"
    assert vocab.cell("progress", record, "fr") == "Non commencé"
    assert vocab.cell("potential_impact", record, "fr") == "Mineur"
    assert vocab.cell("potential_impact_missing", record, "fr") == "Aucune donnée (ND)"
    only_english = vocab.cell("progress_en", record, "fr")
    assert text_of(only_english) == "Done in 2017. en anglais seulement"
    beside_french = vocab.cell("title_en", record, "fr")
    assert (text_of(beside_french), beside_french.lang) == ("Open data", "en")  # the French column is beside it
    assert vocab.cell("jurisdiction_name_en", {"jurisdiction_name_en": "Quebec"}, "en") is None  # English: as is
    assert vocab.cell("events", record, "fr") is None
