"""Criteria sets and policy parameters, edited in the browser as versioned data."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from criteria import CriteriaSetError, StaffCategory, rulebook_family
from criteria.set_data import criteria_set_from_data, policy_data, policy_from_data, set_problems
from evaluation.core.clock import local_today
from evaluation.core.db import db
from evaluation.core.errors import DomainError
from evaluation.core.labels import LABELS, rulebook_name
from evaluation.core.views import commit, flash_form_errors, show_domain_error
from evaluation.organisation.models import Unit
from evaluation.organisation.permissions import Viewer, current_viewer
from evaluation.ruleset_pages import preview as previews
from evaluation.ruleset_pages import transfer
from evaluation.ruleset_pages.forms import (
    ActionForm,
    EditSetForm,
    NewSetForm,
    PinForm,
    PolicyForm,
    PreviewForm,
    PublishForm,
    RulebookPinForm,
)
from evaluation.ruleset_pages.wording import POLICY_EFFECTS, problem_text
from evaluation.rulesets import services
from evaluation.rulesets.models import (
    CriteriaSetPin,
    CriteriaSetVersion,
    PolicyVersion,
    VersionStatus,
)
from evaluation.rulesets.permissions import (
    can_keep_policy,
    can_keep_set,
    can_pin,
    can_see_rulesets,
)

blueprint = Blueprint("rulesets", __name__)


def _viewer() -> Viewer:
    viewer = current_viewer()
    if not can_see_rulesets(viewer):
        abort(403)
    return viewer


def _set_or_404(version_id: int, *, keep: bool = False) -> CriteriaSetVersion:
    viewer = _viewer()
    version = db.session.get(CriteriaSetVersion, version_id)
    if version is None:
        abort(404)
    if keep and not can_keep_set(viewer, version):
        abort(403)
    return version


def _policy_or_404(version_id: int) -> PolicyVersion:
    _viewer()
    version = db.session.get(PolicyVersion, version_id)
    if version is None:
        abort(404)
    return version


def _served_unit(viewer: Viewer) -> Unit | None:
    if viewer.served_path is None:
        return None
    return db.session.scalar(sa.select(Unit).where(Unit.path == viewer.served_path))


def _units_in_reach(viewer: Viewer) -> list[Unit]:
    query = sa.select(Unit).order_by(Unit.path)
    if not viewer.is_admin:
        query = query.where(Unit.id.in_(viewer.unit_ids_in_reach()))
    return list(db.session.scalars(query))


# --- the list ----------------------------------------------------------------------------


@blueprint.route("/rulesets")
@login_required
def index() -> ResponseReturnValue:
    viewer = _viewer()
    today = local_today()
    return render_template(
        "rulesets/index.html",
        sets=services.latest_versions(db.session),
        policies=services.policy_versions(db.session),
        policy=policy_data(services.policy_in_force(db.session, today)),
        effects=POLICY_EFFECTS,
        policy_form=PolicyForm(formdata=None),
        can_keep_policy=can_keep_policy(viewer),
        served=_served_unit(viewer),
        today=today,
    )


# --- criteria sets -----------------------------------------------------------------------


def _published_choices() -> list[SelectChoice]:
    return [
        SelectChoice(str(v.id), f"{v.title} ({_('phiên bản')} {v.version})")
        for v in services.published_versions(db.session)
    ]


@blueprint.route("/rulesets/sets/new", methods=["GET", "POST"])
@login_required
def new_set() -> ResponseReturnValue:
    viewer = _viewer()
    form = NewSetForm()
    form.copy_of.choices = [SelectChoice("", "—"), *_published_choices()]
    status = 200
    if form.validate_on_submit():
        try:
            data = _new_set_data(form)
            version = services.draft_set(
                db.session, data, unit=_served_unit(viewer), actor_id=viewer.user_id
            )
            version_id = version.id
            if commit(_("Đã tạo bản nháp bộ tiêu chí.")):
                return redirect(url_for("rulesets.set_detail", version_id=version_id))
        except DomainError as error:
            status = show_domain_error(form, error)
    elif form.is_submitted():
        status = 422
    return render_template("rulesets/set_new.html", form=form), status


def _new_set_data(form: NewSetForm) -> dict[str, Any]:
    upload = form.file.data
    if upload is not None and getattr(upload, "filename", ""):
        data = transfer.from_upload(upload.filename, upload.read())
        if form.name.data:
            data["name"] = form.name.data
        if form.title.data:
            data["title"] = form.title.data
        return data
    if not form.copy_of.data:
        raise DomainError(_("Chọn bộ tiêu chí để sao chép, hoặc chọn tệp để nhập."), "copy_of")
    if not form.name.data:
        raise DomainError(_("Cần có mã cho bộ tiêu chí mới."), "name")
    source = db.session.get(CriteriaSetVersion, int(form.copy_of.data))
    if source is None or source.status is not VersionStatus.PUBLISHED:
        raise DomainError(_("Bộ tiêu chí được chọn không còn."), "copy_of")
    if services.versions_of(db.session, form.name.data):
        raise DomainError(_("Mã này đã có; hãy mở bộ tiêu chí đó và tạo phiên bản mới."), "name")
    data = json.loads(json.dumps(source.data))
    data["name"] = form.name.data
    if form.title.data:
        data["title"] = form.title.data
    return data


@blueprint.route("/rulesets/sets/<id:version_id>")
@login_required
def set_detail(version_id: int) -> ResponseReturnValue:
    viewer = _viewer()
    version = _set_or_404(version_id)
    publish_form = PublishForm(formdata=None, effective_from=local_today())
    return _render_set(viewer, version, publish_form), 200


def _render_set(viewer: Viewer, version: CriteriaSetVersion, publish_form: PublishForm) -> str:
    data = version.data
    problems = [problem_text(p, data) for p in set_problems(data)]
    return render_template(
        "rulesets/set_detail.html",
        version=version,
        data=data,
        problems=problems,
        history=services.versions_of(db.session, version.name),
        keep=can_keep_set(viewer, version),
        publish_form=publish_form,
        action_form=ActionForm(formdata=None),
        categories=_category_names(data),
        rule_set=rulebook_name(data.get("rulebook") if isinstance(data, dict) else None),
    )


def _category_names(data: dict[str, Any]) -> str:
    applies = data.get("applies_to") if isinstance(data, dict) else None
    values = applies.get("categories") if isinstance(applies, dict) else None
    names = []
    for value in values if isinstance(values, list) else ():
        try:
            names.append(str(LABELS["category"][StaffCategory(value)]))
        except (ValueError, TypeError, KeyError):
            continue
    return ", ".join(names)


@blueprint.route("/rulesets/sets/<id:version_id>/edit", methods=["GET", "POST"])
@login_required
def edit_set(version_id: int) -> ResponseReturnValue:
    viewer = _viewer()
    version = _set_or_404(version_id, keep=True)
    if version.status is not VersionStatus.DRAFT:
        abort(404)
    form = EditSetForm(content=json.dumps(version.data, ensure_ascii=False, indent=2))
    status = 200
    if form.validate_on_submit():
        try:
            data = json.loads(form.content.data)
            if not isinstance(data, dict):
                raise ValueError
        except ValueError:
            form.content.errors = [_("Nội dung không phải JSON hợp lệ của một bộ tiêu chí.")]
            return render_template("rulesets/set_edit.html", form=form, version=version), 422
        try:
            services.update_draft(db.session, version, data, actor_id=viewer.user_id)
            if commit(_("Đã lưu bản nháp.")):
                return redirect(url_for("rulesets.set_detail", version_id=version.id))
        except DomainError as error:
            status = show_domain_error(form, error)
    elif form.is_submitted():
        status = 422
    return render_template("rulesets/set_edit.html", form=form, version=version), status


@blueprint.route("/rulesets/sets/<id:version_id>/publish", methods=["POST"])
@login_required
def publish_set(version_id: int) -> ResponseReturnValue:
    viewer = _viewer()
    version = _set_or_404(version_id, keep=True)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            services.publish_set(
                db.session,
                version,
                form.effective_from.data,
                today=local_today(),
                actor_id=viewer.user_id,
            )
            if commit(_("Đã ban hành bộ tiêu chí.")):
                return redirect(url_for("rulesets.set_detail", version_id=version_id))
        except DomainError as error:
            status = show_domain_error(form, error)
            return _render_set(viewer, _set_or_404(version_id), form), status
    return _render_set(viewer, version, form), 422


@blueprint.route("/rulesets/sets/<id:version_id>/delete", methods=["POST"])
@login_required
def delete_set(version_id: int) -> ResponseReturnValue:
    viewer = _viewer()
    version = _set_or_404(version_id, keep=True)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            services.delete_draft(db.session, version, actor_id=viewer.user_id)
            if commit(_("Đã xoá bản nháp.")):
                return redirect(url_for("rulesets.index"))
        except DomainError as error:
            show_domain_error(None, error)
    return redirect(url_for("rulesets.set_detail", version_id=version_id))


@blueprint.route("/rulesets/sets/<id:version_id>/next", methods=["POST"])
@login_required
def next_version(version_id: int) -> ResponseReturnValue:
    """A draft of the next version, from this one: how a published set is superseded."""
    viewer = _viewer()
    version = _set_or_404(version_id, keep=True)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            draft = services.draft_set(
                db.session, version.data, unit=version.unit, actor_id=viewer.user_id
            )
            draft_id = draft.id
            if commit(_("Đã tạo bản nháp phiên bản mới.")):
                return redirect(url_for("rulesets.set_detail", version_id=draft_id))
        except DomainError as error:
            show_domain_error(None, error)
    return redirect(url_for("rulesets.set_detail", version_id=version_id))


@blueprint.route("/rulesets/sets/<id:version_id>/export.json")
@login_required
def export_json(version_id: int) -> ResponseReturnValue:
    version = _set_or_404(version_id)
    return _download(transfer.to_json(version.data), f"{version.set_id}.json", "application/json")


@blueprint.route("/rulesets/sets/<id:version_id>/export.xlsx")
@login_required
def export_xlsx(version_id: int) -> ResponseReturnValue:
    version = _set_or_404(version_id)
    return _download(
        transfer.to_xlsx(version.data),
        f"{version.set_id}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _download(content: bytes, filename: str, mimetype: str) -> ResponseReturnValue:
    return (
        content,
        200,
        {
            "Content-Type": mimetype,
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


@blueprint.route("/rulesets/sets/<id:version_id>/preview")
@login_required
def preview_set(version_id: int) -> ResponseReturnValue:
    """The closed year again, as if the set were pinned to the unit chosen: who it applies
    to there, and who changes level by its bands."""
    viewer = _viewer()
    version = _set_or_404(version_id)
    try:
        criteria_set = criteria_set_from_data(version.data)
    except CriteriaSetError:
        return render_template("rulesets/preview.html", version=version, invalid=True), 200
    form, year, units = _preview_form(viewer)
    if year is None:
        return render_template("rulesets/preview.html", version=version, form=form), 200
    chosen = next((u for u in units if u.id == form.unit.data), units[0] if units else None)
    if chosen is None:
        abort(403)
    within = [unit for unit in units if unit.path.startswith(chosen.path)]
    policy = previews.set_policy(db.session, criteria_set, year)

    def applies(facts: Any, rulebook: str, unit: Unit) -> bool:
        return (
            facts.category in criteria_set.categories
            and facts.leader == criteria_set.leader
            and rulebook_family(rulebook) == criteria_set.rulebook
        )

    result = previews.preview(
        db.session,
        year,
        local_today(),
        draft_policy=lambda _person_id: policy,
        within=within,
        applies=applies,
    )
    return render_template(
        "rulesets/preview.html",
        version=version,
        form=form,
        result=result,
        unit=chosen,
        has_bands=criteria_set.bands is not None,
    ), 200


def _preview_form(viewer: Viewer) -> tuple[PreviewForm, int | None, list[Unit]]:
    form = PreviewForm(request.args)
    years = previews.scored_years(db.session)
    units = _units_in_reach(viewer)
    form.year.choices = [SelectChoice(y, str(y)) for y in years]
    form.unit.choices = [SelectChoice(u.id, u.name) for u in units]
    if not form.validate() or not years:
        return form, (years[0] if years else None), units
    year = form.year.data if form.year.data in years else years[0]
    return form, year, units


# --- pins --------------------------------------------------------------------------------


@blueprint.route("/rulesets/units/<id:unit_id>/pins", methods=["GET", "POST"])
@login_required
def unit_pins(unit_id: int) -> ResponseReturnValue:
    viewer = _viewer()
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    if not can_pin(viewer, unit):
        abort(403)
    names = [SelectChoice(v.name, v.title) for v in services.published_versions(db.session)]
    form = PinForm()
    form.set_name.choices = names
    status = 200
    if form.validate_on_submit():
        try:
            services.pin_set(db.session, unit, form.set_name.data, actor_id=viewer.user_id)
            if commit(_("Đã gắn bộ tiêu chí cho đơn vị.")):
                return redirect(url_for("rulesets.unit_pins", unit_id=unit_id))
        except DomainError as error:
            status = show_domain_error(form, error)
    elif form.is_submitted():
        status = 422
    return render_template(
        "rulesets/unit_pins.html",
        unit=unit,
        form=form,
        pins=services.pins_of(db.session, unit),
        titles={v.name: v.title for v in services.published_versions(db.session)},
        rulebook_form=RulebookPinForm(formdata=None, rulebook_pin=unit.rulebook_pin or ""),
        action_form=ActionForm(formdata=None),
        today=local_today(),
    ), status


@blueprint.route("/rulesets/units/<id:unit_id>/rulebook", methods=["POST"])
@login_required
def unit_rulebook(unit_id: int) -> ResponseReturnValue:
    """The rule set the unit chooses (Unit.rulebook_pin), on the same page as its sets."""
    viewer = _viewer()
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    if not can_pin(viewer, unit):
        abort(403)
    form = RulebookPinForm()
    if form.validate_on_submit():
        try:
            services.set_rulebook_pin(
                db.session, unit, form.rulebook_pin.data or None, actor_id=viewer.user_id
            )
            commit(_("Đã lưu văn bản áp dụng cho đơn vị."))
        except DomainError as error:
            show_domain_error(None, error)
    else:
        flash_form_errors(form)
    return redirect(url_for("rulesets.unit_pins", unit_id=unit_id))


@blueprint.route("/rulesets/pins/<id:pin_id>/delete", methods=["POST"])
@login_required
def unpin(pin_id: int) -> ResponseReturnValue:
    viewer = _viewer()
    pin = db.session.get(CriteriaSetPin, pin_id)
    if pin is None:
        abort(404)
    if not can_pin(viewer, pin.unit):
        abort(403)
    unit_id = pin.unit_id
    if ActionForm().validate_on_submit():
        services.unpin_set(db.session, pin, actor_id=viewer.user_id)
        commit(_("Đã bỏ gắn bộ tiêu chí."))
    return redirect(url_for("rulesets.unit_pins", unit_id=unit_id))


# --- policy ------------------------------------------------------------------------------


@blueprint.route("/rulesets/policy/new", methods=["GET", "POST"])
@login_required
def new_policy() -> ResponseReturnValue:
    """The policy's next draft (or the open draft, edited), from the policy in force."""
    viewer = _viewer()
    if not can_keep_policy(viewer):
        abort(403)
    versions = services.policy_versions(db.session)
    draft = versions[0] if versions and versions[0].status is VersionStatus.DRAFT else None
    start = (
        draft.data if draft else policy_data(services.policy_in_force(db.session, local_today()))
    )
    form = PolicyForm(data=_policy_form_data(start, draft.note if draft else None))
    status = 200
    if form.validate_on_submit():
        data = _policy_from_form(form)
        try:
            if draft is None:
                draft = services.draft_policy(
                    db.session, data, form.note.data, actor_id=viewer.user_id
                )
            else:
                services.update_policy_draft(
                    db.session, draft, data, form.note.data, actor_id=viewer.user_id
                )
            draft_id = draft.id
            if commit(_("Đã lưu bản nháp tham số chính sách.")):
                return redirect(url_for("rulesets.policy_detail", policy_id=draft_id))
        except DomainError as error:
            status = show_domain_error(form, error)
    elif form.is_submitted():
        status = 422
    return render_template(
        "rulesets/policy_form.html", form=form, effects=POLICY_EFFECTS, draft=draft
    ), status


