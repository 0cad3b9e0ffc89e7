"""The administrator's token page: the secret shown once and kept as a hash, revocation with
a confirmation, both audited; nobody else reaches it."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.orm import Session

from evaluation.accounts.models import AccountRole
from evaluation.api.models import ApiToken, hash_secret
from evaluation.core.audit import AuditRecord
from evaluation.organisation.models import LeadershipRole


def test_the_administrator_creates_a_token_seen_once_then_revokes_it(
    session: Session, agency, make_admin, login_as, client
) -> None:
    admin = make_admin()
    login_as(admin)
    created = client.post(
        "/admin/api-tokens",
        data={"name": "Quản lý văn bản", "unit_code": agency.agency.code, "scope": "write"},
    )
    assert created.status_code == 200
    assert created.headers["Cache-Control"] == "no-store"
    html = created.get_data(as_text=True)
    secret = re.search(r'<code id="new-token">([^<]+)</code>', html).group(1)
    token = session.scalars(sa.select(ApiToken)).one()
    assert token.token_hash == hash_secret(secret) and secret not in token.token_hash
    assert token.unit_id == agency.agency.id and token.account.active is False
    # shown once: the list shows its first characters only
    listing = client.get("/admin/api-tokens").get_data(as_text=True)
    assert secret not in listing and token.hint in listing
    assert 'data-confirm="Thu hồi khoá này?' in listing
    assert (
        client.get("/api/v1/units", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 200
    )

    assert client.post(f"/admin/api-tokens/{token.id}/revoke").status_code == 302
    assert (
        client.get("/api/v1/units", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 401
    )
    actions = session.scalars(
        sa.select(AuditRecord.action).where(AuditRecord.object_type == "api_token")
    ).all()
    assert sorted(actions) == ["create", "revoke"]


def test_the_form_names_what_is_wrong(session: Session, make_admin, login_as, client) -> None:
    login_as(make_admin())
    answer = client.post(
        "/admin/api-tokens", data={"name": "", "unit_code": "KHONG-CO", "scope": "x"}
    )
    assert answer.status_code == 200
    assert "Không có đơn vị mã này." in answer.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0


def test_nobody_but_the_administrator_reaches_it(
    session: Session, agency, make_person, login_as, client
) -> None:
    personnel = make_person(agency.other, account_role=AccountRole.PERSONNEL,
                            served_unit=agency.agency)  # fmt: skip
    for who in (agency.staff, agency.head, personnel):
        login_as(who)
        assert client.get("/admin/api-tokens").status_code == 403
        form = {"name": "x", "unit_code": agency.agency.code, "scope": "write"}
        assert client.post("/admin/api-tokens", data=form).status_code == 403
    assert session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0
    assert agency.head.leadership_role is LeadershipRole.HEAD
