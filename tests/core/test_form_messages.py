"""WTForms ships no Vietnamese: its own messages ("This field is required.") come from ours.

A refused records form once showed "This field is required." under its Vietnamese labels.
`core.forms.WTFORMS_MESSAGES` answers every message WTForms can raise, with the same
placeholders; the English catalog gives WTForms' own English back.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import wtforms
from babel.messages.pofile import read_po
from flask_babel import force_locale

from evaluation.accounts.models import AccountRole
from evaluation.core.forms import WTFORMS_MESSAGES, WTFormsMessages
from evaluation.organisation.models import UnitKind
from evaluation.records.models import LeaveRecord

PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[sd]")


def wtforms_messages() -> list[tuple[str, str | None]]:
    """Every (message, plural) WTForms itself can raise, from the catalog template it ships."""
    with (Path(wtforms.__file__).parent / "locale" / "wtforms.pot").open("rb") as handle:
        catalog = read_po(handle)
    return [(m.id, None) if isinstance(m.id, str) else (m.id[0], m.id[1]) for m in catalog if m.id]


@pytest.mark.parametrize(("message", "plural"), wtforms_messages())
def test_every_wtforms_message_has_ours_with_the_same_placeholders(app, message, plural):
    assert message in WTFORMS_MESSAGES
    translations = WTFormsMessages()
    with app.test_request_context(), force_locale("vi"):
        if plural:
            ours = translations.ngettext(message, plural, 2)
        else:
            ours = translations.gettext(message)
        assert ours != message  # Vietnamese, not WTForms' English
        assert sorted(PLACEHOLDER.findall(ours)) == sorted(PLACEHOLDER.findall(message))
    # English pages read WTForms' own English (where two messages share one Vietnamese text,
    # the catalog gives one of them back).
    same_text = {
        english
        for english, vietnamese in WTFORMS_MESSAGES.items()
        if vietnamese._args == WTFORMS_MESSAGES[message]._args
    }
    with app.test_request_context(), force_locale("en"):
        assert translations.gettext(message) in same_text


def test_a_refused_records_form_speaks_vietnamese(session, login_as, make_unit, make_person):
    agency = make_unit("Sở Nội vụ", UnitKind.AGENCY)
    staff = make_person(make_unit("Phòng Công chức", parent=agency))
    personnel = make_person(
        make_unit("Phòng Tổ chức", parent=agency),
        account_role=AccountRole.PERSONNEL,
        served_unit=agency,
    )
    client = login_as(personnel)
    before = session.query(LeaveRecord).count()
    response = client.post(f"/people/{staff.id}/records/leave", data={"leave-kind": "maternity"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This field is required." not in html
    assert html.count("Cần nhập mục này.") >= 2  # both dates, beside the field and at the top
    assert session.query(LeaveRecord).count() == before
