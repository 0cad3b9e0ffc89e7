"""The API's own schemas: every input is validated by them, every answer described by them.

Inputs refuse unknown fields, control characters and text a database would refuse, so a
bad request is a 422 naming the field, never a half-saved record or a 500.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from evaluation.plans.models import (
    EXTERNAL_REF_MAX,
    QUANTITY_MAX,
    SOURCE_SYSTEM_MAX,
    TEXT_MAX,
    TITLE_MAX,
    UNIT_OF_MEASURE_MAX,
    Plan,
    Task,
)
from evaluation.plans.periods import Period
from evaluation.records.satisfaction import RESPONSES_MAX

PERIOD_PATTERN = r"^\d{4}(-W\d{2}|-Q[1-4]|-\d{2})?$"
PER_PAGE_MAX = 100
# C0 and C1 controls (tab, newline and carriage return allowed in long text), and lone
# surrogates, which no database stores.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _plain_text(multiline: bool) -> validate.Validator:
    pattern = _CONTROL if multiline else _LINE_CONTROL

    def check(value: str) -> None:
        if pattern.search(value):
            raise ma.ValidationError("Có ký tự điều khiển không hợp lệ.")
        if not value.strip():
            raise ma.ValidationError("Không được để trống.")

    return check


def text(max_length: int, *, required: bool = True, multiline: bool = False, **kw: Any) -> Any:
    return fields.String(
        required=required,
        validate=[validate.Length(min=1, max=max_length), _plain_text(multiline)],
        **kw,
    )


class Hundredths(fields.Float):
    """A number read to the hundredth (the columns' scale), as a Decimal; a plain number in
    the contract."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_nan=False, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Decimal:
        number = super()._deserialize(value, attr, data, **kwargs)
        return Decimal(repr(number)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> float | None:
        return None if value is None else float(value)


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


# --- answers ------------------------------------------------------------------------------


class PageMeta(ma.Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)


class UnitOut(ma.Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, attribute="kind.value")
    parent_id = fields.Integer(required=True, allow_none=True)
    depth = fields.Integer(required=True)


class PersonOut(ma.Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    full_name = fields.String(required=True)
    unit_id = fields.Integer(required=True)
    job_position = fields.String(required=True)
    category = fields.String(required=True, attribute="category.value")
    leadership_role = fields.String(required=True, attribute="leadership_role.value")
    front_desk = fields.Boolean(required=True)


def _value(name: str) -> fields.Function:
    """An enumeration attribute by value, or null."""
    return fields.Function(
        lambda obj: getattr(getattr(obj, name), "value", None),
        required=True,
        allow_none=True,
        metadata={"type": "string"},
    )


class TaskOut(ma.Schema):
    id = fields.Integer(required=True)
    plan_id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True, allow_none=True)
    target_quantity = fields.Float(required=True)
    unit_of_measure = fields.String(required=True)
    weight = fields.Float(required=True)
    deadline = fields.Date(required=True)
    source = fields.String(required=True, attribute="source.value")
    source_system = fields.String(required=True, allow_none=True)
    external_ref = fields.String(required=True, allow_none=True)
    override_reason = fields.String(required=True, allow_none=True)
    outcome = _value("outcome")
    achieved_quantity = fields.Float(required=True, allow_none=True)
    completed_on = fields.Date(required=True, allow_none=True)


class PlanOut(ma.Schema):
    id = fields.Integer(required=True)
    person_id = fields.Integer(required=True, allow_none=True)
    unit_id = fields.Integer(required=True)
    period = fields.String(required=True, attribute="period.key")
    kind = fields.String(required=True, attribute="period_kind.value")
    status = fields.String(required=True, attribute="status.value")
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    tasks = fields.List(fields.Nested(TaskOut), required=True)


# --- the plans list's fast path -------------------------------------------------------------
# The plans list prints up to 100 plans and their tasks per request; dumping them field by
# field through PlanOut costs more than reading them. These build the same answer from plain
# rows; the schemas above stay its description (the contract), and
# tests/api/test_plan_items.py dumps realistic plans through both to prove they agree.

# Table columns, not the mapped attributes: plain rows skip the ORM's result machinery.
_PLAN = Plan.__table__.c
_TASK = Task.__table__.c
PLAN_COLUMNS = (
    _PLAN.id,
    _PLAN.person_id,
    _PLAN.unit_id,
    _PLAN.period_kind,
    _PLAN.period_year,
    _PLAN.period_number,
    _PLAN.status,
    _PLAN.starts_on,
    _PLAN.ends_on,
)
TASK_COLUMNS = (
    _TASK.id,
    _TASK.plan_id,
    _TASK.title,
    _TASK.description,
    _TASK.target_quantity,
    _TASK.unit_of_measure,
    _TASK.weight,
    _TASK.deadline,
    _TASK.source,
    _TASK.source_system,
    _TASK.external_ref,
    _TASK.override_reason,
    _TASK.outcome,
    _TASK.achieved_quantity,
    _TASK.completed_on,
)


def task_item(row: Any) -> dict[str, Any]:
    """A row of TASK_COLUMNS as TaskOut prints the task."""
    (id_, plan_id, title, description, target_quantity, unit_of_measure, weight, deadline,
     source, source_system, external_ref, override_reason, outcome, achieved_quantity,
     completed_on) = row  # fmt: skip
    return {
        "id": id_,
        "plan_id": plan_id,
        "title": title,
        "description": description,
        "target_quantity": float(target_quantity),
        "unit_of_measure": unit_of_measure,
        "weight": float(weight),
        "deadline": deadline.isoformat(),
        "source": source.value,
        "source_system": source_system,
        "external_ref": external_ref,
        "override_reason": override_reason,
        "outcome": None if outcome is None else outcome.value,
        "achieved_quantity": None if achieved_quantity is None else float(achieved_quantity),
        "completed_on": None if completed_on is None else completed_on.isoformat(),
    }


def plan_item(row: Any, tasks: list[dict[str, Any]]) -> dict[str, Any]:
    """A row of PLAN_COLUMNS and its tasks' items as PlanOut prints the plan."""
    id_, person_id, unit_id, kind, year, number, status, starts_on, ends_on = row
    return {
        "id": id_,
        "person_id": person_id,
        "unit_id": unit_id,
        "period": Period(kind, year, number).key,
        "kind": kind.value,
        "status": status.value,
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
        "tasks": tasks,
    }


def _period_key(row: Any) -> str:
    return Period(row.period_kind, row.period_year, row.period_number).key


class PeriodScoreOut(ma.Schema):
    id = fields.Integer(required=True)
    person_id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    period = fields.Function(_period_key, required=True, metadata={"type": "string"})
    criteria_set = fields.String(required=True)
    general_points = fields.Float(required=True)
    task_points = fields.Float(required=True)
    total_points = fields.Function(
        lambda score: float(score.general_points + score.task_points),
        required=True,
        metadata={"type": "number"},
    )
    scored_at = fields.DateTime(required=True)


class ReasonOut(ma.Schema):
    rule = fields.String(required=True)
    text = fields.String(required=True)


class EvaluationOut(ma.Schema):
    id = fields.Integer(required=True)
    person_id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    year = fields.Integer(required=True)
    step = fields.String(required=True, allow_none=True)
    computed_level = fields.String(required=True)
    final_level = fields.String(required=True, allow_none=True)
    level = fields.String(required=True)
    computed_points = fields.Float(required=True, allow_none=True)
    decided_at = fields.DateTime(required=True, allow_none=True)
    reasons = fields.List(fields.Nested(ReasonOut), required=True)


class UnitResultOut(ma.Schema):
    unit_id = fields.Integer(required=True)
    name = fields.String(required=True)
    points = fields.Float(required=True, allow_none=True)
    level = fields.String(required=True, allow_none=True)
    members_scored = fields.Integer(required=True)
    targets = fields.Integer(required=True)
    completed_pct = fields.Float(required=True)
    overdue_pct = fields.Float(required=True)


class RankedOut(ma.Schema):
    position = fields.Integer(required=True)
    previous_position = fields.Integer(required=True, allow_none=True)
    unit_id = fields.Integer(required=True)
    name = fields.String(required=True)
    points = fields.Float(required=True, allow_none=True)


class RankingGroupOut(ma.Schema):
    above_unit_id = fields.Integer(required=True, allow_none=True)
    kind = fields.String(required=True)
    rows = fields.List(fields.Nested(RankedOut), required=True)


class ProposalOut(ma.Schema):
    agency_id = fields.Integer(required=True)
    person_id = fields.Integer(required=True)
    level = fields.String(required=True)
    titles = fields.List(fields.String(), required=True)


def page_of(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    return ma.Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item), required=True),
            "meta": fields.Nested(PageMeta, required=True),
        },
        name=name,
    )


