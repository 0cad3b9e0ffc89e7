"""`rulebook_family`: the one place a rule set's id is cut down to its family, as a table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from criteria import rulebook_family

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("rulebook_id", "family"),
    [
        ("nd90@1", "nd90"),
        ("nd335@1", "nd335"),
        ("nd335@2", "nd335"),
        ("nd90@12", "nd90"),
        ("nd90", "nd90"),  # a pin without version
        ("nd335", "nd335"),
    ],
)
def test_family_of_a_rulebook_id(rulebook_id: str, family: str) -> None:
    assert rulebook_family(rulebook_id) == family


# Cutting an id at "@" anywhere else is a second copy of the rule. The criteria sets' own
# files ("nd335-leader@1") and the facts' parser (which checks the version) are other ids.
ALLOWED = {"criteria/rulebook_table.py", "criteria/criteria_sets.py", "criteria/facts.py"}
CUT_AT_AT = re.compile(r"""\.(split|rsplit|partition|rpartition)\(\s*["']@["']""")


def test_no_rulebook_id_is_cut_outside_rulebook_family() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("criteria", "evaluation", "bench")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if str(path.relative_to(ROOT)) not in ALLOWED
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if CUT_AT_AT.search(line)
    ]
    assert found == []
