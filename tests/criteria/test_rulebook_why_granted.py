"""A1–A3: why a person was granted each individual title, as the emulation list prints it."""

from __future__ import annotations

import pytest

from criteria import DEFAULT_POLICY, Level, Member, Title, individual_titles
from criteria.emulation import SOURCES, why_granted

# 27 plain Lao động tiên tiến + the five below = 32 → A3 allows ⌊32 × 15%⌋ = 4 Chiến sĩ
FILLERS = tuple(Member(id=f"f{i}", level=Level.TOT) for i in range(27))
CASES = {
    "excellent": Member("excellent", Level.XUAT_SAC, rank=1),
    "initiative": Member("initiative", Level.TOT, rank=2, initiative=True),
    "science": Member("science", Level.TOT, rank=3, science_work=True),
    "all_grounds": Member(
        "all_grounds", Level.XUAT_SAC, rank=4, initiative=True, science_work=True
    ),
    "capped": Member("capped", Level.TOT, rank=9, initiative=True),
    "plain_good": Member("plain_good", Level.TOT),
    "disciplined": Member("disciplined", Level.XUAT_SAC, rank=5, disciplined=True),
    "completed": Member("completed", Level.HOAN_THANH, initiative=True),
}
OUTCOME = individual_titles((*CASES.values(), *FILLERS))

ADVANCED, CHIEN_SI = Title.LAO_DONG_TIEN_TIEN, Title.CHIEN_SI_THI_DUA_CO_SO
A1_GOOD = ("A1", "Xếp loại Hoàn thành tốt nhiệm vụ, không bị kỷ luật trong năm.")
A1_EXCELLENT = ("A1", "Xếp loại Hoàn thành xuất sắc nhiệm vụ, không bị kỷ luật trong năm.")


@pytest.mark.parametrize(
    ("case", "title", "expected"),
    [
        ("excellent", ADVANCED, [A1_EXCELLENT]),
        (
            "excellent",
            CHIEN_SI,
            [
                ("A2", "Đạt Lao động tiên tiến; Hoàn thành xuất sắc nhiệm vụ."),
                ("A3", "Trong tỷ lệ Chiến sĩ thi đua cơ sở, thứ tự ưu tiên 1."),
            ],
        ),
        ("initiative", ADVANCED, [A1_GOOD]),
        (
            "initiative",
            CHIEN_SI,
            [
                ("A2", "Đạt Lao động tiên tiến; có sáng kiến được công nhận."),
                ("A3", "Trong tỷ lệ Chiến sĩ thi đua cơ sở, thứ tự ưu tiên 2."),
            ],
        ),
        (
            "science",
            CHIEN_SI,
            [
                ("A2", "Đạt Lao động tiên tiến; có đề tài khoa học được nghiệm thu."),
                ("A3", "Trong tỷ lệ Chiến sĩ thi đua cơ sở, thứ tự ưu tiên 3."),
            ],
        ),
        ("all_grounds", ADVANCED, [A1_EXCELLENT]),
        (
            "all_grounds",
            CHIEN_SI,
            [
                (
                    "A2",
                    "Đạt Lao động tiên tiến; Hoàn thành xuất sắc nhiệm vụ; có sáng kiến được công "
                    "nhận; có đề tài khoa học được nghiệm thu.",
                ),
                ("A3", "Trong tỷ lệ Chiến sĩ thi đua cơ sở, thứ tự ưu tiên 4."),
            ],
        ),
        ("capped", ADVANCED, [A1_GOOD]),
        ("capped", CHIEN_SI, []),  # beyond the A3 cap: not granted, nothing to explain
        ("plain_good", ADVANCED, [A1_GOOD]),
        ("plain_good", CHIEN_SI, []),
        ("disciplined", ADVANCED, []),  # A4
        ("disciplined", CHIEN_SI, []),
        ("completed", ADVANCED, []),
        ("completed", CHIEN_SI, []),
        ("excellent", Title.TAP_THE_LAO_DONG_TIEN_TIEN, []),  # collective titles are A5's
    ],
)
def test_why_granted(case: str, title: Title, expected: list[tuple[str, str]]) -> None:
    reasons = why_granted(CASES[case], title, OUTCOME)
    assert [(reason.rule, reason.text) for reason in reasons] == expected
    assert [reason.source for reason in reasons] == [str(SOURCES[rule]) for rule, _text in expected]
    # a reason is given exactly when the title was granted
    assert bool(reasons) is (title in OUTCOME.titles[CASES[case].id])


def test_without_the_cap_a3_is_not_cited() -> None:
    member = Member("a", Level.TOT, rank=1, initiative=True)
    outcome = individual_titles((member,), DEFAULT_POLICY.replace(chien_si_cap=False))
    reasons = why_granted(member, CHIEN_SI, outcome)
    assert [(r.rule, r.text) for r in reasons] == [
        ("A2", "Đạt Lao động tiên tiến; có sáng kiến được công nhận.")
    ]


def test_within_the_cap_without_a_rank() -> None:
    member = Member("a", Level.XUAT_SAC)
    outcome = individual_titles((member, *FILLERS))
    assert [(r.rule, r.text) for r in why_granted(member, CHIEN_SI, outcome)] == [
        ("A2", "Đạt Lao động tiên tiến; Hoàn thành xuất sắc nhiệm vụ."),
        ("A3", "Trong tỷ lệ Chiến sĩ thi đua cơ sở."),
    ]
