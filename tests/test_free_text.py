"""Free text (issue 11, §3): typed and imported text is NFC, visible, and free of direction tricks.

Each finding is replayed through a real form: a task title of zero-width spaces, a right-to-left
override (U+202E) in a title, a comment and a person's name, and NFD (decomposed) Vietnamese.
"""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
import sqlalchemy as sa

from evaluation.accounts.models import AccountRole
from evaluation.core.text import clean_text, has_bidi_control, has_visible
from evaluation.organisation.models import LeadershipRole, Person, UnitKind
from evaluation.plans import services
from evaluation.plans.models import Plan, PlanStatus, Task
from evaluation.plans.periods import Period, PeriodKind
from tests.conftest import account_id, form_errors
from tests.imports.helpers import batch_id, counts, error_rows, staff_book, upload

WEEK_11 = Period(PeriodKind.WEEK, 2026, 11)
NFC_TITLE = "Tiếp nhận hồ sơ cấp giấy chứng nhận quyền sử dụng đất"
NFD_TITLE = unicodedata.normalize("NFD", NFC_TITLE)
ZERO_WIDTH_ONLY = [
    "\u200b\u200b\u200b",
    " \u200c\u200d \u2060",
    "\ufeff\u00ad",
    "\u3164",  # a Hangul filler: a "letter" that draws nothing
    "\n\u200b\t",
]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (NFD_TITLE, NFC_TITLE),
        ("  Báo cáo\u200b ", "Báo cáo"),
        ("\u200b\u200b", ""),
        ("Họp \u200b giao ban", "Họp \u200b giao ban"),  # inside the text: left as typed
        ("e\u0302\u0301", "ế"),
        ("\u202eabc", "\u202eabc"),  # kept, so that the form can refuse it by name
    ],
)
def test_clean_text_composes_and_trims_what_draws_nothing(typed, stored):
    assert NFD_TITLE != NFC_TITLE  # the test really types decomposed text
    assert clean_text(typed) == stored


def test_only_bidirectional_controls_are_reported_as_such():
    assert all(has_bidi_control(f"a{c}b") for c in BIDI)
    assert not has_bidi_control("Nguyễn Thị Ánh \u200b")
    assert not any(has_visible(text) for text in ZERO_WIDTH_ONLY)


# --- through the pages --------------------------------------------------------------------


@pytest.fixture
def team(make_unit, make_person):
    unit = make_unit(name="Phòng Kinh tế")
    head = make_person(unit, role=LeadershipRole.HEAD, name="Trần Thị Hoa")
    staff = make_person(unit, name="Lê Văn Bình")
    return unit, head, staff


@pytest.fixture
def week_plan(session, team):
    return services.create_plan(session, team[2], WEEK_11, actor_id=account_id(session, team[2]))


def task(title: str) -> dict[str, str]:
    return {
        "title": title,
        "target_quantity": "12",
        "unit_of_measure": "hồ sơ",
        "weight": "2",
        "deadline": "2026-03-13",
    }


def task_titles(session) -> list[str]:
    session.expire_all()
    return list(session.scalars(sa.select(Task.title)))


@pytest.mark.parametrize("title", ZERO_WIDTH_ONLY)
def test_a_task_title_of_zero_width_spaces_is_refused_as_empty(
    session, client, login_as, team, week_plan, title
):
    login_as(team[2])
    response = client.post(f"/plans/{week_plan.id}/tasks/new", data=task(title))
    assert response.status_code == 422
    assert "Cần nhập tên nhiệm vụ." in form_errors(response.get_data(as_text=True))
    assert task_titles(session) == []


@pytest.mark.parametrize("control", BIDI)
def test_a_task_title_with_a_direction_override_is_refused_naming_the_field(
    session, client, login_as, team, week_plan, control
):
    login_as(team[2])
    response = client.post(
        f"/plans/{week_plan.id}/tasks/new", data=task(f"Hợp đồng số 12{control}fdp.exe")
    )
    assert response.status_code == 422
    errors = form_errors(response.get_data(as_text=True))
    assert any("“Tên nhiệm vụ”" in e and "hướng chữ" in e for e in errors), errors
    assert task_titles(session) == []


def test_a_decomposed_task_title_is_stored_composed(session, client, login_as, team, week_plan):
    login_as(team[2])
    response = client.post(f"/plans/{week_plan.id}/tasks/new", data=task(f" {NFD_TITLE}\u200b"))
    assert response.status_code == 302
    assert task_titles(session) == [NFC_TITLE]


