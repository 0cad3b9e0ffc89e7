"""The task import: one unit's monthly or quarterly plans from a sheet of tasks.

A row with a person's code goes to that person's plan for the period; a row without one goes
to the unit's own plan. A task is known by its owner, title and deadline, so importing the
same file twice adds nothing the second time.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session, joinedload, selectinload

from evaluation.core import audit
from evaluation.core.labels import LABELS
from evaluation.imports.changes import (
    CREATE,
    UNCHANGED,
    UPDATE,
    Change,
    ImportInvalid,
    Preview,
    by_codes,
    cell_error,
)
from evaluation.imports.workbook import CellError, Column, Workbook, normalize, read_sheet
from evaluation.organisation.models import LeadershipRole, Person, Unit
from evaluation.organisation.permissions import Viewer
from evaluation.plans import services as plans
from evaluation.plans.models import (
    QUANTITY_MAX,
    TEXT_MAX,
    TITLE_MAX,
    UNIT_OF_MEASURE_MAX,
    Plan,
    PlanStatus,
    Task,
    TaskSource,
    in_period,
)
from evaluation.plans.periods import Period
from evaluation.plans.permissions import ASSIGNABLE_STATUSES, can_put_tasks
from evaluation.plans.services import TaskInput

TASKS_SHEET = "Nhiệm vụ"
WEIGHT_MAX = Decimal(100)

TASK_COLUMNS = (
    Column("person", "Mã cán bộ", width=14),
    Column("title", "Tên nhiệm vụ", required=True, width=45),
    Column("quantity", "Số lượng", required=True, width=11),
    Column("unit_of_measure", "Đơn vị tính", required=True, width=14),
    Column("weight", "Trọng số", width=10),
    Column("deadline", "Hạn hoàn thành", required=True, width=15),
    Column("description", "Mô tả", width=50),
)

INSTRUCTIONS = [
    "Mẫu nhập nhiệm vụ cho kế hoạch tháng hoặc quý của đơn vị",
    "1. Trang “Nhiệm vụ”: mỗi dòng một nhiệm vụ. Đơn vị và kỳ kế hoạch (tháng hoặc quý) được chọn "
    "trên trang tải lên.",
    "2. Mã cán bộ: người nhận nhiệm vụ (phải thuộc đơn vị đã chọn hoặc đơn vị trực thuộc). Để "
    "trống để đưa nhiệm vụ vào kế hoạch chung của đơn vị.",
    "3. Số lượng: số sản phẩm (lớn hơn 0, tối đa 1.000.000), ví dụ 12 hoặc 2,5. Đơn vị tính: "
    "ví dụ hồ sơ, báo cáo, văn bản.",
    "4. Trọng số: lớn hơn 0, tối đa 100; để trống là 1.",
    "5. Hạn hoàn thành: phải nằm trong kỳ kế hoạch; kiểu ngày hoặc gõ ngày/tháng/năm, ví dụ "
    "25/12/2026.",
    "6. Nhiệm vụ trùng người, tên và hạn với nhiệm vụ đã có được cập nhật, không thêm lần nữa. "
    "Chỉ nhập giá trị, không dùng công thức và không gộp ô; tối đa 20.000 dòng, tệp không quá "
    "5 MB.",
]


def template() -> tuple[tuple[str, tuple[Column, ...]], ...]:
    return ((TASKS_SHEET, TASK_COLUMNS),)


# --- who may import where -------------------------------------------------------------------


def may_import(viewer: Viewer) -> bool:
    """Managers and personnel offices import tasks; the administrator decides nothing."""
    return viewer.is_manager or viewer.is_personnel


def may_plan_for(viewer: Viewer, unit: Unit) -> bool:
    """The unit is in the manager's or the office's subtree."""
    return any(unit.path.startswith(path) for path in viewer.reach_paths)


def may_assign(viewer: Viewer, person: Person) -> bool:
    served = viewer.served_path is not None and person.unit.path.startswith(viewer.served_path)
    return served or viewer.manages(person)


def may_keep_unit_plan(viewer: Viewer, unit: Unit) -> bool:
    """The unit's head keeps its plan; leaders above and the personnel office may fill it."""
    own_head = viewer.managed_unit_id == unit.id and viewer.managed_role is LeadershipRole.HEAD
    served = viewer.served_path is not None and unit.path.startswith(viewer.served_path)
    return own_head or served or viewer.manages_unit_plan(unit)


# --- reading the file -------------------------------------------------------------------------


