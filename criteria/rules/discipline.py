"""D1–D3: which discipline decisions count for the evaluation year (ND48 Art. 1 cl. 1)."""

from __future__ import annotations

from dataclasses import dataclass

from criteria.facts import Discipline, Facts
from criteria.levels import Level
from criteria.reasons import N_, Lower, Message, Reason, Verdict, joined, message
from criteria.rules.sources import DISCIPLINE


@dataclass(frozen=True)
class DisciplineScreen:
    """The decisions that count in the year, and the D2/D3 notes for those that do not."""

    counted: tuple[Discipline, ...]
    notes: tuple[Reason, ...]


def screen_disciplines(f: Facts) -> DisciplineScreen:
    """D2, D3 — ND48 Art. 1 cl. 1: a violation counts once, in the year of its first decision.

    Decisions that take effect before or after the evaluation year do not count for it.
    """
    counted: list[Discipline] = []
    notes: list[Reason] = []
    for decision in f.disciplines:
        if decision.year_effective != f.year:
            continue
        note = d2_already_counted(f, decision) or d3_counted_once(f, decision)
        if note is None:
            counted.append(decision)
        elif note not in notes:
            notes.append(note)
    return DisciplineScreen(tuple(counted), tuple(notes))


def d2_already_counted(f: Facts, decision: Discipline) -> Reason | None:
    """D2 — ND48 Art. 1 cl. 1: a violation that already caused khong_hoan_thanh is not recounted."""
    earlier = [
        d.counted_in_year
        for d in f.disciplines
        if d.violation == decision.violation
        and d.counted_in_year is not None
        and d.counted_in_year < f.year
    ]
    if not earlier:
        return None
    text = message(
        N_(
            "Vi phạm %(violation)s đã là căn cứ xếp loại %(level)s năm %(earlier)s khi chưa có "
            "quyết định kỷ luật: không tính lại vào năm %(year)s."
        ),
        violation=decision.violation,
        level=Level.KHONG_HOAN_THANH,
        earlier=str(min(earlier)),
        year=str(f.year),
    )
    return Reason("D2", DISCIPLINE, text)


def d3_counted_once(f: Facts, decision: Discipline) -> Reason | None:
    """D3 — ND48 Art. 1 cl. 1: Party and State decisions on one violation count in one year only."""
    first = min(d.year_effective for d in f.disciplines if d.violation == decision.violation)
    if first >= f.year:
        return None
    text = message(
        N_(
            "Vi phạm %(violation)s bị xử lý kỷ luật ở nhiều năm: chỉ tính một lần vào năm "
            "%(first)s, năm quyết định đầu tiên có hiệu lực; không tính lại vào năm %(year)s."
        ),
        violation=decision.violation,
        first=str(first),
        year=str(f.year),
    )
    return Reason("D3", DISCIPLINE, text)


def d1_discipline(f: Facts, counted: tuple[Discipline, ...]) -> Verdict | None:
    """D1 — ND48 Art. 1 cl. 1: any Party or administrative discipline in effect in the year."""
    if not counted:
        return None
    text = message(
        N_("%(forms)s, có hiệu lực trong năm %(year)s: xếp loại %(level)s."),
        capitalise=True,
        forms=joined([_describe(d) for d in counted]),
        year=str(f.year),
        level=Level.KHONG_HOAN_THANH,
    )
    return Verdict(Level.KHONG_HOAN_THANH, Reason("D1", DISCIPLINE, text))


def _describe(decision: Discipline) -> Message:
    """E.g. "bị kỷ luật khiển trách (kỷ luật hành chính, vi phạm v1)"."""
    if decision.party:
        template = N_("bị kỷ luật %(form)s (kỷ luật Đảng, vi phạm %(violation)s)")
    else:
        template = N_("bị kỷ luật %(form)s (kỷ luật hành chính, vi phạm %(violation)s)")
    return message(template, form=Lower(decision.form), violation=decision.violation)
