"""The emulation page reads the tree as plain rows (`emulation.tree_units`) and finds each
agency's own units from their paths in one pass (`emulation._outside`): on a generated
province, every agency's proposals and page equal those computed from mapped units."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy.orm import Session

from evaluation.core.labels import LABELS, rule_name
from evaluation.core.reasons import render_reason
from evaluation.demo.generator import Options, generate_province
from evaluation.organisation.models import Unit, UnitKind
from evaluation.organisation.services import agencies_among, path_ids
from evaluation.plans.periods import Period, PeriodKind
from evaluation.rankings import emulation, services

YEAR = 2025
DAY = date(2026, 1, 20)


@pytest.fixture
def province(session: Session, clock: Callable[[date], None]) -> list[Unit]:
    """A generated province of 150 people with its year 2025, seen in January 2026: its
    units, mapped, in the order of their paths."""
    clock(DAY)
    generate_province(session, Options(people=150, years=1, seed=7, last_year=YEAR))
    session.commit()
    return list(session.scalars(sa.select(Unit).order_by(Unit.path)))


def summary(proposal: emulation.Proposal) -> tuple[object, ...]:
    """Everything the page shows of one proposal, with units named by id and name."""
    return (
        proposal.agency.id,
        proposal.rulebook,
        proposal.warning,
        proposal.collective,
        proposal.outcome.reasons,
        [
            (
                e.id,
                e.person.full_name,
                e.unit.id,
                e.unit.name,
                proposal.level_of(e),
                proposal.titles_of(e),
                proposal.why_not(e),
            )
            for e in proposal.evaluations
        ],
    )


def test_tree_units_are_the_mapped_units(session: Session, province: list[Unit]):
    rows = emulation.tree_units(session)
    assert rows == [emulation.TreeUnit(u.id, u.name, u.kind, u.path) for u in province]
    top = province[1]
    within = sa.select(Unit.id).where(Unit.path.startswith(top.path))
    assert [row.id for row in emulation.tree_units(session, within)] == [
        u.id for u in province if u.path.startswith(top.path)
    ]


def test_units_outside_nested_agencies_match_their_paths(province: list[Unit]):
    """The one pass keeps exactly the units with no nested agency on their path."""
    agencies = agencies_among(province)
    rows = list(reversed(province))  # any order: the pass sorts by path
    for agency in agencies:
        nested = emulation._nested([agency], agencies)
        ids = {other.id for other in nested}
        expected = {u.id for u in province if ids.isdisjoint(path_ids(u.path))}
        assert {u.id for u in emulation._outside(rows, nested)} == expected, agency.name
    assert len(agencies) > 3  # nested agencies were there to skip


def test_every_agency_proposes_the_same_from_rows(session: Session, province: list[Unit]):
    """The page's way (rows, the agency's subtree given) against mapped units read by
    `proposals` itself, for every agency of the province."""
    agencies = agencies_among(province)
    rows = emulation.tree_units(session)
    row_agencies = agencies_among(rows)
    year = Period(PeriodKind.YEAR, YEAR, 1)
    proposed = 0
    for agency in agencies:
        subtree = [u for u in province if u.path.startswith(agency.path)]
        results = services.unit_results(session, subtree, year, DAY, only={agency.id})
        mapped = emulation.proposals(session, [agency], YEAR, results, among=agencies)
        row_subtree = [u for u in rows if u.path.startswith(agency.path)]
        row_results = services.unit_results(session, row_subtree, year, DAY, only={agency.id})
        from_rows = emulation.proposals(
            session, [agency], YEAR, row_results, among=row_agencies, known_units=row_subtree
        )
        assert [summary(p) for p in from_rows] == [summary(p) for p in mapped], agency.name
        proposed += sum(len(p.evaluations) for p in mapped)
    assert proposed > 100  # most of the province's people were proposed by some agency


def test_all_agencies_at_once_as_before(session: Session, province: list[Unit]):
    """The reports ask for every agency at once: each person is proposed once, by the
    nearest agency above them."""
    agencies = agencies_among(province)
    everyone = emulation.proposals(session, agencies, YEAR, {}, among=agencies)
    one_by_one = [
        summary(p)
        for agency in agencies
        for p in emulation.proposals(session, [agency], YEAR, {}, among=agencies)
    ]
    assert sorted(map(repr, map(summary, everyone))) == sorted(map(repr, one_by_one))


def shown_rows(page: str) -> list[tuple[str, ...]]:
    """Each person's line on the page: name, unit, level, titles, and the rule and text of
    why no (further) title."""
    rows = re.findall(
        r'<th scope="row">([^<]*)<div class="muted small">([^<]*)</div></th>\s*'
        r'<td><span class="badge level-\w+">([^<]*)</span></td>\s*'
        r'<td class="titles">(.*?)</td>',
        page,
        re.S,
    )
    lines = []
    for name, unit, level, cell in rows:
        titles = re.findall(r'status-approved">([^<]*)<', cell)
        why = re.search(r'data-rule="(\w+)">([^<]*)</strong> ([^<]*)</div>', cell)
        lines.append(
            tuple(html.unescape(text) for text in (name, unit, level, "|".join(titles)))
            + (tuple(html.unescape(text) for text in why.groups()) if why else ())
        )
    return lines


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_page_of_each_agency_lists_its_proposals(
    app, session: Session, province: list[Unit], client, login_as, make_admin, lang: str
):
    """Names, units, levels, titles and the reasons against, in the page's language, for
    every agency; the links to every other agency, the one shown marked."""
    login_as(make_admin())
    client.post("/language", data={"lang": lang})
    agencies = agencies_among(province)
    year = Period(PeriodKind.YEAR, YEAR, 1)
    lines = 0
    for agency in agencies:
        page = client.get(f"/emulation/{YEAR}?agency={agency.id}").get_data(as_text=True)
        subtree = [u for u in province if u.path.startswith(agency.path)]
        results = services.unit_results(session, subtree, year, DAY, only={agency.id})
        with app.test_request_context(), force_locale(lang):
            expected = [
                (
                    e.person.full_name,
                    e.unit.name,
                    str(LABELS["level"][p.level_of(e)]),
                    "|".join(str(LABELS["title"][t]) for t in p.titles_of(e)),
                )
                + (
                    (reason.rule, str(rule_name(reason.rule)), render_reason(reason))
                    if (reason := p.why_not(e))
                    else ()
                )
                for p in emulation.proposals(session, [agency], YEAR, results, among=agencies)
                for e in p.evaluations
            ]
        assert shown_rows(page) == expected, agency.name
        lines += len(expected)
        links = re.findall(r'<a href="/emulation/2025\?agency=(\d+)">', page)
        assert [int(i) for i in links] == [a.id for a in agencies if a.id != agency.id]
        assert f'<strong aria-current="page">{html.escape(agency.name, quote=False)}' in page
    assert lines > 100


def test_agency_links_follow_the_tree_and_the_language(
    app, session: Session, client, login_as, make_admin, make_unit, monkeypatch
):
    """The kept links are keyed by what they show: the same list is rendered once, and a
    renamed, added or re-kinded agency, or another language, shows on the next request."""
    from evaluation.core import page_cache

    store = page_cache.MemoryFragments()
    monkeypatch.setitem(app.extensions, "page_cache", store)
    province = make_unit("Tỉnh", UnitKind.AGENCY)
    communes = [make_unit(f"Xã {n}", UnitKind.COMMUNE, parent=province) for n in range(3)]
    make_unit("Phòng", parent=province)
    session.commit()
    login_as(make_admin())

    def links() -> list[str]:
        page = client.get(f"/emulation/{YEAR}").get_data(as_text=True)
        nav = re.search(r'<nav aria-label="([^"]*)" class="agencies">(.*?)</nav>', page, re.S)
        return [nav.group(1), *re.findall(r"<li>(.*?)</li>", nav.group(2))]

    def link(unit: Unit) -> str:
        return f'<a href="/emulation/{YEAR}?agency={unit.id}">{unit.name}</a>'

    shown = '<strong aria-current="page">Tỉnh</strong>'
    assert links() == ["Cơ quan, đơn vị", shown, *map(link, communes)]
    assert links() == ["Cơ quan, đơn vị", shown, *map(link, communes)]
    assert len(store._items) == 1  # the same list: rendered once

    communes[0].name = "Xã Mới"
    communes[1].kind = UnitKind.DIVISION
    communes.append(make_unit("Xã 3", UnitKind.COMMUNE, parent=province))
    session.commit()
    expected = [shown, link(communes[0]), link(communes[2]), link(communes[3])]
    assert links() == ["Cơ quan, đơn vị", *expected]

    client.post("/language", data={"lang": "en"})
    assert links() == ["Agency or unit", *expected]
    assert len(store._items) == 3


def test_decisions_of_the_agencies_asked_for_in_the_year(
    session: Session, make_unit, make_person, make_admin
):
    """The year's decisions of the agencies asked for, in the order they were decided, with
    their awards; another agency's, or another year's, are not read."""
    from criteria import Title
    from evaluation.rankings.models import EmulationAward, EmulationDecision

    first, second = (make_unit(f"Sở {n}", UnitKind.AGENCY) for n in (1, 2))
    person = make_person(first, name="Đặng Thu Hà")
    recorder = make_admin()

    def decide(number: str, unit: Unit, year: int, day: int) -> EmulationDecision:
        decision = EmulationDecision(
            number=number, decided_on=date(year, 12, day), year=year, unit=unit,
            title=Title.LAO_DONG_TIEN_TIEN, recorded_by_id=recorder.id,
            awards=[EmulationAward(person_id=person.id)],
        )  # fmt: skip
        session.add(decision)
        return decision

    late, early = decide("2/QĐ", first, YEAR, 20), decide("1/QĐ", first, YEAR, 10)
    other = decide("3/QĐ", second, YEAR, 15)
    decide("4/QĐ", first, YEAR - 1, 1)
    session.flush()
    session.expire_all()
    assert emulation.decisions(session, {first.id}, YEAR) == [early, late]
    assert emulation.decisions(session, {first.id, second.id}, YEAR) == [early, other, late]
    assert emulation.decisions(session, set(), YEAR) == []
    assert [
        a.person.full_name for a in emulation.decisions(session, {first.id}, YEAR)[0].awards
    ] == ["Đặng Thu Hà"]