UnitPage = page_of(UnitOut, "UnitPage")
PersonPage = page_of(PersonOut, "PersonPage")
PlanPage = page_of(PlanOut, "PlanPage")
PeriodScorePage = page_of(PeriodScoreOut, "PeriodScorePage")
EvaluationPage = page_of(EvaluationOut, "EvaluationPage")
UnitResultPage = page_of(UnitResultOut, "UnitResultPage")
ProposalPage = page_of(ProposalOut, "ProposalPage")


class RankingOut(ma.Schema):
    period = fields.String(required=True)
    groups = fields.List(fields.Nested(RankingGroupOut), required=True)


class TaskPushResult(ma.Schema):
    outcome = fields.String(
        required=True,
        validate=validate.OneOf(["created", "updated", "unchanged", "overridden"]),
    )
    task = fields.Nested(TaskOut, required=True)


class RatingOut(ma.Schema):
    id = fields.Integer(required=True)
    person_id = fields.Integer(required=True, allow_none=True)
    unit_id = fields.Integer(required=True)
    period = fields.String(required=True, attribute="period.key")
    source_system = fields.String(required=True)
    responses = fields.Integer(required=True)
    satisfied = fields.Integer(required=True)


class RatingPushResult(ma.Schema):
    created = fields.Boolean(required=True)
    rating = fields.Nested(RatingOut, required=True)


