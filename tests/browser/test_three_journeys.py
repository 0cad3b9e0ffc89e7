"""The three journeys of issue 6, in Chromium, at a laptop's and at a phone's size.

Each run sets its own scene in the live database (a small agency of its own), so the
journeys do not depend on each other or on the demo. A screenshot of each main page is kept
under tests/artifacts/ for CI to publish.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, Page, expect

from criteria import Level, StaffCategory
from criteria.procedure import Step
from evaluation.accounts.models import AccountRole, User
from evaluation.core.clock import local_today
from evaluation.core.db import utcnow
from evaluation.organisation import services as organisation
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.plans.models import Plan, PlanStatus, Task, TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.scoring.models import AnnualEvaluation
from tests.browser.conftest import follow_menu, live_session, sign_in, sign_out
from tests.conftest import _TEST_HASH, PASSWORD, ROOT

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "tests" / "artifacts"
VIEWPORTS = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
_scene_numbers = itertools.count(1)


@pytest.fixture(params=list(VIEWPORTS))
def page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    phone = request.param == "phone"
    context = browser.new_context(
        viewport=VIEWPORTS[request.param], is_mobile=phone, accept_downloads=True, locale="vi-VN"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())
    page.viewport_name = request.param  # type: ignore[attr-defined]
    yield page
    context.close()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    viewport = page.viewport_name  # type: ignore[attr-defined]
    page.screenshot(path=str(ARTIFACTS / f"{name}-{viewport}.png"), full_page=True)


@pytest.fixture
def scene(live_database: str) -> dict[str, object]:
    """An agency with a director, a division with its head and an employee, and a personnel
    office; logins are `j<n>.<role>` with the test password."""
    n = next(_scene_numbers)
    year = local_today().year
    with live_session(live_database) as session:
        agency = organisation.create_unit(
            session, code=f"J{n}", name=f"Sở Hành trình {n}", kind=UnitKind.AGENCY, parent=None
        )
        division = organisation.create_unit(
            session, code=f"J{n}-P", name=f"Phòng Hành trình {n}", kind=UnitKind.DIVISION,
            parent=agency,
        )  # fmt: skip
        people = {}
        for role, unit, name, lead, account in (
            ("giamdoc", agency, "Lâm Quốc Bảo", LeadershipRole.HEAD, AccountRole.STAFF),
            ("truongphong", division, "Kim Thị Ngân", LeadershipRole.HEAD, AccountRole.STAFF),
            ("nhanvien", division, "Triệu Văn Hải", LeadershipRole.NONE, AccountRole.STAFF),
            ("tochuc", agency, "Ông Thị Mơ", LeadershipRole.NONE, AccountRole.PERSONNEL),
        ):
            person = organisation.place_new_person(
                session, code=f"J{n}{role.upper()}", full_name=f"{name} {n}",
                category=StaffCategory.CONG_CHUC, job_position="Chuyên viên", unit=unit,
                role=lead, starts_on=date(year, 1, 1),
            )  # fmt: skip
            session.add(
                User(
                    username=f"j{n}.{role}", password_hash=_TEST_HASH, role=account,
                    person=person, served_unit=agency if account is AccountRole.PERSONNEL else None,
                )
            )  # fmt: skip
            people[role] = person
        session.commit()
        return {
            "n": n,
            "year": year,
            "ids": {role: person.id for role, person in people.items()},
            "division_id": division.id,
            "agency_id": agency.id,
        }


def login(page: Page, base: str, scene: dict[str, object], role: str) -> None:
    sign_in(page, base, f"j{scene['n']}.{role}", PASSWORD)


# --- journey 1 ------------------------------------------------------------------------------


def test_employee_plans_a_month_breaks_it_into_weeks_reports_and_self_assesses(
    live_server: str, page: Page, scene: dict[str, object]
) -> None:
    month = Period.containing(PeriodKind.MONTH, local_today().replace(day=1) - timedelta(days=1))
    week = Period.containing(PeriodKind.WEEK, month.starts_on + timedelta(days=7))
    login(page, live_server, scene, "nhanvien")
    # signing in lands on the to-do page; the plans are behind the menu (folded on a phone)
    expect(page.get_by_role("heading", level=1)).to_have_text("Việc cần làm")
    follow_menu(page, "Kế hoạch của tôi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kế hoạch công tác của tôi")
    page.get_by_label("Loại kế hoạch").select_option("month")
    page.get_by_label("Một ngày bất kỳ trong kỳ").fill(month.starts_on.isoformat())
    page.get_by_role("button", name="Tạo kế hoạch").click()
    month_url = page.url
    add_task(page, "Thẩm định hồ sơ tuyển dụng", "20", "hồ sơ", month.ends_on)
    shot(page, "journey1-month-plan")

    page.goto(f"{live_server}/plans")
    page.get_by_label("Loại kế hoạch").select_option("week")
    page.get_by_label("Một ngày bất kỳ trong kỳ").fill(week.starts_on.isoformat())
    page.get_by_role("button", name="Tạo kế hoạch").click()
    week_url = page.url
    page.get_by_role("link", name="Thêm nhiệm vụ").click()
    page.get_by_label("Thuộc nhiệm vụ của kế hoạch dài hơn").select_option(
        label="Thẩm định hồ sơ tuyển dụng"
    )
    fill_task(page, "Thẩm định 5 hồ sơ tuyển dụng đầu tiên", "5", "hồ sơ", week.ends_on)
    expect(page.locator("table.tasks")).to_contain_text("↳ Thẩm định hồ sơ tuyển dụng")
    for url in (week_url, month_url):
        page.goto(url)
        page.get_by_role("button", name="Gửi duyệt").click()
        expect(page.get_by_role("status")).to_contain_text("Đã gửi kế hoạch")
    sign_out(page)

    login(page, live_server, scene, "truongphong")
    for url in (week_url, month_url):
        page.goto(url)
        page.get_by_role("button", name="Duyệt kế hoạch").click()
        expect(page.get_by_role("status")).to_contain_text("Đã duyệt kế hoạch.")
    sign_out(page)

    login(page, live_server, scene, "nhanvien")
    page.goto(month_url)
    page.get_by_role("link", name="Báo cáo kết quả").first.click()
    page.get_by_label("Kết quả").select_option("done")
    page.get_by_label("Số lượng đạt được").fill("22")
    page.get_by_label("Ngày hoàn thành").fill((month.ends_on - timedelta(days=2)).isoformat())
    page.get_by_label("Minh chứng (đường dẫn hoặc mô tả ngắn)").fill("Sổ theo dõi hồ sơ số 9")
    page.get_by_role("button", name="Lưu kết quả").click()
    expect(page.get_by_role("status")).to_contain_text("Đã ghi kết quả.")
    page.get_by_role("button", name="Gửi báo cáo kết quả").click()
    expect(page.locator("h1 .badge")).to_have_text("Đã báo cáo kết quả")
    shot(page, "journey1-reported")

    follow_menu(page, "Đánh giá năm")
    page.get_by_role("link", name="Hồ sơ đánh giá của tôi").click()
    page.get_by_label("Báo cáo tự đánh giá", exact=True).fill("Hoàn thành vượt chỉ tiêu tháng.")
    page.get_by_label("Tự đề xuất mức xếp loại").select_option("tot")
    page.get_by_role("button", name="Tự đánh giá, đề xuất mức xếp loại").click()
    expect(page.get_by_role("status")).to_contain_text("Đã ghi nhận")
    expect(page.locator("ol.history li")).to_have_count(1)
    shot(page, "journey1-self-assessment")


def add_task(page: Page, title: str, quantity: str, unit: str, deadline: date) -> None:
    page.get_by_role("link", name="Thêm nhiệm vụ").click()
    fill_task(page, title, quantity, unit, deadline)


def fill_task(page: Page, title: str, quantity: str, unit: str, deadline: date) -> None:
    page.get_by_label("Tên nhiệm vụ").fill(title)
    page.get_by_label("Số lượng sản phẩm").fill(quantity)
    page.get_by_label("Đơn vị tính").fill(unit)
    page.get_by_label("Hạn hoàn thành").fill(deadline.isoformat())
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("status")).to_contain_text("Đã thêm nhiệm vụ.")


# --- journey 2 ------------------------------------------------------------------------------


@pytest.fixture
def employee_work(live_database: str, scene: dict[str, object]) -> dict[str, object]:
    """A submitted week plan to return, and last month's plan with its results reported."""
    today = local_today()
    month = Period.containing(PeriodKind.MONTH, today.replace(day=1) - timedelta(days=1))
    week = Period.containing(PeriodKind.WEEK, today + timedelta(days=7))
    ids = scene["ids"]
    with live_session(live_database) as session:
        plans = {}
        for period, status in ((week, PlanStatus.SUBMITTED), (month, PlanStatus.REPORTED)):
            plan = Plan(person_id=ids["nhanvien"], unit_id=scene["division_id"], status=status)
            plan.period = period
            session.add(plan)
            deadline = period.ends_on
            done = status is PlanStatus.REPORTED
            session.add(
                Task(
                    plan=plan, title=f"Tiếp nhận hồ sơ {period.key}", target_quantity=Decimal(10),
                    unit_of_measure="hồ sơ", weight=Decimal(1), deadline=deadline,
                    outcome=TaskOutcome.DONE_ON_TIME if done else None,
                    achieved_quantity=Decimal(12) if done else None,
                    completed_on=deadline if done else None,
                )
            )  # fmt: skip
            session.flush()
            plans[status] = plan.id
        session.commit()
    return {"week_plan": plans[PlanStatus.SUBMITTED], "month": month}


