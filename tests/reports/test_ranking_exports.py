"""The unit ranking sheet and the emulation proposal list: the same ranks and titles as the
pages, numbers as numbers, dangerous names as text, and only for those who see the pages."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest

from criteria import Level, Title
from criteria.emulation import SOURCES, why_granted
from evaluation.accounts.models import AccountRole
from evaluation.core.db import utcnow
from evaluation.organisation.models import LeadershipRole, Unit, UnitKind
from evaluation.plans.models import TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.rankings import emulation
from evaluation.rankings import services as rankings
from evaluation.rankings.models import Achievement, AchievementKind
from evaluation.reports import services as reports
from evaluation.scoring.models import AnnualEvaluation
from tests.rankings.test_unit_results import score, unit_plan
from tests.reports.helpers import find, workbook_of

YEAR = 2026
TODAY = date(2026, 4, 10)
MARCH = Period(PeriodKind.MONTH, YEAR, 3)
FEBRUARY = Period(PeriodKind.MONTH, YEAR, 2)
WHOLE_YEAR = Period(PeriodKind.YEAR, YEAR, 1)
DANGEROUS_UNIT = '=HYPERLINK("http://x","Sở")'
DANGEROUS_PERSON = "=1+2"
SECTIONS = {
    Title.CHIEN_SI_THI_DUA_CO_SO: "I. ",
    Title.LAO_DONG_TIEN_TIEN: "II. ",
    Title.TAP_THE_LAO_DONG_XUAT_SAC: "III. ",
    Title.TAP_THE_LAO_DONG_TIEN_TIEN: "IV. ",
}


@pytest.fixture(autouse=True)
def _today(clock):
    clock(TODAY)


def evaluated(session, person, level: Level, rank: int | None = None) -> AnnualEvaluation:
    evaluation = AnnualEvaluation(
        person=person, year=YEAR, unit_id=person.unit_id, unit=person.unit,
        category=person.category, rulebook="nd90@1", computed_level=level, final_level=level,
        decided_at=utcnow(), quota_rank=rank,
    )  # fmt: skip
    session.add(evaluation)
    return evaluation


@pytest.fixture
def scene(session, make_unit, make_person):
    """A province with two departments (one named like a formula), each with two divisions
    scored in February and March, targets for the year, and decided annual levels."""
    province = make_unit("UBND tỉnh Thử", UnitKind.AGENCY)
    office = make_unit("Văn phòng", parent=province)
    personnel = make_person(office, account_role=AccountRole.PERSONNEL, served_unit=province)
    green = make_unit("Sở Xanh", UnitKind.AGENCY, parent=province)
    dangerous = make_unit(DANGEROUS_UNIT, UnitKind.AGENCY, parent=province)
    done, late = TaskOutcome.DONE_ON_TIME, TaskOutcome.DONE_LATE
    people = {}
    for agency, march_points in ((green, (92, 85)), (dangerous, (70, 60))):
        unit_plan(session, agency, WHOLE_YEAR, [done, done])
        unit_plan(session, agency, MARCH, [done, done, late])
        unit_plan(session, agency, FEBRUARY, [late])
        for number, points in enumerate(march_points, start=1):
            division = make_unit(f"Phòng {number} · {agency.name[:8]}", parent=agency)
            unit_plan(session, division, MARCH, [done] * number + [late])
            unit_plan(session, division, FEBRUARY, [done] * (3 - number))
            member = make_person(division)
            score(session, member, division, MARCH, points)
            score(session, member, division, FEBRUARY, 100 - points // 2)
            evaluated(session, member, Level.TOT, rank=number)
            people[(agency.name, number)] = member
    # Sở Xanh: seven people at tot, one with an initiative (a Chiến sĩ thi đua candidate, A2)
    # and one at hoan_thanh (left out by A1); a formula-like name among them.
    for number in range(5):
        name = DANGEROUS_PERSON if number == 0 else None
        member = make_person(green, name=name)
        score(session, member, green, MARCH, 88)
        evaluated(session, member, Level.TOT)
        people[("green", number)] = member
    session.add(
        Achievement(
            person=people[("green", 1)], year=YEAR, kind=AchievementKind.INITIATIVE,
            title="Số hoá hồ sơ một cửa",
        )
    )  # fmt: skip
    left_out = make_person(green, name="Trần Văn Chưa Đạt")
    evaluated(session, left_out, Level.HOAN_THANH)
    make_person(green, role=LeadershipRole.HEAD, name="Giám đốc Sở Xanh")
    employee = make_person(green, name="Nhân viên")
    session.flush()
    return {"province": province, "personnel": personnel, "employee": employee, "people": people}


def units_of(session, scene) -> list[Unit]:
    """What the personnel office serving the province reaches: the whole tree."""
    import sqlalchemy as sa

    path = scene["province"].path
    return list(session.scalars(sa.select(Unit).where(Unit.path.startswith(path))))


def ranking_tables(ws) -> list[tuple[str, list[list]]]:
    """Each peer group's heading and rows, as the sheet lays them out."""
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    tables = []
    for index, row in enumerate(rows):
        if row[0] == "Hạng":
            body = []
            for below in rows[index + 1 :]:
                if below[1] is None:
                    break
                body.append(below)
            tables.append((rows[index - 1][0], body))
    return tables


