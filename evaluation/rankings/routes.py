"""Rankings of units, the drill-down behind a rank, emulation proposals and decisions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from criteria import Title
from evaluation.core import page_cache
from evaluation.core.clock import local_today
from evaluation.core.db import db
from evaluation.core.errors import DomainError
from evaluation.core.forms import prefix_ids
from evaluation.core.labels import LABELS, in_page_language, rule_name
from evaluation.core.views import commit, refusal_status, show_domain_error
from evaluation.organisation.models import Person, Unit, UnitLike
from evaluation.organisation.permissions import Viewer, current_viewer
from evaluation.organisation.services import agencies_among
from evaluation.plans.periods import Period, PeriodKind
from evaluation.rankings import dashboard as dashboards
from evaluation.rankings import emulation, services
from evaluation.rankings.forms import AchievementForm, DecisionForm, RevokeForm
from evaluation.rankings.models import AchievementKind, EmulationDecision
from evaluation.records.permissions import can_keep_records

blueprint = Blueprint("rankings", __name__)


def units_in_reach(viewer: Viewer) -> list[Unit]:
    """The units an account ranks: its subtree (403 for those who reach none)."""
    if not (viewer.is_admin or viewer.reach_paths):
        abort(403)
    query = sa.select(Unit).order_by(Unit.path)
    if not viewer.is_admin:
        query = query.where(Unit.id.in_(viewer.unit_ids_in_reach()))
    return list(db.session.scalars(query))


@blueprint.route("/rankings")
@login_required
def rankings_home() -> ResponseReturnValue:
    last_month = local_today().replace(day=1) - timedelta(days=1)
    return redirect(
        url_for("rankings.ranking", key=Period.containing(PeriodKind.MONTH, last_month).key)
    )


@blueprint.route("/rankings/<period(month,quarter,year):key>")
@login_required
def ranking(key: str) -> ResponseReturnValue:
    """One level of the tree at a time (`under`: the unit above the groups shown); a province
    ranks some 1 500 units in hundreds of groups, too many for one page.

    A closed, stored period's content is rendered once per stored version, tree revision,
    reach and language (`core.page_cache`), however many people read it."""
    period = Period.from_key(key)  # the converter let no week through: weeks are not ranked
    viewer = current_viewer()
    if not (viewer.is_admin or viewer.reach_paths):
        abort(403)
    under = request.args.get("under", type=int)
    today = local_today()

    def cache_key() -> tuple[Any, ...] | None:
        key = services.ranking_cache_key(db.session, period, today, viewer, under)
        if key is not None and period.kind is PeriodKind.YEAR and (closes := _year_closes()):
            key = (*key, closes.version(db.session, period.year, before=True))
        return key

    def render() -> str:
        return _ranking_content(period, viewer, under, today)

    family = services.ranking_family(period, viewer, under)
    content = page_cache.fragment(cache_key, render, family=family)
    return render_template("rankings/ranking.html", period=period, content=content)


def _ranking_content(period: Period, viewer: Viewer, under: int | None, today: date) -> str:
    units = units_in_reach(viewer)
    by_id = {unit.id: unit for unit in units}
    heads = services.group_heads(units, by_id)
    if under is not None and under not in heads:
        abort(404)
    shown = {under} if under is not None else services.top_heads(heads, by_id)
    before = services.previous_period(period)
    ranked = {unit.id for unit in units if services.peer_key(unit, by_id)[0] in shown}
    results = _closed_year(period, units, ranked) or services.unit_results(
        db.session, units, period, today, only=ranked
    )
    previous = _closed_year(before, units, ranked) or services.unit_results(
        db.session, units, before, today, only=ranked
    )
    upper = services.peer_key(by_id[under], by_id)[0] if under is not None else None
    return render_template(
        "rankings/_ranking_content.html",
        period=period,
        provisional=dashboards.is_open(period, today),
        before=before,
        after=_following(period),
        groups=services.rankings(results, previous, by_id, under=shown),
        heads=heads,
        under=by_id.get(under) if under is not None else None,
        upper=upper if upper in heads and upper not in services.top_heads(heads, by_id) else None,
        kinds={
            kind: Period.containing(kind, period.starts_on)
            for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)
        },
    )


def _year_closes() -> Any:
    """The year-end close's reader of its snapshots (`yearend.close`, registered by its
    blueprint: an area above this one), or None in an application without it."""
    return current_app.extensions.get("year_close")


def _closed_year(
    period: Period, units: list[Unit], ranked: set[int]
) -> dict[int, services.UnitResult] | None:
    """A closed year's unit results as its snapshot keeps them, or None (computed live)."""
    closes = _year_closes()
    if period.kind is not PeriodKind.YEAR or closes is None:
        return None
    stored = closes.closed_unit_results(db.session, period.year, units)
    return None if stored is None else {i: r for i, r in stored.items() if i in ranked}


def _following(period: Period) -> Period:
    return Period.containing(period.kind, period.ends_on + timedelta(days=1))


