"""Pages for work plans: my plans, one plan, its tasks and results, and a manager's unit."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from evaluation.core.clock import local_today
from evaluation.core.converters import FIRST_YEAR, LAST_YEAR
from evaluation.core.db import db
from evaluation.core.errors import DomainError
from evaluation.core.forms import ActionForm, ReasonForm
from evaluation.core.labels import LABELS, in_page_language
from evaluation.core.listing import enum_arg, page_arg, search_arg
from evaluation.core.views import commit, flash_form_errors, refusal_status, show_domain_error
from evaluation.organisation.models import Person
from evaluation.organisation.permissions import current_viewer
from evaluation.organisation.services import (
    LIST_PAGE_SIZE,
    count_in_reach,
    pages,
    people_in_reach,
)
from evaluation.plans import evidence, services
from evaluation.plans.decided import plan_decided_year
from evaluation.plans.forms import (
    NO_CHOICE,
    AssignTaskForm,
    EvidenceFileForm,
    ExternalTaskForm,
    NewPlanForm,
    ResultForm,
    ReturnForm,
    TaskForm,
)
from evaluation.plans.models import (
    EVIDENCE_FILE_MAX_BYTES,
    EvidenceFile,
    Plan,
    PlanStatus,
    Task,
)
from evaluation.plans.periods import Period, PeriodKind
from evaluation.plans.permissions import PlanAction, can_plan, can_put_tasks

blueprint = Blueprint("plans", __name__)

VERB_PERMISSIONS = {
    "submit": PlanAction.EDIT,
    "approve": PlanAction.APPROVE,
    "return": PlanAction.APPROVE,
    "report": PlanAction.REPORT,
    "close": PlanAction.CLOSE,
}


# --- loaders: 404 when missing, 403 when not allowed ---------------------------------------


def get_plan_or_404(plan_id: int, action: PlanAction = PlanAction.VIEW) -> Plan:
    plan = services.plan_with_tasks(db.session, plan_id)
    if plan is None:
        abort(404)
    if not can_plan(current_viewer(), action, plan):
        abort(403)
    return plan


def get_task_or_404(task_id: int, action: PlanAction) -> Task:
    task = db.session.get(Task, task_id)
    if task is None:
        abort(404)
    get_plan_or_404(task.plan_id, action)
    return task


# --- my plans -----------------------------------------------------------------------------


@blueprint.route("/start")
@login_required
def home() -> ResponseReturnValue:
    """The landing page before the to-do page took `/` (`home.todo`): one's plans, else the
    organisation tree; kept for old bookmarks."""
    viewer = current_viewer()
    if viewer.person_id is None:
        return redirect(url_for("organisation.tree"))
    return redirect(url_for("plans.my_plans"))


@blueprint.route("/plans")
@login_required
def my_plans() -> ResponseReturnValue:
    person: Person | None = current_user.person
    if person is None:
        return redirect(url_for("organisation.tree"))
    today = local_today()
    year = request.args.get("year", default=today.year, type=int)
    if not FIRST_YEAR <= year <= LAST_YEAR:  # the bounds of a year in a path
        abort(404)
    filters = plan_filter_args()
    total = services.count_plans_of(db.session, person, year, filters)
    page = page_arg(pages(total, LIST_PAGE_SIZE))
    plans = services.plans_of(db.session, person, year, filters, page=page)
    form = NewPlanForm(kind=PeriodKind.WEEK.value, day=today)
    return render_template(
        "plans/my_plans.html",
        plans=plans,
        task_counts=services.plan_task_counts(db.session, plans, today),
        year=year,
        form=form,
        today=today,
        person=person,
        filters=filters,
        kind_choices=kind_choices(),
        status_choices=status_choices(),
        page=page,
        pages=pages(total, LIST_PAGE_SIZE),
    )


def kind_choices() -> list[tuple[str, str]]:
    return [("", _("Tất cả"))] + [(kind.value, kind.label) for kind in PeriodKind]


def status_choices() -> list[tuple[str, str]]:
    return [("", _("Tất cả"))] + [
        (status.value, str(LABELS["plan_status"][status])) for status in PlanStatus
    ]


def plan_filter_args() -> services.PlanFilter:
    return services.PlanFilter(
        kind=enum_arg("kind", PeriodKind), status=enum_arg("status", PlanStatus)
    )


@blueprint.route("/plans/new", methods=["POST"])
@login_required
def new_plan() -> ResponseReturnValue:
    person: Person | None = current_user.person
    if person is None:
        abort(403)
    form = NewPlanForm()
    if form.validate_on_submit():
        period = Period.containing(form.period_kind, form.day.data)
        try:
            plan = services.create_plan(db.session, person, period, actor_id=current_user.id)
            db.session.commit()
        except DomainError as error:
            show_domain_error(form, error)
        except IntegrityError:  # the same plan created a moment ago in another tab
            db.session.rollback()
            form.day.errors = [_("Đã có kế hoạch cho kỳ này.")]
        else:
            flash(_("Đã tạo %(period)s.", period=period.label), "success")
            return redirect(url_for("plans.plan_detail", plan_id=plan.id))
    today = local_today()
    total = services.count_plans_of(db.session, person, today.year)
    plans = services.plans_of(db.session, person, today.year, page=1)
    return (
        render_template(
            "plans/my_plans.html",
            plans=plans,
            task_counts=services.plan_task_counts(db.session, plans, today),
            year=today.year,
            form=form,
            today=today,
            person=person,
            filters=services.PlanFilter(),
            kind_choices=kind_choices(),
            status_choices=status_choices(),
            page=1,
            pages=pages(total, LIST_PAGE_SIZE),
        ),
        422,
    )


@blueprint.route("/plans/<id:plan_id>")
@login_required
def plan_detail(plan_id: int, refused: ActionForm | None = None) -> ResponseReturnValue:
    """The plan; after a refusal (`refused`), the return or reopen form as it was posted."""
    plan = get_plan_or_404(plan_id)
    return_form = refused if isinstance(refused, ReturnForm) else ReturnForm(version=plan.version)
    reopen_form = refused if isinstance(refused, ReasonForm) else ReasonForm(version=plan.version)
    viewer = current_viewer()
    can = {action.value: can_plan(viewer, action, plan) for action in PlanAction}
    decided_year = plan_decided_year(db.session, plan)
    return render_template(
        "plans/plan.html",
        plan=plan,
        today=local_today(),
        can=can,
        # what may be done to the tasks themselves: a decided year locks them (plans.decided)
        task_actions={
            "edit": can["edit"] and decided_year is None,
            "report": can["report"] and decided_year is None,
            # a task another system sent: those above the owner adjust it too, with a reason
            "adjust": (can["edit"] or can["assign"])
            and decided_year is None
            and any(task.external_ref is not None for task in plan.tasks),
        },
        decided_year=decided_year,
        history=services.plan_history(db.session, plan),
        action_form=ActionForm(version=plan.version),
        return_form=return_form,
        reopen_form=reopen_form,
    )


@blueprint.route("/plans/<id:plan_id>/<verb>", methods=["POST"])
@login_required
def plan_transition(plan_id: int, verb: str) -> ResponseReturnValue:
    if verb not in VERB_PERMISSIONS:
        abort(404)
    plan = get_plan_or_404(plan_id)
    viewer, action = current_viewer(), VERB_PERMISSIONS[verb]
    if not can_plan(viewer, action, plan):
        # Refused now; but if this viewer could take the step from where it starts, the plan
        # moved on in another tab (or a double click): say so instead of "not allowed".
        starts = services.statuses_before(verb)
        if not any(can_plan(viewer, action, _PlanAt(plan, status)) for status in starts):
            abort(403)
        if plan.status is services.TRANSITIONS[(starts[0], verb)]:
            flash(ALREADY_TAKEN_MESSAGES[verb](), "info")
        else:
            show_domain_error(None, services.moved_on())
        return redirect(url_for("plans.plan_detail", plan_id=plan.id))
    form: ActionForm = ReturnForm() if verb == "return" else ActionForm()
    if not form.validate_on_submit():
        if isinstance(form, ReturnForm):  # the typed comment stays on the page
            return plan_detail(plan_id, form), refusal_status()
        flash_form_errors(form)
        return redirect(url_for("plans.plan_detail", plan_id=plan.id))
    try:
        services.transition(
            db.session,
            plan,
            verb,
            actor_id=current_user.id,
            comment=getattr(form, "comment", None) and form.comment.data,
            seen_version=form.version.data,
        )
    except DomainError as error:
        if isinstance(form, ReturnForm):
            status = show_domain_error(form, error)
            return plan_detail(plan_id, form), status
        show_domain_error(None, error)
    else:
        if not commit(TRANSITION_MESSAGES[verb]()) and isinstance(form, ReturnForm):
            return plan_detail(plan_id, form), 409
    return redirect(url_for("plans.plan_detail", plan_id=plan.id))


@blueprint.route("/plans/<id:plan_id>/reopen", methods=["POST"])
@login_required
def plan_reopen(plan_id: int) -> ResponseReturnValue:
    """The personnel office reopens a closed plan, with a written reason on the record."""
    plan = get_plan_or_404(plan_id, PlanAction.REOPEN)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            services.check_version(plan, form.version.data)
            services.reopen(db.session, plan, reason=form.reason.data, actor_id=current_user.id)
        except DomainError as error:
            status = show_domain_error(form, error)
            return plan_detail(plan_id, form), status
        if not commit(_("Đã mở lại kế hoạch.")):
            return plan_detail(plan_id, form), 409
        return redirect(url_for("plans.plan_detail", plan_id=plan.id))
    return plan_detail(plan_id, form), refusal_status()


class _PlanAt:
    """The plan as it stood at an earlier status, to ask whether this viewer could have taken
    the step from there (only the status differs)."""

    def __init__(self, plan: Plan, status: PlanStatus) -> None:
        self._plan, self.status = plan, status

    def __getattr__(self, name: str) -> object:
        return getattr(self._plan, name)


ALREADY_TAKEN_MESSAGES = {
    "submit": lambda: _("Kế hoạch đã được gửi duyệt trước đó."),
    "approve": lambda: _("Kế hoạch đã được duyệt trước đó."),
    "return": lambda: _("Kế hoạch đã được trả lại trước đó."),
    "report": lambda: _("Kết quả của kế hoạch đã được báo cáo trước đó."),
    "close": lambda: _("Kế hoạch đã được đóng trước đó."),
}

TRANSITION_MESSAGES = {
    "submit": lambda: _("Đã gửi kế hoạch để lãnh đạo duyệt."),
    "approve": lambda: _("Đã duyệt kế hoạch."),
    "return": lambda: _("Đã trả lại kế hoạch kèm ý kiến."),
    "report": lambda: _("Đã gửi báo cáo kết quả."),
    "close": lambda: _("Đã đóng kế hoạch."),
}


# --- tasks --------------------------------------------------------------------------------


def _task_form(form_class: type[TaskForm], plan: Plan, **kwargs: object) -> TaskForm:
    form = form_class(**kwargs)
    parents = services.parent_task_choices(db.session, plan)
    form.parent_task_id.choices = [NO_CHOICE] + [SelectChoice(str(t.id), t.title) for t in parents]
    return form


@blueprint.route("/plans/<id:plan_id>/tasks/new", methods=["GET", "POST"])
@login_required
def new_task(plan_id: int) -> ResponseReturnValue:
    plan = get_plan_or_404(plan_id, PlanAction.EDIT)
    form = _task_form(TaskForm, plan, version=plan.version, deadline=plan.ends_on)
    if form.validate_on_submit():
        try:
            services.check_version(plan, form.version.data)
            services.add_task(db.session, plan, form.to_input(), actor_id=current_user.id)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            if commit(_("Đã thêm nhiệm vụ.")):
                return redirect(url_for("plans.plan_detail", plan_id=plan.id))
    status = 422 if request.method == "POST" else 200
    return render_template("plans/task_form.html", form=form, plan=plan, task=None), status


@blueprint.route("/tasks/<id:task_id>/edit", methods=["GET", "POST"])
@login_required
def edit_task(task_id: int) -> ResponseReturnValue:
    task = _task_to_edit(task_id)
    plan = task.plan
    if task.external_ref is not None:  # sent by another system: changed with a reason only
        form = _task_form(
            ExternalTaskForm, plan, obj=task, version=plan.version, reason=task.override_reason
        )
    else:
        form = _task_form(TaskForm, plan, obj=task, version=plan.version)
    if form.validate_on_submit():
        try:
            services.check_version(plan, form.version.data)
            if isinstance(form, ExternalTaskForm):
                services.override_task(
                    db.session,
                    task,
                    form.to_input(),
                    reason=form.reason.data or "",
                    actor_id=current_user.id,
                )
            else:
                services.update_task(db.session, task, form.to_input(), actor_id=current_user.id)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            if commit(_("Đã lưu nhiệm vụ.")):
                return redirect(url_for("plans.plan_detail", plan_id=plan.id))
    status = 422 if request.method == "POST" else 200
    return render_template("plans/task_form.html", form=form, plan=plan, task=task), status


def _task_to_edit(task_id: int) -> Task:
    """The owner edits their tasks; a task another system sent may also be adjusted, with a
    reason, by those above the owner: the rule the integration's own changes follow."""
    task = db.session.get(Task, task_id)
    if task is None:
        abort(404)
    plan = get_plan_or_404(task.plan_id)
    viewer = current_viewer()
    allowed = (
        can_put_tasks(viewer, plan)
        if task.external_ref is not None
        else can_plan(viewer, PlanAction.EDIT, plan)
    )
    if not allowed:
        abort(403)
    return task


