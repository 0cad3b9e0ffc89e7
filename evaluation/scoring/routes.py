"""Pages for period scores and annual evaluations. Views parse, authorize, call a service."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from criteria import GeneralAssessment, Level, decision_deadline
from criteria.procedure import STEPS, Step, can_take
from evaluation.accounts.models import User
from evaluation.core.audit import AuditRecord
from evaluation.core.clock import local_today
from evaluation.core.db import db
from evaluation.core.errors import DomainError
from evaluation.core.forms import ActionForm, ReasonForm, prefix_ids
from evaluation.core.labels import LABELS, in_page_language
from evaluation.core.listing import page_arg, search_arg
from evaluation.core.views import commit, flash_form_errors, refusal_status, show_domain_error
from evaluation.organisation.models import Person, Unit
from evaluation.organisation.permissions import current_viewer
from evaluation.organisation.services import (
    LIST_PAGE_SIZE,
    agency_of,
    count_in_reach,
    pages,
    people_in_reach,
)
from evaluation.plans.decided import decided_years, people_decided
from evaluation.plans.periods import Period, PeriodKind
from evaluation.scoring import forms, periods, procedure, queries
from evaluation.scoring.access import get_evaluation_or_404, rulebook_result
from evaluation.scoring.models import AnnualEvaluation
from evaluation.scoring.permissions import EvaluationAction, can_evaluate, can_score
from evaluation.scoring.quotas import quota_views

blueprint = Blueprint("scoring", __name__)


def _person_or_404(person_id: int) -> Person:
    person = db.session.scalars(
        sa.select(Person).options(joinedload(Person.unit)).where(Person.id == person_id)
    ).first()
    if person is None:
        abort(404)
    return person


# --- period scores ------------------------------------------------------------------------


@blueprint.route("/scoring")
@login_required
def scoring_home() -> ResponseReturnValue:
    if not current_viewer().is_manager:
        abort(403)
    today = local_today()
    return redirect(
        url_for("scoring.scoring_period", key=Period.containing(PeriodKind.MONTH, today).key)
    )


@blueprint.route("/scoring/<period(month,quarter):key>")
@login_required
def scoring_period(key: str) -> ResponseReturnValue:
    viewer = current_viewer()
    if not viewer.is_manager:
        abort(403)
    period = Period.from_key(key)  # the converter let only a month or quarter through
    wanted = PeriodKind.QUARTER if period.kind is PeriodKind.QUARTER else PeriodKind.MONTH
    people = [
        p
        for p in periods.people_to_score(db.session, viewer)
        if periods.scoring_period(p, period.starts_on).kind is wanted
    ]
    rows = queries.scoring_sheet(db.session, people, period)
    return render_template(
        "scoring/period.html",
        period=period,
        rows=rows,
        decided=people_decided(db.session, [p.id for p in people], period.year),
        previous=_neighbour(period, -1),
        following=_neighbour(period, 1),
        quarter=Period.containing(PeriodKind.QUARTER, period.starts_on),
        month=Period.containing(PeriodKind.MONTH, period.starts_on),
        plan_statuses=in_page_language(LABELS["plan_status"]),
    )


def _neighbour(period: Period, step: int) -> Period:
    months = 3 if period.kind is PeriodKind.QUARTER else 1
    index = period.starts_on.year * 12 + period.starts_on.month - 1 + step * months
    first_day = period.starts_on.replace(year=index // 12, month=index % 12 + 1, day=1)
    return Period.containing(period.kind, first_day)


@blueprint.route(
    "/scoring/<period(month,quarter):key>/people/<id:person_id>", methods=["GET", "POST"]
)
@login_required
def score_person(key: str, person_id: int) -> ResponseReturnValue:
    period = Period.from_key(key)  # the converter let only a month or quarter through
    person = _person_or_404(person_id)
    if not can_score(current_viewer(), person):
        abort(403)
    criteria_set = periods.criteria_set_for(person, period.year, period.ends_on)
    criteria = periods.general_criteria(criteria_set)
    result = periods.period_task_result(db.session, person, period)
    score = periods.find_period_score(db.session, person, period)
    form_class = forms.score_form_class(criteria, result.tasks)
    form = form_class(data=_score_defaults(score, result, criteria))
    if form.validate_on_submit():
        try:
            periods.save_period_score(
                db.session,
                person,
                period,
                form.to_input(),
                actor_id=current_user.id,
                seen_version=form.version.data,
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            if commit(_("Đã lưu điểm của %(name)s.", name=person.full_name)):
                return redirect(url_for("scoring.scoring_period", key=period.key))
    leader_nd335 = person.is_leader and criteria_set.rulebook == "nd335"
    computed = periods.computed_task_points(
        db.session, person, period, result, form.organising_pct.data
    )
    status = 422 if request.method == "POST" else 200
    return render_template(
        "scoring/score_form.html",
        form=form,
        person=person,
        period=period,
        criteria_set=criteria_set,
        criteria=criteria,
        result=result,
        computed=computed,
        score=score,
        leader_nd335=leader_nd335,
        decided=bool(decided_years(db.session, person.id, [period.year])),
        pin_refused=periods.pin_refusal(person, period.year),
        rulebook_rows=periods.rulebook_table(),
        rulebook_names=periods.RULEBOOK_NAMES,
    ), status


def _score_defaults(score: Any, result: periods.TaskResult, criteria: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"version": score.version if score else None}
    if score is not None:
        for code, points in score.general_breakdown.items():
            data[f"general_{code}"] = Decimal(points)  # stored as text in JSON
        data["comment"] = score.general_comment
        data["organising_pct"] = score.organising_pct
        if score.adjustment_reason:
            data["task_points"] = score.task_points
            data["adjustment_reason"] = score.adjustment_reason
    for task in result.tasks:
        data[f"quality_{task.id}"] = task.with_quality
        data[f"returns_{task.id}"] = task.major_error_returns
        data[f"delays_{task.id}"] = task.effective_delays
        data[f"cause_{task.id}"] = task.objective_cause
    return data


# --- annual evaluations -------------------------------------------------------------------


@blueprint.route("/evaluations")
@login_required
def evaluations_home() -> ResponseReturnValue:
    return redirect(url_for("scoring.evaluations_year", year=local_today().year))


@blueprint.route("/evaluations/<year:year>")
@login_required
def evaluations_year(year: int) -> ResponseReturnValue:
    viewer = current_viewer()
    search, state = search_arg(), request.args.get("state") or None
    # The list leaves out the viewer's own record (it has its own button), in SQL, so pages hold
    # LIST_PAGE_SIZE people each and the filters count what they show.
    where = sa.and_(
        Person.id != (viewer.person_id or 0),
        queries.evaluation_state(year, state) if state in queries.EVALUATION_STATES else sa.true(),
    )
    total = count_in_reach(db.session, viewer, search=search, where=where)
    page = page_arg(pages(total, LIST_PAGE_SIZE))
    people = people_in_reach(
        db.session, viewer, page=page, search=search, where=where, page_size=LIST_PAGE_SIZE
    )
    rows, flags = queries.evaluation_sheet(db.session, people, year)
    progress: list[queries.AgencyProgress] = []
    if viewer.is_personnel and viewer.reach_paths:  # the units are read for the office alone
        units = db.session.scalars(
            sa.select(Unit).where(Unit.id.in_(viewer.unit_ids_in_reach())).order_by(Unit.path)
        ).all()
        progress = queries.agency_progress(db.session, units, year)
    agencies = [item.agency for item in progress]
    if viewer.is_manager and not agencies:  # a head sees the quota of the agency they are in
        own_unit = db.session.get(Unit, viewer.managed_unit_id)
        agencies = [agency_of(db.session, own_unit)] if own_unit else []
    quotas = [view for view in quota_views(db.session, agencies, year) if view.candidates]
    return render_template(
        "scoring/evaluations.html",
        year=year,
        rows=rows,
        page=page,
        pages=pages(total, LIST_PAGE_SIZE),
        q=search,
        state=state if state in queries.EVALUATION_STATES else None,
        states=queries.EVALUATION_STATES,
        flags=flags,
        published=(
            queries.published_in_unit(db.session, current_user.person.unit_id, year)
            if current_user.person
            else []
        ),
        progress=progress,
        quotas=quotas,
        today=local_today(),
        deadline=decision_deadline(year),
        level_names=in_page_language(LABELS["level"]),
        step_names=in_page_language(LABELS["step"]),
    )


@blueprint.route("/evaluations/<year:year>/people/<id:person_id>")
@login_required
def evaluation_page(year: int, person_id: int) -> ResponseReturnValue:
    return _evaluation_response(year, get_evaluation_or_404(year, person_id).person)


def _evaluation_response(
    year: int, person: Person, submitted: tuple[str, ActionForm] | None = None, status: int = 200
) -> ResponseReturnValue:
    """The evaluation page; after a refusal, the step's form as it was posted, with its errors."""
    evaluation = procedure.find_evaluation(db.session, person.id, year)
    unit = evaluation.unit if evaluation else person.unit
    decider = procedure.competent_decider(db.session, person)
    viewer = current_viewer()
    decider_id = decider.id if decider else None
    result = rulebook_result(person, year, evaluation)
    allowed = {
        action.value
        for action in EvaluationAction
        if can_evaluate(viewer, action, person, unit, decider_id) and _step_open(evaluation, action)
    }
    history = []
    if evaluation is not None:
        history = db.session.execute(
            sa.select(AuditRecord, User)
            .outerjoin(User, AuditRecord.actor_id == User.id)
            .options(joinedload(User.person))
            .where(AuditRecord.object_type == "evaluation", AuditRecord.object_id == evaluation.id)
            .order_by(AuditRecord.at, AuditRecord.id)
        ).all()
    version = evaluation.version if evaluation else None
    step_forms = _step_forms(version, evaluation, result)
    summary: list[ActionForm] = []
    if submitted is not None:
        step, form = submitted
        if step in allowed:
            step_forms[step] = form
            summary.append(form)
        else:  # the step is no longer open here: its form is not shown, so say why on top
            flash_form_errors(form)
    return render_template(
        "scoring/evaluation.html",
        person=person,
        year=year,
        evaluation=evaluation,
        rulebook_result=result,
        decider=decider,
        allowed=allowed,
        open_steps=[step.value for step in STEPS if step.value in allowed],  # P1's order
        history=history,
        flags=queries.person_flags(db.session, person, year),
        pin_refused=periods.pin_refusal(person, year),
        forms=step_forms,
        summary=summary,
    ), status


