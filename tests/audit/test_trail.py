"""The audit trail: shown to the personnel office for its subtree, newest first."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from evaluation.accounts.models import AccountRole
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.plans import services as plans
from evaluation.plans.periods import Period, PeriodKind
from evaluation.plans.services import TaskInput
from tests.conftest import account_id


def test_the_personnel_office_sees_changes_made_in_its_subtree(
    session, client, login_as, make_unit, make_person
):
    agency = make_unit("Sở", UnitKind.AGENCY)
    elsewhere = make_unit("Xã", UnitKind.COMMUNE)
    personnel = make_person(agency, account_role=AccountRole.PERSONNEL, served_unit=agency)
    inside = make_person(make_unit(parent=agency), name="Người trong Sở")
    outside = make_person(elsewhere, name="Người ở xã")
    week = Period(PeriodKind.WEEK, 2026, 11)
    task = TaskInput("Việc", None, Decimal(1), "việc", Decimal(1), date(2026, 3, 12))
    for person in (inside, outside):
        plan = plans.create_plan(session, person, week, actor_id=account_id(session, person))
        plans.add_task(session, plan, task, actor_id=None)
        plans.transition(session, plan, "submit", actor_id=account_id(session, person))
    login_as(personnel)
    page = client.get("/audit").get_data(as_text=True)
    week_label = week.label
    created = f"Người trong Sở lập kế hoạch {week_label} của Người trong Sở lúc "
    submitted = f"Người trong Sở gửi duyệt kế hoạch {week_label} của Người trong Sở lúc "
    assert page.count(created) == 1 and page.count(submitted) == 1
    assert "Người ở xã" not in page
    assert page.index(submitted) < page.index(created)  # newest first


def test_only_the_personnel_office_and_administrators_see_the_trail(
    client, login_as, make_unit, make_person
):
    unit = make_unit()
    login_as(make_person(unit, role=LeadershipRole.HEAD))
    assert client.get("/audit").status_code == 403


def test_the_trail_exports_to_excel_with_the_same_records(
    session, client, login_as, make_unit, make_person
):
    import io

    import openpyxl

    agency = make_unit("Sở", UnitKind.AGENCY)
    personnel = make_person(agency, account_role=AccountRole.PERSONNEL, served_unit=agency)
    person = make_person(make_unit(parent=agency), name="=HYPERLINK(1)")
    plans.create_plan(
        session, person, Period(PeriodKind.WEEK, 2026, 11), actor_id=account_id(session, person)
    )
    session.flush()  # the request reads through its own session
    login_as(personnel)
    response = client.get("/audit.xlsx")
    assert response.status_code == 200
    assert "nhat-ky-" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    cells = [cell for row in book.active.iter_rows() for cell in row if cell.value is not None]
    created = "=HYPERLINK(1) lập kế hoạch Tuần 11/2026"
    assert any(str(cell.value).startswith(created) for cell in cells)
    actor = next(cell for cell in cells if str(cell.value).startswith("=HYPERLINK"))
    assert actor.data_type != "f"  # a name that looks like a formula stays text
    login_as(make_person(agency, role=LeadershipRole.HEAD))
    assert client.get("/audit.xlsx").status_code == 403


def test_a_communes_office_sees_what_the_province_did_to_its_people(
    session, client, login_as, make_unit, make_person
):
    """Scoped by the unit of what changed, not by who changed it (issue 11: a province
    account's changes to a commune's people were hidden from the commune's office)."""
    from evaluation.organisation import services as organisation
    from evaluation.records import services as records
    from evaluation.records.models import LeaveKind

    province = make_unit("UBND tỉnh", UnitKind.AGENCY)
    commune = make_unit("Xã Đông", UnitKind.COMMUNE, parent=province)
    sibling = make_unit("Xã Tây", UnitKind.COMMUNE, parent=province)
    offices = {
        unit: make_person(unit, account_role=AccountRole.PERSONNEL, served_unit=unit)
        for unit in (province, commune, sibling)
    }
    person = make_person(make_unit(parent=commune), name="Trần Thị Hoa")
    actor = account_id(session, make_person(province, name="Cán bộ tỉnh"))
    leave = records.add_leave(
        session,
        person,
        kind=LeaveKind.LAWFUL,
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 3, 3),
        note=None,
        actor_id=actor,
    )
    organisation.move_person(
        session,
        person,
        to_unit=make_unit(parent=commune),
        role=LeadershipRole.NONE,
        job_position="Chuyên viên",
        on=date(2026, 3, 9),
        actor_id=actor,
        reason="Điều động",
    )
    plan = plans.create_plan(session, person, Period(PeriodKind.WEEK, 2026, 11), actor_id=actor)
    session.flush()
    assert leave.id and plan.id
    about_the_person = [
        "Cán bộ tỉnh ghi đợt nghỉ của Trần Thị Hoa",
        "Cán bộ tỉnh cập nhật đơn vị, chức vụ của Trần Thị Hoa",
        "Cán bộ tỉnh lập kế hoạch Tuần 11/2026",
    ]

    for unit, sees in ((commune, True), (province, True), (sibling, False)):
        login_as(offices[unit])
        page = client.get("/audit").get_data(as_text=True)
        assert [entry in page for entry in about_the_person] == [sees] * 3, unit.name
        assert page.count("Cán bộ tỉnh") == (3 if sees else 0)