@pytest.fixture
def submitted(session, client, login_as, team, week_plan):
    login_as(team[2])
    assert client.post(f"/plans/{week_plan.id}/tasks/new", data=task(NFC_TITLE)).status_code == 302
    assert client.post(f"/plans/{week_plan.id}/submit").status_code == 302
    login_as(team[1])
    return week_plan


def plan_state(session, plan: Plan) -> tuple[PlanStatus, str | None, int]:
    session.expire_all()
    stored = session.get(Plan, plan.id)
    return stored.status, stored.return_comment, stored.version


def test_a_return_comment_with_a_direction_override_is_refused_naming_the_field(
    session, client, submitted
):
    before = plan_state(session, submitted)
    response = client.post(
        f"/plans/{submitted.id}/return",
        data={"comment": "Sửa lại \u202eđề xuất", "version": str(submitted.version)},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "“Lý do trả lại”" in page and "hướng chữ" in page
    assert plan_state(session, submitted) == before


def test_a_return_comment_of_zero_width_spaces_is_refused(session, client, submitted):
    before = plan_state(session, submitted)
    client.post(f"/plans/{submitted.id}/return", data={"comment": "\u200b\u200b\u2060"})
    assert plan_state(session, submitted) == before


def test_a_decomposed_return_comment_is_stored_composed(session, client, submitted):
    comment = "Cần lượng hoá rõ hơn số hồ sơ tiếp nhận"
    response = client.post(
        f"/plans/{submitted.id}/return", data={"comment": unicodedata.normalize("NFD", comment)}
    )
    assert response.status_code == 302
    assert plan_state(session, submitted)[:2] == (PlanStatus.RETURNED, comment)


def test_a_decomposed_sign_in_name_still_signs_in(session, client, team):
    """The login form is cleaned like any other: padding a username does not lock anyone out."""
    from tests.conftest import PASSWORD, username_of

    response = client.post(
        "/login", data={"username": f"\u200b{username_of(team[2])} ", "password": PASSWORD}
    )
    assert response.status_code == 302


# --- through the staff import -------------------------------------------------------------


@pytest.fixture
def office(make_unit, make_person):
    province = make_unit("Tỉnh", UnitKind.AGENCY, code="TINH")
    dept = make_unit("Sở Nội vụ", UnitKind.AGENCY, parent=province, code="SNV")
    division = make_unit("Phòng Tổ chức", parent=dept, code="SNV-TC")
    return make_person(division, account_role=AccountRole.PERSONNEL, served_unit=dept)


def person_row(code: str, name: str) -> list[object]:
    return [code, name, date(1990, 3, 12), "Công chức", "Chuyên viên", "SNV-TC", "", ""]


def test_an_imported_decomposed_name_is_stored_composed(session, client, login_as, office):
    login_as(office)
    name = "Nguyễn Thị Ánh Tuyết"
    book = staff_book([], [person_row("CB901", unicodedata.normalize("NFD", name) + "\u200b")])
    url = f"/imports/batches/{batch_id(upload(client, '/imports/staff', book))}"
    assert client.post(f"{url}/confirm").status_code == 302
    session.expire_all()
    stored = session.scalars(sa.select(Person.full_name).where(Person.code == "CB901")).one()
    assert stored == name


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("\u200b\u200b", "không được để trống"),
        ("Trần Văn \u202eNam", "ký tự không hợp lệ"),
        ("\u2067Lê Thị Hà\u2069", "ký tự không hợp lệ"),
    ],
)
def test_an_imported_name_of_zero_width_spaces_or_with_an_override_is_refused(
    session, client, login_as, office, name, message
):
    login_as(office)
    before = counts(session)
    response = upload(client, "/imports/staff", staff_book([], [person_row("CB902", name)]))
    rows = error_rows(response.get_data(as_text=True))
    assert any("Họ và tên" in row and message in row for row in rows), rows
    assert counts(session) == before


def test_every_form_of_the_application_cleans_its_text(app):
    """A form added later on FlaskForm directly would skip the cleaning: it must use BaseForm."""
    from flask_wtf import FlaskForm

    from evaluation.core.forms import BaseForm

    def subclasses(cls: type) -> list[type]:
        return [cls, *(s for sub in cls.__subclasses__() for s in subclasses(sub))]

    ours = [c for c in subclasses(FlaskForm) if c.__module__.startswith("evaluation.")]
    assert len(ours) > 20
    assert [c.__qualname__ for c in ours if not issubclass(c, BaseForm)] == []
