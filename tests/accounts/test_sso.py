"""Single sign-on against a real OpenID Connect provider on 127.0.0.1 (tests/oidc_provider.py).

The app's requests go through Flask's test client; the browser's step at the provider (the
authorization redirect) is a real HTTP request with `requests`, and the app's own calls to the
provider (discovery, JWKS, the token exchange) are Authlib's, over HTTP too.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import sqlalchemy as sa
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from evaluation.accounts.models import User
from evaluation.accounts.sso import SignOnIdentity, SignOnPolicy
from evaluation.core.audit import AuditRecord
from evaluation.organisation.models import Person
from tests import oidc_provider
from tests.conftest import PASSWORD, account_id, form_errors

CLIENT_ID = "danhgia-test"
CLIENT_SECRET = "bi-mat-cua-ung-dung-thu"
CALLBACK = "http://localhost/login/sso/callback"  # what url_for(_external) gives the test client
FAILED = "Đăng nhập một lần không thành công. Vui lòng thử lại."
NOT_LINKED = (
    "Tài khoản đăng nhập một lần này chưa gắn với tài khoản nào trong hệ thống. "
    "Vui lòng liên hệ quản trị hệ thống."
)
SIGN_ON_REQUIRED = "Đơn vị yêu cầu đăng nhập một lần. Vui lòng dùng nút “Đăng nhập một lần”."


@pytest.fixture(scope="session")
def provider() -> Iterator[oidc_provider.OidcProvider]:
    """The provider, started once for the session and stopped at its end."""
    server = oidc_provider.OidcProvider(CLIENT_ID, CLIENT_SECRET, [CALLBACK])
    server.start()
    yield server
    server.stop()


@pytest.fixture
def configured(
    app: Flask, provider: oidc_provider.OidcProvider, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., None]:
    """Sign-on set up for this test (the settings an operator gives in the environment)."""

    def configure(link_claim: str = "preferred_username", create_accounts: bool = False) -> None:
        settings = {
            "OIDC_ISSUER": provider.issuer,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_LINK_CLAIM": link_claim,
            "OIDC_CREATE_ACCOUNTS": create_accounts,
        }
        for key, value in settings.items():
            monkeypatch.setitem(app.config, key, value)

    configure()
    return configure


def flashes(response: TestResponse) -> list[str]:
    page = response.get_data(as_text=True)
    return [html.unescape(m).strip() for m in re.findall(r'class="flash[^"]*"[^>]*>(.*?)<', page)]


def sign_on(
    client: FlaskClient, provider: oidc_provider.OidcProvider, user: dict[str, Any]
) -> TestResponse:
    """The whole round: the app sends the browser to the provider, the provider (signed in as
    `user`) sends it back with a code, the app finishes. Returns the app's last answer."""
    provider.reset(user)
    start = client.get("/login/sso")
    assert start.status_code == 302, start.get_data(as_text=True)[:300]
    at_provider = requests.get(start.location, allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    assert f"http://{back.netloc}{back.path}" == CALLBACK
    return client.get(f"{back.path}?{back.query}")


def signed_in_as(client: FlaskClient) -> str | None:
    """The name the page header shows, or None when the client is not signed in (asked of
    the session first: a page that sends to sign-in would leave a message behind)."""
    with client.session_transaction() as cookie:
        if "_user_id" not in cookie:
            return None
    response = client.get("/account/password")
    if response.status_code != 200:
        return None
    page = response.get_data(as_text=True)
    found = re.search(r'<a class="me"[^>]*>([^<]*)</a>', page)
    return html.unescape(found.group(1)) if found else None


@pytest.fixture
def person(make_unit, make_person) -> Person:
    return make_person(make_unit(), name="Vũ Thị Lan")


def identity_rows(session: Session) -> list[tuple[int, str, str]]:
    query = sa.select(SignOnIdentity.user_id, SignOnIdentity.issuer, SignOnIdentity.subject)
    return [tuple(row) for row in session.execute(query)]


# --- the button --------------------------------------------------------------------------


def test_the_button_shows_only_when_issuer_client_and_secret_are_set(
    app, client, configured, monkeypatch
):
    assert 'href="/login/sso"' in client.get("/login").get_data(as_text=True)
    monkeypatch.setitem(app.config, "OIDC_CLIENT_SECRET", "")
    assert 'href="/login/sso"' not in client.get("/login").get_data(as_text=True)
    assert client.get("/login/sso").status_code == 404
    assert client.get("/login/sso/callback?code=x&state=y").status_code == 404


# --- the flow ----------------------------------------------------------------------------


def test_discovery_code_flow_with_pkce_and_a_signed_id_token(
    session, client, configured, provider, person
):
    username = person.code.lower()
    response = sign_on(client, provider, {"sub": "lan-42", "preferred_username": username})

    assert response.status_code == 302 and response.location == "/"
    assert signed_in_as(client) == "Vũ Thị Lan"
    # the authorization request went to the endpoint discovery named, with PKCE and a nonce
    (asked,) = provider.authorize_requests
    assert asked["response_type"] == "code" and asked["client_id"] == CLIENT_ID
    assert asked["code_challenge_method"] == "S256"
    assert asked["nonce"] and asked["state"] and asked["redirect_uri"] == CALLBACK
    assert set(asked["scope"].split()) == {"openid", "email", "profile"}
    # the code was exchanged with the verifier of that challenge
    (exchanged,) = provider.token_requests
    assert create_s256_code_challenge(exchanged["code_verifier"]) == asked["code_challenge"]
    # the identity is linked, once, and the link is audited
    user_id = account_id(session, person)
    assert identity_rows(session) == [(user_id, provider.issuer, "lan-42")]
    audited = session.scalars(
        sa.select(AuditRecord).where(AuditRecord.action == "link_sign_on")
    ).one()
    assert (audited.object_type, audited.object_id, audited.actor_id) == ("user", user_id, user_id)
    assert session.get(User, user_id).last_login_at is not None

    client.post("/logout")
    assert signed_in_as(client) is None
    sign_on(client, provider, {"sub": "lan-42", "preferred_username": username})
    assert signed_in_as(client) == "Vũ Thị Lan"
    assert len(identity_rows(session)) == 1


def test_pkce_binds_the_code_to_the_app_that_asked(client, configured, provider, person):
    """The provider gives no code without an S256 challenge, and a code taken on its way
    back (without the verifier kept in the app's session) buys no token."""
    provider.reset({"sub": "x", "preferred_username": person.code.lower()})
    plain = {"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": CALLBACK,
             "scope": "openid", "state": "s", "nonce": "n"}  # fmt: skip
    refused = requests.get(
        f"{provider.issuer}/authorize", params=plain, allow_redirects=False, timeout=10
    )
    assert "code" not in parse_qs(urlsplit(refused.headers.get("Location", "")).query)

    start = client.get("/login/sso")
    at_provider = requests.get(start.location, allow_redirects=False, timeout=10)
    (code,) = parse_qs(urlsplit(at_provider.headers["Location"]).query)["code"]
    stolen = requests.post(
        f"{provider.issuer}/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK},
        auth=(CLIENT_ID, CLIENT_SECRET),
        timeout=10,
    )
    assert stolen.status_code == 400 and "id_token" not in stolen.text


@pytest.mark.parametrize(
    "mode",
    [
        oidc_provider.FOREIGN_KEY,
        oidc_provider.ALTERED_PAYLOAD,
        oidc_provider.OTHER_AUDIENCE,
        oidc_provider.OTHER_ISSUER,
        oidc_provider.WRONG_NONCE,
    ],
)
def test_a_tampered_or_foreign_id_token_is_refused(
    session, client, configured, provider, person, make_unit, make_person, mode
):
    """A token signed by a key the provider does not publish, or whose payload was changed
    after signing (here to name another account), or meant for another client or issuer, or
    answering another request: no session, no link, no account touched."""
    victim = make_person(make_unit(), name="Người Bị Mạo Danh")
    provider.reset({"sub": "lan-42", "preferred_username": person.code.lower()})
    provider.mode = mode
    provider.forged_claims = {"sub": "victim", "preferred_username": victim.code.lower()}
    start = client.get("/login/sso")
    at_provider = requests.get(start.location, allow_redirects=False, timeout=10)
    back = urlsplit(at_provider.headers["Location"])
    response = client.get(f"{back.path}?{back.query}")

    assert response.status_code == 302 and response.location == "/login"
    assert flashes(client.get("/login")) == [FAILED]
    assert signed_in_as(client) is None
    assert identity_rows(session) == []
    assert session.get(User, account_id(session, victim)).last_login_at is None
    assert session.get(User, account_id(session, person)).last_login_at is None


def test_a_callback_without_its_state_is_refused(client, configured, provider, person):
    """A code delivered to a browser that did not ask for it (login CSRF), and a replay."""
    provider.reset({"sub": "lan-42", "preferred_username": person.code.lower()})
    response = client.get("/login/sso/callback?code=abc&state=not-ours")
    assert response.location == "/login" and signed_in_as(client) is None

    good = sign_on(client, provider, {"sub": "lan-42", "preferred_username": person.code.lower()})
    assert good.location == "/"
    client.post("/logout")
    replayed = client.get(f"/login/sso/callback?{urlsplit(good.request.url).query}")
    assert replayed.location == "/login"
    assert signed_in_as(client) is None


def test_a_refusal_at_the_provider_is_said_plainly(client, configured, provider):
    client.get("/login/sso")
    response = client.get("/login/sso/callback?error=access_denied&state=x")
    assert response.location == "/login"
    assert flashes(client.get("/login")) == [FAILED]


def test_an_unreachable_provider_sends_back_to_the_password_form(
    app, client, configured, monkeypatch
):
    monkeypatch.setitem(app.config, "OIDC_ISSUER", "http://127.0.0.1:9")  # discard: closed
    response = client.get("/login/sso")
    assert response.status_code == 302 and response.location == "/login"
    assert flashes(client.get("/login")) == [
        "Không kết nối được với hệ thống đăng nhập một lần. Vui lòng thử lại sau."
    ]


# --- which account ------------------------------------------------------------------------


def test_linked_by_the_person_email_when_so_configured(
    session, client, configured, provider, person
):
    configured(link_claim="email")
    person.email = "Lan.Vu@sonlam.gov.vn"
    session.flush()
    sign_on(client, provider, {"sub": "lan-42", "email": "lan.vu@sonlam.gov.vn"})
    assert signed_in_as(client) == "Vũ Thị Lan"


def test_an_unverified_email_links_nothing(session, client, configured, provider, person):
    configured(link_claim="email", create_accounts=True)
    person.email = "lan.vu@sonlam.gov.vn"
    session.flush()
    identity = {"sub": "lan-42", "email": "lan.vu@sonlam.gov.vn", "email_verified": False}
    sign_on(client, provider, identity)
    assert flashes(client.get("/login")) == [NOT_LINKED]
    assert signed_in_as(client) is None


def test_an_unknown_identity_opens_nothing_and_makes_no_account(
    session, client, configured, provider
):
    accounts = session.scalar(sa.select(sa.func.count()).select_from(User))
    sign_on(client, provider, {"sub": "stranger", "preferred_username": "nguoi-la"})
    assert flashes(client.get("/login")) == [NOT_LINKED]
    assert signed_in_as(client) is None
    assert session.scalar(sa.select(sa.func.count()).select_from(User)) == accounts
    assert identity_rows(session) == []


def test_accounts_are_made_only_when_allowed_and_only_for_a_person_on_file(
    session, client, configured, provider, make_unit, make_person
):
    person = make_person(make_unit(), name="Trịnh Văn Mới")
    session.delete(session.get(User, account_id(session, person)))
    person.email = "moi@sonlam.gov.vn"
    session.flush()
    identity = {"sub": "moi-1", "email": "moi@sonlam.gov.vn"}

    configured(link_claim="email", create_accounts=False)
    sign_on(client, provider, identity)
    assert flashes(client.get("/login")) == [NOT_LINKED]
    assert signed_in_as(client) is None

    configured(link_claim="email", create_accounts=True)
    sign_on(client, provider, {"sub": "someone", "email": "khong-co@sonlam.gov.vn"})
    assert flashes(client.get("/login")) == [NOT_LINKED]
    sign_on(client, provider, identity)
    assert signed_in_as(client) == "Trịnh Văn Mới"
    made = session.scalars(sa.select(User).where(User.person_id == person.id)).one()
    assert made.username == person.code.lower() and made.role.value == "staff"
    assert not made.check_password(PASSWORD)
    assert session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditRecord)
        .where(AuditRecord.action == "create", AuditRecord.object_id == made.id)
    )


