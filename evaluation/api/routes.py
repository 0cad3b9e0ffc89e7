"""The REST API, /api/v1: thin views (parse with the API's schemas → service → dump), the
OpenAPI 3.1 contract generated from them by flask-smorest, served at /api/v1/openapi.json.

Reads take a token or the browser's session; writes take a write token (`api.auth`). The
blueprint is CSRF-exempt: a token is not a cookie a foreign page could make a browser send,
and a session may only read.
"""

from __future__ import annotations

import http
from typing import Any

import flask_smorest
from flask import Flask, Response, jsonify
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_smorest.utils import prepare_response
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from evaluation.api import schemas, services
from evaluation.api.admin import blueprint as token_admin
from evaluation.api.auth import authenticate, caller
from evaluation.api.contract import write_spec
from evaluation.api.problems import PROBLEM_TYPE, from_http_exception, problem
from evaluation.core.clock import local_today
from evaluation.core.converters import LARGEST_ID, IdConverter
from evaluation.core.db import db
from evaluation.core.errors import DomainError
from evaluation.plans.periods import Period, PeriodKind

API_PREFIX = "/api/v1"


class Api(flask_smorest.Api):
    """flask-smorest without its application-wide error handlers: the HTML pages keep their
    error pages, and API errors are problem+json (`api.problems`), documented as such."""

    ERROR_SCHEMA = schemas.Problem

    def _register_error_handlers(self) -> None:
        pass

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Problem (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


blueprint = flask_smorest.Blueprint(
    "api",
    __name__,
    url_prefix=API_PREFIX,
    description="Đọc dữ liệu đánh giá; ghi nhiệm vụ từ hệ thống văn bản và mức độ hài lòng.",
)
blueprint.before_request(authenticate)

READ = {"security": [{"token": []}, {"session": []}]}
WRITE = {"security": [{"token": []}]}


def _not_found() -> Response:
    return problem(404, _("Không tìm thấy, hoặc ngoài phạm vi được xem."))


def _refused(error: DomainError, status: int = 422) -> Response:
    errors = [{"field": error.field or "_", "message": error.message}]
    return problem(status, error.message, errors=errors)


def _period_or_problem(key: str, kinds: tuple[PeriodKind, ...]) -> Period | Response:
    try:
        period = Period.from_key(key)
    except ValueError:
        period = None
    if period is None or period.kind not in kinds:
        message = _("Kỳ không tồn tại hoặc không dùng được ở đây.")
        return problem(422, message, errors=[{"field": "period", "message": message}])
    return period


# --- reads --------------------------------------------------------------------------------


@blueprint.route("/units")
@blueprint.doc(**READ)
@blueprint.arguments(schemas.PageArgs, location="query")
@blueprint.response(200, schemas.UnitPage)
def units(args: dict[str, Any]) -> Any:
    """Units in reach, in tree order."""
    return services.units(db.session, caller().viewer, args["page"], args["per_page"]).dump()


@blueprint.route("/units/<id:unit_id>")
@blueprint.doc(**READ)
@blueprint.response(200, schemas.UnitOut)
def unit(unit_id: int) -> Any:
    return services.unit(db.session, caller().viewer, unit_id) or _not_found()


@blueprint.route("/people")
@blueprint.doc(**READ)
@blueprint.arguments(schemas.PeopleArgs, location="query")
@blueprint.response(200, schemas.PersonPage)
def people(args: dict[str, Any]) -> Any:
    """People in reach (one's own record for staff)."""
    return services.people(
        db.session, caller().viewer, args["page"], args["per_page"], args.get("unit_id")
    ).dump()


@blueprint.route("/people/<id:person_id>")
@blueprint.doc(**READ)
@blueprint.response(200, schemas.PersonOut)
def person(person_id: int) -> Any:
    return services.person(db.session, caller().viewer, person_id) or _not_found()


@blueprint.route("/plans")
@blueprint.doc(**READ)
@blueprint.arguments(schemas.PlanArgs, location="query")
@blueprint.response(200, schemas.PlanPage)
def plans(args: dict[str, Any]) -> Any:
    """Plans in reach with their tasks and the tasks' reported results."""
    # Already in PlanPage's form (`schemas.plan_item`): sent as is, not dumped again.
    found = services.plans_page(
        db.session,
        caller().viewer,
        args["page"],
        args["per_page"],
        person_id=args.get("person_id"),
        year=args.get("year"),
        kind=args.get("kind"),
    )
    return jsonify(found.dump())


@blueprint.route("/plans/<id:plan_id>")
@blueprint.doc(**READ)
@blueprint.response(200, schemas.PlanOut)
def plan(plan_id: int) -> Any:
    return services.plan(db.session, caller().viewer, plan_id) or _not_found()


@blueprint.route("/period-scores")
@blueprint.doc(**READ)
@blueprint.arguments(schemas.YearArgs, location="query")
@blueprint.response(200, schemas.PeriodScorePage)
def period_scores(args: dict[str, Any]) -> Any:
    """Monthly and quarterly scores of a year."""
    return services.period_scores(
        db.session,
        caller().viewer,
        args["page"],
        args["per_page"],
        year=args["year"],
        person_id=args.get("person_id"),
    ).dump()


@blueprint.route("/evaluations")
@blueprint.doc(**READ)
@blueprint.arguments(schemas.YearArgs, location="query")
@blueprint.response(200, schemas.EvaluationPage)
def evaluations(args: dict[str, Any]) -> Any:
    """Annual evaluations of a year: the level in force, the rulebook's reasons, the step."""
    return services.evaluations(
        db.session,
        caller().viewer,
        args["page"],
        args["per_page"],
        year=args["year"],
        person_id=args.get("person_id"),
    ).dump()


@blueprint.route("/unit-results")
@blueprint.doc(**READ)
@blueprint.arguments(schemas.PeriodArgs, location="query")
@blueprint.response(200, schemas.UnitResultPage)
def unit_results(args: dict[str, Any]) -> Any:
    """Each unit's result for a month, quarter or year, its subtree rolled up into it."""
    period = _period_or_problem(args["period"], (PeriodKind.MONTH, PeriodKind.QUARTER,
                                                 PeriodKind.YEAR))  # fmt: skip
    if isinstance(period, Response):
        return period
    return services.unit_results(
        db.session, caller().viewer, period, local_today(), args["page"], args["per_page"]
    ).dump()


@blueprint.route("/rankings")
@blueprint.doc(**READ)
@blueprint.arguments(schemas.RankingArgs, location="query")
@blueprint.response(200, schemas.RankingOut)
def rankings(args: dict[str, Any]) -> Any:
    """Units ranked among their peers, one level of the tree (`under`: the unit above)."""
    period = _period_or_problem(args["period"], (PeriodKind.MONTH, PeriodKind.QUARTER,
                                                 PeriodKind.YEAR))  # fmt: skip
    if isinstance(period, Response):
        return period
    groups = services.ranking(db.session, caller().viewer, period, local_today(), args.get("under"))
    if groups is None:
        return _not_found()
    return {"period": period.key, "groups": groups}


@blueprint.route("/emulation-proposals")
@blueprint.doc(**READ)
@blueprint.arguments(schemas.EmulationArgs, location="query")
@blueprint.response(200, schemas.ProposalPage)
def emulation_proposals(args: dict[str, Any]) -> Any:
    """One agency's proposed emulation titles for a year, after the quota (`agency_id`: which
    agency; the first in reach by default)."""
    found = services.emulation_proposals(
        db.session,
        caller().viewer,
        args["year"],
        args.get("agency_id"),
        local_today(),
        args["page"],
        args["per_page"],
    )
    return _not_found() if found is None else found.dump()


# --- writes -------------------------------------------------------------------------------


def _writer() -> Response | None:
    if not caller().can_write:
        return problem(403, _("Khoá này chỉ được đọc."))
    return None


@blueprint.route("/tasks", methods=["POST"])
@blueprint.doc(**WRITE)
@blueprint.arguments(schemas.TaskPush)
@blueprint.response(200, schemas.TaskPushResult)
@blueprint.alt_response(201, schema=schemas.TaskPushResult, success=True)
def push_task(data: dict[str, Any]) -> ResponseReturnValue:
    """Create or update a person's task by its document reference (idempotent): a new
    reference creates (201), a known one updates, or leaves a manager's override (200)."""
    refused = _writer()
    if refused is not None:
        return refused
    try:
        task, outcome = services.push_task(db.session, caller().viewer, data)
    except DomainError as error:
        db.session.rollback()
        return _refused(error)
    db.session.commit()
    return {"outcome": outcome, "task": task}, 201 if outcome == "created" else 200


@blueprint.route("/satisfaction-ratings", methods=["POST"])
@blueprint.doc(**WRITE)
@blueprint.arguments(schemas.RatingPush)
@blueprint.response(200, schemas.RatingPushResult)
@blueprint.alt_response(201, schema=schemas.RatingPushResult, success=True)
def push_rating(data: dict[str, Any]) -> ResponseReturnValue:
    """A portal's satisfaction count for a front-desk person or desk and a period; the same
    period and source again replaces it."""
    refused = _writer()
    if refused is not None:
        return refused
    try:
        rating, created = services.push_rating(db.session, caller().viewer, data)
    except DomainError as error:
        db.session.rollback()
        return _refused(error)
    db.session.commit()
    return {"created": created, "rating": rating}, 201 if created else 200


# --- errors inside the API's views ----------------------------------------------------------


@blueprint.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    if isinstance(error, InternalServerError):
        db.session.rollback()
    return from_http_exception(error)


@blueprint.errorhandler(StaleDataError)
@blueprint.errorhandler(IntegrityError)
def _conflict(_error: Exception) -> Response:
    """Two pushes of one reference at once: the second finds the first's row next time."""
    db.session.rollback()
    return problem(409, _("Dữ liệu vừa được ghi bởi yêu cầu khác; hãy gửi lại."))


@blueprint.errorhandler(OperationalError)
def _busy(error: OperationalError) -> Response:
    db.session.rollback()
    if "database is locked" not in str(error.orig):
        return problem(500)
    return problem(503, headers={"Retry-After": "30"})


def init_api(app: Flask) -> Api:
    app.config.setdefault("API_TITLE", "danhgia")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_RATE_LIMIT", 600)
    api = Api(
        app,
        spec_kwargs={
            "info": {
                "description": "API của hệ thống đánh giá, xếp loại cán bộ, công chức, viên chức."
            },
        },
    )
    api.register_converter(
        IdConverter, lambda _converter: {"type": "integer", "minimum": 1, "maximum": LARGEST_ID}
    )
    api.spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})
    api.spec.components.security_scheme(
        "session", {"type": "apiKey", "in": "cookie", "name": "session"}
    )
    api.register_blueprint(blueprint)
    app.extensions["csrf"].exempt(blueprint)
    app.register_blueprint(token_admin)
    app.cli.add_command(write_spec)
    return api
