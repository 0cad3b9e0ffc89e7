"""The rulebook's reasons are translatable (issue 16 §1): `criteria` gives a message key and its
parameters, the application writes them in the page's language.

Every reason the case table produces (tests/criteria/cases.json through classify and the unit
step, plus the titles' why and why-not, the collective titles and the unit results) must have its
template, and every nested one, in the English catalog with an English text; written on an English
page it has no Vietnamese letter, and on a Vietnamese page it reads exactly as the rulebook's
Vietnamese text. The consequence flags (C1–C6) are explained the same way. A stored reason renders
by its message, and an older one (text only) as stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from flask import Flask, session
from flask_babel import refresh

from criteria import Level, StaffCategory, Title, classify, parse_facts
from criteria.consequences import Flag, consequences
from criteria.emulation import CollectiveFacts, collective_titles, why_granted, why_not
from criteria.reasons import Joined, Lower, Message, Param, Reason
from criteria.unit import evaluate_unit, parse_unit_input
from criteria.unit_results import UnitFigures, unit_score
from evaluation.core.reasons import render_reason, render_source
from tests.criteria.cases import CLASSIFY_CASES, UNIT_CASES

ENGLISH_PO = (
    Path(__file__).resolve().parent.parent / "evaluation/translations/en/LC_MESSAGES/messages.po"
)
# Letters only Vietnamese writes (with their capitals): a trace of an untranslated text.
VIETNAMESE = re.compile(
    "[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.IGNORECASE
)


def case_reasons() -> Iterator[Reason]:
    """Every reason the case table gives, and those of the titles and unit results."""
    for case in CLASSIFY_CASES:
        if "refused" not in case["expect"]:
            yield from classify(parse_facts(case["facts"])).reasons
    for case in UNIT_CASES:
        outcome = evaluate_unit(parse_unit_input(case["input"]))
        yield from outcome.reasons
        for person in parse_unit_input(case["input"]).people:
            member = person
            if person.id in outcome.quota.moved_to_tot:
                member = type(person)(person.id, Level.TOT, person.rank)
            reason = why_not(member, outcome.titles)
            if reason is not None:
                yield reason
            for title in (Title.LAO_DONG_TIEN_TIEN, Title.CHIEN_SI_THI_DUA_CO_SO):
                yield from why_granted(member, title, outcome.titles)
    facts = CollectiveFacts(True, Level.XUAT_SAC, 10, 10, 9, 2, 0, 0)
    yield from (reason for _title, reason in collective_titles(facts))
    figures = UnitFigures(10, 9, 7, 3, 12, 81.456, disciplined=1)
    yield from unit_score(figures).reasons
    yield from unit_score(UnitFigures(0, 0, 0, 0, 4, 75.0)).reasons


def consequence_flags() -> Iterator[Flag]:
    """C1–C6 for every category, under the old law and the new, held back or not."""
    failed, good = Level.KHONG_HOAN_THANH, Level.TOT
    for category in StaffCategory:
        for leader in (False, True):
            for year in (2024, 2026):
                for levels in (
                    (failed, failed, failed),
                    (failed, good, failed),
                    (good, good, good),
                ):
                    history = dict(zip((year - 2, year - 1, year), levels, strict=True))
                    for held in (False, True):
                        yield from consequences(
                            category,
                            leader,
                            history,
                            term_years=tuple(history),
                            under_review=held,
                            rulebook="nd335",
                        )


REASONS = list(dict.fromkeys(case_reasons()))
EXPLAINED: list[Reason | Flag] = [*REASONS, *dict.fromkeys(consequence_flags())]


@contextmanager
def page_language(lang: str) -> Iterator[None]:
    """The request's language, as the language switch sets it (the session's `lang`)."""
    session["lang"] = lang
    refresh()
    yield
    refresh()


def keys(param: Param) -> Iterator[str]:
    """The message keys of a message and of the messages nested in its parameters."""
    if isinstance(param, Message):
        yield param.key
        for _name, value in param.params:
            yield from keys(value)
    elif isinstance(param, Joined):
        for part in param.parts:
            yield from keys(part)
    elif isinstance(param, Lower):
        yield from keys(param.value)


@pytest.fixture(scope="module")
def english() -> Catalog:
    with ENGLISH_PO.open("rb") as handle:
        return read_po(handle, locale="en")


def test_the_case_table_gives_many_kinds_of_reason() -> None:
    rules = {reason.rule for reason in REASONS}
    assert {"X1", "T1", "H1", "G1", "S5", "E1", "D1", "Q1", "A1", "A2", "A5", "U1"} <= rules
    assert len({reason.key for reason in REASONS}) >= 20
    assert {flag.rule for flag in EXPLAINED if isinstance(flag, Flag)} == {
        "C1",
        "C2",
        "C3",
        "C4",
        "C5",
        "C6",
    }


@pytest.mark.parametrize("reason", EXPLAINED, ids=lambda r: f"{r.rule}:{r.text[:40]}")
def test_every_template_has_an_english_text(reason: Reason | Flag, english: Catalog) -> None:
    for key in [*keys(reason.message), *keys(reason.citation)]:
        entry = english.get(key)
        assert entry is not None, f"not in the catalog: {key!r}"
        assert entry.string and not entry.fuzzy, f"no English text for {key!r}"


@pytest.mark.parametrize("reason", EXPLAINED, ids=lambda r: f"{r.rule}:{r.text[:40]}")
def test_reasons_read_in_the_pages_language(app: Flask, reason: Reason | Flag) -> None:
    with app.test_request_context("/"):
        with page_language("en"):
            text, source = render_reason(reason), render_source(reason)
            assert text and source
            assert not VIETNAMESE.search(text), text
            assert not VIETNAMESE.search(source), source
            if isinstance(reason, Reason):  # stored in a decision, it renders the same way
                stored = reason.to_record()
                assert (render_reason(stored), render_source(stored)) == (text, source)
        with page_language("vi"):
            assert render_reason(reason) == reason.text
            assert render_source(reason) == reason.source


def test_english_numbers_levels_and_citations(app: Flask) -> None:
    data = {
        "rulebook": "nd335",
        "year": 2026,
        "general_points": 22.5,
        "period_task_points": [55.5, 60],
    }
    reason = classify(parse_facts(data)).reasons[-1]
    assert reason.rule == "S5"
    assert reason.text.startswith("Tổng điểm 80,25 (tiêu chí chung 22,5")
    with app.test_request_context("/"), page_language("en"):
        assert render_reason(reason) == (
            "Total 80.25 points (general criteria 22.5 + task results 57.75, average of 2 "
            "period(s)): from 70 to under 90 points, Completed tasks well."
        )
        assert render_source(reason) == "Clause 2, Article 20, Decree 335/2025/ND-CP"


def test_an_older_stored_reason_shows_its_text(app: Flask) -> None:
    """A snapshot stored before reasons were messages has only its Vietnamese words."""
    stored = {"rule": "T1", "source": "Khoản 1 Điều 13", "text": "Đáp ứng tiêu chí chung."}
    with app.test_request_context("/"), page_language("en"):
        assert render_reason(stored) == "Đáp ứng tiêu chí chung."
        assert render_source(stored) == "Khoản 1 Điều 13"
        broken = stored | {"message": {"enum": "nothing", "value": 1}}
        assert render_reason(broken) == "Đáp ứng tiêu chí chung."
