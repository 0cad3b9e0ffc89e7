"""Each official form as a document: its read model rendered through its template, and the
answer in the format asked for (print page, PDF or workbook).

Routes authorize first (with the loaders of the existing exports), then call one of these.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask import Response, url_for
from sqlalchemy.orm import Session

from evaluation.core.workbook import xlsx_response
from evaluation.organisation.models import Person, Unit
from evaluation.reports import forms
from evaluation.reports.forms_render import (
    PDF_MIMETYPE,
    Rendered,
    pdf_export,
    render,
    xlsx_export,
)
from evaluation.reports.services import slugify
from evaluation.scoring.models import AnnualEvaluation

FORMATS = ("html", "pdf", "xlsx")


def links(endpoint: str, **values: object) -> dict[str, str]:
    """The print page's links to its own PDF and workbook."""
    return {fmt: url_for(endpoint, fmt=fmt, **values) for fmt in ("pdf", "xlsx")}


def evaluation_form(
    session: Session,
    person: Person,
    year: int,
    evaluation: AnnualEvaluation | None,
    rulebook_result: AnnualEvaluation,
) -> Rendered:
    """The person's form: Mẫu số 01/02/03 of Decree 90, or Decree 335's for civil servants."""
    form = forms.read_evaluation_form(session, person, year, evaluation, rulebook_result)
    return render(
        form.template,
        f"phieu-danh-gia-{year}-{slugify(person.full_name)}",
        f"Phiếu đánh giá {year} - {person.full_name}",
        form=form,
        document_title=f"Phiếu đánh giá {year} - {person.full_name}",
        links=links("reports.evaluation_form", year=year, person_id=person.id),
    )


def meeting_minutes(session: Session, unit: Unit, year: int, today: date) -> Rendered:
    """The minutes of the unit's collective meeting: its own people, not its subtree's."""
    form = forms.read_unit_form(session, unit, year, today, subtree=False)
    return render(
        "forms/minutes.html",
        f"bien-ban-hop-{year}-{slugify(unit.name)}",
        f"Biên bản họp {year} - {unit.name}",
        form=form,
        document_title=f"Biên bản họp {year} - {unit.name}",
        links=links("reports.meeting_minutes", year=year, unit_id=unit.id),
    )


def unit_report(session: Session, unit: Unit, year: int, today: date) -> Rendered:
    """The report of the year's results over the unit and the units below it."""
    form = forms.read_unit_form(session, unit, year, today, subtree=True)
    return render(
        "forms/unit_report.html",
        f"bao-cao-xep-loai-{year}-{slugify(unit.name)}",
        f"Báo cáo xếp loại {year} - {unit.name}",
        form=form,
        document_title=f"Báo cáo xếp loại {year} - {unit.name}",
        links=links("reports.unit_report", year=year, unit_id=unit.id),
    )


def emulation_form(session: Session, units: Sequence[Unit], year: int, today: date) -> Rendered:
    """The emulation page's proposals as the list sent with the proposal (tờ trình)."""
    form = forms.read_emulation_form(session, units, year, today)
    return render(
        "forms/emulation.html",
        f"danh-sach-de-nghi-{year}",
        f"Danh sách đề nghị khen thưởng {year}",
        form=form,
        document_title=f"Danh sách đề nghị khen thưởng {year}",
        links=links("reports.emulation_form", year=year),
    )


def respond(rendered: Rendered, fmt: str, sheet_name: str) -> Response:
    """The print page, the PDF or the workbook of one rendered form."""
    if fmt == "xlsx":
        return xlsx_response(xlsx_export(rendered, sheet_name))
    if fmt == "pdf":
        export = pdf_export(rendered)
        response = xlsx_response(export)  # the same attachment headers, then the PDF's type
        response.mimetype = PDF_MIMETYPE
        return response
    response = Response(rendered.html, mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    return response
