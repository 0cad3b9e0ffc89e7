"""danhgia's rulebook: classification of cadres, civil servants and public employees.

Pure Python (standard library only). Every rule is a small function named by its identifier in
docs/rules.md and returns a reason that names its legal source.
"""

from criteria.classify import Result, classify
from criteria.consequences import Flag, consequences
from criteria.criteria_sets import (
    CriteriaGroup,
    CriteriaSet,
    Criterion,
    choose_criteria_set,
    criteria_set_name,
    list_criteria_sets,
    load_criteria_set,
)
from criteria.emulation import (
    CollectiveFacts,
    Member,
    TitlesOutcome,
    collective_titles,
    individual_titles,
)
from criteria.errors import CriteriaSetError, InvalidFacts
from criteria.facts import Discipline, Facts, TaskFacts, UnitFacts, parse_facts
from criteria.levels import DisciplineForm, GeneralAssessment, Level, StaffCategory, Title
from criteria.policy import DEFAULT_POLICY, Policy
from criteria.procedure import (
    Authority,
    Decider,
    OrgUnit,
    Step,
    UnitType,
    deciding_authority,
    decision_deadline,
    next_steps,
    who_decides,
)
from criteria.quota import Candidate, QuotaException, QuotaOutcome, allowed, apply_quota, places
from criteria.reasons import Reason, Verdict
from criteria.rulebook_table import (
    RULEBOOK_TABLE,
    InForce,
    RulebookNotInForce,
    pin_allowed,
    refusal,
    rulebook_in_force,
)
from criteria.rulebooks import RULEBOOKS, Rulebook, rulebook_family, select_rulebook
from criteria.scoring import (
    PeriodTask,
    PeriodTaskScore,
    general_level_from_points,
    leader_task_points,
    score_period_tasks,
    unit_result_ratio,
    year_task_points,
)
from criteria.unit import UnitInput, UnitOutcome, evaluate_unit, parse_unit_input, unit_result

__all__ = [
    "DEFAULT_POLICY",
    "RULEBOOKS",
    "RULEBOOK_TABLE",
    "Authority",
    "Candidate",
    "CollectiveFacts",
    "CriteriaGroup",
    "CriteriaSet",
    "CriteriaSetError",
    "Criterion",
    "Decider",
    "Discipline",
    "DisciplineForm",
    "Facts",
    "Flag",
    "GeneralAssessment",
    "InForce",
    "InvalidFacts",
    "Level",
    "Member",
    "OrgUnit",
    "PeriodTask",
    "PeriodTaskScore",
    "Policy",
    "QuotaException",
    "QuotaOutcome",
    "Reason",
    "Result",
    "Rulebook",
    "RulebookNotInForce",
    "StaffCategory",
    "Step",
    "TaskFacts",
    "Title",
    "TitlesOutcome",
    "UnitFacts",
    "UnitInput",
    "UnitOutcome",
    "UnitType",
    "Verdict",
    "allowed",
    "apply_quota",
    "choose_criteria_set",
    "classify",
    "collective_titles",
    "consequences",
    "criteria_set_name",
    "deciding_authority",
    "decision_deadline",
    "evaluate_unit",
    "general_level_from_points",
    "individual_titles",
    "leader_task_points",
    "list_criteria_sets",
    "load_criteria_set",
    "next_steps",
    "parse_facts",
    "parse_unit_input",
    "pin_allowed",
    "places",
    "refusal",
    "rulebook_family",
    "rulebook_in_force",
    "score_period_tasks",
    "select_rulebook",
    "unit_result",
    "unit_result_ratio",
    "who_decides",
    "year_task_points",
]
