"""S2–S4 scoring and the policy mapping of general points (rules.md §5)."""

from __future__ import annotations

import pytest

from criteria import (
    DEFAULT_POLICY,
    GeneralAssessment,
    Level,
    PeriodTask,
    general_level_from_points,
    leader_task_points,
    score_period_tasks,
    unit_result_ratio,
    year_task_points,
)


def task(**overrides: object) -> PeriodTask:
    values: dict = {"target_quantity": 10, "achieved_quantity": 10}
    values.update(overrides)
    return PeriodTask(**values)


@pytest.mark.parametrize(
    ("tasks", "quantity", "quality", "progress", "points"),
    [
        ([task()], 100, 100, 100, 70),
        ([task(achieved_quantity=5)], 50, 50, 50, 35),
        ([task(achieved_quantity=15)], 100, 100, 100, 70),  # exceeding counts as 100%
        ([task(major_error_returns=1)], 100, 75, 100, 64.17),
        ([task(major_error_returns=2, delays=1)], 100, 50, 75, 52.5),
        ([task(major_error_returns=5, delays=9)], 100, 0, 0, 23.33),  # floor at 0
        ([task(major_error_returns=2, delays=3, objective_cause=True)], 100, 100, 100, 70),
        ([task(quality_ok=False)], 100, 0, 100, 46.67),
        ([task(weight=3), task(weight=1, delays=4)], 100, 100, 75, 64.17),
        ([task(), task(cancelled=True, achieved_quantity=0)], 100, 100, 100, 70),
        ([task(achieved_quantity=0), task()], 50, 50, 50, 35),
    ],
)
def test_s2_period_scores(
    tasks: list[PeriodTask], quantity: float, quality: float, progress: float, points: float
) -> None:
    score = score_period_tasks(tasks)
    assert (score.quantity_pct, score.quality_pct, score.progress_pct) == (
        quantity,
        quality,
        progress,
    )
    assert score.points == points


def test_s2_standard_units_use_the_coefficient() -> None:
    score = score_period_tasks(
        [task(coefficient=2.5, achieved_quantity=4), task(target_quantity=3, achieved_quantity=3)]
    )
    assert score.assigned_units == 28
    assert score.completed_units == 13
    assert score.tasks_counted == 2


def test_s2_policy_weights() -> None:
    policy = DEFAULT_POLICY.replace(s2_weights=(2, 1, 1))
    assert score_period_tasks([task(delays=4)], policy).points == 52.5


@pytest.mark.parametrize(
    "tasks",
    [[], [task(cancelled=True)]],
)
def test_s2_nothing_to_score(tasks: list[PeriodTask]) -> None:
    with pytest.raises(ValueError, match="no task"):
        score_period_tasks(tasks)


@pytest.mark.parametrize(
    "values",
    [
        {"target_quantity": 0},
        {"achieved_quantity": -1},
        {"weight": 0},
        {"coefficient": 0},
        {"delays": -1},
    ],
)
def test_period_task_rejects_nonsense(values: dict) -> None:
    with pytest.raises(ValueError):
        task(**values)


@pytest.mark.parametrize(
    ("levels", "ratio"),
    [
        ([], 100),
        (["tot", "hoan_thanh", "xuat_sac"], 100),
        (["tot", "khong_hoan_thanh"], 50),
        (["tot", "khong_xep_loai", "can_quyet_dinh"], 100),
    ],
)
def test_s3_unit_result_ratio(levels: list[str], ratio: float) -> None:
    assert unit_result_ratio(Level(level) for level in levels) == ratio


@pytest.mark.parametrize(
    ("own", "unit", "organising", "points"),
    [
        (70, 100, 100, 70),
        (70, 50, 100, 59.5),
        (56, 100, 80, 60.2),
        (0, 0, 0, 0),
    ],
)
def test_s3_leader_task_points(own: float, unit: float, organising: float, points: float) -> None:
    assert leader_task_points(own, unit, organising) == points


def test_s3_rejects_out_of_range() -> None:
    with pytest.raises(ValueError):
        leader_task_points(71, 100, 100)
    with pytest.raises(ValueError):
        leader_task_points(70, 101, 100)


def test_s4_unweighted_mean() -> None:
    assert year_task_points([60, 65, 70, 55]) == 62.5
    with pytest.raises(ValueError):
        year_task_points([])


@pytest.mark.parametrize(
    ("points", "level"),
    [
        (30, GeneralAssessment.GOOD),
        (27, GeneralAssessment.GOOD),
        (26.9, GeneralAssessment.MEET),
        (15, GeneralAssessment.MEET),
        (14.5, GeneralAssessment.FAIL),
        (0, GeneralAssessment.FAIL),
    ],
)
def test_general_level_from_points(points: float, level: GeneralAssessment) -> None:
    assert general_level_from_points(points) is level


@pytest.mark.parametrize(
    "changes",
    [
        {"general_good_min": 10, "general_meet_min": 20},
        {"points_bands": (50, 70, 90)},
        {"s3_weights": (50, 30, 30)},
        {"s2_weights": (0, 0, 0)},
        {"nd90_quota_pct": 120},
        {"quota_rounding": "up"},
    ],
)
def test_policy_rejects_inconsistent_parameters(changes: dict) -> None:
    with pytest.raises(ValueError, match="policy"):
        DEFAULT_POLICY.replace(**changes)