def parse(workbook: Workbook) -> tuple[list[dict[str, Any]], dict[str, str], list[CellError]]:
    sheet = read_sheet(workbook, TASKS_SHEET, TASK_COLUMNS)
    errors = list(sheet.errors)
    rows: list[dict[str, Any]] = []
    for row in sheet.rows or ():
        quantity = row.decimal("quantity", low=Decimal(0), high=QUANTITY_MAX)
        weight = row.decimal("weight", low=Decimal(0), high=WEIGHT_MAX, default=Decimal(1))
        deadline = row.date("deadline", required=True)
        rows.append(
            {
                "row": row.number,
                "person": row.text("person", 40),
                "title": row.text("title", TITLE_MAX, required=True),
                "quantity": str(quantity) if quantity is not None else None,
                "unit_of_measure": row.text("unit_of_measure", UNIT_OF_MEASURE_MAX, required=True),
                "weight": str(weight) if weight is not None else None,
                "deadline": deadline.isoformat() if deadline else None,
                "description": row.long_text("description", TEXT_MAX),
                "ok": not row.errors,
            }
        )
        errors += row.errors
    letters = dict(sheet.rows[0].letters) if sheet.rows else {}
    return rows, letters, errors


# --- what it would do -----------------------------------------------------------------------


def preview(session: Session, viewer: Viewer, payload: dict[str, Any]) -> Preview:
    unit = session.get(Unit, payload["unit_id"])
    period = Period.from_key(payload["period"])
    headers = {column.key: column.header for column in TASK_COLUMNS}
    letters = payload.get("letters", {})

    def at(r: dict[str, Any], key: str, message: str) -> CellError:
        return cell_error(letters, headers, TASKS_SHEET, r["row"], key, message)

    if unit is None or not may_plan_for(viewer, unit):
        message = _("Đơn vị đã chọn nằm ngoài phạm vi bạn phụ trách.")
        return Preview({"tasks": []}, [CellError(None, None, None, None, message)])
    rows: list[dict[str, Any]] = payload["tasks"]
    errors: list[CellError] = []
    people = by_codes(
        session, Person, {r["person"] for r in rows if r["person"]}, [joinedload(Person.unit)]
    )
    existing_plans = _plans(session, unit, period, [p.id for p in people.values()])
    seen: dict[tuple[str, str, str], int] = {}
    changes: list[Change] = []
    for r in rows:
        owner = _owner(viewer, unit, people, r, errors, at)
        plan = existing_plans.get(owner) if owner is not None else None
        if plan is not None and not can_put_tasks(viewer, plan):
            errors.append(at(r, "person", _closed_to_tasks(plan, period)))
        deadline = date.fromisoformat(r["deadline"]) if r["deadline"] else None
        if deadline is not None and not period.contains(deadline):
            errors.append(
                at(
                    r,
                    "deadline",
                    _(
                        "Hạn hoàn thành phải nằm trong kỳ kế hoạch (%(start)s – %(end)s).",
                        start=f"{period.starts_on:%d/%m/%Y}",
                        end=f"{period.ends_on:%d/%m/%Y}",
                    ),
                )
            )
        if not r["ok"] or r["title"] is None or deadline is None:
            continue
        key = (r["person"] or "", normalize(r["title"]), r["deadline"])
        if key in seen:
            errors.append(
                at(
                    r,
                    "title",
                    _(
                        "Nhiệm vụ trùng (cùng người, tên và hạn) với dòng %(row)d.",
                        row=seen[key],
                    ),
                )
            )
            continue
        seen[key] = r["row"]
        if owner is None:
            continue
        changes.append(_change(plan, owner, people, unit, r, errors, at))
    return Preview({"tasks": changes}, errors)


def _closed_to_tasks(plan: Plan, period: Period) -> str:
    """Why the task pages would refuse this row too (`plans.permissions.can_put_tasks` said no)."""
    if plan.status not in ASSIGNABLE_STATUSES:
        return _(
            "Kế hoạch %(period)s đã báo cáo kết quả; không thể thêm nhiệm vụ.",
            period=period.label,
        )
    return _(
        "Kế hoạch %(period)s đang ở trạng thái “%(status)s”: người lập chỉ thêm hoặc sửa nhiệm "
        "vụ khi kế hoạch còn là bản nháp hoặc bị trả lại.",
        period=period.label,
        status=LABELS["plan_status"][plan.status],
    )


def _plans(session: Session, unit: Unit, period: Period, person_ids: list[int]) -> dict[str, Plan]:
    """The period's plans already made, by owner: a person's code, or "" for the unit's."""
    found: dict[str, Plan] = {}
    query = sa.select(Plan).options(selectinload(Plan.tasks), joinedload(Plan.person))
    unit_plan = session.scalars(
        query.where(Plan.unit_id == unit.id, Plan.person_id.is_(None), in_period(Plan, period))
    ).first()
    if unit_plan is not None:
        found[""] = unit_plan
    for start in range(0, len(person_ids), 500):
        chunk = person_ids[start : start + 500]
        for plan in session.scalars(
            query.where(Plan.person_id.in_(chunk), in_period(Plan, period))
        ):
            found[plan.person.code] = plan
    return found