def _step_open(evaluation: AnnualEvaluation | None, action: EvaluationAction) -> bool:
    if action is EvaluationAction.VIEW:
        return False
    if action is EvaluationAction.REOPEN:
        return evaluation is not None and evaluation.locked
    return can_take(evaluation.step if evaluation else None, Step(action.value))


def _step_forms(
    version: int | None, evaluation: AnnualEvaluation | None, result: AnnualEvaluation
) -> dict[str, ActionForm]:
    proposal_level = (evaluation and evaluation.personnel_level) or result.computed_level
    decision_level = proposal_level if proposal_level.is_ranked else Level.HOAN_THANH
    blank: dict[str, ActionForm] = {
        "self_assessment": forms.SelfAssessmentForm(version=version),
        "collective_comments": forms.CollectiveForm(
            version=version, general=GeneralAssessment.GOOD.value
        ),
        "party_committee_comments": forms.PartyForm(version=version),
        "personnel_proposal": forms.ProposalForm(version=version, level=decision_level.value),
        "decision": forms.DecisionForm(version=version, level=decision_level.value),
        "notification": ActionForm(version=version),
        "petition": forms.PetitionForm(version=version),
        "petition_resolved": forms.ResolutionForm(version=version),
        "reopen": ReasonForm(version=version),
    }
    return {step: prefix_ids(form, step) for step, form in blank.items()}


