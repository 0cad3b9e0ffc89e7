"""P2 under the two-level local government (rules.md §11), on the demo organisation itself
(seed_data/organisation.json: a province, its Department of Home Affairs and two communes; no
district): each person's deciding authority is a commune's chairman, a department's director,
or the province's chairman."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from criteria import Decider
from criteria.procedure import OrgUnit, UnitType, deciding_authority

SEED = Path(__file__).resolve().parents[2] / "seed_data" / "organisation.json"
ORG: dict[str, Any] = json.loads(SEED.read_text(encoding="utf-8"))
UNITS = {unit["code"]: unit for unit in ORG["units"]}
PEOPLE = {person["code"]: person for person in ORG["people"]}


def chain(code: str) -> list[OrgUnit]:
    """The person's unit up to the province, as the rulebook reads it."""
    units = []
    while code is not None:
        unit = UNITS[code]
        units.append(OrgUnit(UnitType(unit["kind"]), unit["name"]))
        code = unit["parent"]
    return units


def authority_of(person: dict[str, Any]):
    return deciding_authority(chain(person["unit"]), heads_unit=person["role"] == "head")


def first(unit: str, role: str) -> dict[str, Any]:
    return next(p for p in PEOPLE.values() if p["unit"] == unit and p["role"] == role)


@pytest.mark.parametrize(
    ("unit", "role", "decider", "title"),
    [
        # a commune: its staff, deputies and division heads by the commune's chairman
        ("X-TANPHONG-KT", "none", Decider.AGENCY_HEAD, "Chủ tịch UBND xã Tân Phong"),
        ("X-TANPHONG-KT", "head", Decider.AGENCY_HEAD, "Chủ tịch UBND xã Tân Phong"),
        ("X-HOABINH-HCC", "head", Decider.AGENCY_HEAD, "Chủ tịch UBND xã Hòa Bình"),
        # the commune's chairman by the province's (no district between them any more)
        ("X-TANPHONG", "head", Decider.SUPERIOR_HEAD, "Chủ tịch UBND tỉnh Sơn Lâm"),
        # a department: its people by its director, the director by the province's chairman
        ("SNV-TCBC", "none", Decider.AGENCY_HEAD, "Giám đốc Sở Nội vụ tỉnh Sơn Lâm"),
        ("SNV-TCBC", "head", Decider.AGENCY_HEAD, "Giám đốc Sở Nội vụ tỉnh Sơn Lâm"),
        ("SNV", "head", Decider.SUPERIOR_HEAD, "Chủ tịch UBND tỉnh Sơn Lâm"),
        # a public service unit's head by the appointing authority, the department
        ("SNV-TTLT", "head", Decider.APPOINTING_AUTHORITY, "Giám đốc Sở Nội vụ tỉnh Sơn Lâm"),
    ],
)
def test_who_decides_in_the_demo_province(unit: str, role: str, decider, title: str) -> None:
    person = first(unit, role)
    authority = authority_of(person)
    assert (authority.decider, authority.title) == (decider, title)


def test_every_demo_person_has_a_deciding_authority_and_none_is_a_district() -> None:
    for person in PEOPLE.values():
        authority = authority_of(person)
        assert authority.title
        assert "huyện" not in authority.title.lower()
        # nobody decides their own evaluation
        if person["role"] == "head":
            assert UNITS[person["unit"]]["name"] not in authority.title.replace("Chủ tịch ", "", 1)