def emulation_sections(ws) -> dict[str, list[list]]:
    """The list's sections (I. … V.) by their heading, each with its rows."""
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    sections = {}
    for index, row in enumerate(rows):
        if row[0] == "STT":
            body = []
            for below in rows[index + 1 :]:
                if not isinstance(below[0], int):
                    break
                body.append(below)
            sections[rows[index - 1][0]] = body
    return sections


# --- the unit ranking sheet ---------------------------------------------------------------


@pytest.mark.parametrize("period", [MARCH, WHOLE_YEAR], ids=lambda p: p.key)
def test_ranking_sheet_matches_the_ranking(session, client, login_as, scene, period):
    login_as(scene["personnel"])
    response = client.get(f"/reports/rankings/{period.key}.xlsx")
    assert (
        f'filename="xep-hang-{period.key.lower()}.xlsx"' in response.headers["Content-Disposition"]
    )
    ws = workbook_of(response).active

    units = units_of(session, scene)
    by_id = {unit.id: unit for unit in units}
    results = rankings.unit_results(session, units, period, TODAY)
    before = rankings.unit_results(session, units, rankings.previous_period(period), TODAY)
    groups = rankings.rankings(results, before, by_id)
    titles = {}
    if period.kind is PeriodKind.YEAR:
        agencies = [u for u in units if u.kind is not UnitKind.DIVISION]
        titles = reports.collective_titles_by_unit(
            emulation.proposals(session, agencies, YEAR, results)
        )
        assert titles, "the scene should earn at least one collective title"

    tables = ranking_tables(ws)
    assert len(tables) == len(groups) >= 2
    for (heading, rows), group in zip(tables, groups, strict=True):
        assert group.title_unit is None or group.title_unit.name in heading
        assert len(rows) == len(group.rows)
        for row, ranked in zip(rows, group.rows, strict=True):
            result = ranked.result
            position, name, points, level, completed, late, disciplined, change, title = row
            assert name == result.unit.name
            assert position == (ranked.position or None)
            assert isinstance(position, int | None)
            assert points == pytest.approx(result.score.points)
            assert isinstance(points, int | float)
            assert level == (result.score.level.label if result.score.level else None)
            assert completed == pytest.approx(result.figures.completed_pct / 100)
            assert late == pytest.approx(result.overdue_pct / 100)
            assert disciplined == result.figures.disciplined
            assert change == ranked.change
            expected = ", ".join(t.label for t in titles.get(result.unit.id, ()))
            assert (title or "") == expected
    # the changes since February are real, signed numbers
    if period is MARCH:
        changes = [row[7] for _heading, rows in tables for row in rows]
        assert any(isinstance(change, int) and change != 0 for change in changes)


def test_a_unit_named_like_a_formula_is_text(client, login_as, scene):
    login_as(scene["personnel"])
    ws = workbook_of(client.get(f"/reports/rankings/{YEAR}.xlsx")).active
    cell = find(ws, DANGEROUS_UNIT)
    assert cell.data_type == "s"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


# --- the emulation proposal list ----------------------------------------------------------