STEP_FORMS: dict[EvaluationAction, type[ActionForm]] = {
    EvaluationAction.SELF_ASSESS: forms.SelfAssessmentForm,
    EvaluationAction.COLLECTIVE: forms.CollectiveForm,
    EvaluationAction.PARTY: forms.PartyForm,
    EvaluationAction.PROPOSE: forms.ProposalForm,
    EvaluationAction.DECIDE: forms.DecisionForm,
    EvaluationAction.NOTIFY: ActionForm,
    EvaluationAction.PETITION: forms.PetitionForm,
    EvaluationAction.RESOLVE: forms.ResolutionForm,
    EvaluationAction.REOPEN: ReasonForm,
}


def _perform(action: EvaluationAction, form: Any, evaluation: AnnualEvaluation) -> None:
    """Call the service verb of a step with the form's data."""
    common = {"actor_id": current_user.id, "seen_version": form.version.data}
    verbs: dict[EvaluationAction, Callable[[], None]] = {
        EvaluationAction.SELF_ASSESS: lambda: procedure.self_assess(
            db.session, evaluation, report=form.report.data, level=Level(form.level.data), **common
        ),
        EvaluationAction.COLLECTIVE: lambda: procedure.record_collective(
            db.session,
            evaluation,
            minutes=form.minutes.data,
            general=GeneralAssessment(form.general.data),
            **common,
        ),
        EvaluationAction.PARTY: lambda: procedure.record_party_comment(
            db.session, evaluation, comment=form.comment.data, **common
        ),
        EvaluationAction.PROPOSE: lambda: procedure.propose(
            db.session,
            evaluation,
            level=Level(form.level.data),
            comment=form.comment.data,
            rank=form.rank.data,
            **common,
        ),
        EvaluationAction.DECIDE: lambda: procedure.decide(
            db.session,
            evaluation,
            level=Level(form.level.data),
            reason=form.reason.data,
            quota_exception=form.quota_exception.data,
            **common,
        ),
        EvaluationAction.NOTIFY: lambda: procedure.notify(db.session, evaluation, **common),
        EvaluationAction.PETITION: lambda: procedure.petition(
            db.session, evaluation, text=form.text.data, **common
        ),
        EvaluationAction.RESOLVE: lambda: procedure.resolve_petition(
            db.session,
            evaluation,
            resolution=form.resolution.data,
            level=Level(form.level.data) if form.level.data else None,
            **common,
        ),
    }
    verbs[EvaluationAction.REOPEN] = lambda: procedure.reopen(
        db.session, evaluation, reason=form.reason.data, **common
    )
    verbs[action]()


