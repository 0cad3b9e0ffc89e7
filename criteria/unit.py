"""unit_result(): quotas (Q1–Q4) and emulation titles (A1–A4) for one unit, per the contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from criteria import parsing as p
from criteria.emulation import Member, TitlesOutcome, individual_titles
from criteria.errors import InvalidFacts
from criteria.facts import RULEBOOK_NAMES
from criteria.levels import Level
from criteria.policy import DEFAULT_POLICY, Policy
from criteria.quota import Candidate, QuotaException, QuotaOutcome, apply_quota
from criteria.reasons import Reason
from criteria.rulebooks import rulebook_family

_UNIT_FIELDS = {"rulebook", "quota_pct", "people", "quota_exception"}
_PERSON_FIELDS = {"id", "level", "rank", "initiative", "science_work", "disciplined"}


@dataclass(frozen=True)
class UnitInput:
    rulebook: str
    people: tuple[Member, ...]
    quota_pct: float | None = None
    exception: QuotaException | None = None


@dataclass(frozen=True)
class UnitOutcome:
    """Quota and titles; `levels` are the levels after Q3, which the titles use."""

    quota: QuotaOutcome
    titles: TitlesOutcome
    levels: dict[str, Level]

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(r.rule for r in self.reasons)

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return self.quota.reasons + self.titles.reasons

    def to_dict(self) -> dict[str, Any]:
        """The result of `python -m criteria unit`."""
        return {
            "quota": {
                "xuat_sac_allowed": self.quota.allowed,
                "xuat_sac_proposed": self.quota.proposed,
                "exceeded": self.quota.exceeded,
                "moved_to_tot": list(self.quota.moved_to_tot),
            },
            "titles": {
                person: [title.value for title in titles]
                for person, titles in self.titles.titles.items()
            },
            "rules": list(self.rules),
        }


def parse_unit_input(obj: object) -> UnitInput:
    """Validate the unit contract's input; raise InvalidFacts naming the field."""
    data = p.as_object(obj, "")
    p.reject_unknown(data, _UNIT_FIELDS, "")
    rulebook = rulebook_family(p.get_str(data, "rulebook", "", "nd90"))
    if rulebook not in RULEBOOK_NAMES:
        raise InvalidFacts("rulebook", f"unknown rulebook {data['rulebook']!r}")
    if "people" not in data:
        raise InvalidFacts("people", "required")
    people = tuple(
        _parse_person(item, p.path("people", i))
        for i, item in enumerate(p.get_list(data, "people", ""))
    )
    _check_unique(people, "id", lambda m: m.id)
    _check_unique(people, "rank", lambda m: m.rank)
    return UnitInput(
        rulebook=rulebook,
        people=people,
        quota_pct=p.get_optional_number(data, "quota_pct", "", 0, 100),
        exception=_parse_exception(data.get("quota_exception")),
    )


def evaluate_unit(unit: UnitInput, policy: Policy = DEFAULT_POLICY) -> UnitOutcome:
    """Q1–Q4 on the proposed xuat_sac, then A1–A4 on the levels that result."""
    proposed = [m for m in unit.people if m.level is Level.XUAT_SAC]
    at_tot = sum(m.level is Level.TOT for m in unit.people)
    quota = apply_quota(
        [Candidate(m.id, m.rank) for m in proposed],
        at_tot,
        unit.rulebook,
        policy,
        unit.quota_pct,
        unit.exception,
    )
    if quota.moved_to_tot:
        _require_ranks(unit.people)
    moved = set(quota.moved_to_tot)
    members = [
        Member(m.id, Level.TOT, m.rank, m.initiative, m.science_work, m.disciplined)
        if m.id in moved
        else m
        for m in unit.people
    ]
    return UnitOutcome(
        quota=quota,
        titles=individual_titles(members, policy),
        levels={m.id: m.level for m in members},
    )


def unit_result(obj: object, policy: Policy = DEFAULT_POLICY) -> dict[str, Any]:
    """The whole `python -m criteria unit` step for one input object."""
    return evaluate_unit(parse_unit_input(obj), policy).to_dict()


def _parse_person(obj: object, where: str) -> Member:
    data = p.as_object(obj, where)
    p.reject_unknown(data, _PERSON_FIELDS, where)
    level = p.get_enum(data, "level", where, Level)
    if level is Level.CAN_QUYET_DINH:
        raise InvalidFacts(f"{where}.level", "the level must be decided before quotas and titles")
    return Member(
        id=p.get_str(data, "id", where),
        level=level,
        rank=p.get_optional_int(data, "rank", where, 1, None),
        initiative=p.get_bool(data, "initiative", where, False),
        science_work=p.get_bool(data, "science_work", where, False),
        disciplined=p.get_bool(data, "disciplined", where, False),
    )


def _check_unique(people: tuple[Member, ...], name: str, key: Any) -> None:
    seen: set[object] = set()
    for i, person in enumerate(people):
        value = key(person)
        if value is None:
            continue
        if value in seen:
            raise InvalidFacts(f"people[{i}].{name}", f"duplicate {name} {value!r}")
        seen.add(value)


def _require_ranks(people: tuple[Member, ...]) -> None:
    """Q3: beyond the quota the decision-maker must have ordered every candidate."""
    for i, person in enumerate(people):
        if person.level is Level.XUAT_SAC and person.rank is None:
            raise InvalidFacts(
                f"people[{i}].rank", "required: more candidates for xuat_sac than places (Q3)"
            )


def _parse_exception(obj: object) -> QuotaException | None:
    if obj is None:
        return None
    data = p.as_object(obj, "quota_exception")
    p.reject_unknown(data, {"approver", "reason"}, "quota_exception")
    return QuotaException(
        approver=p.get_str(data, "approver", "quota_exception"),
        reason=p.get_str(data, "reason", "quota_exception"),
    )
