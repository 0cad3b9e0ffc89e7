"""The personnel office drafts a criteria set, sees its problems and its preview, publishes it
and pins it to a unit; the unit's head then scores against it. In Chromium, on the demo."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from evaluation.core.clock import local_today
from evaluation.organisation.models import Person
from evaluation.plans.periods import Period, PeriodKind
from evaluation.scoring.models import PeriodScore
from tests.browser.conftest import follow_menu, live_session, sign_in, sign_out

pytestmark = pytest.mark.browser

PASSWORD = "Danhgia@2026"
STAFF = "Nguyễn Bích Nhung"  # a civil servant of the department's office (SNV-VP)
HEAD = "lantt"  # its head


def own_criteria(data: dict, points: list[int]) -> dict:
    data["groups"][0]["criteria"] = [
        {"code": f"SNV{n}", "name": f"Tiêu chí riêng {n}", "description": "Theo quy chế của Sở",
         "max_points": value, "source": "Quyết định của Giám đốc Sở"}
        for n, value in enumerate(points, start=1)
    ]  # fmt: skip
    return data


def test_office_drafts_previews_publishes_and_pins_and_the_head_scores_by_it(
    live_server: str, live_database: str, page: Page
) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, live_server, "tccb", PASSWORD)
    follow_menu(page, "Quản trị")  # the office's tools are one menu entry
    page.get_by_role("main").get_by_role("link", name="Bộ tiêu chí", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bộ tiêu chí và tham số chính sách")
    page.get_by_role("link", name="Soạn bộ tiêu chí mới").click()
    copied = page.get_by_label("Sao chép từ bộ tiêu chí")
    copied.select_option(label=next(
        text for text in copied.locator("option").all_inner_texts()
        if text.startswith("Công chức không giữ chức vụ lãnh đạo") and "335" in text
    ))  # fmt: skip
    page.get_by_label("Mã bộ tiêu chí mới").fill("snv-chuyen-vien")
    page.get_by_label("Tên bộ tiêu chí").fill("Bộ tiêu chí chuyên viên Sở Nội vụ")
    page.get_by_role("button", name="Tạo bản nháp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bộ tiêu chí chuyên viên Sở Nội vụ")
    expect(page.locator("#valid")).to_be_visible()

    # an edit whose general criteria reach 25 of 30: the page names the group and the sum
    page.get_by_role("link", name="Sửa bản nháp").click()
    content = page.get_by_label("Nội dung bộ tiêu chí (JSON)")
    data = json.loads(content.input_value())
    content.fill(json.dumps(own_criteria(data, [10, 10, 5]), ensure_ascii=False))
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.locator("#problems")).to_contain_text(
        "Nhóm “Tiêu chí chung”: điểm tối đa của các tiêu chí cộng lại là 25"
    )
    page.get_by_role("link", name="Sửa bản nháp").click()
    content = page.get_by_label("Nội dung bộ tiêu chí (JSON)")
    data = json.loads(content.input_value())
    content.fill(json.dumps(own_criteria(data, [10, 10, 10]), ensure_ascii=False))
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.locator("#valid")).to_be_visible()
    draft_url = page.url

    # the preview: a scored year run again, who the set would apply to in the office's unit
    page.get_by_role("link", name="Xem trước trên kết quả năm đã chấm").click()
    page.get_by_label("Đơn vị sẽ áp dụng").select_option(label="Văn phòng Sở")
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator(".preview-summary")).to_contain_text("chạy lại theo bản nháp")
    expect(page.locator(".preview-summary")).to_contain_text("thuộc Văn phòng Sở")

    # published from today, then pinned to the office
    page.goto(draft_url)
    page.get_by_label("Tôi hiểu rằng phiên bản đã ban hành không sửa được nữa.").check()
    page.get_by_role("button", name="Ban hành").click()
    expect(page.locator(".ruleset-status")).to_contain_text("Đã ban hành")
    with live_session(live_database) as session:
        unit_id = session.scalar(sa.select(Person.unit_id).where(Person.full_name == STAFF))
    page.goto(f"{live_server}/rulesets/units/{unit_id}/pins")
    page.get_by_label("Bộ tiêu chí").select_option(label="Bộ tiêu chí chuyên viên Sở Nội vụ")
    page.get_by_role("button", name="Gắn cho đơn vị").click()
    expect(page.locator(".pin")).to_contain_text("Bộ tiêu chí chuyên viên Sở Nội vụ")
    sign_out(page)

    # the head's next scoring: the set's own criteria
    sign_in(page, live_server, HEAD, PASSWORD)
    # the first month of the next year: the demo's current year is being decided already
    month = Period(PeriodKind.MONTH, local_today().year + 1, 1)
    with live_session(live_database) as session:
        staff_id = session.scalar(sa.select(Person.id).where(Person.full_name == STAFF))
    page.goto(f"{live_server}/scoring/{month.key}/people/{staff_id}")
    for n, value in ((1, "10"), (2, "9"), (3, "8")):
        page.locator(f"input[name=general_SNV{n}]").fill(value)
    expect(page.locator("input[name=general_TC1]")).to_have_count(0)
    if not page.locator("input[name=task_points]").input_value():
        page.locator("input[name=task_points]").fill("60")
        page.locator("textarea[name=adjustment_reason]").fill("Chấm theo báo cáo tháng.")
    page.get_by_role("button", name="Lưu điểm").click()
    page.wait_for_load_state("networkidle")
    with live_session(live_database) as session:
        used = session.scalars(
            sa.select(PeriodScore.criteria_set)
            .join(Person, PeriodScore.person_id == Person.id)
            .where(Person.full_name == STAFF)
            .order_by(PeriodScore.scored_at.desc())
        ).first()
    assert used == "snv-chuyen-vien@1"
