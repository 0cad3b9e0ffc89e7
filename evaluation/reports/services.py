"""The exports: what each workbook contains, read from the records the pages show.

Each builder takes loaded, already authorized objects and returns the finished .xlsx as bytes
in a stream; routes only authorize and send. The classification summary reads its rows from a
streamed query (`yield_per`), so a 40 000-person subtree is never held in memory at once.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from criteria import (
    Level,
    StaffCategory,
    Title,
    places,
    score_period_tasks,
)
from criteria.quota import quota_pct
from evaluation.core.labels import LABELS
from evaluation.core.levels import level_in_force_sql
from evaluation.core.workbook import Column, Export, Formats, Sheet, new_workbook
from evaluation.organisation.models import Person, Unit
from evaluation.organisation.services import (
    agencies_among,
    agencies_within,
    agency_of,
    quota_group,
)
from evaluation.plans.models import Plan
from evaluation.plans.periods import Period, PeriodKind
from evaluation.rankings import emulation
from evaluation.rankings import services as rankings
from evaluation.rankings.emulation import Proposal
from evaluation.reports import layout, read
from evaluation.rulesets import services as rulesets
from evaluation.scoring import periods, procedure, snapshot
from evaluation.scoring.models import AnnualEvaluation

SUMMARY_CHUNK = 1000
# The levels in the order an office reports them; "to be decided" only shows when present.
LEVEL_ORDER = (
    Level.XUAT_SAC,
    Level.TOT,
    Level.HOAN_THANH,
    Level.KHONG_HOAN_THANH,
    Level.KHONG_XEP_LOAI,
    Level.CAN_QUYET_DINH,
)


# --- file names ---------------------------------------------------------------------------


def slugify(text: str) -> str:
    """ASCII for a file name: "Phòng Kinh tế" → "phong-kinh-te" (đ has no decomposition)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "danhgia"


def _export(stream: io.BytesIO, prefix: str, key: str, name: str, display: str) -> Export:
    stream.seek(0)
    return Export(stream, f"{prefix}-{slugify(key)}-{slugify(name)}.xlsx", f"{display}.xlsx")


def _category_label(category: StaffCategory) -> str:
    return str(LABELS["category"][category])


# --- 1. the individual evaluation sheet ---------------------------------------------------


def evaluation_sheet(
    session: Session,
    person: Person,
    year: int,
    evaluation: AnnualEvaluation | None,
    rulebook_result: AnnualEvaluation,
    *,
    agency_name: str,
    today: date,
) -> Export:
    """Phiếu đánh giá, xếp loại chất lượng: what the evaluation page shows, laid out as the form.

    `rulebook_result` is the page's: the decided evaluation, or the rulebook's on today's records.
    A decided evaluation prints the points it was decided on (its snapshot), and the points
    column of section III always adds up to its "Tổng cộng".
    """
    data = read.read_evaluation_sheet(session, person, year, evaluation, rulebook_result)
    return _export(
        layout.evaluation_sheet(data, agency_name=agency_name, today=today),
        "phieu-danh-gia",
        str(year),
        person.full_name,
        _("Phiếu đánh giá %(year)d - %(name)s", year=year, name=person.full_name),
    )


# --- 2. the unit classification summary ---------------------------------------------------


def summary_query(unit: Unit, year: int) -> sa.Select:
    """One row per evaluation held in the subtree (E4: the unit at evaluation time)."""
    return (
        sa.select(
            Person.full_name,
            Unit.name,
            AnnualEvaluation.category,
            Person.job_position,
            AnnualEvaluation.computed_points,
            AnnualEvaluation.final_level,
            AnnualEvaluation.computed_level,
            AnnualEvaluation.decided_at,
        )
        .join(Person, AnnualEvaluation.person_id == Person.id)
        .join(Unit, AnnualEvaluation.unit_id == Unit.id)
        .where(AnnualEvaluation.year == year, Unit.path.startswith(unit.path))
        .order_by(Unit.path, AnnualEvaluation.leader.desc(), Person.full_name, Person.id)
    )