def test_manager_returns_approves_scores_and_sees_the_classification_and_ranking(
    live_server: str, page: Page, scene: dict[str, object], employee_work: dict[str, object]
) -> None:
    week_url = f"{live_server}/plans/{employee_work['week_plan']}"
    login(page, live_server, scene, "truongphong")
    follow_menu(page, "Đơn vị")
    page.locator("#awaiting + ul a").first.click()
    # the disclosure that unfolds the return form (the help text names it too)
    page.locator("details > summary", has_text="Trả lại kèm ý kiến").click()
    page.get_by_label("Lý do trả lại").fill("Cần lượng hoá số hồ sơ theo từng ngày.")
    page.get_by_role("button", name="Trả lại").click()
    expect(page.locator("h1 .badge")).to_have_text("Bị trả lại")
    sign_out(page)

    login(page, live_server, scene, "nhanvien")
    page.goto(week_url)
    expect(page.get_by_role("note")).to_contain_text("Cần lượng hoá số hồ sơ theo từng ngày.")
    page.get_by_role("button", name="Gửi duyệt").click()
    sign_out(page)

    login(page, live_server, scene, "truongphong")
    page.goto(week_url)
    page.get_by_role("button", name="Duyệt kế hoạch").click()
    expect(page.locator("h1 .badge")).to_have_text("Đã duyệt")

    month: Period = employee_work["month"]  # type: ignore[assignment]
    follow_menu(page, "Chấm điểm")
    page.goto(f"{live_server}/scoring/{month.key}")
    shot(page, "journey2-scoring")
    page.get_by_role("link", name=re.compile("Chấm điểm|Sửa điểm")).last.click()
    for field in page.locator("input[name^='general_']").all():
        field.fill("6")
    page.get_by_role("button", name="Lưu điểm").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu điểm")
    expect(page.locator("table tbody tr").first).to_contain_text("100")

    page.goto(f"{live_server}/evaluations/{scene['year']}/people/{scene['ids']['nhanvien']}")
    expect(page.locator("#rulebook-level .badge")).to_be_visible()
    # the rule by its name; its code only in an attribute (issue 16: no codes on a page)
    expect(page.locator("ul.reasons li").first).to_contain_text("Mức xếp loại theo điểm")
    expect(page.locator("ul.reasons li strong.rule").first).to_have_attribute("data-rule", "S5")
    shot(page, "journey2-classification")

    follow_menu(page, "Xếp hạng")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xếp hạng đơn vị")
    shot(page, "journey2-ranking")