def _owner(
    viewer: Viewer,
    unit: Unit,
    people: dict[str, Person],
    r: dict[str, Any],
    errors: list[CellError],
    at: Any,
) -> str | None:
    """The plan owner's key, or None after noting why this row cannot be placed."""
    code = r["person"]
    if not code:
        if not may_keep_unit_plan(viewer, unit):
            errors.append(
                at(
                    r,
                    "person",
                    _(
                        "Bạn không lập kế hoạch chung của đơn vị này; hãy ghi mã cán bộ nhận "
                        "nhiệm vụ."
                    ),
                )
            )
            return None
        return ""
    person = people.get(code)
    if person is None:
        errors.append(at(r, "person", _("Không tìm thấy cán bộ mã %(code)s.", code=code)))
        return None
    if not person.unit.path.startswith(unit.path):
        errors.append(
            at(
                r,
                "person",
                _(
                    "%(name)s (%(code)s) không thuộc %(unit)s.",
                    name=person.full_name,
                    code=code,
                    unit=unit.name,
                ),
            )
        )
        return None
    if not may_assign(viewer, person):
        errors.append(
            at(
                r,
                "person",
                _(
                    "Bạn không có quyền giao nhiệm vụ cho %(name)s (%(code)s).",
                    name=person.full_name,
                    code=code,
                ),
            )
        )
        return None
    return code


def _change(
    plan: Plan | None,
    owner: str,
    people: dict[str, Person],
    unit: Unit,
    r: dict[str, Any],
    errors: list[CellError],
    at: Any,
) -> Change:
    label = people[owner].full_name if owner else _("Kế hoạch chung: %(unit)s", unit=unit.name)
    task = None
    if plan is not None:
        task = next(
            (
                t
                for t in plan.tasks
                if normalize(t.title) == normalize(r["title"])
                and t.deadline.isoformat() == r["deadline"]
            ),
            None,
        )
    new = {
        _("Số lượng"): _number(r["quantity"]),
        _("Đơn vị tính"): r["unit_of_measure"],
        _("Trọng số"): _number(r["weight"]),
        _("Mô tả"): r["description"] or "",
    }
    if task is None:
        fields = [(name, "", value) for name, value in new.items() if value]
        return Change(TASKS_SHEET, r["row"], owner, label, CREATE, fields, r, plan)
    old = {
        _("Số lượng"): _number(str(task.target_quantity)),
        _("Đơn vị tính"): task.unit_of_measure,
        _("Trọng số"): _number(str(task.weight)),
        _("Mô tả"): task.description or "",
    }
    fields = [(name, old[name], value) for name, value in new.items() if old[name] != value]
    if fields and task.outcome is not None:
        errors.append(
            at(r, "title", _("Nhiệm vụ đã báo cáo kết quả; không sửa được bằng nhập tệp."))
        )
    return Change(
        TASKS_SHEET, r["row"], owner, label, UPDATE if fields else UNCHANGED, fields, r, task
    )


def _number(text: str | None) -> str:
    if text is None:
        return ""
    return f"{Decimal(text).normalize():f}".replace(".", ",")


# --- writing it ---------------------------------------------------------------------------


def apply(session: Session, viewer: Viewer, payload: dict[str, Any], *, actor_id: int) -> Preview:
    """Create the missing plans and add or update the tasks; the route commits once."""
    result = preview(session, viewer, payload)
    if result.errors:
        raise ImportInvalid(result.errors)
    unit = session.get(Unit, payload["unit_id"])
    if unit is None:  # preview refused a missing unit; the database changed since
        raise ImportInvalid(result.errors)
    period = Period.from_key(payload["period"])
    created: dict[str, Plan] = {}
    for change in result.sections["tasks"]:
        r = change.data
        data = TaskInput(
            title=r["title"],
            description=r["description"],
            target_quantity=Decimal(r["quantity"]),
            unit_of_measure=r["unit_of_measure"],
            weight=Decimal(r["weight"]),
            deadline=date.fromisoformat(r["deadline"]),
        )
        if change.action == CREATE:
            plan = change.target or created.get(change.code)
            if plan is None:
                plan = _new_plan(session, unit, period, change.code, actor_id)
                created[change.code] = plan
            source = TaskSource.ASSIGNED if change.code else TaskSource.UNIT_PLAN
            plans.add_task(session, plan, data, actor_id=actor_id, source=source)
        elif change.action == UPDATE:
            task: Task = change.target
            plans.update_task(
                session,
                task,
                TaskInput(**{**data.__dict__, "parent_task_id": task.parent_task_id}),
                actor_id=actor_id,
            )
    session.flush()
    return result


def _new_plan(session: Session, unit: Unit, period: Period, owner: str, actor_id: int) -> Plan:
    if owner:
        person = session.scalars(sa.select(Person).where(Person.code == owner)).one()
        return plans.create_plan(session, person, period, actor_id=actor_id)
    plan = Plan(person=None, unit_id=unit.id, status=PlanStatus.DRAFT)
    plan.period = period
    session.add(plan)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        object_type="plan",
        object_id=plan.id,
        action="create",
        new=PlanStatus.DRAFT.value,
    )
    return plan
