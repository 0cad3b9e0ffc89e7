"""Criteria sets and policy as data edited by people: every problem named at once, and the
data a set or a policy is exported as.

`parse_criteria_set` stops at the first fault, right for a shipped file; a draft typed in a
browser needs the whole list, each problem with where it is, so the page can say what to fix.
Problems are codes with their figures, not sentences: the web application words them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from criteria.criteria_sets import GROUP_POINTS, CriteriaSet, parse_criteria_set
from criteria.errors import CriteriaSetError
from criteria.facts import RULEBOOK_NAMES
from criteria.levels import StaffCategory
from criteria.policy import Policy

NAME_CHARACTERS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


@dataclass(frozen=True)
class SetProblem:
    """One fault of a set: `kind` says what, `group`/`criterion` (indexes) where, `values`
    the figures (the expected and actual points, the field)."""

    kind: str
    group: int | None = None
    criterion: int | None = None
    values: dict[str, Any] = field(default_factory=dict)


def set_problems(data: Any) -> list[SetProblem]:
    """Everything wrong with a set's data: the ceilings add up (30 general + 70 tasks), every
    criterion has a name, a description, a source and a positive range, codes are unique, the
    bands (if the set has its own) descend within the scale."""
    if not isinstance(data, dict):
        return [SetProblem("not_an_object")]
    problems: list[SetProblem] = []
    name = data.get("name")
    if not isinstance(name, str) or not name or not set(name) <= NAME_CHARACTERS:
        problems.append(SetProblem("bad_name"))
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        problems.append(SetProblem("bad_version"))
    if not _text(data.get("title")):
        problems.append(SetProblem("missing_text", values={"field": "title"}))
    if data.get("rulebook") not in RULEBOOK_NAMES:
        problems.append(SetProblem("bad_rulebook"))
    applies = data.get("applies_to")
    if not isinstance(applies, dict):
        problems.append(SetProblem("bad_applies_to"))
    else:
        categories = applies.get("categories")
        values = {c.value for c in StaffCategory}
        if not isinstance(categories, list) or not categories or not set(categories) <= values:
            problems.append(SetProblem("bad_categories"))
        if not isinstance(applies.get("leader"), bool):
            problems.append(SetProblem("bad_leader"))
    problems += _groups_problems(data.get("groups"))
    problems += _bands_problems(data.get("bands"))
    return problems


def _groups_problems(groups: Any) -> list[SetProblem]:
    if not isinstance(groups, list) or not all(isinstance(g, dict) for g in groups):
        return [SetProblem("bad_groups")]
    problems: list[SetProblem] = []
    ceilings = {g.get("code"): g.get("max_points") for g in groups}
    if len(groups) != 2 or ceilings != GROUP_POINTS:
        problems.append(
            SetProblem(
                "group_ceilings",
                values={
                    "general": _number(ceilings.get("general")),
                    "tasks": _number(ceilings.get("tasks")),
                },
            )
        )
    codes: list[str] = []
    for g, group in enumerate(groups):
        if not _text(group.get("name")):
            problems.append(SetProblem("missing_text", g, values={"field": "name"}))
        criteria = group.get("criteria")
        if not isinstance(criteria, list) or not criteria:
            problems.append(SetProblem("no_criteria", g))
            continue
        total = 0.0
        for c, item in enumerate(criteria):
            if not isinstance(item, dict):
                problems.append(SetProblem("bad_criterion", g, c))
                continue
            for key in ("code", "name", "description", "source"):
                if not _text(item.get(key)):
                    problems.append(SetProblem("missing_text", g, c, {"field": key}))
            if _text(item.get("code")):
                codes.append(item["code"])
            points = _number(item.get("max_points"))
            if points is None or points <= 0:
                problems.append(SetProblem("bad_range", g, c))
            else:
                total += points
        ceiling = _number(group.get("max_points"))
        if ceiling is not None and total != ceiling:
            problems.append(
                SetProblem("criteria_total", g, values={"total": total, "max": ceiling})
            )
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        problems.append(SetProblem("duplicate_codes", values={"codes": duplicates}))
    return problems


def _bands_problems(bands: Any) -> list[SetProblem]:
    if bands is None:
        return []
    if not isinstance(bands, list) or len(bands) != 3 or any(_number(b) is None for b in bands):
        return [SetProblem("bad_bands")]
    high, mid, low = (float(b) for b in bands)
    if not 0 < low < mid < high <= 100:
        return [SetProblem("bands_order", values={"bands": [high, mid, low]})]
    return []


def criteria_set_from_data(data: dict[str, Any]) -> CriteriaSet:
    """A set checked by `set_problems` (raises CriteriaSetError if anything is wrong)."""
    problems = set_problems(data)
    label = f"{data.get('name')}@{data.get('version')}" if isinstance(data, dict) else "?"
    if problems:
        raise CriteriaSetError(label, "", ", ".join(p.kind for p in problems))
    return parse_criteria_set(data, label)


def criteria_set_data(criteria_set: CriteriaSet) -> dict[str, Any]:
    """The set as the data of criteria/sets/ (what is exported and imported)."""
    data: dict[str, Any] = {
        "name": criteria_set.name,
        "version": criteria_set.version,
        "rulebook": criteria_set.rulebook,
        "title": criteria_set.title,
        "applies_to": {
            "categories": [c.value for c in criteria_set.categories],
            "leader": criteria_set.leader,
        },
        "groups": [
            {
                "code": group.code,
                "name": group.name,
                "max_points": _plain(group.max_points),
                "criteria": [
                    {**asdict(item), "max_points": _plain(item.max_points)}
                    for item in group.criteria
                ],
            }
            for group in criteria_set.groups
        ],
    }
    if criteria_set.bands is not None:
        data["bands"] = [_plain(b) for b in criteria_set.bands]
    return data


# --- policy -------------------------------------------------------------------------------

# The parameters a province edits, in the order its page shows them (rules.md marks them
# policy); the others keep their defaults.
EDITABLE_POLICY = (
    "nd90_quota_pct",
    "quota_rounding",
    "quota_base",
    "chien_si_cap",
    "chien_si_cap_pct",
    "s3_weights",
    "points_may_fail",
)


def policy_data(policy: Policy) -> dict[str, Any]:
    """The editable parameters as JSON-ready data."""
    data = {name: getattr(policy, name) for name in EDITABLE_POLICY}
    data["s3_weights"] = [_plain(w) for w in policy.s3_weights]
    return data


def policy_from_data(data: dict[str, Any], base: Policy | None = None) -> Policy:
    """`base` (the defaults) with the editable parameters of `data`; raises ValueError naming
    the parameter when one is of the wrong kind or out of range (Policy's own checks)."""
    known = {f.name: f for f in fields(Policy)}
    changes: dict[str, Any] = {}
    for name, value in data.items():
        if name not in EDITABLE_POLICY or name not in known:
            raise ValueError(f"policy: unknown parameter {name}")
        if name == "s3_weights":
            if not isinstance(value, list | tuple) or len(value) != 3:
                raise ValueError("policy: s3_weights must be three numbers")
            if any(_number(w) is None for w in value):
                raise ValueError("policy: s3_weights must be three numbers")
            value = tuple(float(w) for w in value)
        elif name in ("chien_si_cap", "points_may_fail"):
            if not isinstance(value, bool):
                raise ValueError(f"policy: {name} must be true or false")
        elif name in ("nd90_quota_pct", "chien_si_cap_pct"):
            if _number(value) is None:
                raise ValueError(f"policy: {name} must be a number")
            value = float(value)
        changes[name] = value
    return (base or Policy()).replace(**changes)


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _plain(value: float) -> int | float:
    """30.0 → 30: the files write whole points as integers."""
    return int(value) if float(value).is_integer() else value


__all__ = [
    "EDITABLE_POLICY",
    "SetProblem",
    "criteria_set_data",
    "criteria_set_from_data",
    "policy_data",
    "policy_from_data",
    "set_problems",
]
