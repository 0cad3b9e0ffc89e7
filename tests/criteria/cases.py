"""The worked examples of the rulebook, kept in the repository (`cases.json` beside this file).

They were copied from the project's domain notes (`shared/domain/cases.json`, the cases written
alongside rules.md from Decree 90/2020, Decree 48/2023 and Decree 335/2025); this copy is the one
the tests read, so a clone passes on its own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CASES: dict[str, list[dict[str, Any]]] = json.loads(
    (Path(__file__).with_name("cases.json")).read_text(encoding="utf-8")
)
CLASSIFY_CASES = CASES["classify"]
UNIT_CASES = CASES["unit"]
