"""The command line on invalid input: exit 2, the field named on stderr, nothing on stdout."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run(args: list[str], text: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "criteria", *args],
        input=text,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        check=False,
    )


GOOD = {"rulebook": "nd90", "tasks": [{}]}


@pytest.mark.parametrize(
    ("command", "payload", "field"),
    [
        ("classify", {"general_points": 31}, "general_points"),
        ("classify", {"period_task_points": [50, 71]}, "period_task_points[1]"),
        ("classify", {"months_worked": 13}, "months_worked"),
        ("classify", {"tasks": [{}, {}, {}, {"on_time": "yes"}]}, "tasks[3].on_time"),
        ("classify", {"rulebook": "nd100"}, "rulebook"),
        ("classify", {"category": "cong_nhan"}, "category"),
        ("classify", {"general": "excellent"}, "general"),
        ("classify", {"unit": {"targets_completed_pct": 120}}, "unit.targets_completed_pct"),
        (
            "classify",
            {"unit": {"sub_unit_levels": ["tot", "can_quyet_dinh"]}},
            "unit.sub_unit_levels[1]",
        ),
        (
            "classify",
            {"disciplines": [{"violation": "v1", "form": "khien_trach"}]},
            "disciplines[0].year_effective",
        ),
        (
            "classify",
            {"disciplines": [{"year_effective": 2025, "form": "phat"}]},
            "disciplines[0].form",
        ),
        ("classify", {"month_worked": 12}, "month_worked"),
        ("classify", [GOOD, {"year": "2025"}], "[1].year"),
        ("classify", "facts", "input"),
        ("unit", {"people": [{"id": "a", "level": "gioi"}]}, "people[0].level"),
        (
            "unit",
            {"people": [{"id": "a", "level": "tot"}, {"id": "a", "level": "tot"}]},
            "people[1].id",
        ),
        ("unit", {"quota_pct": -1, "people": []}, "quota_pct"),
        ("unit", {"rulebook": "nd91", "people": []}, "rulebook"),
        ("unit", {}, "people"),
    ],
)
def test_invalid_input(command: str, payload: object, field: str) -> None:
    completed = run([command, "-"], json.dumps(payload))
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert field in completed.stderr


def test_invalid_json() -> None:
    completed = run(["classify", "-"], "{not json")
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert "invalid JSON" in completed.stderr


def test_one_bad_item_prints_nothing() -> None:
    completed = run(["classify", "-"], json.dumps([GOOD, GOOD, {"leader": 1}]))
    assert (completed.returncode, completed.stdout) == (2, "")
    assert "[2].leader" in completed.stderr


@pytest.mark.parametrize("args", [[], ["classify"], ["rank", "-"], ["classify", "-", "x"]])
def test_usage(args: list[str]) -> None:
    completed = run(args, "")
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert "usage" in completed.stderr


def test_missing_file() -> None:
    completed = run(["classify", str(REPO / "no-such-file.json")], "")
    assert (completed.returncode, completed.stdout) == (2, "")
    assert "no-such-file.json" in completed.stderr