@blueprint.route("/tasks/<id:task_id>/delete", methods=["POST"])
@login_required
def delete_task(task_id: int) -> ResponseReturnValue:
    task = get_task_or_404(task_id, PlanAction.EDIT)
    plan_id = task.plan_id
    form = ActionForm()
    if form.validate_on_submit():
        try:
            services.check_version(task.plan, form.version.data)
            services.delete_task(db.session, task)
        except DomainError as error:
            show_domain_error(None, error)
        else:
            commit(_("Đã xoá nhiệm vụ."))
    return redirect(url_for("plans.plan_detail", plan_id=plan_id))


@blueprint.route("/tasks/<id:task_id>/result", methods=["GET", "POST"])
@login_required
def report_result(task_id: int) -> ResponseReturnValue:
    task = get_task_or_404(task_id, PlanAction.REPORT)
    plan = task.plan
    form = _result_form(task)
    if form.validate_on_submit():
        try:
            services.check_version(plan, form.version.data)
            services.report_result(db.session, task, form.to_input(), actor_id=current_user.id)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            if commit(_("Đã ghi kết quả.")):
                return redirect(url_for("plans.plan_detail", plan_id=plan.id))
    status = 422 if request.method == "POST" else 200
    return _result_page(task, form), status


def _result_page(task: Task, form: ResultForm, file_form: EvidenceFileForm | None = None) -> str:
    plan = task.plan
    return render_template(
        "plans/result_form.html",
        form=form,
        file_form=file_form or EvidenceFileForm(version=plan.version),
        delete_form=ActionForm(version=plan.version),
        plan=plan,
        task=task,
        decided_year=plan_decided_year(db.session, plan),
    )


