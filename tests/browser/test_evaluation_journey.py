"""One annual evaluation walked in Chromium, from self-assessment to notification.

Each step is taken by its own actor; the person's page then shows the decided level with the
rulebook's reasons: the rule, its source and the text in Vietnamese.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from criteria import StaffCategory
from evaluation.accounts.models import AccountRole, User
from evaluation.core.clock import local_today
from evaluation.organisation import services as organisation
from evaluation.organisation.models import LeadershipRole, UnitKind
from tests.browser.conftest import follow_menu, live_session, sign_in, sign_out
from tests.conftest import _TEST_HASH, PASSWORD
from tests.scoring.builders import records_for

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def agency(live_database: str) -> dict[str, int]:
    """A small agency of its own in the live database: a decider, a division, personnel."""
    year = local_today().year
    with live_session(live_database) as session:
        unit = organisation.create_unit(
            session, code="BT-SO", name="Sở Thử nghiệm", kind=UnitKind.AGENCY, parent=None
        )
        division = organisation.create_unit(
            session, code="BT-PHONG", name="Phòng Thử nghiệm", kind=UnitKind.DIVISION, parent=unit
        )

        def person(where, username, name, role=LeadershipRole.NONE, **kwargs):
            created = organisation.place_new_person(
                session,
                code=username.upper(),
                full_name=name,
                category=kwargs.pop("category", StaffCategory.VIEN_CHUC),
                job_position="Viên chức",
                unit=where,
                role=role,
                starts_on=kwargs.pop("starts_on", date(year, 1, 1)),
            )
            session.add(
                User(
                    username=username,
                    password_hash=_TEST_HASH,
                    person=created,
                    role=kwargs.pop("account", AccountRole.STAFF),
                    **kwargs,
                )
            )
            return created

        person(unit, "bt.giamdoc", "Lưu Quang Vinh", LeadershipRole.HEAD)
        person(division, "bt.truongphong", "Mạc Thị Yến", LeadershipRole.HEAD)
        person(
            division, "bt.tochuc", "Kiều Văn Sơn",
            role=LeadershipRole.NONE, account=AccountRole.PERSONNEL, served_unit=unit,
        )  # fmt: skip
        staff = records_for(
            session,
            division,
            {"year": year, "category": "vien_chuc", "tasks": [{} for _ in range(8)]},
            lambda where, **kw: person(where, "bt.vienchuc", "Đoàn Minh Tâm", **kw),
        )
        session.commit()
        return {"staff": staff.id, "year": year}


def take_step(page: Page, button: str, fields: dict[str, str], selects: dict[str, str]) -> None:
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    for label, value in selects.items():
        page.get_by_label(label, exact=True).select_option(value)
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("status")).to_contain_text("Đã ghi nhận")


def test_annual_evaluation_from_self_assessment_to_notification(
    live_server: str, page: Page, agency: dict[str, int]
) -> None:
    page.on("dialog", lambda dialog: dialog.accept())  # the decision asks for confirmation
    evaluation_url = f"{live_server}/evaluations/{agency['year']}/people/{agency['staff']}"

    sign_in(page, live_server, "bt.vienchuc", PASSWORD)
    follow_menu(page, "Đánh giá năm")
    page.get_by_role("link", name="Hồ sơ đánh giá của tôi").click()
    expect(page.locator("#rulebook-level")).to_contain_text("Hoàn thành tốt nhiệm vụ")
    take_step(
        page,
        "Tự đánh giá, đề xuất mức xếp loại",
        {"Báo cáo tự đánh giá": "Hoàn thành 8/8 nhiệm vụ đúng hạn, bảo đảm chất lượng."},
        {"Tự đề xuất mức xếp loại": "tot"},
    )
    sign_out(page)

    sign_in(page, live_server, "bt.truongphong", PASSWORD)
    page.goto(evaluation_url)
    take_step(
        page,
        "Tập thể đơn vị họp, góp ý",
        {"Biên bản họp góp ý của tập thể": "Tập thể thống nhất: thực hiện tốt tiêu chí chung."},
        {"Tập thể đánh giá tiêu chí chung": "good"},
    )
    sign_out(page)

    sign_in(page, live_server, "bt.tochuc", PASSWORD)
    page.goto(evaluation_url)
    take_step(page, "Bộ phận tổ chức cán bộ tổng hợp, đề xuất", {}, {"Đề xuất mức xếp loại": "tot"})
    sign_out(page)

    sign_in(page, live_server, "bt.giamdoc", PASSWORD)
    page.goto(evaluation_url)
    take_step(page, "Người có thẩm quyền quyết định", {}, {"Quyết định mức xếp loại": "tot"})
    sign_out(page)

    sign_in(page, live_server, "bt.tochuc", PASSWORD)
    page.goto(evaluation_url)
    take_step(page, "Thông báo cho người được đánh giá và công khai trong đơn vị", {}, {})
    sign_out(page)

    sign_in(page, live_server, "bt.vienchuc", PASSWORD)
    page.goto(evaluation_url)
    result = page.locator("section.result")
    expect(result).to_contain_text("Mức quyết định: Hoàn thành tốt nhiệm vụ")
    # the rule by its name; its code only in an attribute (no codes on a page)
    expect(result.locator(".rule").first).to_have_text("Hoàn thành tốt nhiệm vụ")
    expect(result.locator(".rule").first).to_have_attribute("data-rule", "T1")
    expect(result).to_contain_text(re.compile(r"Khoản \d Điều \d+ Nghị định 90/2020/NĐ-CP"))
    expect(result).to_contain_text("đúng tiến độ")
    expect(page.locator("ol.history li")).to_have_count(5)
