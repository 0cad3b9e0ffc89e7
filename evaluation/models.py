"""Every model, imported in one place so the metadata is complete (Alembic, tests)."""

from evaluation.accounts.models import AccountRole, User
from evaluation.accounts.sso import SignOnIdentity, SignOnPolicy
from evaluation.api.models import ApiToken
from evaluation.core.audit import AuditRecord
from evaluation.core.jobs import Job, JobState
from evaluation.imports.models import ImportBatch
from evaluation.notifications.models import EmailOptOut, Notification, NotificationEmail
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
from evaluation.rankings.task_counts import CountedYear, TaskCount
from evaluation.records.models import DisciplineRecord, LeaveKind, LeaveRecord
from evaluation.records.satisfaction import SatisfactionRating
from evaluation.rulesets.models import CriteriaSetPin, CriteriaSetVersion, PolicyVersion
from evaluation.scoring.models import AnnualEvaluation, PeriodScore
from evaluation.yearend.models import YearClose, YearClosePerson, YearCloseProposal, YearCloseUnit

__all__ = [
    "AccountRole",
    "Achievement",
    "AchievementKind",
    "AnnualEvaluation",
    "ApiToken",
    "AuditRecord",
    "CountedYear",
    "CriteriaSetPin",
    "CriteriaSetVersion",
    "Delegation",
    "DelegationKind",
    "DisciplineRecord",
    "EmailOptOut",
    "EmulationAward",
    "EmulationDecision",
    "ImportBatch",
    "Job",
    "JobState",
    "LeadershipRole",
    "LeaveKind",
    "LeaveRecord",
    "Notification",
    "NotificationEmail",
    "PeriodScore",
    "Person",
    "Placement",
    "Plan",
    "PlanStatus",
    "PolicyVersion",
    "SatisfactionRating",
    "SignOnIdentity",
    "SignOnPolicy",
    "Task",
    "TaskCount",
    "TaskOutcome",
    "TaskSource",
    "Unit",
    "UnitKind",
    "User",
    "YearClose",
    "YearClosePerson",
    "YearCloseProposal",
    "YearCloseUnit",
]
