"""Import templates speak Vietnamese in every header; files with the old English headers still
import (issue 16 §1: the drop-down lists were headed "kind", "category", "role")."""

from __future__ import annotations

import io
import re

import openpyxl

from evaluation.imports import staff, tasks
from tests.imports.helpers import (
    PEOPLE_HEADER,
    TASK_HEADER,
    UNIT_HEADER,
    batch_id,
    upload,
    workbook,
)
from tests.imports.test_staff_import import good_file, office  # noqa: F401  (a fixture)
from tests.imports.test_task_import import fields, good_rows, world  # noqa: F401  (a fixture)

ENGLISH_UNIT_HEADER = [column.key for column in staff.UNIT_COLUMNS]
ENGLISH_PEOPLE_HEADER = [column.key for column in staff.PEOPLE_COLUMNS]
ENGLISH_TASK_HEADER = [column.key for column in tasks.TASK_COLUMNS]
KEYS = {column.key for _name, columns in staff.template() for column in columns} | {
    column.key for _name, columns in tasks.template() for column in columns
}


def first_rows(data: bytes) -> dict[str, list[str]]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    rows = {name: [c for c in next(book[name].values, ()) if c] for name in book.sheetnames}
    book.close()
    return rows


def preview_summary(client, response) -> list[str]:
    page = client.get(f"/imports/batches/{batch_id(response)}").get_data(as_text=True)
    return re.findall(r"[^<>]*\d+ thêm mới, \d+ cập nhật, \d+ giữ nguyên", page)


def test_every_header_of_the_staff_template_is_vietnamese(client, login_as, office):  # noqa: F811
    login_as(office["personnel"])
    rows = first_rows(client.get("/imports/staff/template.xlsx").data)
    # the drop-down lists are headed by the columns they serve, not by internal keys
    assert rows["Danh mục"] == ["Loại đơn vị", "Đối tượng", "Chức vụ lãnh đạo"]
    for name in ("Danh mục", "Đơn vị", "Nhân sự"):
        for header in rows[name]:
            assert header.replace(" (*)", "") not in KEYS, (name, header)
            assert not re.search(r"\b[a-z]+_[a-z]+\b", header), (name, header)


def test_every_header_of_the_task_template_is_vietnamese(client, login_as, world):  # noqa: F811
    login_as(world["head_a"])
    rows = first_rows(client.get("/imports/tasks/template.xlsx").data)
    assert [h.replace(" (*)", "") for h in rows["Nhiệm vụ"]] == TASK_HEADER
    assert all(h not in KEYS for name in rows for h in rows[name])


def test_a_staff_file_reads_the_same_with_vietnamese_or_old_english_headers(
    client,
    login_as,
    office,  # noqa: F811
):
    login_as(office["personnel"])
    data = good_file(office["clerk"], office["personnel"])
    vietnamese = preview_summary(client, upload(client, "/imports/staff", data))
    assert vietnamese == [
        "Đơn vị: 2 thêm mới, 1 cập nhật, 0 giữ nguyên",
        "Nhân sự: 2 thêm mới, 1 cập nhật, 1 giữ nguyên",
    ]
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert [c.value for c in book["Đơn vị"][1]] == UNIT_HEADER
    assert [c.value for c in book["Nhân sự"][1]] == PEOPLE_HEADER
    english = workbook(
        {
            "Đơn vị": [ENGLISH_UNIT_HEADER, *list(book["Đơn vị"].values)[1:]],
            "Nhân sự": [ENGLISH_PEOPLE_HEADER, *list(book["Nhân sự"].values)[1:]],
        }
    )
    assert preview_summary(client, upload(client, "/imports/staff", english)) == vietnamese


def test_a_task_file_reads_the_same_with_vietnamese_or_old_english_headers(
    client,
    login_as,
    world,  # noqa: F811
):
    login_as(world["head_a"])
    rows = good_rows(world)
    vietnamese = workbook({"Nhiệm vụ": [TASK_HEADER, *rows]})
    english = workbook({"Nhiệm vụ": [ENGLISH_TASK_HEADER, *rows]})
    expected = ["Nhiệm vụ: 3 thêm mới, 0 cập nhật, 0 giữ nguyên"]
    form = fields(world["div_a"])
    assert preview_summary(client, upload(client, "/imports/tasks", vietnamese, **form)) == expected
    assert preview_summary(client, upload(client, "/imports/tasks", english, **form)) == expected
