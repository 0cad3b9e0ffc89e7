"""Hostile values for form fields, and the checks every fuzzed request must pass.

`posted(kind, valid)` says what one field may carry: values its rules accept, or a hostile value
of the field's kind, a value of another kind, several values, or nothing at all. `form_data`
makes a few fields hostile and keeps the others valid.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from evaluation.core.clock import local_today
from evaluation.core.db import Base
from evaluation.core.text import has_bidi_control, has_visible

MISSING = object()  # the field is left out of the request

LONG = 100_000
SCRIPT = "<script>alert('xss')</script>"
MARKUP_PAYLOADS = [
    SCRIPT,
    f'"><{SCRIPT[1:]}',
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "</textarea><script>alert(2)</script>",
    "javascript:alert(1)",
    "{{ 7*7 }}{% if 1 %}",
    'x" onmouseover=alert(1) y="',
]
SQL_PAYLOADS = [
    "'; DROP TABLE task; --",
    "' OR '1'='1",
    "1; SELECT * FROM user_account",
    '" OR ""="',
    "%' --",
]
ODD_TEXT = ["", " ", "   \n\t ", "%(name)s %s %d {0}", "\u202e\u200b\ufeff", "None", "🙂" * 20]
# Issue 11: invisible-only text, direction overrides and decomposed (NFD) Vietnamese.
INVISIBLE = ["\u200b\u200b", "\u200c\u200d\u2060\ufeff\u00ad", "\u3164", " \u200b\n"]
BIDI_TEXT = ["Hồ sơ \u202etxt.exe", "\u2067Nguyễn\u2069", "a\u202ab\u202c"]
NFD_TEXT = [unicodedata.normalize("NFD", "Tiếp nhận hồ sơ, Nguyễn Thị Ánh Tuyết")]

control_characters = st.characters(min_codepoint=0, max_codepoint=31) | st.just("\x7f")
text_with_controls = st.tuples(st.text(max_size=10), control_characters, st.text(max_size=10)).map(
    "".join
)
long_text = st.sampled_from(
    ["x" * LONG, SCRIPT * (LONG // len(SCRIPT)), "ệ" * LONG, "a" * 301, "b" * 4001, "c" * 81]
)
hostile_text = st.one_of(
    st.sampled_from(MARKUP_PAYLOADS + SQL_PAYLOADS + ODD_TEXT + INVISIBLE + BIDI_TEXT + NFD_TEXT),
    text_with_controls,
    long_text,
    st.text(max_size=30),
)
hostile_number = st.one_of(
    st.sampled_from(
        [
            "NaN",
            "nan",
            "sNaN",
            "-NaN",
            "Infinity",
            "-Infinity",
            "inf",
            "1e309",
            "-1e309",
            "-1",
            "0",
            "-0",
            "1e100",
            "99999999999999999999999999",
            "0.0000001",
            "1,5",
            "1.5.5",
            "0x10",
            "١٢",
            " 7 ",
            "+5",
            "1_000",
            "1e-400",
            "9" * 5000,
        ]
    ),
    st.integers().map(str),
    st.floats().map(str),
    st.decimals().map(str),
)
hostile_date = st.one_of(
    st.sampled_from(
        [
            "0001-01-01",
            "9999-12-31",
            "10000-01-01",
            "2026-02-30",
            "2026-13-01",
            "0000-00-00",
            "31/12/2026",
            "2026-1-1",
            "hôm qua",
            "-2026-01-01",
            "2026-03-10T00:00:00",
            "1970-01-01",
            "2026-03-10; DROP TABLE plan",
        ]
    ),
    st.dates().map(date.isoformat),
)
hostile_choice = st.sampled_from(
    ["", "xuat_sac ", "XUAT_SAC", "can_quyet_dinh", "0", "-1", "None", "closed", "admin", "year"]
)
hostile_id = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["0", "-1", "abc", "1.5", "", "None", "1 OR 1=1"]),
)
HOSTILE = {
    "text": hostile_text,
    "number": hostile_number,
    "int": st.one_of(hostile_id, hostile_number),
    "date": hostile_date,
    "choice": hostile_choice,
    "id": hostile_id,
    "bool": st.sampled_from(["", "n", "false", "0", "off", "y", "yes", "🙂"]),
}
any_hostile = st.one_of(
    *HOSTILE.values(),
    st.lists(st.text(max_size=5), min_size=2, max_size=3),  # the same field posted twice
)
# Names that a form does not have: what mass assignment would reach for.
EXTRA_NAMES = ["id", "status", "person_id", "plan_id", "role", "is_admin", "final_level",
               "version", "csrf_token", "unit_id", "password_hash", "__class__"]  # fmt: skip


@dataclass(frozen=True)
class Posted:
    """What one field may carry: values its rules accept, and anything else."""

    valid: st.SearchStrategy[Any]
    hostile: st.SearchStrategy[Any]


def posted(kind: str, valid: st.SearchStrategy[Any]) -> Posted:
    return Posted(valid, st.one_of(HOSTILE[kind], any_hostile, st.just(MISSING)))


# Text that every text rule accepts and that is hostile all the same: it must come back escaped.
accepted_text = st.one_of(
    st.sampled_from(MARKUP_PAYLOADS + SQL_PAYLOADS + ["%(name)s %s {0}", "🙂 ệ ữ ỹ"]),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
        lambda text: has_visible(text) and not has_bidi_control(text)
    ),
)


@st.composite
def form_data(draw: st.DrawFn, fields: dict[str, Posted]) -> dict[str, Any]:
    """A whole request body: a few fields hostile (or missing), the rest valid, and extras.

    Corrupting a few fields, not each one at random, lets most requests pass validation so
    that the hostile value reaches the service and the page that shows it.
    """
    names = sorted(fields)
    bad = draw(st.sets(st.sampled_from(names), max_size=len(names))) if names else set()
    body = {
        name: value
        for name, value in draw(
            st.dictionaries(
                st.sampled_from(EXTRA_NAMES) | st.text(min_size=1, max_size=8),
                any_hostile,
                max_size=2,
            )
        ).items()
        if name not in fields
    }
    for name in names:
        value = draw(fields[name].hostile if name in bad else fields[name].valid, label=name)
        if value is not MISSING:
            body[name] = value
    return body


# --- what is stored -----------------------------------------------------------------------

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Text columns hold at most what their form allows; String(n) columns say it themselves.
TEXT_MAX = {
    ("leave_record", "note"): 1000,
    ("emulation_decision", "note"): 2000,
    ("emulation_decision", "revoke_reason"): 2000,
}
TEXT_MAX_DEFAULT = 4000
# Columns written by the app itself, not typed by anyone.
NOT_TYPED = {("user_account", "password_hash"), ("audit_record", "old"), ("audit_record", "new")}
# The year close's snapshot: rulebook values the close computed, in tables keyed without an id.
NOT_TYPED |= {("year_close_person", "level"), ("year_close_person", "rulebook"),
              ("year_close_unit", "level")}  # fmt: skip


def stored_text_problems(session: Session) -> list[str]:
    """Every typed text in the database: no control characters, no more than its maximum."""
    problems = []
    for table in Base.metadata.sorted_tables:
        columns = [
            column
            for column in table.columns
            if isinstance(column.type, sa.String)
            and not isinstance(column.type, sa.Enum)
            and (table.name, column.name) not in NOT_TYPED
        ]
        if not columns:
            continue
        for row in session.execute(sa.select(table.c.id, *columns)).mappings():
            for column in columns:
                value = row[column.name]
                if value is None:
                    continue
                limit = column.type.length or TEXT_MAX.get(
                    (table.name, column.name), TEXT_MAX_DEFAULT
                )
                if CONTROL.search(value):
                    problems.append(f"{table.name}.{column.name} #{row['id']}: control character")
                if not unicodedata.is_normalized("NFC", value):
                    problems.append(f"{table.name}.{column.name} #{row['id']}: not NFC")
                if has_bidi_control(value):
                    problems.append(f"{table.name}.{column.name} #{row['id']}: direction control")
                if value and not has_visible(value):
                    problems.append(f"{table.name}.{column.name} #{row['id']}: nothing visible")
                if len(value) > limit:
                    problems.append(f"{table.name}.{column.name} #{row['id']}: {len(value)} chars")
    return problems


def rule_problems(session: Session) -> list[str]:
    """The business rules that forms and services guard, checked on what was stored."""
    problems: list[str] = []

    def check(sql: str, what: str, **params: object) -> None:
        ids = session.execute(sa.text(sql), params).scalars().all()
        if ids:
            problems.append(f"{what}: {ids}")

    check(
        "SELECT id FROM task WHERE trim(title) = '' OR trim(unit_of_measure) = ''",
        "task without a title or unit",
    )
    check(
        "SELECT id FROM task WHERE NOT (target_quantity > 0 AND target_quantity <= 1000000)"
        " OR NOT (weight >= 0.1 AND weight <= 100)"
        " OR NOT (achieved_quantity IS NULL OR achieved_quantity BETWEEN 0 AND 1000000)",
        "task with a quantity or weight out of range",
    )
    check(
        "SELECT task.id FROM task JOIN plan ON plan.id = task.plan_id"
        " WHERE task.deadline < plan.starts_on OR task.deadline > plan.ends_on",
        "task with a deadline outside its plan's period",
    )
    check(  # portable SQL: the suite also runs on PostgreSQL
        "SELECT id FROM task WHERE completed_on > :tomorrow",
        "task completed in the future",
        tomorrow=local_today() + timedelta(days=1),
    )
    check(
        "SELECT id FROM period_score WHERE NOT (general_points BETWEEN 0 AND 30)"
        " OR NOT (task_points BETWEEN 0 AND 70)"
        " OR NOT (organising_pct IS NULL OR organising_pct BETWEEN 0 AND 100)",
        "period score out of range",
    )
    check(
        "SELECT id FROM annual_evaluation WHERE NOT (year BETWEEN 2000 AND 2100)"
        " OR (quota_rank IS NOT NULL AND NOT (quota_rank BETWEEN 1 AND 10000))",
        "annual evaluation out of range",
    )
    check("SELECT id FROM leave_record WHERE ends_on < starts_on", "leave ending before it starts")
    check(
        "SELECT id FROM discipline_record WHERE trim(violation) = ''"
        " OR NOT (counted_in_year IS NULL OR counted_in_year BETWEEN 2000 AND 2100)",
        "discipline record out of range",
    )
    check(
        "SELECT id FROM achievement WHERE NOT (year BETWEEN 2000 AND 2100) OR trim(title) = ''",
        "achievement out of range",
    )
    check(
        "SELECT id FROM emulation_decision WHERE trim(number) = ''",
        "decision without a number",
    )
    return problems


# --- what is shown ------------------------------------------------------------------------

OWN_SCRIPT = re.compile(r'<script src="/static/[^"]+" defer></script>')
INJECTED = re.compile(r"<script|<img src=x|<svg/onload|\"\s*onmouseover=", re.IGNORECASE)


def unescaped_markup(html: str) -> list[str]:
    """Markup from the payloads that reached the page as markup, not as text."""
    return [match.group() for match in INJECTED.finditer(OWN_SCRIPT.sub("", html))]