@blueprint.route("/rankings/<period(month,quarter,year):key>/units/<id:unit_id>")
@login_required
def unit_drilldown(key: str, unit_id: int) -> ResponseReturnValue:
    period = Period.from_key(key)  # the converter let no week through: weeks are not ranked
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    viewer = current_viewer()
    if not viewer.reaches_unit(unit):
        abort(403)
    subtree = list(
        db.session.scalars(
            sa.select(Unit).where(Unit.path.startswith(unit.path)).order_by(Unit.path)
        )
    )
    closes = _year_closes()
    closed = (
        closes.covering_close(db.session, period.year, unit)
        if closes is not None and period.kind is PeriodKind.YEAR
        else None
    )  # a closed year: the unit's result as the close keeps it, like the ranking's
    stored = closes.closed_unit_results(db.session, period.year, [unit]) if closed else None
    result = (
        stored[unit.id]
        if stored
        else services.unit_results(db.session, subtree, period, local_today())[unit.id]
    )
    members = services.unit_members(db.session, unit, period)
    targets = services.unit_targets(db.session, unit, period)
    return render_template(
        "rankings/unit.html", period=period, unit=unit, result=result, members=members,
        targets=targets, today=local_today(), closed=closed if stored else None,
        provisional=dashboards.is_open(period, local_today()) and not stored,
    )  # fmt: skip


# --- emulation ----------------------------------------------------------------------------


@blueprint.route("/emulation/<year:year>", methods=["GET"])
@login_required
def emulation_page(
    year: int,
    agency_id: int | None = None,
    decision_form: DecisionForm | None = None,
    revoke: tuple[int, RevokeForm] | None = None,
) -> ResponseReturnValue:
    """One agency's proposals at a time (a province has hundreds), with links to the others.

    After a refusal, the agency's decision form or a decision's revoke form as it was posted.
    """
    viewer = current_viewer()
    if not (viewer.is_admin or viewer.reach_paths):
        abort(403)
    # The tree as plain rows (a province's 1 500 units: the links, the agency's subtree,
    # the agency shown, which the year's close reads by its id and path).
    units = emulation.tree_units(
        db.session, None if viewer.is_admin else viewer.unit_ids_in_reach()
    )
    agencies = agencies_among(units)
    chosen = agency_id if agency_id is not None else request.args.get("agency", type=int)
    selected = next((a for a in agencies if a.id == chosen), agencies[0] if agencies else None)
    if chosen is not None and (selected is None or selected.id != chosen):
        abort(404)
    proposals: list[emulation.Proposal] = []
    closes = _year_closes()
    closed = closes.closed_proposals(db.session, year, selected) if closes and selected else None
    if selected is not None and closed is None:
        subtree = [unit for unit in units if unit.path.startswith(selected.path)]
        results = services.unit_results(  # the collective titles read the agency's alone
            db.session, subtree, Period(PeriodKind.YEAR, year, 1), local_today(),
            only={selected.id},
        )  # fmt: skip
        proposals = emulation.proposals(
            db.session, [selected], year, results, among=agencies, known_units=subtree
        )
    if closed is not None:
        proposed = [(p.person_id, p.person) for p in closed.people if p.titles]
    else:
        proposed = _proposed_people(selected, proposals) if selected is not None else []
    return render_template(
        "rankings/emulation.html",
        year=year,
        agency_links=_agency_links(year, agencies, selected),
        selected=selected,
        proposals=proposals,
        closed=closed,
        decisions=emulation.decisions(db.session, {a.id for a in agencies}, year),
        forms={selected.id: _decision_form(selected, proposed, decision_form)}
        if viewer.is_personnel and selected is not None
        else {},
        revoke_form=RevokeForm(),
        revoke_forms=dict([revoke]) if revoke else {},
        level_names=in_page_language(LABELS["level"]),
        title_names=in_page_language(LABELS["title"]),
        rule_names=_RuleNames(),
    )


class _RuleNames(dict[str, str]):
    """The rules' names, each translated on its first use in the page."""

    def __missing__(self, code: str) -> str:
        name = self[code] = str(rule_name(code))
        return name


def _agency_links(
    year: int, agencies: list[emulation.TreeUnit], shown: emulation.TreeUnit | None
) -> Markup | None:
    """The agencies' links (none for a single agency), with the one shown marked: the list is
    rendered once per list of agencies, address and language (`page_cache`; a province lists
    hundreds, the same on every page), then the shown agency's link is replaced by its mark,
    both rendered by the same macro."""
    if len(agencies) < 2 or shown is None:
        return None
    template = "rankings/_emulation_agencies.html"
    page = url_for("rankings.emulation_page", year=year)
    key = ("emulation-agencies", page, str(get_locale()), tuple((a.id, a.name) for a in agencies))
    links = page_cache.fragment(
        key, lambda: render_template(template, agencies=agencies, page=page)
    )
    item = get_template_attribute(template, "item")
    return links.replace(item(shown, page), item(shown, page, current=True))


