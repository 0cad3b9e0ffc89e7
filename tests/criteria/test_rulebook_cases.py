"""Every worked example of tests/criteria/cases.json, through classify() and through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from criteria import InvalidFacts, classify, parse_facts, unit_result
from tests.criteria.cases import CLASSIFY_CASES, UNIT_CASES

# A case whose rule set has no force for the category and year is refused (rules.md §11).
APPLIED = [c for c in CLASSIFY_CASES if "refused" not in c["expect"]]
REFUSED = [c for c in CLASSIFY_CASES if "refused" in c["expect"]]

REPO = Path(__file__).resolve().parents[2]


def run_cli(command: str, payload: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "criteria", command, "-"],
        input=json.dumps(payload, ensure_ascii=False),
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        check=False,
    )


def check_classify(case: dict[str, Any], result: dict[str, Any]) -> None:
    expect = case["expect"]
    assert result["level"] == expect["level"]
    if "rulebook" in expect:
        assert result["rulebook"] == expect["rulebook"]
    for rule in expect["rules_include"]:
        assert rule in result["rules"]
    assert [reason["rule"] for reason in result["reasons"]] == result["rules"]
    for reason in result["reasons"]:
        assert reason["source"] and reason["text"]
    sources = {reason["rule"]: reason["source"] for reason in result["reasons"]}
    for rule, cited in expect.get("source_includes", {}).items():
        assert cited in sources[rule], (rule, sources[rule])
    for cited in expect.get("source_excludes", []):
        assert all(cited not in source for source in sources.values()), sources
    texts = " ".join(reason["text"] for reason in result["reasons"])
    for words in expect.get("text_includes", []):
        assert words in texts, texts
    for words in expect.get("text_excludes", []):
        assert words not in texts, texts


def test_every_case_names_its_rule_and_source_when_new() -> None:
    """The cases added for the law as of December 2026 each name their rule and source."""
    named = [c for c in CLASSIFY_CASES + UNIT_CASES if "rule" in c]
    assert len(named) >= 20
    assert all(c["rule"] and c["source"] for c in named)


def check_unit(case: dict[str, Any], result: dict[str, Any]) -> None:
    expect = case["expect"]
    assert result["quota"]["xuat_sac_allowed"] == expect["xuat_sac_allowed"]
    assert result["quota"]["moved_to_tot"] == expect["moved_to_tot"]
    assert result["quota"]["exceeded"] == expect["exceeded"]
    for person, titles in expect["titles"].items():
        assert result["titles"][person] == titles


@pytest.mark.parametrize("case", APPLIED, ids=[c["name"] for c in APPLIED])
def test_classify_case(case: dict[str, Any]) -> None:
    check_classify(case, classify(parse_facts(case["facts"])).to_dict())


@pytest.mark.parametrize("case", REFUSED, ids=[c["name"] for c in REFUSED])
def test_a_pin_without_force_is_refused(case: dict[str, Any]) -> None:
    with pytest.raises(InvalidFacts) as refused:
        classify(parse_facts(case["facts"]))
    assert refused.value.field == "rulebook"
    assert case["expect"]["refused"] in refused.value.message
    completed = run_cli("classify", case["facts"])
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert case["expect"]["refused"] in completed.stderr


@pytest.mark.parametrize("case", APPLIED, ids=[c["name"] for c in APPLIED])
def test_classify_case_through_cli(case: dict[str, Any]) -> None:
    completed = run_cli("classify", case["facts"])
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    check_classify(case, json.loads(completed.stdout))


def test_classify_cli_takes_a_list_and_keeps_its_order() -> None:
    completed = run_cli("classify", [c["facts"] for c in APPLIED])
    assert completed.returncode == 0, completed.stderr
    results = json.loads(completed.stdout)
    assert [r["level"] for r in results] == [c["expect"]["level"] for c in APPLIED]


def test_classify_cli_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(CLASSIFY_CASES[0]["facts"]), encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "-m", "criteria", "classify", str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["level"] == CLASSIFY_CASES[0]["expect"]["level"]


def test_cli_output_keeps_vietnamese_letters() -> None:
    completed = run_cli("classify", CLASSIFY_CASES[0]["facts"])
    assert "Thực hiện tốt" in completed.stdout


@pytest.mark.parametrize("case", UNIT_CASES, ids=[c["name"] for c in UNIT_CASES])
def test_unit_case(case: dict[str, Any]) -> None:
    check_unit(case, unit_result(case["input"]))


@pytest.mark.parametrize("case", UNIT_CASES, ids=[c["name"] for c in UNIT_CASES])
def test_unit_case_through_cli(case: dict[str, Any]) -> None:
    completed = run_cli("unit", case["input"])
    assert completed.returncode == 0, completed.stderr
    check_unit(case, json.loads(completed.stdout))


def test_unit_result_has_the_contract_keys() -> None:
    result = unit_result(UNIT_CASES[0]["input"])
    assert set(result) == {"quota", "titles", "rules"}
    assert set(result["quota"]) == {
        "xuat_sac_allowed",
        "xuat_sac_proposed",
        "exceeded",
        "moved_to_tot",
    }
    assert result["rules"] == ["Q2", "Q3", "A1", "A2", "A3"]
