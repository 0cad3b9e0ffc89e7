"""A department with its personnel office and a division to pin sets to."""

from __future__ import annotations

import copy
from datetime import date
from types import SimpleNamespace

import pytest

from criteria import StaffCategory, load_criteria_set
from criteria.set_data import criteria_set_data
from evaluation.accounts.models import AccountRole
from evaluation.organisation.models import LeadershipRole, UnitKind

SPRING = date(2026, 3, 2)


def own_set(name: str = "so-noi-vu-chuyen-vien") -> dict:
    """The ND335 set for staff, with three general criteria of 10 points each."""
    data = copy.deepcopy(criteria_set_data(load_criteria_set("nd335-non-leader@1")))
    data["name"] = name
    data["title"] = "Bộ tiêu chí riêng của Sở Nội vụ"
    general = data["groups"][0]
    general["criteria"] = [
        {"code": f"SNV{n}", "name": f"Tiêu chí {n}", "description": "Mô tả", "max_points": 10,
         "source": "Quyết định của Sở"}
        for n in (1, 2, 3)
    ]  # fmt: skip
    return data


@pytest.fixture
def office(session, make_unit, make_person, clock):
    clock(SPRING)
    province = make_unit("Tỉnh", UnitKind.AGENCY)
    department = make_unit("Sở Nội vụ", UnitKind.AGENCY, parent=province)
    division = make_unit("Phòng Tổ chức", parent=department)
    other = make_unit("Sở Tài chính", UnitKind.AGENCY, parent=province)
    personnel = make_person(
        department, account_role=AccountRole.PERSONNEL, served_unit=department, name="Trần Văn Nhân"
    )
    head = make_person(division, role=LeadershipRole.HEAD)
    staff = make_person(division, category=StaffCategory.CONG_CHUC, name="Lê Thị Hoa")
    outsider = make_person(other, category=StaffCategory.CONG_CHUC)
    return SimpleNamespace(
        province=province, department=department, division=division, other=other,
        personnel=personnel, head=head, staff=staff, outsider=outsider,
    )  # fmt: skip