def _policy_form_data(data: dict[str, Any], note: str | None) -> dict[str, Any]:
    own, unit, organising = data["s3_weights"]
    return {
        **{key: value for key, value in data.items() if key != "s3_weights"},
        "s3_own": own,
        "s3_unit": unit,
        "s3_organising": organising,
        "note": note,
    }


def _policy_from_form(form: PolicyForm) -> dict[str, Any]:
    return {
        "nd90_quota_pct": float(form.nd90_quota_pct.data),
        "quota_rounding": form.quota_rounding.data,
        "quota_base": form.quota_base.data,
        "chien_si_cap": bool(form.chien_si_cap.data),
        "chien_si_cap_pct": float(form.chien_si_cap_pct.data),
        "s3_weights": [
            float(form.s3_own.data),
            float(form.s3_unit.data),
            float(form.s3_organising.data),
        ],
        "points_may_fail": bool(form.points_may_fail.data),
    }


@blueprint.route("/rulesets/policy/<id:policy_id>")
@login_required
def policy_detail(policy_id: int) -> ResponseReturnValue:
    viewer = _viewer()
    version = _policy_or_404(policy_id)
    return _render_policy(viewer, version, PublishForm(formdata=None, effective_from=local_today()))


def _render_policy(viewer: Viewer, version: PolicyVersion, form: PublishForm) -> str:
    today = local_today()
    return render_template(
        "rulesets/policy_detail.html",
        version=version,
        data=version.data,
        current=policy_data(services.policy_in_force(db.session, today)),
        effects=POLICY_EFFECTS,
        form_labels=PolicyForm(formdata=None),
        publish_form=form,
        keep=can_keep_policy(viewer),
    )


