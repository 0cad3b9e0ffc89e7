"""Signing in and out, passwords, CSRF."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from evaluation.accounts.models import User
from tests.conftest import PASSWORD, account_id, form_errors

GENERIC = "Tên đăng nhập hoặc mật khẩu không đúng."


@pytest.fixture
def person(make_unit, make_person):
    return make_person(make_unit(), name="Đỗ Minh Châu")


def test_sign_in_and_out(client, person):
    response = client.post("/login", data={"username": person.code.lower(), "password": PASSWORD})
    assert response.status_code == 302
    assert "Đỗ Minh Châu" in client.get("/plans").get_data(as_text=True)
    client.post("/logout")
    assert client.get("/plans").status_code == 302


@pytest.mark.parametrize("username", ["nobody", "{code}"])
def test_failures_get_one_generic_message(client, person, username):
    response = client.post(
        "/login", data={"username": username.format(code=person.code.lower()), "password": "x1"}
    )
    assert response.status_code == 200
    assert form_errors(response.get_data(as_text=True)) == [GENERIC]


def test_inactive_accounts_cannot_sign_in(session, client, person):
    session.get(User, account_id(session, person)).active = False
    session.flush()
    response = client.post("/login", data={"username": person.code.lower(), "password": PASSWORD})
    assert form_errors(response.get_data(as_text=True)) == [GENERIC]


@pytest.mark.parametrize(
    ("target", "lands_on"),
    [("/unit", "/unit"), ("https://evil.example/", "/"), ("//evil.example", "/")],
)
def test_after_sign_in_only_local_redirects(client, person, target, lands_on):
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": person.code.lower(), "password": PASSWORD},
    )
    assert response.location == lands_on


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("ngan1", "Mật khẩu phải có ít nhất 10 ký tự."),
        ("chikhongcoso", "Mật khẩu phải có cả chữ và số."),
        (PASSWORD, "Mật khẩu mới phải khác mật khẩu cũ."),
    ],
)
def test_password_policy(client, login_as, person, new, message):
    login_as(person)
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": new, "confirm": new},
    )
    assert message in form_errors(response.get_data(as_text=True))


def test_change_password(session, client, login_as, person):
    login_as(person)
    response = client.post(
        "/account/password",
        data={"current_password": "sai", "new_password": "Moi2026abc", "confirm": "Moi2026abc"},
    )
    assert "Mật khẩu hiện tại không đúng." in form_errors(response.get_data(as_text=True))
    client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "Moi2026abc",
            "confirm": "Moi2026abc",
        },
    )
    user = session.scalars(sa.select(User).where(User.person_id == person.id)).one()
    session.refresh(user)
    assert user.check_password("Moi2026abc")
    assert user.password_hash.startswith("scrypt:")


def test_forms_refuse_a_post_without_the_csrf_token(csrf_client, person):
    response = csrf_client.post(
        "/login", data={"username": person.code.lower(), "password": PASSWORD}
    )
    assert response.status_code == 400
    page = csrf_client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = csrf_client.post(
        "/login",
        data={"username": person.code.lower(), "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302


def test_session_cookie_is_httponly_and_lax(client, person):
    response = client.post("/login", data={"username": person.code.lower(), "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_failed_sign_ins_are_throttled_per_account_and_address(
    client, person, make_unit, make_person
):
    """Delays, addresses, proxies and Redis: tests/accounts/test_throttle.py."""
    for _ in range(5):
        response = client.post("/login", data={"username": person.code.lower(), "password": "x1"})
        assert response.status_code == 200
    blocked = client.post("/login", data={"username": person.code.lower(), "password": PASSWORD})
    assert blocked.status_code == 429
    assert form_errors(blocked.get_data(as_text=True)) == [
        "Đăng nhập sai nhiều lần. Vui lòng thử lại sau 1 phút."
    ]
    other = make_person(make_unit())  # another account from the same address still signs in
    assert (
        client.post(
            "/login", data={"username": other.code.lower(), "password": PASSWORD}
        ).status_code
        == 302
    )


def test_successful_sign_ins_do_not_count(client, person):
    for _ in range(8):
        assert (
            client.post(
                "/login", data={"username": person.code.lower(), "password": PASSWORD}
            ).status_code
            == 302
        )
        client.post("/logout")


def test_logout_ends_the_session_even_for_a_copied_cookie(client, person):
    client.post("/login", data={"username": person.code.lower(), "password": PASSWORD})
    stolen = client.get_cookie("session").value
    client.post("/logout")
    client.set_cookie("session", stolen)
    response = client.get("/plans")
    assert response.status_code == 302
    assert "/login" in response.location


def test_changing_the_password_ends_other_sessions(app, client, person):
    other_tab = app.test_client()
    for browser in (client, other_tab):
        browser.post("/login", data={"username": person.code.lower(), "password": PASSWORD})
    client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "Moi2026abc", "confirm": "Moi2026abc"},
    )
    assert client.get("/plans").status_code == 200  # the session that changed it goes on
    assert other_tab.get("/plans").status_code == 302


def test_production_forces_a_new_password_first(app, session, client, person, monkeypatch):
    user = session.get(User, account_id(session, person))
    user.must_change_password = True
    session.flush()
    client.post("/login", data={"username": person.code.lower(), "password": PASSWORD})
    assert client.get("/plans").status_code == 200  # development: not enforced
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    response = client.get("/plans")
    assert response.status_code == 302
    assert response.location.endswith("/account/password")
    client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "Moi2026abc", "confirm": "Moi2026abc"},
    )
    assert client.get("/plans").status_code == 200


def test_sessions_expire_after_thirty_idle_minutes(client, person):
    from datetime import UTC, datetime, timedelta
    from email.utils import parsedate_to_datetime

    response = client.post("/login", data={"username": person.code.lower(), "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookie).group(1))
    assert abs(expires - datetime.now(UTC) - timedelta(minutes=30)) < timedelta(minutes=1)
    # each request slides the expiry forward: idle time, not time since sign-in
    assert "Expires=" in client.get("/plans").headers.get("Set-Cookie", "")