def test_an_inactive_account_is_refused(session, client, configured, provider, person):
    session.get(User, account_id(session, person)).active = False
    session.flush()
    sign_on(client, provider, {"sub": "lan-42", "preferred_username": person.code.lower()})
    assert flashes(client.get("/login")) == [
        "Tài khoản đã bị khoá. Vui lòng liên hệ quản trị hệ thống."
    ]
    assert signed_in_as(client) is None
    assert identity_rows(session) == []


def test_a_linked_identity_keeps_its_account(
    session, client, configured, provider, person, make_unit, make_person
):
    """The subject, not the username, holds the link: a renamed identity still opens its
    account, and another identity claiming a linked account's username is refused."""
    other = make_person(make_unit(), name="Hoàng Văn Khác")
    sign_on(client, provider, {"sub": "lan-42", "preferred_username": person.code.lower()})
    client.post("/logout")

    sign_on(client, provider, {"sub": "lan-42", "preferred_username": other.code.lower()})
    assert signed_in_as(client) == "Vũ Thị Lan"
    client.post("/logout")

    sign_on(client, provider, {"sub": "impostor", "preferred_username": person.code.lower()})
    assert signed_in_as(client) is None
    assert len(identity_rows(session)) == 1


# --- passwords, and requiring sign-on -------------------------------------------------------