@blueprint.route("/rulesets/policy/<id:policy_id>/publish", methods=["POST"])
@login_required
def publish_policy(policy_id: int) -> ResponseReturnValue:
    viewer = _viewer()
    version = _policy_or_404(policy_id)
    if not can_keep_policy(viewer):
        abort(403)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            services.publish_policy(
                db.session,
                version,
                form.effective_from.data,
                today=local_today(),
                actor_id=viewer.user_id,
            )
            if commit(_("Đã ban hành tham số chính sách.")):
                return redirect(url_for("rulesets.policy_detail", policy_id=policy_id))
        except DomainError as error:
            status = show_domain_error(form, error)
            return _render_policy(viewer, _policy_or_404(policy_id), form), status
    return _render_policy(viewer, version, form), 422


@blueprint.route("/rulesets/policy/<id:policy_id>/preview")
@login_required
def preview_policy(policy_id: int) -> ResponseReturnValue:
    viewer = _viewer()
    version = _policy_or_404(policy_id)
    form, year, units = _preview_form(viewer)
    if year is None or not units:
        return render_template("rulesets/preview.html", policy=version, form=form), 200
    try:
        policy = policy_from_data(version.data)
    except ValueError:
        abort(404)
    result = previews.preview(
        db.session, year, local_today(), draft_policy=lambda _person_id: policy, within=units
    )
    return render_template(
        "rulesets/preview.html", policy=version, form=form, result=result, unit=None
    ), 200
