"""How the two long exports are laid out: a read model in, a finished workbook out.

Nothing here touches the database: each layout takes the frozen record built in
`evaluation.reports.read` and writes it through the sheet helpers of
`evaluation.core.workbook`, so a sheet made by hand in a test is laid out exactly as a real one.
"""

from __future__ import annotations

import io
from datetime import date

from flask_babel import gettext as _

from evaluation.core.labels import rule_name, rulebook_name
from evaluation.core.workbook import Column, Formats, Sheet, new_workbook
from evaluation.reports.read import EmulationList, EvaluationSheet


def evaluation_sheet(data: EvaluationSheet, *, agency_name: str, today: date) -> io.BytesIO:
    """Phiếu đánh giá, xếp loại chất lượng, laid out as the form; section III's points column
    adds up to its "Tổng cộng" because the record's rows do."""
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
    sheet.heading(
        agency_name,
        data.agency,
        data.title,
        " · ".join(filter(None, [data.form_number, _("Năm %(year)d", year=data.year)])),
    )
    sheet.date_line(_("Ngày lập:"), today)

    sheet.section(_("I. THÔNG TIN CÁ NHÂN"))
    sheet.field(_("Họ và tên"), data.full_name)
    sheet.field(_("Ngày sinh"), data.date_of_birth)
    sheet.field(_("Chức vụ, vị trí việc làm"), data.job_position)
    sheet.field(_("Đơn vị công tác"), data.unit)
    sheet.field(_("Đối tượng"), data.category)
    sheet.field(_("Bộ tiêu chí"), data.criteria_set)
    sheet.skip()

    sheet.section(_("II. TỰ ĐÁNH GIÁ"))
    sheet.field(_("Báo cáo tự đánh giá"), data.self_report)
    sheet.field(_("Cá nhân tự xếp loại"), data.self_level)
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
    for row in data.criteria:  # the self-score column is left blank, to be filled by hand
        sheet.table_row(
            [row.group, row.criterion, row.max_points, None, row.points, row.points, None]
        )
    sheet.table_row([_("Tổng cộng"), "", data.max_points, None, None, data.total, None])
    if data.stored:
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
    for period in data.periods:
        sheet.table_row(
            [
                period.label,
                period.adjustment_reason,
                period.general,
                period.computed_task,
                period.task,
                period.total,
                period.tasks,
            ]
        )
    if not data.periods:
        sheet.field(_("Kết quả"), _("Chưa có điểm kỳ nào trong năm."))
    sheet.skip()

    sheet.section(_("V. KẾT QUẢ XẾP LOẠI THEO QUY TẮC"))
    sheet.field(_("Mức theo quy tắc"), data.computed_level)
    sheet.field(_("Tổng điểm"), data.total, "number")
    sheet.field(_("Bộ quy tắc"), str(rulebook_name(data.rulebook)))  # the decree, not "nd335@1"
    sheet.header_row([_("Quy tắc"), _("Căn cứ"), _("Nội dung")], repeat=False)
    for reason in data.reasons:
        sheet.ws.merge_range(sheet.row, 2, sheet.row, sheet.last_col, "", formats.kinds["wrap"])
        row = [str(rule_name(reason.rule)), reason.source, reason.text]  # a name, not "S5"
        sheet.table_row(row, ["text", "wrap", "wrap"])
    sheet.skip()

    sheet.section(_("VI. Ý KIẾN VÀ QUYẾT ĐỊNH"))
    sheet.field(_("Ý kiến của tập thể"), data.collective_minutes)
    sheet.field(_("Đánh giá tiêu chí chung"), data.general_assessment)
    sheet.field(_("Ý kiến của cấp ủy"), data.party_comment)
    sheet.field(_("Đề xuất của tổ chức cán bộ"), data.personnel_proposal)
    sheet.field(_("Mức xếp loại quyết định"), data.final_level)
    if data.decision_reason:
        sheet.field(_("Lý do khác mức theo quy tắc"), data.decision_reason)
    if data.quota_exception_reason:
        sheet.field(_("Ngoại lệ vượt tỷ lệ"), data.quota_exception_reason)
    if data.decided_on:
        sheet.field(_("Ngày quyết định"), data.decided_on, "date")
    sheet.field(_("Người quyết định"), data.decider)

    sheet.footer(today, [_("NGƯỜI TỰ ĐÁNH GIÁ"), _("NGƯỜI LẬP BIỂU"), _("THỦ TRƯỞNG ĐƠN VỊ")])
    book.close()
    return stream


def emulation_list(data: EmulationList, *, agency_name: str, today: date) -> io.BytesIO:
    """Danh sách đề nghị khen thưởng: each section numbered from 1 (STT as numbers), "Không
    có." under an empty one, then the grounds of each agency's outcome."""
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
        _("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM %(year)d", year=data.year),
        _("Danh hiệu thi đua theo Luật Thi đua, khen thưởng 2022 (A1–A5)"),
    )
    sheet.date_line(_("Ngày lập:"), today)
    for index, section in enumerate(data.sections):
        sheet.section(section.heading)
        sheet.header_row(repeat=index == 0)
        for number, row in enumerate(section.rows, start=1):
            sheet.table_row([number, row.name, row.unit, row.agency, row.level, row.text])
        if not section.rows:
            sheet.merged(_("Không có."), formats.italic)
            sheet.skip()
        sheet.skip()

    sheet.section(_("CĂN CỨ"))
    for line in data.grounds:
        sheet.merged(line, formats.kinds["wrap"])
        sheet.ws.set_row(sheet.row, 32)
        sheet.skip()

    sheet.footer(today)
    book.close()
    return stream
