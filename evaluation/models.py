"""Every model, imported in one place so the metadata is complete (Alembic, tests)."""

from evaluation.accounts.models import AccountRole, User
from evaluation.core.audit import AuditRecord
from evaluation.imports.models import ImportBatch
from evaluation.organisation.models import (
    Delegation,
    DelegationKind,
    LeadershipRole,
    Person,
    Placement,
    Unit,
    UnitKind,
)
from evaluation.plans.models import Plan, PlanStatus, Task, TaskOutcome, TaskSource
from evaluation.rankings.models import (
    Achievement,
    AchievementKind,
    EmulationAward,
    EmulationDecision,
)
from evaluation.records.models import DisciplineRecord, LeaveKind, LeaveRecord
from evaluation.scoring.models import AnnualEvaluation, PeriodScore

__all__ = [
    "AccountRole",
    "Achievement",
    "AchievementKind",
    "AnnualEvaluation",
    "AuditRecord",
    "Delegation",
    "DelegationKind",
    "DisciplineRecord",
    "EmulationAward",
    "EmulationDecision",
    "ImportBatch",
    "LeadershipRole",
    "LeaveKind",
    "LeaveRecord",
    "PeriodScore",
    "Person",
    "Placement",
    "Plan",
    "PlanStatus",
    "Task",
    "TaskOutcome",
    "TaskSource",
    "Unit",
    "UnitKind",
    "User",
]