def test_emulation_list_matches_the_proposals(session, client, login_as, scene):
    login_as(scene["personnel"])
    response = client.get(f"/reports/emulation/{YEAR}.xlsx")
    assert 'filename="de-nghi-khen-thuong-2026.xlsx"' in response.headers["Content-Disposition"]
    ws = workbook_of(response).active
    sections = emulation_sections(ws)

    units = units_of(session, scene)
    results = rankings.unit_results(session, units, WHOLE_YEAR, TODAY)
    agencies = [u for u in units if u.kind is not UnitKind.DIVISION]
    proposals = emulation.proposals(session, agencies, YEAR, results)

    def section(title: Title) -> list[list]:
        return next(
            rows for heading, rows in sections.items() if heading.startswith(SECTIONS[title])
        )

    for title in emulation.INDIVIDUAL_TITLES:
        granted = {
            e.person.full_name: (p, e)
            for p in proposals
            for e in p.evaluations
            if title in p.titles_of(e)
        }
        rows = section(title)
        assert sorted(row[1] for row in rows) == sorted(granted)
        assert [row[0] for row in rows] == list(range(1, len(rows) + 1))  # STT as numbers
        for row in rows:  # the rulebook's reasons for the title, each with its source
            proposal, evaluation = granted[row[1]]
            member = proposal.members[str(evaluation.person_id)]
            member = dataclasses.replace(member, level=proposal.level_of(evaluation))
            reasons = why_granted(member, title, proposal.outcome.titles)
            assert reasons
            assert row[5] == "\n".join(f"{r.text} Căn cứ: {r.source}." for r in reasons)
    assert section(Title.CHIEN_SI_THI_DUA_CO_SO), "the initiative should earn a Chiến sĩ thi đua"
    assert "sáng kiến" in section(Title.CHIEN_SI_THI_DUA_CO_SO)[0][5]

    for title in emulation.COLLECTIVE_TITLES:
        expected = sorted(
            p.agency.name for p in proposals for t, _reason in p.collective or () if t is title
        )
        rows = section(title)
        assert sorted(row[1] for row in rows) == expected
        assert all(f"Căn cứ: {SOURCES['A5']}" in row[5] for row in rows)

    left_out = next(rows for heading, rows in sections.items() if heading.startswith("V. "))
    reasons = {
        e.person.full_name: p.why_not(e)
        for p in proposals
        for e in p.evaluations
        if p.why_not(e) is not None
    }
    assert reasons["Trần Văn Chưa Đạt"].rule == "A1"
    assert {row[1]: row[5] for row in left_out}.keys() == reasons.keys()
    for row in left_out:
        assert reasons[row[1]].text in row[5]
    # the sheet cites sources, not the rulebook's codes ("A1 (…)" as before)
    texts = [str(c.value) for line in ws.iter_rows() for c in line if c.value is not None]
    assert not [text for text in texts if re.search(r"\bA[1-5] \(", text)]


def test_a_person_named_like_a_formula_is_text(client, login_as, scene):
    login_as(scene["personnel"])
    ws = workbook_of(client.get(f"/reports/emulation/{YEAR}.xlsx")).active
    cell = find(ws, DANGEROUS_PERSON)
    assert cell.data_type == "s"
    assert cell.quotePrefix  # stays text when someone edits it in Excel
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


# --- who may download ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", [f"/reports/rankings/{YEAR}-03.xlsx", f"/reports/emulation/{YEAR}.xlsx"]
)
def test_employees_may_not_download(client, login_as, scene, url):
    login_as(scene["employee"])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    "url", ["/reports/rankings/2026-W11.xlsx", "/reports/rankings/nope.xlsx",
            "/reports/emulation/1999.xlsx"],
)  # fmt: skip
def test_unknown_periods_are_404(client, login_as, scene, url):
    login_as(scene["personnel"])
    assert client.get(url).status_code == 404


def test_the_pages_offer_the_downloads(client, login_as, scene):
    login_as(scene["personnel"])
    ranking = client.get(f"/rankings/{YEAR}-03").get_data(as_text=True)
    assert f'href="/reports/rankings/{YEAR}-03.xlsx"' in ranking
    page = client.get(f"/emulation/{YEAR}").get_data(as_text=True)
    assert f'href="/reports/emulation/{YEAR}.xlsx"' in page
