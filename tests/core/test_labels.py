"""Names instead of codes, in the page's language (issue 16 §1).

Pages show a rule by its name, a flag by what it asks, a rule set by its decree and every
enumeration by its label, all translatable; numbers and dates follow the page's language.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from criteria import Level
from criteria.consequences import c6_position, consequences
from criteria.criteria_sets import load_criteria_set
from criteria.levels import StaffCategory
from evaluation.core.labels import (
    FLAGS,
    LABELS,
    RULE_FALLBACK,
    RULES,
    flag_name,
    rule_name,
    rulebook_name,
)
from evaluation.core.templating import format_date, format_moment, format_number
from evaluation.scoring.forms import score_form_class

ROOT = Path(__file__).resolve().parents[2]
VIETNAMESE = re.compile(r"[đĐà-ỹÀ-Ỹ]")


def cited_rule_codes() -> set[str]:
    """Every rule code the rulebook puts in a reason or a flag."""
    codes: set[str] = set()
    for path in (ROOT / "criteria").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'Reason\(\s*"([A-Z]\d)"', text))
        codes |= set(re.findall(r'Flag\(\s*"([A-Z]\d)"', text))
    return codes


def test_every_rule_the_rulebook_cites_has_a_name() -> None:
    cited = cited_rule_codes()
    assert {"G1", "S5", "Q3", "A4", "C6"} <= cited | set(FLAGS)
    assert cited - set(RULES) - set(FLAGS) == set()
    assert rule_name("Z9") is RULE_FALLBACK  # an unknown code never reaches the page


@pytest.mark.parametrize("table", sorted(LABELS))
def test_every_label_has_english(app, table: str) -> None:
    with app.test_request_context(), force_locale("en"):
        for member, label in LABELS[table].items():
            english = str(label)
            assert english and not VIETNAMESE.search(english), (table, member, english)
    with app.test_request_context(), force_locale("vi"):
        assert all(str(label) for label in LABELS[table].values())


def test_rule_and_flag_names_have_english(app) -> None:
    with app.test_request_context(), force_locale("en"):
        for code, name in [*RULES.items(), *FLAGS.items()]:
            assert not VIETNAMESE.search(str(name)), (code, str(name))


def test_c6_reads_as_a_higher_or_a_lower_position(app) -> None:
    """The red C6 badge once said only "C6": it means a promotion may be considered after a
    good year, a lower position after a year not completed."""
    (higher,) = c6_position(Level.TOT, 2026)
    (lower,) = c6_position(Level.KHONG_HOAN_THANH, 2026)
    with app.test_request_context(), force_locale("vi"):
        assert str(flag_name(higher)) == (
            "Có thể được xem xét bổ nhiệm, nâng ngạch vào vị trí cao hơn"
        )
        assert str(flag_name(lower)) == "Xem xét bố trí vị trí việc làm thấp hơn"
    with app.test_request_context(), force_locale("en"):
        assert "higher position" in str(flag_name(higher))
    two_years = consequences(
        StaffCategory.CONG_CHUC,
        False,
        {2025: Level.KHONG_HOAN_THANH, 2026: Level.KHONG_HOAN_THANH},
    )
    assert two_years and all(str(flag_name(f)) != f.rule for f in two_years)


@pytest.mark.parametrize(
    ("rulebook", "decree"),
    [
        ("nd335@1", "Nghị định 335/2025/NĐ-CP"),
        ("nd335-leader@1", "Nghị định 335/2025/NĐ-CP"),
        ("nd90", "Nghị định 90/2020/NĐ-CP"),
        ("nd90-vien-chuc@1", "Nghị định 90/2020/NĐ-CP"),
        ("unit-result@1", "Chính sách của đơn vị"),
    ],
)
def test_a_rule_set_is_named_by_its_decree(app, rulebook: str, decree: str) -> None:
    with app.test_request_context(), force_locale("vi"):
        assert str(rulebook_name(rulebook)) == decree
    assert rulebook_name(None) == ""


@pytest.mark.parametrize(
    ("lang", "numbers", "day", "moment"),
    [
        ("vi", ["67,31", "12,5", "1.481", "0"], "24/11/2026", "24/11/2026 14:05"),
        ("en", ["67.31", "12.5", "1,481", "0"], "Nov 24, 2026", "Nov 24, 2026, 14:05"),
    ],
)
def test_numbers_and_dates_follow_the_page(app, lang, numbers, day, moment) -> None:
    with app.test_request_context(), force_locale(lang):
        shown = [format_number(v) for v in (67.31, Decimal("12.50"), 1481, Decimal(0))]
        assert shown == numbers
        assert format_date(date(2026, 11, 24)) == day
        assert format_moment(datetime(2026, 11, 24, 7, 5, tzinfo=UTC)) == moment


def test_outside_a_request_numbers_are_written_the_vietnamese_way() -> None:
    """Exports and the command line have no page: they keep the documents' Vietnamese form."""
    assert format_number(67.31) == "67,31"
    assert format_date(date(2026, 11, 24)) == "24/11/2026"


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("vi", "Số phải trong khoảng 0 đến 6."),
        ("en", "Number must be between 0 and 6."),
    ],
)
def test_a_criterion_out_of_range_is_refused_in_the_page_language(app, lang, message) -> None:
    """ "Number must be between 0 and 6.0." once stood under a Vietnamese label."""
    criteria_set = load_criteria_set("nd335-non-leader@1")
    criteria = criteria_set.groups[0].criteria
    form_class = score_form_class(criteria, [])
    data = MultiDict({f"general_{c.code}": "1" for c in criteria})
    data[f"general_{criteria[0].code}"] = "7"
    with app.test_request_context(method="POST"), force_locale(lang):
        form = form_class(formdata=data, meta={"csrf": False})
        assert not form.validate()
        errors = form[f"general_{criteria[0].code}"].errors
        assert [str(e) for e in errors] == [message]
        assert criteria[0].code not in str(form[f"general_{criteria[0].code}"].label.text)
