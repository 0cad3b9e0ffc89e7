"""The exports: what each workbook contains, read from the records the pages show.

Each builder takes loaded, already authorized objects and returns the finished .xlsx as bytes
in a stream; routes only authorize and send. The classification summary reads its rows from a
streamed query (`yield_per`), so a 40 000-person subtree is never held in memory at once.
"""

from __future__ import annotations

import dataclasses
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
    DEFAULT_POLICY,
    Level,
    Reason,
    StaffCategory,
    Title,
    load_criteria_set,
    places,
    score_period_tasks,
)
from criteria.emulation import why_granted
from criteria.quota import quota_pct
from evaluation.core.labels import LABELS
from evaluation.core.levels import level_in_force_sql
from evaluation.organisation.models import Person, Unit
from evaluation.organisation.services import agencies_among, agencies_within, quota_group
from evaluation.plans.models import Plan
from evaluation.plans.periods import Period, PeriodKind
from evaluation.rankings import emulation
from evaluation.rankings import services as rankings
from evaluation.rankings.emulation import Proposal
from evaluation.reports.workbook import Column, Formats, Sheet, new_workbook
from evaluation.scoring import services as scoring
from evaluation.scoring import snapshot
from evaluation.scoring.models import AnnualEvaluation

SUMMARY_CHUNK = 1000
FORM_NUMBERS = {
    StaffCategory.CAN_BO: "01",
    StaffCategory.CONG_CHUC: "02",
    StaffCategory.VIEN_CHUC: "03",
}
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


@dataclass(frozen=True)
class Export:
    """A finished workbook and the names to download it under (ASCII and Vietnamese)."""

    stream: io.BytesIO
    filename: str
    display_name: str


def _export(stream: io.BytesIO, prefix: str, key: str, name: str, display: str) -> Export:
    stream.seek(0)
    return Export(stream, f"{prefix}-{slugify(key)}-{slugify(name)}.xlsx", f"{display}.xlsx")


def _category_label(category: StaffCategory) -> str:
    return str(LABELS["category"][category])


# --- 1. the individual evaluation sheet ---------------------------------------------------