def summary_rows(
    session: Session, unit: Unit, year: int, chunk_size: int = SUMMARY_CHUNK
) -> Iterable[sa.Row]:
    """The summary's rows, fetched `chunk_size` at a time (a server-side cursor on PostgreSQL)."""
    result = session.execute(
        summary_query(unit, year).execution_options(yield_per=chunk_size, stream_results=True)
    )
    for partition in result.partitions():
        yield from partition


@dataclass(frozen=True)
class QuotaWarning:
    """An agency's quota group (Q1–Q4) with more excellent levels than it has places for."""

    agency: Unit
    rulebook: str
    excellent: int
    at_tot: int
    allowed: int
    pct: float


def quota_warnings(session: Session, unit: Unit, year: int) -> list[QuotaWarning]:
    """The exceeded quota groups touching the subtree, from counts grouped in SQL.

    The same groups and levels as `quotas.quota_views` (the page's quota cards): each
    evaluation counts for the nearest agency above its unit, per rule-set family, at its
    expected level. Counting in SQL keeps a 40 000-person export from loading every
    evaluation the way the page's view of one agency does.
    """
    top = agency_of(session, unit)
    known = {**agencies_within(session, [top]), top.id: top}
    policy = rulesets.policy_in_force(session, date(year, 12, 31))
    expected = level_in_force_sql(AnnualEvaluation)
    rows = session.execute(
        sa.select(Unit.path, AnnualEvaluation.rulebook, expected, sa.func.count())
        .join(Unit, AnnualEvaluation.unit_id == Unit.id)
        .where(AnnualEvaluation.year == year, Unit.path.startswith(top.path))
        .group_by(Unit.path, AnnualEvaluation.rulebook, expected)
    ).all()
    excellent: Counter[tuple[int, str]] = Counter()
    at_tot: Counter[tuple[int, str]] = Counter()
    for path, rulebook, level, count in rows:
        key = quota_group(path, rulebook, known)
        if Level(level) is Level.XUAT_SAC:
            excellent[key] += count
        elif Level(level) is Level.TOT:
            at_tot[key] += count
    warnings = []
    for key in sorted(excellent):
        agency, family = known[key[0]], key[1]
        if not (agency.contains(unit) or unit.contains(agency)):
            continue  # a sibling agency's quota is not this subtree's business
        pct = quota_pct(family, policy)
        limit = places(at_tot[key], excellent[key], pct, policy.quota_rounding)
        if excellent[key] > limit:
            warnings.append(QuotaWarning(agency, family, excellent[key], at_tot[key], limit, pct))
    return warnings


