"""The period boxes in the filter bar: dates typed as yyyy-mm-dd, read back in the view's language."""

from __future__ import annotations

import datetime as dt

import dash
import pytest

from dashboard import app


@pytest.mark.parametrize("text, expected", [
    ("2026-11-22", dt.date(2026, 11, 22)),
    (" 2026/11/22 ", dt.date(2026, 11, 22)),
    ("2026.1.5", dt.date(2026, 1, 5)),
    ("", None),
    (None, None),
])
def test_typed_date_reads_year_month_day(text, expected):
    assert app.typed_date(text) == expected


@pytest.mark.parametrize("text", ["2026-13-01", "2026-02-30", "22/11/2026", "11/22/2026", "1989-12-31", "demain",
                                  "2026-11-22'; drop table x", 20261122])
def test_typed_date_refuses_what_is_not_a_year_month_day(text):
    assert app.typed_date(text) is (None if not isinstance(text, str) else app.BAD_DATE)


BOX = "form-control form-control-sm"


def test_period_hint_says_the_period_in_french_words():
    hint, hint_class, from_class, to_class = app.period_feedback("fr", "2024-01-01", "2026-11-22", BOX, BOX)
    assert hint == "du 1 janvier 2024 au 22 novembre 2026"
    assert "text-danger" not in hint_class
    assert from_class is dash.no_update and to_class is dash.no_update  # unchanged: the boxes are not redrawn


def test_period_hint_in_english_and_for_one_end():
    assert app.period_feedback("en", "2024-01-01", None, BOX, BOX)[0] == "from January 1, 2024"
    assert app.period_feedback("fr", None, "2026-11-22", BOX, BOX)[0] == "jusqu’au 22 novembre 2026"
    assert app.period_feedback("fr", None, None, BOX, BOX)[0] == "toutes les dates"


def test_period_hint_names_a_bad_date_and_marks_its_box():
    hint, hint_class, from_class, to_class = app.period_feedback("fr", "2024-01-01", "2026-13-01", BOX, BOX)
    assert hint == "«\u00a02026-13-01\u00a0» n’est pas une date\u00a0: saisissez-la sous la forme aaaa-mm-jj."
    assert "text-danger" in hint_class
    assert from_class is dash.no_update
    assert to_class == BOX + " is-invalid"


def test_period_hint_refuses_a_period_that_ends_before_it_starts():
    hint, _, from_class, to_class = app.period_feedback("en", "2026-01-01", "2025-01-01", BOX, BOX)
    assert hint == "The period ends before it starts."
    assert from_class == to_class == BOX + " is-invalid"
    assert app.period_feedback("en", "2026-01-01", "2026-02-01", BOX + " is-invalid", BOX)[2] == BOX  # cleared again