def test_only_an_administrator_reaches_the_setting(client, configured, login_as, person):
    login_as(person)
    assert client.get("/admin/sign-on").status_code == 403
    assert client.post("/admin/sign-on", data={"required": "y"}).status_code == 403


def test_required_sign_on_leaves_passwords_to_administrators_only(
    session, client, configured, provider, login_as, make_admin, person
):
    admin = make_admin()
    login_as(admin)
    page = client.get("/admin/sign-on").get_data(as_text=True)
    assert "Bắt buộc đăng nhập một lần" in page and "data-confirm" in page
    assert client.post("/admin/sign-on", data={"required": "y"}).status_code == 302
    policy = session.get(SignOnPolicy, 1)
    session.refresh(policy)
    assert policy.required and policy.changed_by_id == admin.id
    audited = session.scalars(
        sa.select(AuditRecord).where(AuditRecord.object_type == "sign_on_policy")
    ).one()
    assert (audited.action, audited.old_value, audited.new_value) == (
        "require_sign_on",
        "false",
        "true",
    )
    client.post("/logout")

    refused = client.post("/login", data={"username": person.code.lower(), "password": PASSWORD})
    assert refused.status_code == 200
    assert form_errors(refused.get_data(as_text=True)) == [SIGN_ON_REQUIRED]
    assert signed_in_as(client) is None
    assert session.get(User, account_id(session, person)).last_login_at is None

    login_as(admin)  # the administrator still signs in with a password
    client.post("/logout")
    sign_on(client, provider, {"sub": "lan-42", "preferred_username": person.code.lower()})
    assert signed_in_as(client) == "Vũ Thị Lan"