@blueprint.route("/evaluations/<year:year>/people/<id:person_id>/<step>", methods=["POST"])
@login_required
def evaluation_step(year: int, person_id: int, step: str) -> ResponseReturnValue:
    try:
        action = EvaluationAction(step)
    except ValueError:
        abort(404)
    if action is EvaluationAction.VIEW:
        abort(404)
    access = get_evaluation_or_404(year, person_id, action)
    person, existing = access.person, access.evaluation
    form = prefix_ids(STEP_FORMS[action](), action.value)
    if not form.validate_on_submit():
        return _evaluation_response(year, person, (action.value, form), refusal_status())
    try:
        evaluation = existing or procedure.open_evaluation(db.session, person, year)
        _perform(action, form, evaluation)
    except DomainError as error:
        status = show_domain_error(form, error)
        return _evaluation_response(year, person, (action.value, form), status)
    if not commit(_("Đã ghi nhận: %(step)s.", step=_step_label(action))):
        return _evaluation_response(year, person, (action.value, form), 409)
    return redirect(url_for("scoring.evaluation_page", year=year, person_id=person.id))


def _step_label(action: EvaluationAction) -> str:
    if action is EvaluationAction.REOPEN:
        return _("Mở lại hồ sơ đã quyết định")
    return Step(action.value).label