def classification_summary(
    session: Session,
    unit: Unit,
    year: int,
    *,
    agency_name: str,
    today: date,
    chunk_size: int = SUMMARY_CHUNK,
) -> Export:
    """Tổng hợp kết quả đánh giá, xếp loại: one row per person, then counts per level and
    category, and a warning where the excellent quota (Q1–Q4) is exceeded."""
    stream = io.BytesIO()
    book = new_workbook(stream)
    formats = Formats(book)
    columns = [
        Column(_("STT"), 6, "integer"),
        Column(_("Họ và tên"), 28),
        Column(_("Đơn vị"), 30, "wrap"),
        Column(_("Đối tượng"), 14),
        Column(_("Chức vụ, vị trí việc làm"), 28, "wrap"),
        Column(_("Tổng điểm"), 11, "number"),
        Column(_("Mức xếp loại"), 30, "wrap"),
        Column(_("Ngày quyết định"), 14, "date"),
    ]
    sheet = Sheet(book, formats, _("Tổng hợp xếp loại"), columns)
    sheet.heading(
        agency_name,
        unit.name,
        _("TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM %(year)d", year=year),
        _("Đơn vị: %(unit)s (gồm các đơn vị trực thuộc)", unit=unit.name),
    )
    sheet.date_line(_("Ngày lập:"), today)
    sheet.header_row()
    by_level: Counter[Level] = Counter()
    by_category: Counter[tuple[StaffCategory, Level]] = Counter()
    per_category: Counter[StaffCategory] = Counter()
    number = 0
    for row in summary_rows(session, unit, year, chunk_size):
        number += 1
        level = row.final_level or row.computed_level
        by_level[level] += 1
        by_category[(row.category, level)] += 1
        per_category[row.category] += 1
        label = (
            level.label if row.final_level else _("%(level)s (chưa quyết định)", level=level.label)
        )
        sheet.table_row(
            [
                number,
                row.full_name,
                row.name,
                _category_label(row.category),
                row.job_position,
                row.computed_points,
                label,
                row.decided_at,
            ]
        )
    if number == 0:
        sheet.merged(_("Chưa có hồ sơ đánh giá nào trong năm."), formats.italic)
        sheet.skip()
    sheet.skip()

    categories = [c for c in StaffCategory if per_category[c]]
    sheet.section(_("THỐNG KÊ THEO MỨC XẾP LOẠI VÀ ĐỐI TƯỢNG"))
    labels = [_("Mức xếp loại"), _("Số người"), _("Tỷ lệ")]
    for category in categories:
        labels += [_category_label(category), _("Tỷ lệ")]
    sheet.header_row(labels, repeat=False)
    if len(labels) > len(columns):  # the per-category columns run past the people's table
        sheet.ws.set_column(len(columns), len(labels) - 1, 14)
    kinds = ["wrap", "integer", "percent"] + ["integer", "percent"] * len(categories)
    for level in LEVEL_ORDER:
        if level is Level.CAN_QUYET_DINH and not by_level[level]:
            continue
        values: list[object] = [level.label, by_level[level], _share(by_level[level], number)]
        for category in categories:
            count = by_category[(category, level)]
            values += [count, _share(count, per_category[category])]
        sheet.table_row(values, kinds)
    totals: list[object] = [_("Tổng số"), number, 1.0 if number else 0.0]
    for category in categories:
        totals += [per_category[category], 1.0]
    sheet.table_row(totals, kinds)

    for warning in quota_warnings(session, unit, year):
        sheet.merged(
            _(
                "Cảnh báo: %(agency)s (%(rulebook)s) có %(proposed)d người Hoàn thành xuất "
                "sắc nhiệm vụ, vượt %(allowed)d chỉ tiêu (không quá %(pct)s%% số Hoàn thành "
                "tốt nhiệm vụ).",
                agency=warning.agency.name,
                rulebook=warning.rulebook,
                proposed=warning.excellent,
                allowed=warning.allowed,
                pct=f"{warning.pct:g}",
            ),
            formats.warning,
        )
        sheet.ws.set_row(sheet.row, 32)
        sheet.skip()

    sheet.footer(today)
    book.close()
    return _export(
        stream,
        "xep-loai",
        str(year),
        unit.name,
        _("Xếp loại %(year)d - %(unit)s", year=year, unit=unit.name),
    )


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


# --- 3. the period report -----------------------------------------------------------------