def test_every_kind_of_record_is_placed_in_the_unit_of_its_object(session, make_unit, make_person):
    """One record about each kind of object the application audits, all in one commune and
    all made by a province account: the commune's office sees each, a sibling's none."""
    from evaluation.accounts.models import User
    from evaluation.audit import services as trail
    from evaluation.core.audit import AuditRecord
    from evaluation.organisation.permissions import Viewer
    from evaluation.rankings.models import (
        Achievement,
        AchievementKind,
        EmulationDecision,
        Title,
    )
    from evaluation.records import services as records
    from evaluation.records.models import DisciplineForm, LeaveKind
    from evaluation.scoring.models import AnnualEvaluation, Level, PeriodScore

    province = make_unit("UBND tỉnh", UnitKind.AGENCY)
    commune = make_unit("Xã Đông", UnitKind.COMMUNE, parent=province)
    sibling = make_unit("Xã Tây", UnitKind.COMMUNE, parent=province)
    division = make_unit(parent=commune)
    person = make_person(division)
    actor = account_id(session, make_person(province))
    plan = plans.create_plan(session, person, Period(PeriodKind.WEEK, 2026, 11), actor_id=actor)
    task = plans.add_task(
        session,
        plan,
        TaskInput("Việc", None, Decimal(1), "việc", Decimal(1), date(2026, 3, 12)),
        actor_id=actor,
    )
    leave = records.add_leave(
        session, person, kind=LeaveKind.LAWFUL, starts_on=date(2026, 3, 2),
        ends_on=date(2026, 3, 3), note=None, actor_id=actor,
    )  # fmt: skip
    discipline = records.add_discipline(
        session, person, violation="Vi phạm", decision_number=None,
        effective_on=date(2026, 2, 1), form=DisciplineForm.KHIEN_TRACH, party=False,
        duty_related=True, counted_in_year=None, actor_id=actor,
    )  # fmt: skip
    objects = [
        Achievement(person=person, year=2026, kind=AchievementKind.INITIATIVE, title="Sáng kiến"),
        PeriodScore(
            person=person, unit=division, period_kind=PeriodKind.MONTH, period_year=2026,
            period_number=1, criteria_set="test", general_points=Decimal(30),
            general_breakdown={}, task_points=Decimal(50), computed_task_points=Decimal(50),
        ),
        AnnualEvaluation(
            person=person, year=2026, unit=division, category=person.category,
            rulebook="nd90@1", computed_level=Level.TOT,
        ),
        EmulationDecision(
            number="QĐ-1/2026", decided_on=date(2026, 12, 20), year=2026,
            title=Title.LAO_DONG_TIEN_TIEN, unit=commune,
        ),
    ]  # fmt: skip
    session.add_all(objects)
    session.flush()
    user = session.get(User, account_id(session, person))
    kinds = {
        "unit": division, "person": person, "plan": plan, "task": task, "leave": leave,
        "discipline": discipline, "achievement": objects[0], "period_score": objects[1],
        "evaluation": objects[2], "emulation_decision": objects[3], "user": user,
    }  # fmt: skip
    for kind, target in kinds.items():
        session.add(
            AuditRecord(actor_id=actor, object_type=kind, object_id=target.id, action="probe")
        )
    session.flush()

    def probes(unit):
        viewer = Viewer(user_id=0, person_id=None, served_path=unit.path)
        entries, _ = trail.page_of(session, viewer, 1)
        return {e.record.object_type for e in entries if e.record.action == "probe"}

    assert probes(commune) == set(kinds)
    assert probes(province) == set(kinds)
    assert probes(sibling) == set()
