"""Account administration (issue 13): who may manage which account, the one-time password,
deactivation, unlocking, and that nobody raises their own rights.

The world: province ─ dept (served by `office`) ─ div_a (head_a, staff_a, newcomer without a
login); province ─ commune (served by `other_office`) ─ div_c (staff_c); an administrator.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from evaluation.accounts import admin
from evaluation.accounts.models import AccountRole, User
from evaluation.core.audit import AuditRecord
from evaluation.core.errors import DomainError
from evaluation.core.throttle import limiter
from evaluation.organisation.models import LeadershipRole, Person, Unit, UnitKind
from evaluation.organisation.permissions import Viewer
from tests.conftest import PASSWORD, account_id, form_errors, username_of

NEW_PASSWORD = "Matkhau2027moi"


@dataclass
class World:
    province: Unit
    dept: Unit
    div_a: Unit
    commune: Unit
    admin: User
    office: Person
    other_office: Person
    head_a: Person
    staff_a: Person
    staff_c: Person
    newcomer: Person  # in div_a, no login yet


@pytest.fixture
def world(session: Session, make_unit, make_person, make_admin) -> World:
    # codes as agencies write them ("U3" would read as a rule code on a page)
    province = make_unit("Tỉnh", UnitKind.AGENCY, code="TK-TINH")
    dept = make_unit("Sở", UnitKind.AGENCY, province, code="TK-SO")
    div_a = make_unit("Phòng A", parent=dept, code="TK-SO-A")
    div_tc = make_unit("Phòng Tổ chức", parent=dept, code="TK-SO-TC")
    commune = make_unit("Xã", UnitKind.COMMUNE, province, code="TK-XA")
    div_c = make_unit("Phòng C", parent=commune, code="TK-XA-C")
    office = make_person(div_tc, account_role=AccountRole.PERSONNEL, served_unit=dept)
    other_office = make_person(div_c, account_role=AccountRole.PERSONNEL, served_unit=commune)
    head_a = make_person(div_a, LeadershipRole.HEAD)
    staff_a = make_person(div_a, name="Võ Thị Hạnh")
    staff_c = make_person(div_c)
    newcomer = make_person(div_a, name="Đào Văn Mới")
    session.execute(sa.delete(User).where(User.person_id == newcomer.id))
    session.flush()
    return World(
        province, dept, div_a, commune, make_admin(), office, other_office, head_a, staff_a,
        staff_c, newcomer,
    )  # fmt: skip


def user_of(session: Session, person: Person) -> User:
    return session.get_one(User, account_id(session, person))


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD):
    client.post("/logout")
    return client.post("/login", data={"username": username, "password": password})


ACTORS = ("admin", "office", "other_office", "head_a", "staff_a", "anonymous")


def act_as(client: FlaskClient, world: World, actor: str) -> FlaskClient:
    if actor != "anonymous":
        who = world.admin if actor == "admin" else getattr(world, actor)
        response = sign_in(client, username_of(who))
        assert response.status_code == 302
    return client


# --- the access matrix: actor × action on staff_a's account -----------------------------------
# ok: the page; done: the change made (its row of the audit trail written); --: refused (403),
# nothing written; 422: the form sent back; login: sent to sign in (staff_a's own account is
# deactivated before `reactivate`, which signs them out).

MATRIX = """
                admin  office  other_office  head_a  staff_a  anonymous
