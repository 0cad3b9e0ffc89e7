"""An administrator creates an account; its owner signs in with the one-time password and is
made to change it first (issue 13's acceptance), in Chromium."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from criteria.levels import StaffCategory
from evaluation.organisation import services as organisation
from evaluation.organisation.models import Unit
from tests.browser.conftest import follow_menu, live_session, sign_in, sign_out

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "Danhgia@2026"
CHOSEN_PASSWORD = "Matkhau2027cuatoi"


@pytest.fixture
def newcomer(live_database: str) -> str:
    """Someone placed in the demo province today, without a login yet: their code."""
    code = f"MOI-{uuid.uuid4().hex[:6].upper()}"
    with live_session(live_database) as session:
        unit = session.scalars(sa.select(Unit).where(Unit.code == "TINH")).one()
        organisation.place_new_person(
            session, code=code, full_name="Đặng Thị Tuyển", category=StaffCategory.CONG_CHUC,
            job_position="Chuyên viên", unit=unit, starts_on=date(2026, 1, 1),
        )  # fmt: skip
        session.commit()
    return code


def test_an_administrator_creates_an_account_and_its_owner_changes_the_password(
    live_server: str, page: Page, newcomer: str
) -> None:
    sign_in(page, live_server, "admin", DEMO_PASSWORD)
    follow_menu(page, "Quản trị")  # the office's tools are one menu entry
    page.get_by_role("main").get_by_role("link", name="Tài khoản", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tài khoản đăng nhập")
    page.get_by_role("link", name="Tạo tài khoản").click()
    page.get_by_label("Mã cán bộ").fill(newcomer)
    page.get_by_label("Vai trò").select_option("staff")
    page.get_by_label("Căn cứ (số quyết định, lý do)").fill("Quyết định tuyển dụng số 15/QĐ")
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã tạo tài khoản")
    username = page.locator("#issued-username").inner_text()
    one_time = page.locator("#one-time-password").inner_text()
    assert username == newcomer.lower() and len(one_time) >= 10
    # shown once: the account's page does not show it again
    page.get_by_role("link", name="Về trang tài khoản").click()
    expect(page.get_by_text("chờ đổi mật khẩu dùng một lần")).to_be_visible()
    assert one_time not in page.content()
    sign_out(page)

    sign_in(page, live_server, username, one_time)
    expect(page.get_by_role("heading", level=1)).to_have_text("Đổi mật khẩu")
    expect(page.locator("#one-time-notice")).to_be_visible()
    page.goto(f"{live_server}/plans")  # nothing else opens before the change
    expect(page.get_by_role("heading", level=1)).to_have_text("Đổi mật khẩu")
    page.get_by_label("Mật khẩu hiện tại").fill(one_time)
    page.get_by_label("Mật khẩu mới", exact=True).fill(CHOSEN_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(CHOSEN_PASSWORD)
    page.get_by_role("button", name="Lưu mật khẩu mới").click()
    expect(page.get_by_role("status")).to_contain_text("Đã đổi mật khẩu.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kế hoạch công tác của tôi")
    sign_out(page)

    sign_in(page, live_server, username, CHOSEN_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Việc cần làm")
