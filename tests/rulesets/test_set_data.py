"""The pure checks of a set's data and of the policy's: every problem named, where it is."""

from __future__ import annotations

import copy

import pytest

from criteria import load_criteria_set
from criteria.policy import DEFAULT_POLICY
from criteria.set_data import (
    criteria_set_data,
    criteria_set_from_data,
    policy_data,
    policy_from_data,
    set_problems,
)

BASE = criteria_set_data(load_criteria_set("nd90-cong-chuc@1"))


def kinds(data) -> list[tuple[str, int | None, int | None]]:
    return [(p.kind, p.group, p.criterion) for p in set_problems(data)]


def test_a_shipped_set_round_trips_and_has_no_problem():
    assert set_problems(BASE) == []
    assert criteria_set_from_data(BASE) == load_criteria_set("nd90-cong-chuc@1")


def test_every_problem_is_named_at_once_with_where_it_is():
    data = copy.deepcopy(BASE)
    data["groups"][0]["criteria"][1]["description"] = " "
    data["groups"][0]["criteria"][2]["max_points"] = 0
    data["groups"][1]["max_points"] = 60
    data["groups"][1]["criteria"][0]["code"] = data["groups"][0]["criteria"][0]["code"]
    found = kinds(data)
    assert ("missing_text", 0, 1) in found
    assert ("bad_range", 0, 2) in found
    assert ("criteria_total", 0, None) in found  # 30 no longer reached without criterion 3
    assert ("group_ceilings", None, None) in found
    assert ("duplicate_codes", None, None) in found
    ceilings = next(p for p in set_problems(data) if p.kind == "group_ceilings")
    assert ceilings.values == {"general": 30.0, "tasks": 60.0}


@pytest.mark.parametrize(
    ("bands", "kind"),
    [([90, 70, 50], None), ([80, 85, 50], "bands_order"), ([90, 70], "bad_bands"),
     ([120, 70, 50], "bands_order")],
)  # fmt: skip
def test_a_sets_own_bands_must_descend_within_the_scale(bands, kind):
    data = copy.deepcopy(BASE) | {"bands": bands}
    assert [p.kind for p in set_problems(data)] == ([kind] if kind else [])
    if kind is None:
        assert criteria_set_from_data(data).bands == (90.0, 70.0, 50.0)


def test_the_policy_round_trips_and_refuses_what_is_out_of_range():
    assert policy_from_data(policy_data(DEFAULT_POLICY)) == DEFAULT_POLICY
    changed = policy_from_data({"nd90_quota_pct": 15, "points_may_fail": True})
    assert (changed.nd90_quota_pct, changed.points_may_fail) == (15.0, True)
    for bad in (
        {"nd90_quota_pct": 120},
        {"s3_weights": [50, 30, 30]},
        {"points_may_fail": "yes"},
        {"general_good_min": 20},  # not an editable parameter
    ):
        with pytest.raises(ValueError):
            policy_from_data(bad)
