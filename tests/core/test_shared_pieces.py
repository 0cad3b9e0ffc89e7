"""The pieces two areas share live in core (issue 12), each held here by a table: the free-text
area every form uses (`core.forms.text_area`), the workbook download (`core.workbook`), and the
label table each area fills with its own enumerations' names (`core.labels`)."""

from __future__ import annotations

import enum
import io

import pytest
from flask import Flask

from criteria.levels import DisciplineForm, GeneralAssessment, Level, StaffCategory, Title
from criteria.procedure import Decider, Step
from evaluation.accounts.models import AccountRole
from evaluation.api.models import TokenScope
from evaluation.core.forms import BaseForm, text_area
from evaluation.core.labels import LABELS
from evaluation.core.workbook import XLSX_MIMETYPE, Export, xlsx_response
from evaluation.notifications.models import EventKind
from evaluation.organisation.models import DelegationKind, LeadershipRole, UnitKind
from evaluation.plans.models import PlanStatus, SelfQuality, TaskOutcome, TaskSource


class Note(BaseForm):
    required = text_area("Bắt buộc", required=True, max_length=10)
    optional = text_area("Không bắt buộc", required=False, max_length=10)


@pytest.mark.parametrize(
    ("required", "optional", "errors"),
    [
        ("có", "", set()),
        ("", "", {"required"}),
        ("\u200b", "", {"required"}),  # nothing visible is nothing
        ("x" * 10, "y" * 10, set()),
        ("x" * 11, "y" * 11, {"required", "optional"}),
        ("a\x07b", "c\x00d", {"required", "optional"}),
    ],
    ids=["text", "empty", "invisible", "at the bound", "past the bound", "control characters"],
)
def test_a_text_area_is_required_or_optional_bounded_and_clean(
    app: Flask, required: str, optional: str, errors: set[str]
) -> None:
    with app.test_request_context(
        "/", method="POST", data={"required": required, "optional": optional}
    ):
        form = Note(meta={"csrf": False})
        form.validate()
        assert set(form.errors) == errors


def test_a_download_is_an_attachment_named_twice_and_never_cached(app: Flask) -> None:
    export = Export(io.BytesIO(b"PK\x03\x04"), "nhat-ky-2026-12-01.xlsx", "Nhật ký 01-12-2026.xlsx")
    with app.test_request_context("/"):
        response = xlsx_response(export)
    assert response.mimetype == XLSX_MIMETYPE
    assert response.get_data() == b"PK\x03\x04"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="nhat-ky-2026-12-01.xlsx"; '
        "filename*=UTF-8''Nh%E1%BA%ADt%20k%C3%BD%2001-12-2026.xlsx"
    )
    assert response.headers["Cache-Control"] == "private, no-store"  # personal data
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "enumeration"),
    [
        ("plan_status", PlanStatus),
        ("outcome", TaskOutcome),
        ("source", TaskSource),
        ("self_quality", SelfQuality),
        ("role", LeadershipRole),
        ("unit_kind", UnitKind),
        ("category", StaffCategory),
        ("account_role", AccountRole),
        ("level", Level),
        ("step", Step),
        ("decider", Decider),
        ("general", GeneralAssessment),
        ("discipline_form", DisciplineForm),
        ("title", Title),
        ("delegation_kind", DelegationKind),
        ("token_scope", TokenScope),
        ("event_kind", EventKind),
    ],
)
def test_every_member_of_every_enumeration_has_its_name(
    app: Flask, name: str, enumeration: type[enum.Enum]
) -> None:
    """Each area registers its names beside its models; none is missing or left blank."""
    with app.test_request_context("/"):
        names = {member: str(label) for member, label in LABELS[name].items()}
    assert set(names) == set(enumeration)
    assert all(text.strip() for text in names.values())
    assert len(set(names.values())) == len(names)  # two members never read the same


def test_the_label_table_holds_exactly_the_registered_enumerations() -> None:
    assert set(LABELS) == {
        "plan_status",
        "outcome",
        "source",
        "self_quality",
        "role",
        "unit_kind",
        "category",
        "account_role",
        # the rulebook's enumerations, named in core.labels
        "level",
        "step",
        "decider",
        "general",
        "discipline_form",
        "title",
        # named by the areas of accounts' delegations, the API and the notifications
        "delegation_kind",
        "token_scope",
        "event_kind",
    }