def test_sign_on_cannot_be_required_before_it_is_configured(
    session, app, client, login_as, make_admin, person, monkeypatch
):
    monkeypatch.setitem(app.config, "OIDC_ISSUER", "")
    login_as(make_admin())
    response = client.post("/admin/sign-on", data={"required": "y"})
    assert response.status_code == 422
    assert form_errors(response.get_data(as_text=True)) == [
        "Chưa cấu hình đăng nhập một lần, nên chưa thể bắt buộc dùng."
    ]
    assert session.get(SignOnPolicy, 1) is None
    client.post("/logout")
    assert login_as(person)  # passwords keep working


@pytest.mark.parametrize(
    "query",
    [
        "",
        "code=&state=",
        "state=x",
        "code=x",
        "error=",
        "error=server_error&error_description=%00",
        "code=%FF%FE&state=%00",
    ],
)
def test_whatever_comes_back_nothing_breaks(client, configured, provider, query):
    client.get("/login/sso")  # a state is waiting in the session, for none of these
    response = client.get(f"/login/sso/callback?{query}")
    assert response.status_code == 302 and response.location == "/login"
    assert signed_in_as(client) is None


def test_the_sign_on_pages_speak_plain_vietnamese(client, configured, login_as, make_admin):
    """What tests/test_plain_language.py checks on every page, on these two (the crawl of the
    demo may stop before the administrator's setting)."""
    from tests.test_plain_language import read_page, vietnamese_findings

    pages = {"/login": client.get("/login").get_data(as_text=True)}
    login_as(make_admin())
    pages["/admin/sign-on"] = client.get("/admin/sign-on").get_data(as_text=True)
    assert "Đăng nhập một lần" in pages["/login"]
    findings = {url: vietnamese_findings(read_page(page).text) for url, page in pages.items()}
    assert findings == {url: [] for url in pages}


