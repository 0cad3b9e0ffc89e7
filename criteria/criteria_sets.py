"""Criteria sets as versioned data (criteria/sets/NAME@VERSION.json), checked on load.

A set lists the criteria a manager scores: 30 points of general criteria split into the decree's
sub-criteria (ND335 S1; ND90 Art. 3 cl. 1–4, leaders cl. 5) and 70 points of task results.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from criteria.bands import Bands
from criteria.errors import CriteriaSetError
from criteria.facts import RULEBOOK_NAMES
from criteria.levels import StaffCategory
from criteria.rulebooks import select_rulebook

SETS_DIR = Path(__file__).resolve().parent / "sets"
GROUP_POINTS = {"general": 30, "tasks": 70}


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    description: str
    max_points: float
    source: str


@dataclass(frozen=True)
class CriteriaGroup:
    code: str  # "general" or "tasks"
    name: str
    max_points: float
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class CriteriaSet:
    name: str
    version: int
    rulebook: str
    title: str
    categories: tuple[StaffCategory, ...]
    leader: bool
    groups: tuple[CriteriaGroup, ...]
    # A scheme's own level bands on the 100-point scale (ND90 B1 only: ND335 fixes them by
    # law); None keeps the policy's.
    bands: Bands | None = None

    @property
    def id(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def max_points(self) -> float:
        return sum(group.max_points for group in self.groups)

    def criterion(self, code: str) -> Criterion:
        for group in self.groups:
            for item in group.criteria:
                if item.code == code:
                    return item
        raise KeyError(code)


def criteria_set_name(
    year: int,
    category: StaffCategory,
    *,
    leader: bool,
    front_desk: bool,
    pinned: str | None = None,
) -> str:
    """The criteria set a manager scores this person against, by name (without version).

    The rule set decides first (`select_rulebook`: nd335 for civil servants from 2026, or the
    unit's pin). Under nd335 (ND335/2025/NĐ-CP, S1): leaders, then front-desk staff, then the
    others. Under nd90 (ND90 Art. 3 cl. 1–4, leaders cl. 5): cadres have one set, front-desk
    staff theirs (the local directive on citizens' satisfaction, rules.md §10), then civil
    servants or public employees (workers with them), each with a leaders' set.
    """
    if select_rulebook(year, category, pinned).name == "nd335":
        return f"nd335-{'leader' if leader else 'front-desk' if front_desk else 'non-leader'}"
    if category is StaffCategory.CAN_BO:
        return "nd90-can-bo"
    if front_desk:
        return "nd90-front-desk"
    base = "nd90-cong-chuc" if category is StaffCategory.CONG_CHUC else "nd90-vien-chuc"
    return f"{base}-leader" if leader else base


def choose_criteria_set(
    year: int,
    category: StaffCategory,
    *,
    leader: bool,
    front_desk: bool,
    pinned: str | None = None,
) -> CriteriaSet:
    """The latest version of the set `criteria_set_name` chooses."""
    return load_criteria_set(
        criteria_set_name(year, category, leader=leader, front_desk=front_desk, pinned=pinned)
    )


def list_criteria_sets() -> list[str]:
    """Every shipped set as "name@version", sorted."""
    return sorted(path.stem for path in SETS_DIR.glob("*@*.json"))


def load_criteria_set(name: str) -> CriteriaSet:
    """Load "name@version", or "name" for its latest version; raise CriteriaSetError if invalid."""
    if "@" not in name:
        versions = [s for s in list_criteria_sets() if s.partition("@")[0] == name]
        if not versions:
            raise CriteriaSetError(name, "", "no such criteria set")
        name = max(versions, key=lambda s: int(s.partition("@")[2]))
    path = SETS_DIR / f"{name}.json"
    if not path.is_file():
        raise CriteriaSetError(name, "", "no such criteria set")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise CriteriaSetError(name, "", f"invalid JSON: {error}") from None
    return parse_criteria_set(data, name)


def parse_criteria_set(data: Any, name: str) -> CriteriaSet:
    """The schema check: types, codes, and points adding up (30 + 70 = 100)."""
    top = _object(data, name, "")
    base, _, version = name.partition("@")
    if _str(top, "name", name, "") != base or str(_int(top, "version", name, "")) != version:
        raise CriteriaSetError(name, "name", "name and version must match the file name")
    rulebook = _str(top, "rulebook", name, "")
    if rulebook not in RULEBOOK_NAMES:
        raise CriteriaSetError(name, "rulebook", f"unknown rulebook {rulebook!r}")
    applies = _object(top.get("applies_to"), name, "applies_to")
    categories = _list(applies, "categories", name, "applies_to")
    try:
        parsed_categories = tuple(StaffCategory(c) for c in categories)
    except ValueError:
        raise CriteriaSetError(name, "applies_to.categories", "unknown staff category") from None
    if not isinstance(applies.get("leader"), bool):
        raise CriteriaSetError(name, "applies_to.leader", "expected true or false")
    groups = tuple(
        _group(item, name, f"groups[{i}]") for i, item in enumerate(_list(top, "groups", name, ""))
    )
    if {g.code: g.max_points for g in groups} != GROUP_POINTS or len(groups) != 2:
        raise CriteriaSetError(name, "groups", "expected general (30) and tasks (70)")
    codes = [c.code for g in groups for c in g.criteria]
    if len(codes) != len(set(codes)):
        raise CriteriaSetError(name, "groups", "criterion codes must be unique")
    return CriteriaSet(
        name=base,
        version=int(version),
        rulebook=rulebook,
        title=_str(top, "title", name, ""),
        categories=parsed_categories,
        leader=applies["leader"],
        groups=groups,
        bands=_bands(top.get("bands"), name),
    )


def _bands(value: Any, name: str) -> Bands | None:
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 3
        or any(isinstance(b, bool) or not isinstance(b, int | float) for b in value)
        or not 0 < value[2] < value[1] < value[0] <= 100
    ):
        raise CriteriaSetError(name, "bands", "expected three descending floors within 0..100")
    return (float(value[0]), float(value[1]), float(value[2]))


def _group(data: Any, name: str, where: str) -> CriteriaGroup:
    obj = _object(data, name, where)
    criteria = tuple(
        _criterion(item, name, f"{where}.criteria[{i}]")
        for i, item in enumerate(_list(obj, "criteria", name, where))
    )
    max_points = _points(obj, name, where)
    if not criteria:
        raise CriteriaSetError(name, f"{where}.criteria", "at least one criterion")
    if sum(c.max_points for c in criteria) != max_points:
        raise CriteriaSetError(name, where, f"criteria must add up to {max_points:g} points")
    return CriteriaGroup(
        _str(obj, "code", name, where), _str(obj, "name", name, where), max_points, criteria
    )


def _criterion(data: Any, name: str, where: str) -> Criterion:
    obj = _object(data, name, where)
    return Criterion(
        code=_str(obj, "code", name, where),
        name=_str(obj, "name", name, where),
        description=_str(obj, "description", name, where),
        max_points=_points(obj, name, where),
        source=_str(obj, "source", name, where),
    )


def _object(value: Any, name: str, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CriteriaSetError(name, where or "(top)", "expected an object")
    return value


def _str(obj: dict[str, Any], key: str, name: str, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CriteriaSetError(name, _join(where, key), "expected a non-empty string")
    return value


def _int(obj: dict[str, Any], key: str, name: str, where: str) -> int:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise CriteriaSetError(name, _join(where, key), "expected a positive integer")
    return value


def _points(obj: dict[str, Any], name: str, where: str) -> float:
    value = obj.get("max_points")
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise CriteriaSetError(name, _join(where, "max_points"), "expected a positive number")
    return float(value)


def _list(obj: dict[str, Any], key: str, name: str, where: str) -> list[Any]:
    value = obj.get(key)
    if not isinstance(value, list):
        raise CriteriaSetError(name, _join(where, key), "expected a list")
    return value


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key
