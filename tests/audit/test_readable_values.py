"""The audit log's old and new values read as names, never as stored codes (issue 16 §1): the
page once showed "level: xuat_sac total: 90.24 rulebook: nd335@1"."""

from __future__ import annotations

import json

import pytest
from flask_babel import force_locale

from evaluation.audit.services import readable

DECISION = json.dumps(
    {
        "level": "xuat_sac",
        "total": "90.24",
        "general": "24.67",
        "rulebook": "nd335@1",
        "criteria_set": "nd335-leader@1",
    }
)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "vi",
            [
                "Mức xếp loại: Hoàn thành xuất sắc nhiệm vụ",
                "Tổng điểm: 90,24",
                "Điểm tiêu chí chung: 24,67",
                "Quy định áp dụng: Nghị định 335/2025/NĐ-CP",
                "Bộ tiêu chí: Công chức giữ chức vụ lãnh đạo, quản lý (Nghị định 335/2025/NĐ-CP)",
            ],
        ),
        (
            "en",
            [
                "Classification level: Completed tasks excellently",
                "Total points: 90.24",
                "General criteria points: 24.67",
                "Rules applied: Decree 335/2025/ND-CP",
            ],
        ),
    ],
)
def test_a_decision_snapshot_reads_as_names(app, lang, expected) -> None:
    with app.test_request_context(), force_locale(lang):
        lines = readable(DECISION).splitlines()
    assert lines[: len(expected)] == expected


def test_codes_flags_and_days_read_as_words(app) -> None:
    with app.test_request_context(), force_locale("vi"):
        assert readable('"can_quyet_dinh"') == "Cần người có thẩm quyền quyết định"
        assert readable("[false, 0, 1, null]") == "Không, 0, 1, —"
        assert readable('{"from": "2026-07-01"}') == "Từ ngày: 01/07/2026"
        assert readable("Đã duyệt") == "Đã duyệt"  # plain text stays as written