def plan_report(session: Session, plan: Plan, *, agency_name: str, today: date) -> Export:
    """A person's or a unit's plan for any period, with each task's result and the S2 points."""
    stream = io.BytesIO()
    book = new_workbook(stream)
    formats = Formats(book)
    columns = [
        Column(_("STT"), 6, "integer"),
        Column(_("Nhiệm vụ, sản phẩm"), 40, "wrap"),
        Column(_("Nguồn giao"), 16, "wrap"),
        Column(_("Đơn vị tính"), 12),
        Column(_("Khối lượng giao"), 12, "number"),
        Column(_("Trọng số"), 10, "number"),
        Column(_("Hạn hoàn thành"), 14, "date"),
        Column(_("Kết quả"), 18, "wrap"),
        Column(_("Khối lượng đạt"), 12, "number"),
        Column(_("Ngày hoàn thành"), 14, "date"),
        Column(_("Minh chứng"), 30, "wrap"),
    ]
    sheet = Sheet(book, formats, _("Kế hoạch"), columns)
    owner = plan.person.full_name if plan.person else plan.unit.name
    sheet.heading(
        agency_name,
        plan.unit.name,
        _("KẾ HOẠCH VÀ KẾT QUẢ THỰC HIỆN NHIỆM VỤ %(period)s", period=plan.period.label.upper()),
        owner,
    )
    sheet.date_line(_("Ngày lập:"), today)
    sheet.field(_("Người thực hiện") if plan.person else _("Đơn vị"), owner)
    if plan.person:
        sheet.field(_("Chức vụ, vị trí việc làm"), plan.person.job_position)
    sheet.field(_("Từ ngày"), plan.starts_on, "date")
    sheet.field(_("Đến ngày"), plan.ends_on, "date")
    sheet.field(_("Trạng thái"), str(LABELS["plan_status"][plan.status]))
    sheet.skip()
    sheet.header_row()
    for number, task in enumerate(plan.tasks, start=1):
        sheet.table_row(
            [
                number,
                task.title + (f"\n{task.description}" if task.description else ""),
                str(LABELS["source"][task.source]),
                task.unit_of_measure,
                task.target_quantity,
                task.weight,
                task.deadline,
                str(LABELS["outcome"][task.outcome]) if task.outcome else _("Chưa báo cáo"),
                task.achieved_quantity,
                task.completed_on,
                task.evidence,
            ]
        )
    sheet.skip()

    counts = plan.task_counts(today)
    sheet.section(_("TỔNG HỢP"))
    sheet.field(_("Số nhiệm vụ"), counts.total, "integer")
    sheet.field(_("Đã hoàn thành"), counts.completed, "integer")
    sheet.field(_("Quá hạn chưa hoàn thành"), counts.overdue, "integer")
    scorable = [periods.to_period_task(task) for task in plan.tasks]
    if any(not task.cancelled for task in scorable):
        result = score_period_tasks(scorable)
        sheet.field(_("Tỷ lệ khối lượng (%)"), result.quantity_pct, "number")
        sheet.field(_("Tỷ lệ chất lượng (%)"), result.quality_pct, "number")
        sheet.field(_("Tỷ lệ tiến độ (%)"), result.progress_pct, "number")
        sheet.field(_("Điểm kết quả nhiệm vụ (tối đa 70)"), result.points, "number")
    if plan.person and plan.period_kind in (PeriodKind.MONTH, PeriodKind.QUARTER):
        score = periods.find_period_score(session, plan.person, plan.period)
        general, task = (score.general_points, score.task_points) if score else (None, None)
        decided = _decided_points(session, plan.person, plan.period.year)
        if decided is not None:  # a decided year prints what its decision read
            found = next((p for p in decided.periods if p.period == plan.period), None)
            general, task = (found.general, found.task) if found else (None, None)
        if score is not None or decided is not None:
            sheet.field(_("Điểm tiêu chí chung (lãnh đạo chấm)"), general, "number")
            sheet.field(_("Điểm kết quả nhiệm vụ được công nhận"), task, "number")
            sheet.field(_("Nhận xét của lãnh đạo"), score.general_comment if score else None)

    sheet.footer(today)
    book.close()
    return _export(
        stream,
        "ke-hoach",
        plan.period.key,
        owner,
        _("Kế hoạch %(period)s - %(owner)s", period=plan.period.key, owner=owner),
    )


def _decided_points(session: Session, person: Person, year: int) -> snapshot.YearPoints | None:
    """The year's points as its decided evaluation stored them; None while undecided.

    A decision whose stored facts no longer name its periods (taken before snapshots, its
    scores changed since) leaves a period's points blank rather than print today's.
    """
    evaluation = procedure.find_evaluation(session, person.id, year)
    if evaluation is None or not evaluation.locked:
        return None
    return snapshot.points_of(session, evaluation, person, periods.criteria_set_for(person, year))


# --- 4. the unit ranking sheet ------------------------------------------------------------


