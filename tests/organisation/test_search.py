"""People search that ignores case and diacritics (issue 16 §3): "nguyen van an" finds
"Nguyễn Văn An", "Đ" matches "d", on SQLite and PostgreSQL alike, through a stored, indexed
folded name (`person.search_name`) that every way of writing a person keeps.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from alembic import command

from criteria.levels import StaffCategory
from evaluation.accounts.models import AccountRole, User
from evaluation.cli import alembic_config
from evaluation.core.text import fold
from evaluation.organisation import services
from evaluation.organisation.models import LeadershipRole, Person, UnitKind
from tests.conftest import _TEST_HASH, private_database


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Nguyễn Văn An", "nguyen van an"),
        ("ĐẶNG THỊ Ư", "dang thi u"),
        ("đỗ đức đạt", "do duc dat"),
        ("  Lê   Thị\tHoà ", "le thi hoa"),
        ("Le\u0302\u0301", "le"),  # decomposed (NFD) input folds as the composed one
        ("Hoà", "hoa"),
        ("Hòa", "hoa"),  # both placements of the tone mark
        ("Ngô Quyền 2", "ngo quyen 2"),
        ("", ""),
    ],
)
def test_folding_drops_case_marks_and_extra_spaces(typed, folded):
    assert fold(typed) == folded


@pytest.fixture
def people(session, make_unit, make_person):
    agency = make_unit("Sở Nội vụ", UnitKind.AGENCY)
    division = make_unit("Phòng Tổ chức", parent=agency)
    names = ["Nguyễn Văn An", "Đặng Thị Dung", "Nguyễn Văn Anh", "Trần Đức Bình", "Lê Dũng"]
    found = {name: make_person(division, name=name) for name in names}
    head = make_person(division, role=LeadershipRole.HEAD, name="Phạm Trưởng Phòng")
    return agency, division, head, found


def names_found(session, viewer, typed: str) -> list[str]:
    return sorted(
        person.full_name for person in services.people_in_reach(session, viewer, search=typed)
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("nguyen van an", ["Nguyễn Văn An", "Nguyễn Văn Anh"]),
        ("NGUYỄN VĂN ANH", ["Nguyễn Văn Anh"]),
        ("dang", ["Đặng Thị Dung"]),  # "Đ" is "d"
        ("dung", ["Lê Dũng", "Đặng Thị Dung"]),
        ("binh tran", ["Trần Đức Bình"]),  # every word, in any order
        ("  duc   ", ["Trần Đức Bình"]),
        ("100%", []),  # LIKE's wildcards are plain characters
        ("_", []),
        ("xyz", []),
    ],
)
def test_the_search_finds_names_whatever_their_marks(session, people, typed, expected):
    _agency, _division, head, _found = people
    viewer = session.scalar(sa.select(User).where(User.person_id == head.id)).viewer()
    assert names_found(session, viewer, typed) == sorted(expected)
    assert services.count_in_reach(session, viewer, search=typed) == len(expected)


def test_the_folded_name_follows_every_change_of_name(session, people):
    _agency, _division, _head, found = people
    person = found["Lê Dũng"]
    assert person.search_name == "le dung"
    person.full_name = "Lê Thị Ánh Dương"
    session.flush()
    stored = session.scalar(sa.select(Person.search_name).where(Person.id == person.id))
    assert stored == "le thi anh duong"


def test_a_bulk_insert_outside_the_orm_keeps_it_too(session, people):
    """The demo generator writes people with plain INSERTs: the column default folds them."""
    _agency, division, _head, _found = people
    session.execute(
        sa.insert(Person),
        [
            {
                "code": f"BULK-{n}",
                "full_name": name,
                "category": StaffCategory.CONG_CHUC,
                "job_position": "Chuyên viên",
                "unit_id": division.id,
            }
            for n, name in enumerate(["Đoàn Thị Én", "Hồ Văn Ước"])
        ],
    )
    rows = session.execute(
        sa.select(Person.full_name, Person.search_name).where(Person.code.like("BULK-%"))
    ).all()
    assert sorted(tuple(row) for row in rows) == [
        ("Hồ Văn Ước", "ho van uoc"),
        ("Đoàn Thị Én", "doan thi en"),
    ]


def test_the_unit_page_and_my_unit_have_a_search_box(session, client, login_as, people):
    agency, division, head, _found = people
    personnel = services.place_new_person(
        session,
        code="TCCB-1",
        full_name="Cán bộ tổ chức",
        category=StaffCategory.CONG_CHUC,
        job_position="Chuyên viên",
        unit=agency,
        role=LeadershipRole.NONE,
        starts_on=date(2026, 1, 1),
    )
    session.add(
        User(
            username="tccb-1",
            password_hash=_TEST_HASH,
            role=AccountRole.PERSONNEL,
            person=personnel,
            served_unit=agency,
        )
    )
    session.flush()
    login_as(head)
    page = client.get("/unit?q=nguyen+van+an").get_data(as_text=True)
    people_part = page.split('id="people"')[1]
    assert "Nguyễn Văn An" in people_part and "Nguyễn Văn Anh" in people_part
    assert "Đặng Thị Dung" not in people_part
    assert 'name="q"' in people_part and 'value="nguyen van an"' in people_part
    login_as(personnel)
    unit_page = client.get(f"/organisation/units/{division.id}?q=DANG").get_data(as_text=True)
    assert "Đặng Thị Dung" in unit_page and "Nguyễn Văn An" not in unit_page
    nobody = client.get(f"/organisation/units/{division.id}?q=zzz").get_data(as_text=True)
    assert "Không tìm thấy ai." in nobody


def test_a_long_or_odd_search_never_fails(client, login_as, people):
    _agency, _division, head, _found = people
    login_as(head)
    for typed in ["a" * 5000, "%", "'; drop table person; --", "\u202e", "😀"]:
        response = client.get("/unit", query_string={"q": typed})
        assert response.status_code == 200


def test_the_migration_fills_the_folded_names_of_people_already_there(tmp_path):
    """Revision 0013 folds the names stored before it, with its own frozen copy of the fold."""
    url = private_database(tmp_path, "search_migration")
    config = alembic_config(url)
    command.upgrade(config, "0012")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO unit (id, code, name, kind, path, depth, scoring_frequency) "
                "VALUES (1, 'U', 'Sở', 'co_quan_hanh_chinh', '/1/', 0, 'month')"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO person (id, code, full_name, category, job_position, unit_id, "
                "leadership_role, front_desk) VALUES (1, 'P1', 'Đinh Thị Ngọc Ánh', 'cong_chuc', "
                "'Chuyên viên', 1, 'none', false)"
            )
        )
    command.upgrade(config, "0013")
    with engine.connect() as connection:
        folded = connection.execute(sa.text("SELECT search_name FROM person")).scalar_one()
    engine.dispose()
    assert folded == "dinh thi ngoc anh" == fold("Đinh Thị Ngọc Ánh")


def test_the_count_is_the_length_of_the_list_with_or_without_unit_conditions(
    session, people, make_unit, make_person
):
    """The count joins the units only when a condition names them: it still counts what the
    list shows, for a head and an administrator, with a filter on the unit or on the person."""
    from evaluation.organisation.models import Unit

    agency, division, head, found = people
    elsewhere = make_unit("Phòng Khác", parent=agency)
    make_person(elsewhere, name="Hoàng Văn Khác")
    admin = User(username="count-admin", password_hash=_TEST_HASH, role=AccountRole.ADMIN)
    session.add(admin)
    session.flush()
    viewers = [session.scalar(sa.select(User).where(User.person_id == head.id)), admin]
    wheres = [
        None,
        Unit.id == division.id,  # names the units: joined
        Unit.kind == UnitKind.AGENCY,  # nobody is placed in the agency itself
        Person.id != head.id,  # the person alone
    ]
    for account in viewers:
        viewer = account.viewer()
        for where in wheres:
            for typed in (None, "van"):
                listed = services.people_in_reach(session, viewer, search=typed, where=where)
                counted = services.count_in_reach(session, viewer, search=typed, where=where)
                assert counted == len(listed), (account.username, where, typed)
    assert services.count_in_reach(session, admin.viewer()) >= len(found) + 2
