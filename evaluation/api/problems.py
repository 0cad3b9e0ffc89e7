"""Errors of the API as application/problem+json (RFC 9457), with the fields at fault named.

The HTML pages keep their own error pages (`evaluation._register_error_pages`): the
application's handlers ask `is_api_request` and hand API requests here, so one request never
gets the other's kind of answer, whichever layer refused it (routing, a view, the database).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, json, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

API_PREFIX = "/api/"
PROBLEM_TYPE = "application/problem+json"


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def _titles() -> dict[int, str]:
    return {
        400: _("Yêu cầu không hợp lệ."),
        401: _("Cần khoá tích hợp hoặc phiên đăng nhập."),
        403: _("Không có quyền thực hiện thao tác này."),
        404: _("Không tìm thấy."),
        405: _("Phương thức không được hỗ trợ ở địa chỉ này."),
        409: _("Xung đột với dữ liệu hiện có."),
        413: _("Nội dung gửi lên quá lớn."),
        415: _("Nội dung phải là JSON."),
        422: _("Dữ liệu gửi lên không hợp lệ."),
        429: _("Gửi quá nhiều yêu cầu; hãy thử lại sau."),
        500: _("Lỗi hệ thống; dữ liệu không bị thay đổi."),
        503: _("Hệ thống đang bận; dữ liệu chưa được lưu, hãy thử lại sau."),
    }


def problem(
    status: int,
    detail: str | None = None,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _titles().get(status, _titles()[400]),
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body, ensure_ascii=False), status, mimetype=PROBLEM_TYPE)
    response.headers.update(headers or {})
    return response


def field_errors(messages: Any, prefix: str = "") -> list[dict[str, str]]:
    """marshmallow's nested messages ({"body": {"title": ["…"]}}) as a flat list of
    {"field": "title", "message": "…"}; the location (body, query) is not part of the name."""
    found: list[dict[str, str]] = []
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            name = str(key) if key not in ("json", "query", "view_args", "path") else ""
            dotted = f"{prefix}.{name}" if prefix and name else prefix or name
            found.extend(field_errors(value, dotted))
    elif isinstance(messages, list | tuple):
        texts = [str(item) for item in messages if not isinstance(item, Mapping | list)]
        for text in texts:
            found.append({"field": prefix or "_", "message": text})
        for item in messages:
            if isinstance(item, Mapping | list):
                found.extend(field_errors(item, prefix))
    else:
        found.append({"field": prefix or "_", "message": str(messages)})
    return found


def from_http_exception(error: HTTPException) -> Response:
    """An HTTP error raised anywhere under /api/ (webargs' 422 carries its messages)."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = field_errors(data["messages"]) if "messages" in data else None
    if errors is not None:
        errors = [_validation_message(item) for item in errors]
    detail = data.get("message") or getattr(error, "api_detail", None)
    headers = dict(data.get("headers") or {})
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods or [])
    return problem(status, detail, errors=errors, headers=headers)


# marshmallow's English messages, in Vietnamese: the API's messages are read by people too.
def _validation_message(item: dict[str, str]) -> dict[str, str]:
    text = item["message"]
    known = {
        "Missing data for required field.": _("Thiếu trường bắt buộc."),
        "Field may not be null.": _("Trường này không được để trống."),
        "Unknown field.": _("Trường không được hỗ trợ."),
        "Not a valid integer.": _("Phải là số nguyên."),
        "Not a valid number.": _("Phải là số."),
        "Not a valid string.": _("Phải là chuỗi ký tự."),
        "Not a valid date.": _("Phải là ngày dạng yyyy-mm-dd."),
        "Not a valid boolean.": _("Phải là true hoặc false."),
        "Invalid input type.": _("Kiểu dữ liệu không hợp lệ."),
        "Invalid value.": _("Giá trị không hợp lệ."),
        "Special numeric values (nan or infinity) are not permitted.": _("Phải là số hữu hạn."),
    }
    translated = known.get(text)
    if translated is None and text.startswith("Must be one of"):
        translated = _("Giá trị không thuộc danh sách cho phép.")
    if translated is None and text.startswith(("Must be greater", "Must be less", "Must be")):
        translated = _("Giá trị nằm ngoài khoảng cho phép.")
    if translated is None and text.startswith(("Longer than", "Shorter than", "Length must")):
        translated = _("Độ dài không hợp lệ.")
    if translated is None and text.startswith("String does not match"):
        translated = _("Không đúng định dạng.")
    return {"field": item["field"], "message": translated or text}
