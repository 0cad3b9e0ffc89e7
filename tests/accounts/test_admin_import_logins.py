"""The staff import makes logins for the people it adds, on request, in the same step: each
with a one-time password shown once, changed at the first sign-in (issue 13)."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from evaluation.accounts.models import AccountRole, User
from evaluation.core.audit import AuditRecord
from evaluation.organisation.models import Person, UnitKind
from tests.imports.helpers import batch_id, staff_book, upload

NEW_PASSWORD = "Matkhau2027moi"


def _office(make_unit, make_person):
    province = make_unit("Tỉnh", UnitKind.AGENCY, code="TINH-L")
    dept = make_unit("Sở Nội vụ", UnitKind.AGENCY, parent=province, code="SNV-L")
    division = make_unit("Phòng Tổ chức", parent=dept, code="SNV-L-TC")
    office = make_person(division, account_role=AccountRole.PERSONNEL, served_unit=dept)
    clerk = make_person(division, name="Trần Thị Lan", starts_on=date(2025, 1, 1))
    return office, clerk


def _file(clerk: Person) -> bytes:
    return staff_book(
        [],
        [
            [
                "CB-L1",
                "Nguyễn Văn Một",
                "05/09/1985",
                "Công chức",
                "Chuyên viên",
                "SNV-L-TC",
                "",
                "",
            ],
            ["CB-L2", "Lê Thị Hai", "", "Viên chức", "Kế toán", "SNV-L-TC", "", ""],
            # already there, with a login: updated, no second login
            [clerk.code, clerk.full_name, "", "Công chức", "Chuyên viên chính", "SNV-L-TC", "", ""],
        ],
    )


def _confirm(client: FlaskClient, clerk: Person, **fields: str):
    url = f"/imports/batches/{batch_id(upload(client, '/imports/staff', _file(clerk)))}"
    page = client.get(url).text
    assert "Tạo tài khoản đăng nhập cho những người được thêm mới" in page
    return client.post(f"{url}/confirm", data=fields)


def test_import_creates_logins_on_request(
    app: Flask, client: FlaskClient, session: Session, make_unit, make_person, login_as
) -> None:
    office, clerk = _office(make_unit, make_person)
    login_as(office)
    response = _confirm(client, clerk, create_logins="y")
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    issued = dict(
        re.findall(r"<code>([a-z0-9.-]+)</code></td>\s*<td><code class=\"one-time-password\">"
                   r"([A-Za-z0-9]+)</code>", response.text)
    )  # fmt: skip
    assert set(issued) == {"cb-l1", "cb-l2"}
    accounts = session.scalars(
        sa.select(User).join(Person).where(Person.code.in_(["CB-L1", "CB-L2"]))
    ).all()
    assert {a.username for a in accounts} == {"cb-l1", "cb-l2"}
    assert all(a.one_time_password and a.role is AccountRole.STAFF for a in accounts)
    assert (
        session.scalar(sa.select(sa.func.count(User.id)).join(Person).where(Person.id == clerk.id))
        == 1
    )
    trail = session.scalars(
        sa.select(AuditRecord).where(AuditRecord.action == "create_account")
    ).all()
    assert len(trail) == 2
    assert not any(p in (r.new_value or "") for r in trail for p in issued.values())

    newcomer = app.test_client()
    signed = newcomer.post("/login", data={"username": "cb-l1", "password": issued["cb-l1"]})
    assert signed.status_code == 302
    assert newcomer.get("/plans").headers["Location"].endswith("/account/password")
    changed = newcomer.post(
        "/account/password",
        data={"current_password": issued["cb-l1"], "new_password": NEW_PASSWORD,
              "confirm": NEW_PASSWORD},
    )  # fmt: skip
    assert changed.status_code == 302
    assert newcomer.get("/plans").status_code == 200


def test_without_the_request_no_login_is_made(
    client: FlaskClient, session: Session, make_unit, make_person, login_as
) -> None:
    office, clerk = _office(make_unit, make_person)
    login_as(office)
    before = session.scalar(sa.select(sa.func.count(User.id)))
    assert _confirm(client, clerk).status_code == 302
    assert session.scalar(sa.select(sa.func.count(Person.id)).where(Person.code == "CB-L1")) == 1
    assert session.scalar(sa.select(sa.func.count(User.id))) == before


def test_a_taken_username_is_named_not_fatal(
    client: FlaskClient, session: Session, make_unit, make_person, make_admin, login_as
) -> None:
    office, clerk = _office(make_unit, make_person)
    other = make_admin()
    other.username = "cb-l2"
    session.flush()
    login_as(office)
    response = _confirm(client, clerk, create_logins="y")
    assert response.status_code == 200
    assert "Tên đăng nhập cb-l2 đã có người dùng." in response.text
    made = session.scalars(sa.select(User.username).join(Person).where(Person.code == "CB-L1"))
    assert made.all() == ["cb-l1"]
