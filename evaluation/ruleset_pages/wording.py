"""The problems of a set (`criteria.set_data.SetProblem`) and the policy's parameters in
words: what is wrong, and where; what each parameter changes."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from criteria.set_data import SetProblem

FIELD_NAMES = {
    "title": _l("tên bộ tiêu chí"),
    "name": _l("tên"),
    "code": _l("mã"),
    "description": _l("mô tả"),
    "source": _l("căn cứ"),
}


def problem_text(problem: SetProblem, data: Any) -> str:
    """One sentence: where, then what is wrong."""
    where = _where(problem, data)
    what = _what(problem)
    return f"{where}: {what}" if where else what


def _where(problem: SetProblem, data: Any) -> str:
    if problem.group is None:
        return ""
    groups = data.get("groups") if isinstance(data, dict) else None
    group = groups[problem.group] if isinstance(groups, list) else {}
    group_name = group.get("name") if isinstance(group, dict) else None
    label = (
        _("Nhóm “%(name)s”", name=group_name)
        if group_name
        else _("Nhóm thứ %(n)d", n=problem.group + 1)
    )
    if problem.criterion is None:
        return label
    criteria = group.get("criteria") if isinstance(group, dict) else None
    item = criteria[problem.criterion] if isinstance(criteria, list) else {}
    code = item.get("code") if isinstance(item, dict) else None
    if isinstance(code, str) and code.strip():
        return _("%(group)s, tiêu chí %(code)s", group=label, code=code)
    return _("%(group)s, tiêu chí thứ %(n)d", group=label, n=problem.criterion + 1)


def _what(problem: SetProblem) -> str:
    values = problem.values
    kind = problem.kind
    if kind == "missing_text":
        return _("thiếu %(field)s", field=FIELD_NAMES.get(values.get("field"), values.get("field")))
    if kind == "group_ceilings":
        return _(
            "điểm tối đa của các nhóm phải là 30 điểm tiêu chí chung và 70 điểm kết quả "
            "thực hiện nhiệm vụ (hiện là %(general)s và %(tasks)s)",
            general=_points(values.get("general")),
            tasks=_points(values.get("tasks")),
        )
    if kind == "criteria_total":
        return _(
            "điểm tối đa của các tiêu chí cộng lại là %(total)s, phải bằng điểm tối đa của "
            "nhóm (%(max)s)",
            total=_points(values.get("total")),
            max=_points(values.get("max")),
        )
    if kind == "bands_order":
        return _(
            "ngưỡng điểm các mức phải giảm dần trong khoảng 0–100: Xuất sắc > Tốt > Hoàn thành"
        )
    if kind == "duplicate_codes":
        return _("mã tiêu chí bị trùng: %(codes)s", codes=", ".join(values.get("codes", ())))
    return {
        "not_an_object": _("dữ liệu không phải là một bộ tiêu chí"),
        "bad_name": _("mã bộ tiêu chí chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang"),
        "bad_version": _("phiên bản phải là số nguyên dương"),
        "bad_rulebook": _("chưa chọn văn bản áp dụng (Nghị định 90 hoặc Nghị định 335)"),
        "bad_applies_to": _("chưa ghi đối tượng áp dụng"),
        "bad_categories": _("đối tượng áp dụng phải có ít nhất một nhóm cán bộ hợp lệ"),
        "bad_leader": _("chưa ghi bộ tiêu chí dành cho lãnh đạo hay không"),
        "bad_groups": _("danh sách nhóm tiêu chí không hợp lệ"),
        "no_criteria": _("nhóm chưa có tiêu chí nào"),
        "bad_criterion": _("tiêu chí không hợp lệ"),
        "bad_range": _("điểm tối đa phải là số lớn hơn 0"),
        "bad_bands": _("ngưỡng điểm phải gồm ba số"),
    }.get(kind, _("dữ liệu không hợp lệ"))


def _points(value: Any) -> str:
    if value is None:
        return "—"
    number = float(value)
    return f"{number:g}".replace(".", ",")


# What each editable parameter changes, shown next to it (rules.md marks them policy).
POLICY_EFFECTS = {
    "nd90_quota_pct": _l(
        "Tỷ lệ tối đa được xếp loại Hoàn thành xuất sắc nhiệm vụ, tính trên số được xếp loại "
        "Hoàn thành tốt nhiệm vụ (Nghị định 90/48). Theo Nghị định 335, luật định tỷ lệ này là "
        "20%, không đổi ở đây. Giảm tỷ lệ làm ít người được giữ mức Xuất sắc hơn."
    ),
    "quota_rounding": _l(
        "Cách làm tròn số người được xếp loại Xuất sắc: làm tròn xuống (mặc định) hay làm tròn "
        "thông thường (từ 0,5 trở lên thì tăng)."
    ),
    "quota_base": _l(
        "Tỷ lệ tính trên số người Hoàn thành tốt sau khi quyết định, hay trên số đó cộng cả số "
        "người được đề nghị Xuất sắc."
    ),
    "chien_si_cap": _l(
        "Có giới hạn số Chiến sĩ thi đua cơ sở theo tỷ lệ số Lao động tiên tiến của đơn vị hay "
        "không."
    ),
    "chien_si_cap_pct": _l(
        "Số Chiến sĩ thi đua cơ sở tối đa, tính theo phần trăm số Lao động tiên tiến."
    ),
    "s3_weights": _l(
        "Nghị định 335: trọng số (phần trăm, cộng lại 100) của kết quả công việc cá nhân, kết "
        "quả của đơn vị và năng lực tổ chức trong 70 điểm nhiệm vụ của người lãnh đạo."
    ),
    "points_may_fail": _l(
        "Nghị định 90: điểm số thấp có tự đưa đến mức Không hoàn thành nhiệm vụ hay không. Mặc "
        "định không, vì Nghị định 90 liệt kê đầy đủ các căn cứ của mức này."
    ),
}