def _form_title(category: StaffCategory) -> tuple[str, str]:
    """Mẫu số 01/02/03 (rules.md P4) and the form's title for the person's category."""
    titles = {
        StaffCategory.CAN_BO: _("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÁN BỘ"),
        StaffCategory.CONG_CHUC: _("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC"),
        StaffCategory.VIEN_CHUC: _("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG VIÊN CHỨC"),
        StaffCategory.NGUOI_LAO_DONG: _("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NGƯỜI LAO ĐỘNG"),
    }
    number = FORM_NUMBERS.get(category)
    return (_("Mẫu số %(n)s", n=number) if number else ""), titles[category]


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
    category = evaluation.category if evaluation else person.category
    unit = evaluation.unit if evaluation else person.unit
    form_number, title = _form_title(category)
    points = snapshot.points_of(
        session, rulebook_result, person, scoring.criteria_set_for(person, year)
    )
    criteria_set = load_criteria_set(points.criteria_set)
    stream = io.BytesIO()
    book = new_workbook(stream)
    formats = Formats(book)
    columns = [
        Column(_("Nội dung"), 34, "wrap"),
        Column(_("Tiêu chí"), 40, "wrap"),
        Column(_("Điểm tối đa"), 12, "number"),
        Column(_("Cá nhân tự chấm"), 14, "number"),
        Column(_("Lãnh đạo chấm"), 14, "number"),
        Column(_("Điểm được công nhận"), 14, "number"),
        Column(_("Số nhiệm vụ"), 12, "integer"),
    ]
    sheet = Sheet(book, formats, _("Phiếu đánh giá"), columns)
    agency = scoring.agency_of(session, unit)
    sheet.heading(
        agency_name,
        agency.name,
        title,
        " · ".join(filter(None, [form_number, _("Năm %(year)d", year=year)])),
    )
    sheet.date_line(_("Ngày lập:"), today)

    sheet.section(_("I. THÔNG TIN CÁ NHÂN"))
    sheet.field(_("Họ và tên"), person.full_name)
    sheet.field(_("Ngày sinh"), person.date_of_birth)
    sheet.field(_("Chức vụ, vị trí việc làm"), person.job_position)
    sheet.field(_("Đơn vị công tác"), unit.name)
    sheet.field(_("Đối tượng"), _category_label(category))
    sheet.field(_("Bộ tiêu chí"), f"{criteria_set.title} ({criteria_set.id})")
    sheet.skip()

    sheet.section(_("II. TỰ ĐÁNH GIÁ"))
    sheet.field(_("Báo cáo tự đánh giá"), evaluation.self_report if evaluation else None)
    self_level = evaluation.self_level if evaluation else None
    sheet.field(_("Cá nhân tự xếp loại"), self_level.label if self_level else None)
    sheet.skip()

    sheet.section(_("III. ĐIỂM THEO TIÊU CHÍ (bình quân các kỳ trong năm)"))
    sheet.header_row(
        [
            _("Nhóm"),
            _("Tiêu chí"),
            _("Điểm tối đa"),
            _("Cá nhân tự chấm"),
            _("Lãnh đạo chấm"),
            _("Điểm được công nhận"),
            "",
        ],
        repeat=False,
    )
    # No self-scores are kept: that column is left for the person to fill in by hand. Each
    # group's points are printed once, on its criteria where they are known one by one, else
    # on a "Cộng nhóm" row, so the points column adds up to the total.
    for group in criteria_set.groups:
        if group.code == "general":
            known = points.criteria
            group_points = points.general
        else:  # task results are scored as a whole from the plans (S2)
            single = len(group.criteria) == 1
            known = (
                {group.criteria[0].code: points.task} if single and points.task is not None else {}
            )
            group_points = points.task
        for criterion in group.criteria:
            value = known.get(criterion.code)
            sheet.table_row(
                [
                    group.name,
                    f"{criterion.code}. {criterion.name}",
                    criterion.max_points,
                    None,
                    value,
                    value,
                    None,
                ],
            )
        if not known and group_points is not None:
            total_row = [group.name, _("Cộng nhóm"), group.max_points, None, group_points]
            sheet.table_row([*total_row, group_points, None])
    sheet.table_row([_("Tổng cộng"), "", criteria_set.max_points, None, None, points.total, None])
    if points.stored:
        sheet.merged(
            _("Điểm đã dùng khi quyết định xếp loại, lưu cùng quyết định."), formats.italic
        )
    sheet.skip()

    sheet.section(_("IV. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THEO KỲ"))
    sheet.header_row(
        [
            _("Kỳ"),
            _("Lý do điều chỉnh điểm"),
            _("Điểm tiêu chí chung"),
            _("Điểm tính từ kế hoạch"),
            _("Điểm kết quả nhiệm vụ"),
            _("Tổng điểm"),
            _("Số nhiệm vụ"),
        ],
        repeat=False,
    )
    for period_points in points.periods:
        period = period_points.period
        sheet.table_row(
            [
                period.label if period else _("Kỳ thứ %(n)d", n=period_points.number),
                period_points.adjustment_reason,
                period_points.general,
                period_points.computed_task,
                period_points.task,
                period_points.total,
                period_points.tasks,
            ]
        )
    if not points.periods:
        sheet.field(_("Kết quả"), _("Chưa có điểm kỳ nào trong năm."))
    sheet.skip()

    sheet.section(_("V. KẾT QUẢ XẾP LOẠI THEO QUY TẮC"))
    sheet.field(_("Mức theo quy tắc"), rulebook_result.computed_level.label)
    sheet.field(_("Tổng điểm"), points.total, "number")
    sheet.field(_("Bộ quy tắc"), points.rulebook)
    sheet.header_row([_("Quy tắc"), _("Căn cứ"), _("Nội dung")], repeat=False)
    for reason in rulebook_result.computed_reasons:
        sheet.ws.merge_range(sheet.row, 2, sheet.row, sheet.last_col, "", formats.kinds["wrap"])
        sheet.table_row(
            [reason.get("rule", ""), reason.get("source", ""), reason.get("text", "")],
            ["text", "wrap", "wrap"],
        )
    sheet.skip()

    sheet.section(_("VI. Ý KIẾN VÀ QUYẾT ĐỊNH"))
    general = evaluation.general_assessment if evaluation else None
    personnel_level = evaluation.personnel_level if evaluation else None
    sheet.field(_("Ý kiến của tập thể"), evaluation.collective_minutes if evaluation else None)
    sheet.field(_("Đánh giá tiêu chí chung"), general.label if general else None)
    sheet.field(_("Ý kiến của cấp ủy"), evaluation.party_comment if evaluation else None)
    sheet.field(
        _("Đề xuất của tổ chức cán bộ"),
        " — ".join(
            filter(
                None,
                [
                    personnel_level.label if personnel_level else None,
                    evaluation.personnel_comment if evaluation else None,
                ],
            )
        )
        or None,
    )
    final = evaluation.final_level if evaluation else None
    sheet.field(_("Mức xếp loại quyết định"), final.label if final else _("Chưa quyết định"))
    if evaluation and evaluation.decision_reason:
        sheet.field(_("Lý do khác mức theo quy tắc"), evaluation.decision_reason)
    if evaluation and evaluation.quota_exception_reason:
        sheet.field(_("Ngoại lệ vượt tỷ lệ"), evaluation.quota_exception_reason)
    if evaluation and evaluation.decided_at:
        sheet.field(_("Ngày quyết định"), evaluation.decided_at, "date")
        decider = evaluation.decided_by.display_name if evaluation.decided_by else None
    else:
        competent = scoring.competent_decider(session, person)
        decider = competent.full_name if competent else None
    sheet.field(_("Người quyết định"), decider)

    sheet.footer(today, [_("NGƯỜI TỰ ĐÁNH GIÁ"), _("NGƯỜI LẬP BIỂU"), _("THỦ TRƯỞNG ĐƠN VỊ")])
    book.close()
    return _export(
        stream,
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

    The same groups and levels as `scoring.quota_views` (the page's quota cards): each
    evaluation counts for the nearest agency above its unit, per rule-set family, at its
    expected level. Counting in SQL keeps a 40 000-person export from loading every
    evaluation the way the page's view of one agency does.
    """
    top = scoring.agency_of(session, unit)
    known = {**agencies_within(session, [top]), top.id: top}
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
        pct = quota_pct(family)
        limit = places(at_tot[key], excellent[key], pct, DEFAULT_POLICY.quota_rounding)
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
    scorable = [scoring.to_period_task(task) for task in plan.tasks]
    if any(not task.cancelled for task in scorable):
        result = score_period_tasks(scorable)
        sheet.field(_("Tỷ lệ khối lượng (%)"), result.quantity_pct, "number")
        sheet.field(_("Tỷ lệ chất lượng (%)"), result.quality_pct, "number")
        sheet.field(_("Tỷ lệ tiến độ (%)"), result.progress_pct, "number")
        sheet.field(_("Điểm kết quả nhiệm vụ (tối đa 70)"), result.points, "number")
    if plan.person and plan.period_kind in (PeriodKind.MONTH, PeriodKind.QUARTER):
        score = scoring.find_period_score(session, plan.person, plan.period)
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
    evaluation = scoring.find_evaluation(session, person.id, year)
    if evaluation is None or not evaluation.locked:
        return None
    return snapshot.points_of(session, evaluation, person, scoring.criteria_set_for(person, year))


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


def criteria_met(proposal: Proposal, evaluation: AnnualEvaluation, title: Title) -> str:
    """Why the person was granted an individual title: the rulebook's reasons (A1–A3), one a
    line, each with its source (`criteria.emulation.why_granted`)."""
    member = proposal.members.get(str(evaluation.person_id))
    if member is None:  # not classified or awaiting a decision: no title to explain
        return ""
    member = dataclasses.replace(member, level=proposal.level_of(evaluation))
    reasons = why_granted(member, title, proposal.outcome.titles)
    return "\n".join(_cited(reason) for reason in reasons)


def _cited(reason: Reason) -> str:
    """A reason as the emulation list prints it: its words, then its source (no rule code)."""
    return f"{reason.text} " + _("Căn cứ: %(source)s.", source=reason.source)


def emulation_list(
    session: Session, units: Sequence[Unit], year: int, *, agency_name: str, today: date
) -> Export:
    """Danh sách đề nghị khen thưởng: people and collectives proposed for each title with the
    criteria they meet, then those left out with the rule that stopped them (A1–A5)."""
    results = rankings.unit_results(session, units, Period(PeriodKind.YEAR, year, 1), today)
    agencies = agencies_among(units)
    proposals = emulation.proposals(session, agencies, year, results)

    stream = io.BytesIO()
    book = new_workbook(stream)
    formats = Formats(book)
    columns = [
        Column(_("STT"), 6, "integer"),
        Column(_("Họ và tên, tập thể"), 28, "wrap"),
        Column(_("Đơn vị"), 28, "wrap"),
        Column(_("Cơ quan xét"), 26, "wrap"),
        Column(_("Mức xếp loại"), 26, "wrap"),
        Column(_("Tiêu chí đáp ứng"), 60, "wrap"),
    ]
    sheet = Sheet(book, formats, _("Đề nghị khen thưởng"), columns)
    sheet.heading(
        agency_name,
        None,
        _("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM %(year)d", year=year),
        _("Danh hiệu thi đua theo Luật Thi đua, khen thưởng 2022 (A1–A5)"),
    )
    sheet.date_line(_("Ngày lập:"), today)
    first = True

    def table(heading: str) -> None:
        nonlocal first
        sheet.section(heading)
        sheet.header_row(repeat=first)
        first = False

    roman = ("I", "II", "III", "IV", "V")
    for number, title in enumerate(
        (
            Title.CHIEN_SI_THI_DUA_CO_SO,
            Title.LAO_DONG_TIEN_TIEN,
            Title.TAP_THE_LAO_DONG_XUAT_SAC,
            Title.TAP_THE_LAO_DONG_TIEN_TIEN,
        )
    ):
        table(_("%(n)s. DANH HIỆU %(title)s", n=roman[number], title=title.label.upper()))
        count = 0
        for proposal in proposals:
            if title in emulation.INDIVIDUAL_TITLES:
                for evaluation in proposal.evaluations:
                    if title in proposal.titles_of(evaluation):
                        count += 1
                        sheet.table_row(
                            [
                                count,
                                evaluation.person.full_name,
                                evaluation.unit.name,
                                _agency_label(proposal),
                                proposal.level_of(evaluation).label,
                                criteria_met(proposal, evaluation, title),
                            ]
                        )
            else:
                for collective, reason in proposal.collective or ():
                    if collective is title:
                        count += 1
                        level = _unit_level(results.get(proposal.agency.id))
                        sheet.table_row(
                            [
                                count,
                                proposal.agency.name,
                                proposal.agency.name,
                                _agency_label(proposal),
                                level,
                                _cited(reason),
                            ]
                        )
        if not count:
            sheet.merged(_("Không có."), formats.italic)
            sheet.skip()
        sheet.skip()

    table(_("%(n)s. CHƯA ĐỀ NGHỊ HOẶC CHƯA ĐỦ ĐIỀU KIỆN", n=roman[4]))
    count = 0
    for proposal in proposals:
        for evaluation in proposal.evaluations:
            reason = proposal.why_not(evaluation)
            held = proposal.titles_of(evaluation)
            if reason is None and held:
                continue  # proposed for every title within reach
            count += 1
            text = (
                _cited(reason)
                if reason
                else _("Chưa xếp loại hoặc đang chờ quyết định: chưa xét danh hiệu.")
            )
            if held:
                text = (
                    _("Đề nghị %(titles)s.", titles=", ".join(t.label for t in held)) + " " + text
                )
            sheet.table_row(
                [
                    count,
                    evaluation.person.full_name,
                    evaluation.unit.name,
                    _agency_label(proposal),
                    proposal.level_of(evaluation).label,
                    text,
                ]
            )
    if not count:
        sheet.merged(_("Không có."), formats.italic)
        sheet.skip()
    sheet.skip()

    sheet.section(_("CĂN CỨ"))
    for proposal in proposals:
        for reason in proposal.outcome.reasons:
            sheet.merged(
                f"{_agency_label(proposal)} · {_cited(reason)}",
                formats.kinds["wrap"],
            )
            sheet.ws.set_row(sheet.row, 32)
            sheet.skip()

    sheet.footer(today)
    book.close()
    stream.seek(0)
    return Export(
        stream,
        f"de-nghi-khen-thuong-{year}.xlsx",
        _("Đề nghị khen thưởng %(year)d", year=year) + ".xlsx",
    )


def _agency_label(proposal: Proposal) -> str:
    return f"{proposal.agency.name} ({proposal.rulebook})"


def _unit_level(result: rankings.UnitResult | None) -> str | None:
    if result is None or result.score.level is None:
        return None
    return result.score.level.label
