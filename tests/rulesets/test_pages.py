"""The pages: a personnel office drafts, checks, previews, publishes and pins a set, and the
unit's next scoring uses it; files in and out; nothing a request sends ends in a 500."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa

from criteria import StaffCategory
from evaluation.core.audit import AuditRecord
from evaluation.plans.models import Plan, PlanStatus, Task, TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.rulesets import services
from evaluation.rulesets.models import CriteriaSetPin, CriteriaSetVersion, VersionStatus
from evaluation.scoring import periods
from evaluation.scoring.models import PeriodScore
from tests.conftest import form_errors
from tests.rulesets.conftest import own_set


def versions(session, name="so-noi-vu-chuyen-vien"):
    return services.versions_of(session, name)


def built_in_id(session, name="nd335-non-leader") -> int:
    return session.scalar(
        sa.select(CriteriaSetVersion.id).where(
            CriteriaSetVersion.name == name, CriteriaSetVersion.version == 1
        )
    )


def test_drafted_published_pinned_and_the_next_scoring_uses_it(session, client, login_as, office):
    login_as(office.personnel)
    response = client.post(
        "/rulesets/sets/new",
        data={"copy_of": built_in_id(session), "name": "so-noi-vu-chuyen-vien",
              "title": "Bộ tiêu chí riêng của Sở Nội vụ"},
    )  # fmt: skip
    assert response.status_code == 302, form_errors(response.get_data(as_text=True))
    (draft,) = versions(session)
    # the office edits the draft: one criterion short of its group's 30 points
    broken = own_set()
    broken["groups"][0]["criteria"][2]["max_points"] = 5
    edit = client.post(f"/rulesets/sets/{draft.id}/edit", data={"content": json.dumps(broken)})
    assert edit.status_code == 302
    page = client.get(f"/rulesets/sets/{draft.id}").get_data(as_text=True)
    assert "Nhóm “Tiêu chí chung”: điểm tối đa của các tiêu chí cộng lại là 25" in page
    refused = client.post(
        f"/rulesets/sets/{draft.id}/publish",
        data={"effective_from": "2026-03-02", "confirm": "y"},
    )
    assert refused.status_code == 422
    assert "còn lỗi" in refused.get_data(as_text=True)
    client.post(f"/rulesets/sets/{draft.id}/edit", data={"content": json.dumps(own_set())})
    unconfirmed = client.post(
        f"/rulesets/sets/{draft.id}/publish", data={"effective_from": "2026-03-02"}
    )
    assert unconfirmed.status_code == 422
    published = client.post(
        f"/rulesets/sets/{draft.id}/publish",
        data={"effective_from": "2026-03-02", "confirm": "y"},
    )
    assert published.status_code == 302
    session.refresh(draft)
    assert draft.status is VersionStatus.PUBLISHED
    pinned = client.post(
        f"/rulesets/units/{office.division.id}/pins", data={"set_name": draft.name}
    )
    assert pinned.status_code == 302
    assert "Bộ tiêu chí riêng của Sở Nội vụ" in client.get(
        f"/rulesets/units/{office.division.id}/pins"
    ).get_data(as_text=True)

    login_as(office.head)
    form = client.get(f"/scoring/2026-03/people/{office.staff.id}").get_data(as_text=True)
    assert 'name="general_SNV1"' in form and 'name="general_TC1"' not in form
    scored = client.post(
        f"/scoring/2026-03/people/{office.staff.id}",
        data={"general_SNV1": "10", "general_SNV2": "9", "general_SNV3": "8",
              "task_points": "60", "adjustment_reason": "Chấm theo báo cáo tháng."},
    )  # fmt: skip
    assert scored.status_code == 302, form_errors(scored.get_data(as_text=True))
    score = session.scalar(sa.select(PeriodScore).where(PeriodScore.person_id == office.staff.id))
    assert score.criteria_set == "so-noi-vu-chuyen-vien@1"
    assert score.general_points == Decimal(27)


def test_a_published_version_has_no_edit_page_and_refuses_a_second_publish(
    session, client, login_as, office, make_admin
):
    login_as(make_admin())
    built_in = built_in_id(session)
    assert client.get(f"/rulesets/sets/{built_in}/edit").status_code == 404
    response = client.post(
        f"/rulesets/sets/{built_in}/publish", data={"effective_from": "2026-12-01", "confirm": "y"}
    )
    assert response.status_code == 422
    assert session.get(CriteriaSetVersion, built_in).effective_from == date(2020, 1, 1)


def test_an_office_keeps_its_own_sets_not_the_provinces(session, client, login_as, office):
    login_as(office.personnel)
    built_in = built_in_id(session)
    assert client.get(f"/rulesets/sets/{built_in}").status_code == 200
    assert client.post(f"/rulesets/sets/{built_in}/next").status_code == 403
    assert client.get("/rulesets/policy/new").status_code == 403
    # a unit outside its subtree is not the office's to pin
    assert client.get(f"/rulesets/units/{office.other.id}/pins").status_code == 403
    login_as(office.staff)
    assert client.get("/rulesets").status_code == 403


@pytest.mark.parametrize("kind", ["json", "xlsx"])
def test_a_set_exported_and_imported_again_is_the_same_set(session, client, login_as, office, kind):
    login_as(office.personnel)
    built_in = built_in_id(session, "nd90-cong-chuc")
    exported = client.get(f"/rulesets/sets/{built_in}/export.{kind}")
    assert exported.status_code == 200
    if kind == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(exported.data))
        assert book.sheetnames == ["Thong tin", "Tieu chi"]
    response = client.post(
        "/rulesets/sets/new",
        data={"name": "tinh-ban-cong-chuc", "file": (io.BytesIO(exported.data), f"bo.{kind}")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, form_errors(response.get_data(as_text=True))
    (imported,) = versions(session, "tinh-ban-cong-chuc")
    original = session.get(CriteriaSetVersion, built_in).data
    assert imported.data == {**original, "name": "tinh-ban-cong-chuc", "version": 1}


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("bo.json", b"{not json", "Tệp JSON không đọc được."),
        ("bo.json", b"[1, 2]", "Tệp JSON không chứa một bộ tiêu chí."),
        ("bo.xlsx", b"PK\x03\x04 broken", "Tệp Excel không đọc được."),
        ("bo.txt", b"abc", "Chỉ nhận tệp .json hoặc .xlsx."),
    ],
)
def test_an_unreadable_file_is_refused_and_nothing_is_written(
    session, client, login_as, office, filename, content, message
):
    login_as(office.personnel)
    before = session.scalar(sa.select(sa.func.count()).select_from(CriteriaSetVersion))
    response = client.post(
        "/rulesets/sets/new",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(CriteriaSetVersion)) == before


@pytest.mark.parametrize(
    "content", ["", "not json", "[]", '{"groups": "x"}', '{"groups": [1, {"criteria": [2]}]}']
)
def test_any_draft_content_gives_a_page_never_a_500(session, client, login_as, office, content):
    login_as(office.personnel)
    client.post(
        "/rulesets/sets/new",
        data={"copy_of": built_in_id(session), "name": "thu-nghiem"},
    )
    (draft,) = versions(session, "thu-nghiem")
    response = client.post(f"/rulesets/sets/{draft.id}/edit", data={"content": content})
    assert response.status_code in (302, 422)
    assert client.get(f"/rulesets/sets/{draft.id}").status_code == 200
    assert client.get(f"/rulesets/sets/{draft.id}/preview").status_code == 200
    assert client.get(f"/rulesets/sets/{draft.id}/export.xlsx").status_code == 200


def nd90_year_of_low_scores(session, make_person, office):
    """A civil servant under ND90 (2025) whose points alone would fail: 12 months at 40."""
    person = make_person(
        office.division, category=StaffCategory.CONG_CHUC, name="Phạm Văn Bình",
        starts_on=date(2025, 1, 1),
    )  # fmt: skip
    for month in range(1, 13):
        score = PeriodScore(
            person=person, unit_id=office.division.id, criteria_set="nd90-cong-chuc@1",
            general_points=Decimal(20), task_points=Decimal(20),
            computed_task_points=Decimal(20),
        )  # fmt: skip
        score.period_kind, score.period_year, score.period_number = PeriodKind.MONTH, 2025, month
        session.add(score)
        plan = Plan(person=person, unit_id=office.division.id, status=PlanStatus.CLOSED)
        plan.period = Period(PeriodKind.MONTH, 2025, month)
        plan.tasks.append(
            Task(title="Báo cáo tháng", target_quantity=Decimal(1), unit_of_measure="báo cáo",
                 weight=Decimal(1), deadline=date(2025, month, 20),
                 outcome=TaskOutcome.DONE_ON_TIME, achieved_quantity=Decimal(1),
                 completed_on=date(2025, month, 20))
        )  # fmt: skip
        session.add(plan)
    session.flush()
    return person


def test_the_policy_preview_names_who_would_change_level(
    session, client, login_as, office, make_admin, make_person
):
    nd90_year_of_low_scores(session, make_person, office)
    login_as(make_admin())
    response = client.post(
        "/rulesets/policy/new",
        data={"nd90_quota_pct": "20", "quota_rounding": "down", "quota_base": "final",
              "chien_si_cap": "y", "chien_si_cap_pct": "15", "s3_own": "50", "s3_unit": "30",
              "s3_organising": "20", "points_may_fail": "y", "note": "Điểm thấp thì không đạt"},
    )  # fmt: skip
    assert response.status_code == 302, form_errors(response.get_data(as_text=True))
    draft = services.policy_versions(session)[0]
    page = client.get(f"/rulesets/policy/{draft.id}/preview?year=2025").get_data(as_text=True)
    assert "Phạm Văn Bình: Hoàn thành nhiệm vụ → Không hoàn thành nhiệm vụ" in page
    assert "1 trong 3 người đổi mức" in page  # the division: its head, Hoa and Bình
    # the weights must add up to 100: the form says so, nothing is saved
    bad = client.post(
        "/rulesets/policy/new",
        data={"nd90_quota_pct": "20", "quota_rounding": "down", "quota_base": "final",
              "chien_si_cap_pct": "15", "s3_own": "50", "s3_unit": "30", "s3_organising": "30"},
    )  # fmt: skip
    assert bad.status_code == 422
    assert "Ba trọng số phải cộng lại đúng 100." in bad.get_data(as_text=True)
    assert services.policy_versions(session)[0].data["points_may_fail"] is True


def test_a_pin_is_removed_with_its_own_form(session, client, login_as, office):
    login_as(office.personnel)
    services.pin_set(session, office.division, "nd90-cong-chuc", actor_id=None)
    pin = session.scalar(sa.select(CriteriaSetPin))
    assert client.post(f"/rulesets/pins/{pin.id}/delete").status_code == 302
    assert session.scalar(sa.select(CriteriaSetPin)) is None
    assert periods.criteria_set_for(office.staff, 2026).id == "nd335-non-leader@1"


def test_the_unit_chooses_its_rule_set_on_the_same_page(session, client, login_as, office):
    login_as(office.personnel)
    url = f"/rulesets/units/{office.division.id}/rulebook"
    assert client.post(url, data={"rulebook_pin": "nd90"}).status_code == 302
    session.expire_all()
    assert office.division.rulebook_pin == "nd90"
    audit = session.scalar(
        sa.select(AuditRecord).where(
            AuditRecord.object_id == office.division.id, AuditRecord.action == "rulebook_pin"
        )
    )
    assert json.loads(audit.new_value) == {"rulebook_pin": "nd90"}
    client.post(url, data={"rulebook_pin": "nd48"})  # not a choice: nothing changes
    session.expire_all()
    assert office.division.rulebook_pin == "nd90"
    client.post(url, data={"rulebook_pin": ""})
    session.expire_all()
    assert office.division.rulebook_pin is None
    assert (
        client.post(
            f"/rulesets/units/{office.other.id}/rulebook", data={"rulebook_pin": "nd90"}
        ).status_code
        == 403
    )