# --- journey 3 ------------------------------------------------------------------------------


@pytest.fixture
def quota_case(live_database: str, scene: dict[str, object]) -> dict[str, object]:
    """Five decided at tot and two proposed for xuat_sac: one place, one moved to tot."""
    year = scene["year"]
    with live_session(live_database) as session:
        division_id = scene["division_id"]
        decided_id = None
        for index in range(7):
            person = organisation.place_new_person(
                session, code=f"J{scene['n']}Q{index}", full_name=f"Đồng nghiệp {index}",
                category=StaffCategory.CONG_CHUC, job_position="Chuyên viên",
                unit=session.get(organisation.Unit, division_id), starts_on=date(year, 1, 1),
            )  # fmt: skip
            excellent = index >= 5
            evaluation = AnnualEvaluation(
                person=person, year=year, unit_id=division_id, category=person.category,
                rulebook="nd335@1", computed_level=Level.XUAT_SAC if excellent else Level.TOT,
            )  # fmt: skip
            if excellent:
                evaluation.personnel_level, evaluation.quota_rank = Level.XUAT_SAC, index - 4
            else:
                evaluation.final_level, evaluation.decided_at = Level.TOT, utcnow()
                evaluation.step = Step.DECISION
            session.add(evaluation)
            session.flush()
            decided_id = person.id if not excellent else decided_id
        session.commit()
    return {"decided": decided_id}


def test_personnel_office_checks_the_summary_finalises_and_downloads(
    live_server: str, page: Page, scene: dict[str, object], quota_case: dict[str, object]
) -> None:
    login(page, live_server, scene, "tochuc")
    follow_menu(page, "Đánh giá năm")
    quota = page.locator("section.card").filter(has_text="Tỷ lệ Hoàn thành xuất sắc")
    expect(quota).to_contain_text("1 chỉ tiêu cho 2 người được đề nghị")
    expect(quota).to_contain_text("chuyển xuống Hoàn thành tốt")
    shot(page, "journey3-summary")

    page.goto(f"{live_server}/evaluations/{scene['year']}/people/{quota_case['decided']}")
    page.get_by_role(
        "button", name="Thông báo cho người được đánh giá và công khai trong đơn vị"
    ).click()
    expect(page.get_by_role("status")).to_contain_text("Đã ghi nhận")

    follow_menu(page, "Đánh giá năm")
    button = page.get_by_role(
        "link", name=re.compile(f"Tải bảng tổng hợp.*Sở Hành trình {scene['n']}$")
    )
    with page.expect_download() as download_info:
        button.click()
    saved = Path(download_info.value.path())
    book = openpyxl.load_workbook(io.BytesIO(saved.read_bytes()), read_only=True)
    text = " ".join(
        str(value) for row in book.active.iter_rows(values_only=True) for value in row if value
    )
    book.close()
    assert "TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI" in text
    assert "Đồng nghiệp 0" in text
