"""Criteria sets: every shipped file passes the schema check and adds up to 100 points."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from criteria import CriteriaSetError, list_criteria_sets, load_criteria_set
from criteria.criteria_sets import SETS_DIR, parse_criteria_set

SHIPPED = list_criteria_sets()


def test_the_expected_sets_are_shipped() -> None:
    for name in ("nd335-non-leader@1", "nd335-leader@1", "nd335-front-desk@1"):
        assert name in SHIPPED
    assert {"nd90-can-bo@1", "nd90-cong-chuc@1", "nd90-vien-chuc@1"} <= set(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_set_is_valid(name: str) -> None:
    criteria_set = load_criteria_set(name)
    assert criteria_set.id == name
    assert criteria_set.max_points == 100
    general, tasks = criteria_set.groups
    assert (general.code, general.max_points) == ("general", 30)
    assert (tasks.code, tasks.max_points) == ("tasks", 70)
    expected_general = 5 if criteria_set.rulebook == "nd335" or criteria_set.leader else 4
    assert len(general.criteria) == expected_general
    for item in (c for group in criteria_set.groups for c in group.criteria):
        assert item.description and item.source


def test_front_desk_scores_satisfaction() -> None:
    names = [c.name for c in load_criteria_set("nd335-front-desk").groups[1].criteria]
    assert "Mức độ hài lòng của người dân, doanh nghiệp" in names


def test_latest_version_without_suffix() -> None:
    assert load_criteria_set("nd335-leader").id == "nd335-leader@1"


def test_unknown_set() -> None:
    with pytest.raises(CriteriaSetError, match="no such criteria set"):
        load_criteria_set("nd999")


def _data() -> dict[str, Any]:
    return json.loads((SETS_DIR / "nd335-non-leader@1.json").read_text(encoding="utf-8"))


def _broken(change: str) -> dict[str, Any]:
    data = copy.deepcopy(_data())
    if change == "points":
        data["groups"][0]["criteria"][0]["max_points"] = 7
    elif change == "group":
        data["groups"][1]["max_points"] = 60
    elif change == "rulebook":
        data["rulebook"] = "nd100"
    elif change == "name":
        data["name"] = "other"
    elif change == "duplicate":
        data["groups"][0]["criteria"][1]["code"] = data["groups"][0]["criteria"][0]["code"]
    elif change == "description":
        data["groups"][1]["criteria"][0]["description"] = ""
    elif change == "category":
        data["applies_to"]["categories"] = ["cong_nhan"]
    return data


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ("points", "groups[0]"),
        ("group", "groups[1]"),
        ("rulebook", "rulebook"),
        ("name", "name"),
        ("duplicate", "groups"),
        ("description", "groups[1].criteria[0].description"),
        ("category", "applies_to.categories"),
    ],
)
def test_schema_check_names_the_problem(change: str, path: str) -> None:
    with pytest.raises(CriteriaSetError) as error:
        parse_criteria_set(_broken(change), "nd335-non-leader@1")
    assert error.value.path == path