@blueprint.route("/tasks/<id:task_id>/evidence", methods=["POST"])
@login_required
def add_evidence_file(task_id: int) -> ResponseReturnValue:
    """Attach a file to a task's result: whoever may report it, while the year is open."""
    task = get_task_or_404(task_id, PlanAction.REPORT)
    form = EvidenceFileForm()
    if form.validate_on_submit():
        upload = form.file.data
        # One byte past the limit is enough to refuse; a larger body never reaches memory.
        data = upload.stream.read(EVIDENCE_FILE_MAX_BYTES + 1)
        try:
            services.check_version(task.plan, form.version.data)
            evidence.add_file(
                db.session, task, upload.filename or "", data, actor_id=current_user.id
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            if commit(_("Đã đính kèm tệp minh chứng.")):
                return redirect(url_for("plans.report_result", task_id=task.id))
    return _result_page(task, _result_form(task), form), 422


@blueprint.route("/evidence/<id:file_id>")
@login_required
def evidence_file(file_id: int) -> ResponseReturnValue:
    """A file of a task's evidence, for whoever may see the task; always as a download."""
    stored = db.session.get(EvidenceFile, file_id)
    if stored is None:
        abort(404)
    get_plan_or_404(stored.task.plan_id)
    response = send_file(
        io.BytesIO(stored.content),
        mimetype=stored.content_type,
        as_attachment=True,
        download_name=stored.file_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.route("/evidence/<id:file_id>/delete", methods=["POST"])
@login_required
def delete_evidence_file(file_id: int) -> ResponseReturnValue:
    stored = db.session.get(EvidenceFile, file_id)
    if stored is None:
        abort(404)
    task = get_task_or_404(stored.task_id, PlanAction.REPORT)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            services.check_version(task.plan, form.version.data)
            evidence.remove_file(db.session, stored, actor_id=current_user.id)
        except DomainError as error:
            show_domain_error(None, error)
        else:
            commit(_("Đã gỡ tệp minh chứng."))
    return redirect(url_for("plans.report_result", task_id=task.id))


def _result_form(task: Task) -> ResultForm:
    return ResultForm(
        obj=task,
        version=task.plan.version,
        outcome=_current_outcome(task),
        self_quality=task.self_quality.value if task.self_quality else "",
    )


def _current_outcome(task: Task) -> str:
    if task.outcome is None or task.outcome.completed:
        return "done"
    return task.outcome.value


# --- a manager's unit ---------------------------------------------------------------------


@blueprint.route("/unit")
@login_required
def my_unit() -> ResponseReturnValue:
    viewer = current_viewer()
    if not (viewer.is_manager or viewer.is_personnel or viewer.is_admin):
        abort(403)
    today = local_today()
    page = request.args.get("page", default=1, type=int)
    search = search_arg()
    total = count_in_reach(db.session, viewer, search=search)
    if not 1 <= page <= pages(total):
        abort(404)
    overdue, overdue_total = services.overdue_first(db.session, viewer, today, OVERDUE_ON_UNIT_PAGE)
    return render_template(
        "plans/unit.html",
        people=people_in_reach(db.session, viewer, page=page, search=search),
        people_total=total,
        q=search,
        page=page,
        pages=pages(total),
        awaiting=services.plans_awaiting(db.session, viewer),
        overdue=overdue,
        overdue_total=overdue_total,
        today=today,
        # each name translated once for the page's two hundred rows, not once per row
        role_names=in_page_language(LABELS["role"]),
        category_names=in_page_language(LABELS["category"]),
    )


# The unit page shows the first few overdue tasks; the report lists them all, with filters.
OVERDUE_ON_UNIT_PAGE = 10


def overdue_filter_args() -> services.OverdueFilter:
    """The overdue report's filters from the query string (the page and its export alike)."""
    days = request.args.get("min_days", type=int)
    return services.OverdueFilter(
        search=search_arg(),
        kind=enum_arg("kind", PeriodKind),
        min_days=days if days in OVERDUE_DAY_CHOICES else None,
    )


OVERDUE_DAY_CHOICES = (7, 30, 90)


@blueprint.route("/unit/overdue")
@login_required
def overdue_report() -> ResponseReturnValue:
    """The Monday report in full: every open task past its deadline in reach, filtered."""
    viewer = current_viewer()
    if not (viewer.is_manager or viewer.is_personnel or viewer.is_admin):
        abort(403)
    today = local_today()
    filters = overdue_filter_args()
    total = services.overdue_count(db.session, viewer, today, filters)
    page = page_arg(pages(total, LIST_PAGE_SIZE))
    return render_template(
        "plans/overdue.html",
        tasks=services.overdue_rows(
            db.session,
            viewer,
            today,
            LIST_PAGE_SIZE,
            offset=(page - 1) * LIST_PAGE_SIZE,
            filters=filters,
        ),
        total=total,
        filters=filters,
        kind_choices=kind_choices(),
        day_choices=[("", _("Tất cả"))]
        + [(str(days), _("Từ %(n)d ngày", n=days)) for days in OVERDUE_DAY_CHOICES],
        page=page,
        pages=pages(total, LIST_PAGE_SIZE),
        today=today,
    )


@blueprint.route("/unit/assign", methods=["GET", "POST"])
@login_required
def assign_task() -> ResponseReturnValue:
    viewer = current_viewer()
    if not viewer.is_manager:
        abort(403)
    staff = [p for p in people_in_reach(db.session, viewer) if viewer.manages(p)]
    today = local_today()
    form = AssignTaskForm(kind=PeriodKind.WEEK.value, day=today, deadline=today)
    form.person_id.choices = [
        SelectChoice(str(p.id), f"{p.full_name} — {p.unit.name}") for p in staff
    ]
    form.parent_task_id.choices = [NO_CHOICE]
    if form.validate_on_submit():
        person = next((p for p in staff if p.id == form.person_id.data), None)
        if person is None:
            abort(403)
        period = Period.containing(PeriodKind(form.kind.data), form.day.data)
        try:
            task = services.assign_task(
                db.session, person, period, form.to_input(), actor_id=current_user.id
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            if commit(_("Đã giao nhiệm vụ cho %(name)s.", name=person.full_name)):
                return redirect(url_for("plans.plan_detail", plan_id=task.plan_id))
    status = 422 if request.method == "POST" else 200
    return render_template("plans/assign.html", form=form), status
