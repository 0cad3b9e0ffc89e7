"""A token's account is marked as an integration's: the account pages neither list it nor let
anyone reactivate it, give it a password or unlock it (issue 14)."""

from __future__ import annotations

import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from evaluation.api.models import ApiToken


def test_the_account_pages_leave_a_tokens_account_out(
    session: Session, agency, make_token, make_admin, login_as, client: FlaskClient
) -> None:
    make_token(agency.agency, name="Quản lý văn bản")
    account = session.scalars(sa.select(ApiToken)).one().account
    assert account.is_integration and not account.active
    admin = make_admin()
    assert admin.is_integration is False  # people's accounts stay unmarked

    login_as(admin)
    listed = client.get("/admin/accounts?q=van+ban")
    assert listed.status_code == 200
    assert account.username not in listed.text
    assert account.username not in client.get("/admin/accounts").text
    assert client.get(f"/admin/accounts/{account.id}").status_code == 403
    for verb in ("reactivate", "password", "unlock"):
        assert client.post(f"/admin/accounts/{account.id}/{verb}").status_code == 403
    session.refresh(account)
    assert account.active is False and account.password_hash == "!"