def collective_titles_by_unit(proposals: Sequence[Proposal]) -> dict[int, tuple[Title, ...]]:
    """The collective titles (A5) proposed for each agency, over all its rule-set families."""
    titles: dict[int, list[Title]] = {}
    for proposal in proposals:
        own = titles.setdefault(proposal.agency.id, [])
        own.extend(title for title, _reason in proposal.collective or () if title not in own)
    return {unit_id: tuple(found) for unit_id, found in titles.items() if found}


def unit_ranking(
    session: Session, units: Sequence[Unit], period: Period, *, agency_name: str, today: date
) -> Export:
    """Xếp hạng đơn vị: the ranking page's peer groups, row for row, with the collective title
    proposed where the period is a year (titles are only proposed for a year's results)."""
    by_id = {unit.id: unit for unit in units}
    results = rankings.unit_results(session, units, period, today)
    previous = rankings.unit_results(session, units, rankings.previous_period(period), today)
    groups = rankings.rankings(results, previous, by_id)
    titles: dict[int, tuple[Title, ...]] = {}
    if period.kind is PeriodKind.YEAR:
        agencies = agencies_among(units)
        titles = collective_titles_by_unit(
            emulation.proposals(session, agencies, period.year, results)
        )

    stream = io.BytesIO()
    book = new_workbook(stream)
    formats = Formats(book)
    columns = [
        Column(_("Hạng"), 7, "integer"),
        Column(_("Đơn vị"), 34, "wrap"),
        Column(_("Điểm"), 10, "number"),
        Column(_("Mức"), 26, "wrap"),
        Column(_("Chỉ tiêu hoàn thành"), 13, "percent"),
        Column(_("Trễ hạn"), 10, "percent"),
        Column(_("Kỷ luật"), 9, "integer"),
        Column(_("So với kỳ trước"), 11, "change"),
        Column(_("Danh hiệu thi đua đề nghị"), 30, "wrap"),
    ]
    sheet = Sheet(book, formats, _("Xếp hạng đơn vị"), columns)
    sheet.heading(
        agency_name,
        None,
        _("KẾT QUẢ XẾP HẠNG ĐƠN VỊ %(period)s", period=period.label.upper()),
        _("So với %(before)s", before=rankings.previous_period(period).label),
    )
    sheet.date_line(_("Ngày lập:"), today)
    for index, group in enumerate(groups):
        heading = str(LABELS["unit_kind"][group.kind])
        if group.title_unit is not None:
            heading += f" · {group.title_unit.name}"
        sheet.section(heading)
        sheet.header_row(repeat=index == 0)
        for row in group.rows:
            result = row.result
            sheet.table_row(
                [
                    row.position or None,
                    result.unit.name,
                    result.score.points,
                    result.score.level.label if result.score.level else None,
                    result.figures.completed_pct / 100,
                    result.overdue_pct / 100,
                    result.figures.disciplined,
                    row.change,
                    ", ".join(title.label for title in titles.get(result.unit.id, ())),
                ]
            )
        sheet.skip()
    if not groups:
        sheet.merged(
            _("Không có nhóm đơn vị nào để xếp hạng trong phạm vi phụ trách."), formats.italic
        )
        sheet.skip()

    sheet.footer(today)
    book.close()
    stream.seek(0)
    return Export(
        stream,
        f"xep-hang-{slugify(period.key)}.xlsx",
        _("Xếp hạng đơn vị %(period)s", period=period.key) + ".xlsx",
    )


# --- 5. the emulation proposal list -------------------------------------------------------


def emulation_list(
    session: Session, units: Sequence[Unit], year: int, *, agency_name: str, today: date
) -> Export:
    """Danh sách đề nghị khen thưởng: people and collectives proposed for each title with the
    criteria they meet, then those left out with the rule that stopped them (A1–A5)."""
    data = read.read_emulation_list(session, units, year, today)
    stream = layout.emulation_list(data, agency_name=agency_name, today=today)
    stream.seek(0)
    return Export(
        stream,
        f"de-nghi-khen-thuong-{year}.xlsx",
        _("Đề nghị khen thưởng %(year)d", year=year) + ".xlsx",
    )