class ProblemError(ma.Schema):
    field = fields.String(required=True)
    message = fields.String(required=True)


class Problem(ma.Schema):
    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    errors = fields.List(fields.Nested(ProblemError))


# --- questions ----------------------------------------------------------------------------


class PageArgs(Strict):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=PER_PAGE_MAX))


class PeopleArgs(PageArgs):
    unit_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))


class PlanArgs(PageArgs):
    person_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))
    kind = fields.String(validate=validate.OneOf(["week", "month", "quarter", "year"]))


class YearArgs(PageArgs):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    person_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))


class PeriodArgs(PageArgs):
    period = fields.String(
        required=True, validate=[validate.Regexp(PERIOD_PATTERN), validate.Length(max=8)]
    )


class RankingArgs(Strict):
    period = fields.String(
        required=True, validate=[validate.Regexp(PERIOD_PATTERN), validate.Length(max=8)]
    )
    under = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))


class EmulationArgs(PageArgs):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    agency_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))


class TaskPush(Strict):
    """A task from a document system: its reference makes a second push an update."""

    source_system = text(SOURCE_SYSTEM_MAX, metadata={"example": "vbdh"})
    external_ref = text(EXTERNAL_REF_MAX, metadata={"example": "125/UBND-VP"})
    person_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    period = fields.String(
        required=True,
        validate=[validate.Regexp(PERIOD_PATTERN), validate.Length(max=8)],
        metadata={"example": "2026-03", "description": "2026-W05, 2026-03, 2026-Q1 hoặc 2026"},
    )
    title = text(TITLE_MAX)
    description = text(TEXT_MAX, required=False, allow_none=True, multiline=True)
    target_quantity = Hundredths(
        required=True, validate=validate.Range(min=0.01, max=float(QUANTITY_MAX))
    )
    unit_of_measure = text(UNIT_OF_MEASURE_MAX)
    weight = Hundredths(load_default=Decimal(1), validate=validate.Range(min=0.01, max=100))
    deadline = fields.Date(required=True)


class RatingPush(Strict):
    """A portal's count for a person or a desk (exactly one of them) and a period."""

    source_system = text(SOURCE_SYSTEM_MAX, metadata={"example": "dichvucong"})
    person_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    unit_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    period = fields.String(
        required=True,
        validate=[validate.Regexp(r"^\d{4}(-Q[1-4]|-\d{2})$"), validate.Length(max=7)],
        metadata={"example": "2026-03", "description": "a month (2026-03) or a quarter (2026-Q1)"},
    )
    responses = fields.Integer(required=True, validate=validate.Range(min=1, max=RESPONSES_MAX))
    satisfied = fields.Integer(required=True, validate=validate.Range(min=0, max=RESPONSES_MAX))

    @ma.validates_schema
    def _one_subject(self, data: dict[str, Any], **_kw: Any) -> None:
        if ("person_id" in data) == ("unit_id" in data):
            raise ma.ValidationError("Cần đúng một trong person_id hoặc unit_id.", "person_id")
        if data.get("satisfied", 0) > data.get("responses", 0):
            raise ma.ValidationError("Không được lớn hơn số lượt đánh giá.", "satisfied")
