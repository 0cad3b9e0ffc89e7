"""One address per list (`core.templating.url_stem`): each row appends its id to it."""

from __future__ import annotations

import pytest
from flask import Flask, url_for

from evaluation.core.templating import url_stem


@pytest.mark.parametrize(
    ("endpoint", "last", "values"),
    [
        ("plans.plan_detail", "plan_id", {}),
        ("organisation.person_detail", "person_id", {}),
        ("scoring.evaluation_page", "person_id", {"year": 2026}),
        ("scoring.score_person", "person_id", {"key": "2026-12"}),
        ("rankings.unit_drilldown", "unit_id", {"key": "2026"}),
    ],
)
def test_the_stem_and_an_id_make_the_address_of_that_id(app: Flask, endpoint, last, values):
    with app.test_request_context():
        stem = url_stem(endpoint, last, **values)
        for ident in (1, 7, 40123):
            assert stem + str(ident) == url_for(endpoint, **values, **{last: ident})


def test_a_part_that_is_not_last_is_refused(app: Flask):
    with app.test_request_context(), pytest.raises(ValueError, match="not the last part"):
        url_stem("scoring.evaluation_page", "year", person_id=5)