list             ok     ok        ok           --      --       login
detail           ok     ok        --           --      --       login
new_form         ok     ok        ok           --      --       login
create           done   done      422          --      --       login
deactivate       done   done      --           --      --       login
reactivate       done   done      --           --      login    login
reset_password   done   done      --           --      --       login
unlock           done   done      --           --      --       login
change_role      done   done      --           --      --       login
leadership       done   done      --           --      --       login
delegations      ok     ok        ok           --      --       login
new_delegation   done   done      422          --      --       login
"""


def _matrix() -> list[tuple[str, str, str]]:
    header, *rows = [line.split() for line in MATRIX.strip().splitlines()]
    return [
        (row[0], actor, cell) for row in rows for actor, cell in zip(header, row[1:], strict=True)
    ]


def request_for(action: str, world: World, session: Session) -> tuple[str, str, dict, str | None]:
    """method, URL, form, and the audit action a success writes."""
    target = account_id(session, world.staff_a)
    base = f"/admin/accounts/{target}"
    if action == "reactivate":
        user_of(session, world.staff_a).active = False
        session.flush()
    return {
        "list": ("GET", "/admin/accounts?q=hanh", {}, None),
        "detail": ("GET", base, {}, None),
        "new_form": ("GET", "/admin/accounts/new", {}, None),
        "create": ("POST", "/admin/accounts/new",
                   {"person_code": world.newcomer.code, "role": "staff", "reason": "Mới"},
                   "create_account"),
        "deactivate": ("POST", f"{base}/deactivate", {"reason": "Nghỉ hưu"}, "deactivate_account"),
        "reactivate": ("POST", f"{base}/reactivate", {}, "reactivate_account"),
        "reset_password": ("POST", f"{base}/password", {}, "reset_password"),
        "unlock": ("POST", f"{base}/unlock", {}, "unlock_account"),
        "change_role": ("POST", f"{base}/role",
                        {"role-role": "personnel", "role-served_unit_id": str(world.div_a.id),
                         "role-reason": "Quyết định 5"}, "change_role"),
        "leadership": ("POST", f"{base}/leadership",
                       {"lead-leadership": "deputy", "lead-reason": "Quyết định 6"},
                       "move"),
        "delegations": ("GET", "/admin/delegations", {}, None),
        "new_delegation": ("POST", "/admin/delegations/new",
                           {"kind": "acting_head", "unit_id": world.div_a.id,
                            "to_code": world.staff_a.code, "starts_on": "2026-03-01",
                            "ends_on": "2026-03-31", "reason": "Quyết định 7"},
                           "create_delegation"),
    }[action]  # fmt: skip


def audit_count(session: Session) -> int:
    return session.scalar(sa.select(sa.func.count(AuditRecord.id))) or 0


@pytest.mark.parametrize(("action", "actor", "expected"), _matrix())
def test_access_matrix(
    client: FlaskClient, session: Session, world: World, action: str, actor: str, expected: str
) -> None:
    act_as(client, world, actor)
    method, url, form, audited = request_for(action, world, session)
    before = audit_count(session)
    response = client.open(url, method=method, data=form)
    written = audit_count(session) - before
    location = response.headers.get("Location", "")
    got = {200: "ok", 403: "--", 404: "404", 422: "422"}.get(response.status_code, "?")
    if response.status_code == 302 and "/login" in location:
        got = "login"
    if method == "POST" and response.status_code in (200, 302) and got != "login":
        got = "done" if written else f"{response.status_code} without a change"
    if expected == "done":
        assert got == "done", (action, actor, response.status_code, form_errors(response.text))
        last = session.scalars(sa.select(AuditRecord).order_by(AuditRecord.id.desc())).first()
        assert last is not None and last.action == audited
    else:
        assert got == expected, (action, actor, response.status_code)
        assert written == 0


# --- nobody raises their own rights ----------------------------------------------------------


def test_nobody_changes_their_own_account(client: FlaskClient, session: Session, world: World):
    for who in (world.office, world.admin):
        act_as(client, world, "admin" if who is world.admin else "office")
        own = who.id if isinstance(who, User) else account_id(session, who)
        for url, form in [
            (f"/admin/accounts/{own}/role", {"role-role": "admin", "role-reason": "Tự nâng"}),
            (f"/admin/accounts/{own}/deactivate", {}),
            (f"/admin/accounts/{own}/password", {}),
        ]:
            assert client.post(url, data=form).status_code == 403
        page = client.get(f"/admin/accounts/{own}")
        assert page.status_code == 200 and "không ai tự thay đổi" in page.text
    assert user_of(session, world.office).role is AccountRole.PERSONNEL
    assert world.admin.active and world.admin.role is AccountRole.ADMIN


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"role-role": "admin", "role-reason": "Nâng quyền"}, "Vai trò"),
        ({"role-role": "personnel", "role-served_unit_id": "commune", "role-reason": "Ngoài"}, ""),
    ],
)
def test_an_office_gives_no_more_than_it_holds(
    client: FlaskClient, session: Session, world: World, form: dict, field: str
) -> None:
    act_as(client, world, "office")
    if form.get("role-served_unit_id") == "commune":
        form = form | {"role-served_unit_id": str(world.commune.id)}
    target = account_id(session, world.staff_a)
    before = audit_count(session)
    response = client.post(f"/admin/accounts/{target}/role", data=form)
    assert response.status_code == 422
    assert audit_count(session) == before
    assert user_of(session, world.staff_a).role is AccountRole.STAFF


def test_an_office_creates_no_administrator(client: FlaskClient, session: Session, world: World):
    act_as(client, world, "office")
    response = client.post(
        "/admin/accounts/new",
        data={"person_code": world.newcomer.code, "role": "admin", "reason": "x"},
    )
    assert response.status_code == 422
    assert session.scalar(sa.select(User).where(User.person_id == world.newcomer.id)) is None


def test_an_office_cannot_touch_an_administrator(client, session: Session, world: World):
    act_as(client, world, "office")
    assert client.post(f"/admin/accounts/{world.admin.id}/deactivate").status_code == 403
    listed = client.get("/admin/accounts?q=admin").text
    assert world.admin.username not in listed


def test_the_last_administrator_stays(session: Session, world: World) -> None:
    """Reached only by a caller outside the pages (the pages let nobody act on themselves)."""
    outsider = Viewer(user_id=0, person_id=None, is_admin=True)
    with pytest.raises(DomainError):
        admin.set_active(session, outsider, world.admin, active=False, reason=None)
    with pytest.raises(DomainError):
        admin.change_role(
            session, outsider, world.admin, role=AccountRole.STAFF, served_unit_id=None, reason=None
        )
    assert world.admin.active and world.admin.role is AccountRole.ADMIN


# --- the one-time password ---------------------------------------------------------------------


def _issued(html: str) -> str:
    found = re.search(r'id="one-time-password">([^<]+)<', html)
    assert found, html[:500]
    return found.group(1)


def test_one_time_password_is_shown_once_and_changed_at_first_sign_in(
    app: Flask, client: FlaskClient, session: Session, world: World
) -> None:
    act_as(client, world, "office")
    response = client.post(
        "/admin/accounts/new",
        data={"person_code": world.newcomer.code, "username": "dao.moi", "role": "staff",
              "reason": "Tuyển dụng"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    password = _issued(response.text)
    user = session.scalars(sa.select(User).where(User.username == "dao.moi")).one()
    assert user.person_id == world.newcomer.id and user.role is AccountRole.STAFF
    assert user.one_time_password and user.must_change_password
    assert password not in user.password_hash
    trail = session.scalars(sa.select(AuditRecord).where(AuditRecord.object_id == user.id)).all()
    assert [r.action for r in trail] == ["create_account"]
    assert all(password not in json.dumps([r.old_value, r.new_value, r.reason]) for r in trail)
    # the account page shows it no more
    assert password not in client.get(f"/admin/accounts/{user.id}").text

    newcomer = app.test_client()
    assert sign_in(newcomer, "dao.moi", password).status_code == 302
    for page in ("/", "/plans", "/evaluations/2026"):
        forced = newcomer.get(page)
        assert forced.status_code == 302 and forced.headers["Location"].endswith(
            "/account/password"
        )
    changed = newcomer.post(
        "/account/password",
        data={"current_password": password, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    session.refresh(user)
    assert not user.one_time_password and not user.must_change_password
    assert sign_in(newcomer, "dao.moi", NEW_PASSWORD).status_code == 302
    assert newcomer.get("/plans").status_code == 200


def test_reset_password_ends_sessions_and_gives_a_new_one_time_password(
    app: Flask, client: FlaskClient, session: Session, world: World
) -> None:
    staff = app.test_client()
    assert sign_in(staff, username_of(world.staff_a)).status_code == 302
    assert staff.get("/plans").status_code == 200
    act_as(client, world, "admin")
    response = client.post(
        f"/admin/accounts/{account_id(session, world.staff_a)}/password", data={"reason": "Quên"}
    )
    password = _issued(response.text)
    assert staff.get("/plans").status_code == 302  # signed out
    assert sign_in(staff, username_of(world.staff_a)).status_code == 200  # the old one fails
    assert sign_in(staff, username_of(world.staff_a), password).status_code == 302
    assert staff.get("/plans").headers["Location"].endswith("/account/password")


def test_deactivating_signs_out_and_refuses_sign_in(
    app: Flask, client: FlaskClient, session: Session, world: World
) -> None:
    staff = app.test_client()
    assert sign_in(staff, username_of(world.staff_a)).status_code == 302
    act_as(client, world, "office")
    target = account_id(session, world.staff_a)
    assert (
        client.post(f"/admin/accounts/{target}/deactivate", data={"reason": "Nghỉ"}).status_code
        == 302
    )
    assert staff.get("/plans").status_code == 302
    assert sign_in(staff, username_of(world.staff_a)).status_code == 200
    assert client.post(f"/admin/accounts/{target}/reactivate").status_code == 302
    assert sign_in(staff, username_of(world.staff_a)).status_code == 302
    actions = session.scalars(
        sa.select(AuditRecord.action).where(AuditRecord.object_type == "user",
                                            AuditRecord.object_id == target)
    ).all()  # fmt: skip
    assert actions == ["deactivate_account", "reactivate_account"]


def test_unlock_clears_the_throttle(
    app: Flask, client: FlaskClient, session: Session, world: World
):
    staff = app.test_client()
    name = username_of(world.staff_a)
    for _ in range(6):
        staff.post("/login", data={"username": name, "password": "sai-mat-khau-1"})
    assert sign_in(staff, name).status_code == 429
    act_as(client, world, "admin")
    limiter_before = client.post(f"/admin/accounts/{account_id(session, world.staff_a)}/unlock")
    assert limiter_before.status_code == 302
    assert sign_in(staff, name).status_code == 302
    limiter.reset()


# --- the list ---------------------------------------------------------------------------------


def test_the_list_searches_and_stays_in_reach(client: FlaskClient, session: Session, world: World):
    act_as(client, world, "office")
    page = client.get("/admin/accounts?q=vo thi hanh").text
    assert "Võ Thị Hạnh" in page and username_of(world.head_a) not in page
    everyone = client.get("/admin/accounts").text
    assert username_of(world.staff_c) not in everyone
    assert username_of(world.head_a) in everyone
    assert client.get("/admin/accounts?page=9").status_code == 404


# --- plain language ----------------------------------------------------------------------------


def test_the_pages_and_their_trail_speak_plain_vietnamese(
    client: FlaskClient, session: Session, world: World
) -> None:
    """No code, internal value or English on the pages, nor in the audit trail they fill."""
    from tests.test_plain_language import read_page, vietnamese_findings

    act_as(client, world, "admin")
    target = account_id(session, world.staff_a)
    client.post(
        "/admin/accounts/new",
        data={"person_code": world.newcomer.code, "role": "staff", "reason": "Tuyển dụng"},
    )
    client.post(
        f"/admin/accounts/{target}/role",
        data={"role-role": "personnel", "role-served_unit_id": str(world.div_a.id),
              "role-reason": "Quyết định 5"},
    )  # fmt: skip
    client.post(f"/admin/accounts/{target}/deactivate", data={"reason": "Nghỉ"})
    client.post(
        "/admin/delegations/new",
        data={"kind": "acting_head", "unit_id": world.div_a.id, "to_code": world.staff_c.code,
              "starts_on": "2026-03-01", "ends_on": "2026-03-31", "reason": "Quyết định 7"},
    )  # fmt: skip
    pages = {
        "list": client.get("/admin/accounts"),
        "detail": client.get(f"/admin/accounts/{target}"),
        "new": client.get("/admin/accounts/new"),
        "issued": client.post(f"/admin/accounts/{target}/password"),
        "delegations": client.get("/admin/delegations"),
        "new delegation": client.get("/admin/delegations/new"),
        "trail": client.get("/audit"),
    }
    findings = {}
    for name, response in pages.items():
        assert response.status_code == 200, name
        findings[name] = vietnamese_findings(read_page(response.text).text)
    assert not any(findings.values()), findings
    trail = pages["trail"].text
    assert "đổi vai trò của" in trail and "Tổ chức cán bộ" in trail


def test_an_office_cannot_reset_a_wider_office(
    client: FlaskClient, session: Session, world: World, make_person
) -> None:
    """Someone placed in the office's subtree who serves the whole province has more rights
    than the office: resetting their password would hand those rights over."""
    wider = make_person(world.div_a, account_role=AccountRole.PERSONNEL, served_unit=world.province)
    act_as(client, world, "office")
    target = account_id(session, wider)
    assert client.post(f"/admin/accounts/{target}/password").status_code == 403
    assert username_of(wider) not in client.get("/admin/accounts").text
    act_as(client, world, "admin")
    assert client.post(f"/admin/accounts/{target}/password").status_code == 200


def test_the_list_runs_as_many_statements_for_many_accounts(
    app: Flask, client: FlaskClient, world: World, make_person
) -> None:
    """No query per row: 5 or 40 accounts on the page, the same statements."""
    from evaluation.core.db import db, statements_run

    act_as(client, world, "office")

    def statements() -> int:
        with statements_run(db.engine_of(app)) as run:
            assert client.get("/admin/accounts").status_code == 200
        return len(run)

    few = statements()
    for _ in range(35):
        make_person(world.div_a)
    assert statements() == few


@pytest.fixture(params=["memory", "redis"])
def throttled_app(request, database_url: str, session: Session):
    """An application on the test's connection with its own throttle store (in memory, or in
    Redis under a prefix of this test), cleared at the end."""
    from evaluation import create_app
    from evaluation.core.db import db
    from tests.accounts.test_throttle import _redis_or_skip

    uri = "memory://" if request.param == "memory" else _redis_or_skip()
    application = create_app(
        {"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "t",
         "WTF_CSRF_ENABLED": False, "RATELIMIT_STORAGE_URI": uri,
         "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}:signin"}
    )  # fmt: skip
    db.bind_to(application, session.get_bind())
    yield application
    application.extensions["sign_in_throttle"].clear()
    db.engine_of(application).dispose()


def test_unlock_forgets_every_address_in_each_store(
    throttled_app: Flask, world: World, session: Session
) -> None:
    """Failures from two addresses, in memory or in Redis: one unlock frees both."""
    name = username_of(world.staff_a)
    addresses = ("203.0.113.7", "198.51.100.9")
    browsers = {address: throttled_app.test_client() for address in addresses}

    def attempt(address: str, password: str) -> int:
        return (
            browsers[address]
            .post(
                "/login",
                data={"username": name, "password": password},
                environ_base={"REMOTE_ADDR": address},
            )
            .status_code
        )

    for address in addresses:
        for _ in range(6):
            attempt(address, "sai-mat-khau-1")
        assert attempt(address, PASSWORD) == 429
    administrator = throttled_app.test_client()
    sign_in(administrator, username_of(world.admin))
    target = account_id(session, world.staff_a)
    assert administrator.post(f"/admin/accounts/{target}/unlock").status_code == 302
    assert all(attempt(address, PASSWORD) == 302 for address in addresses)