def _proposed_people(
    agency: UnitLike, proposals: list[emulation.Proposal]
) -> list[tuple[int, str]]:
    """(person id, name) of those proposed a title in the agency: the decision's choices."""
    return [
        (evaluation.person_id, evaluation.person.full_name)
        for proposal in proposals
        if proposal.agency.id == agency.id
        for evaluation in proposal.evaluations
        if proposal.titles_of(evaluation)
    ]


def _decision_form(
    agency: UnitLike, people: list[tuple[int, str]], posted: DecisionForm | None = None
) -> DecisionForm:
    form = posted or DecisionForm(prefix=f"a{agency.id}", decided_on=local_today())
    form.people.choices = [SelectChoice(str(person_id), name) for person_id, name in people]
    form.units.choices = [SelectChoice(str(agency.id), agency.name)]
    return form


def _agency_for_personnel(agency_id: int) -> Unit:
    agency = db.session.get(Unit, agency_id)
    if agency is None or not agencies_among([agency]):  # a division decides no titles
        abort(404)
    viewer = current_viewer()
    if not (viewer.is_personnel and viewer.reaches_unit(agency)):
        abort(403)
    return agency


@blueprint.route("/emulation/<year:year>/agencies/<id:agency_id>/decisions", methods=["POST"])
@login_required
def record_decision(year: int, agency_id: int) -> ResponseReturnValue:
    agency = _agency_for_personnel(agency_id)
    people_in_agency = db.session.scalars(
        sa.select(Person.id).join(Unit).where(Unit.path.startswith(agency.path))
    ).all()
    form = DecisionForm(prefix=f"a{agency.id}")
    form.people.choices = [SelectChoice(str(pid), str(pid)) for pid in people_in_agency]
    form.units.choices = [SelectChoice(str(agency.id), agency.name)]
    page = url_for("rankings.emulation_page", year=year)
    if not form.validate_on_submit():
        return emulation_page(year, agency.id, form), refusal_status()
    try:
        emulation.record_decision(
            db.session,
            agency=agency,
            year=year,
            number=form.number.data,
            decided_on=form.decided_on.data,
            title=Title(form.title.data),
            person_ids=form.people.data or [],
            unit_ids=form.units.data or [],
            note=form.note.data,
            actor_id=current_user.id,
        )
    except DomainError as error:
        status = show_domain_error(form, error)
        return emulation_page(year, agency_id, form), status
    if not commit(_("Đã ghi quyết định khen thưởng.")):
        return emulation_page(year, agency_id, form), 409
    return redirect(page)


@blueprint.route("/emulation/decisions/<id:decision_id>/revoke", methods=["POST"])
@login_required
def revoke(decision_id: int) -> ResponseReturnValue:
    decision = db.session.get(EmulationDecision, decision_id)
    if decision is None:
        abort(404)
    _agency_for_personnel(decision.unit_id)
    form = prefix_ids(RevokeForm(), f"revoke-{decision_id}")
    year = decision.year
    if not form.validate_on_submit():
        return emulation_page(year, revoke=(decision_id, form)), refusal_status()
    try:
        emulation.revoke_decision(
            db.session, decision, reason=form.reason.data, actor_id=current_user.id
        )
    except DomainError as error:
        status = show_domain_error(form, error)
        return emulation_page(year, revoke=(decision_id, form)), status
    if not commit(_("Đã thu hồi quyết định.")):
        return emulation_page(year, revoke=(decision_id, form)), 409
    return redirect(url_for("rankings.emulation_page", year=year))


@blueprint.route("/people/<id:person_id>/achievements", methods=["POST"])
@login_required
def add_achievement(person_id: int) -> ResponseReturnValue:
    person = db.session.get(Person, person_id)
    if person is None:
        abort(404)
    if not can_keep_records(current_viewer(), person):
        abort(403)
    form = AchievementForm(prefix="achievement")
    if form.validate_on_submit():
        emulation.add_achievement(
            db.session,
            person,
            year=form.year.data,
            kind=AchievementKind(form.kind.data),
            title=form.title.data,
            recognised_by=form.recognised_by.data,
            actor_id=current_user.id,
        )
        commit(_("Đã ghi sáng kiến, đề tài."))
    else:
        show_domain_error(None, DomainError(_("Vui lòng kiểm tra lại các trường được đánh dấu.")))
    return redirect(request.referrer or url_for("records.person_records", person_id=person.id))


# --- dashboards ---------------------------------------------------------------------------


@blueprint.route("/dashboard")
@login_required
def dashboard() -> ResponseReturnValue:
    """Figures of the whole reach, read live: one rendering per reader's view and
    PAGE_CACHE_MAX_LAG, however many open it while people write (`core.page_cache`)."""
    viewer = current_viewer()
    if not (viewer.is_admin or viewer.reach_paths):
        abort(403)
    today = local_today()

    def render() -> str:
        context = dashboards.dashboard(db.session, viewer, units_in_reach(viewer), today)
        return render_template("rankings/_dashboard_content.html", **context)

    family = dashboards.family(viewer, today, str(get_locale()))
    content = page_cache.fragment(None, render, family=family)
    return render_template("rankings/dashboard.html", content=content, year=today.year)
