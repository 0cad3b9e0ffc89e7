"""The repository stands alone: no file in it reads or points to a path outside the clone.

Issue 11 §1: three test modules once read `../shared/domain/cases.json` and failed to collect in
a clone with nothing beside it. The case tables are project data now (`tests/criteria/cases.json`)
and the contract is `docs/classify-contract.md`; this test keeps it so.
"""

from __future__ import annotations

import re
import subprocess

from tests.conftest import ROOT
from tests.criteria.cases import CLASSIFY_CASES, UNIT_CASES

# `../shared`, or a path built by climbing out of the repository to a sibling `shared` folder.
OUTSIDE = re.compile(r"\.\./shared|[\"']shared[\"']\s*/|parents\[[3-9]\]|REPO\.parent\b")


def _tracked_text_files() -> list[str]:
    """Every file git would commit, text or not (binary files are skipped when read)."""
    return subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()


def test_no_file_reaches_outside_the_repository() -> None:
    offenders = []
    for name in _tracked_text_files():
        path = ROOT / name
        if not path.is_file() or name == "tests/test_stands_alone.py":
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        offenders += [
            f"{name}:{n}" for n, line in enumerate(text.splitlines(), 1) if OUTSIDE.search(line)
        ]
    assert offenders == []


def test_the_case_tables_and_the_contract_are_in_the_repository() -> None:
    assert len(CLASSIFY_CASES) >= 15 and len(UNIT_CASES) >= 1
    contract = (ROOT / "docs" / "classify-contract.md").read_text(encoding="utf-8")
    assert "python -m criteria classify" in contract
    assert "docs/classify-contract.md" in (ROOT / "README.md").read_text(encoding="utf-8")