# --- in a real browser --------------------------------------------------------------------


@pytest.fixture
def sign_on_server(
    tmp_path, provider: oidc_provider.OidcProvider
) -> Iterator[tuple[str, oidc_provider.OidcProvider]]:
    """A live server with sign-on configured, on a database of its own holding one person,
    and the provider told its callback; both stopped or forgotten after the test."""
    import threading
    from datetime import date

    from alembic import command
    from werkzeug.serving import make_server

    from criteria.levels import StaffCategory
    from evaluation import create_app
    from evaluation.cli import alembic_config
    from evaluation.core.db import db
    from evaluation.organisation import services as organisation
    from evaluation.organisation.models import UnitKind
    from tests.browser.conftest import live_session
    from tests.conftest import _TEST_HASH, private_database

    url = private_database(tmp_path, "sso_browser")
    command.upgrade(alembic_config(url), "head")
    with live_session(url) as session:
        unit = organisation.create_unit(
            session, code="SSO", name="Văn phòng Sở", kind=UnitKind.DIVISION, parent=None
        )
        person = organisation.place_new_person(
            session, code="SSO1", full_name="Vũ Thị Lan", category=StaffCategory.CONG_CHUC,
            job_position="Chuyên viên", unit=unit, starts_on=date(2026, 1, 1),
        )  # fmt: skip
        session.add(User(username="sso1", password_hash=_TEST_HASH, person=person))
        session.commit()
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "sso-browser",
            "OIDC_ISSUER": provider.issuer,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    provider.client.redirect_uris.append(f"{base}/login/sso/callback")
    try:
        yield base, provider
    finally:
        provider.client.redirect_uris.remove(f"{base}/login/sso/callback")
        server.shutdown()
        thread.join()
        db.engine_of(app).dispose()


@pytest.fixture
def tab(browser) -> Iterator[Any]:  # Debian's Chromium, shared by the session (tests/conftest.py)
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.mark.browser
def test_a_browser_signs_on_and_a_forged_token_signs_nobody_in(tab, sign_on_server):
    base, provider = sign_on_server
    page = tab
    provider.reset({"sub": "lan-42", "preferred_username": "sso1"})
    page.goto(f"{base}/login")
    page.get_by_role("link", name="Đăng nhập một lần").click()
    page.wait_for_url(f"{base}/")
    assert page.locator(".who").get_by_text("Vũ Thị Lan").is_visible()

    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/login")
    provider.reset({"sub": "lan-42", "preferred_username": "sso1"})
    provider.mode = oidc_provider.FOREIGN_KEY
    page.get_by_role("link", name="Đăng nhập một lần").click()
    page.wait_for_url("**/login")
    assert page.get_by_role("alert").get_by_text(FAILED).is_visible()
    assert page.locator(".who").count() == 0
