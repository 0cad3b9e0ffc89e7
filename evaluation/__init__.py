"""danhgia: plan, score and classify the work of cadres, civil servants and public employees."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from evaluation.config import load_config
from evaluation.core import converters, i18n, page_cache
from evaluation.core.db import db
from evaluation.core.errors import Conflict
from evaluation.core.security import check_production
from evaluation.plans.periods import PeriodConverter

PROJECT_ROOT = Path(__file__).resolve().parent.parent
csrf = CSRFProtect()


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(load_config(Path(app.instance_path)))
    app.config.update(overrides or {})
    if app.config.get("TESTING") and "STORED_SUMS_FILL_IN_BACKGROUND" not in (overrides or {}):
        app.config["STORED_SUMS_FILL_IN_BACKGROUND"] = False  # a test fills what it stores
    check_production(app)  # before anything opens a connection

    db.init_app(app)
    converters.init_app(app)  # before the blueprints: their rules name the converters
    app.url_map.converters["period"] = PeriodConverter
    csrf.init_app(app)
    page_cache.init_app(app)
    i18n.init_app(app)

    from evaluation.accounts.admin_routes import blueprint as account_admin
    from evaluation.accounts.login import init_login
    from evaluation.accounts.routes import blueprint as accounts
    from evaluation.accounts.sso import blueprint as sign_on
    from evaluation.audit.routes import blueprint as audit
    from evaluation.cli import register_commands
    from evaluation.core.health import blueprint as health
    from evaluation.core.security import init_security
    from evaluation.core.templating import init_templating
    from evaluation.core.throttle import init_throttle
    from evaluation.home.routes import blueprint as home
    from evaluation.imports.routes import blueprint as imports
    from evaluation.notifications.routes import blueprint as notifications
    from evaluation.organisation.routes import blueprint as organisation
    from evaluation.plans.routes import blueprint as plans
    from evaluation.rankings.routes import blueprint as rankings
    from evaluation.rankings.stored import install as install_stored_sums
    from evaluation.records.routes import blueprint as records
    from evaluation.reports.routes import blueprint as reports
    from evaluation.ruleset_pages.routes import blueprint as rulesets
    from evaluation.scoring.routes import blueprint as scoring

    install_stored_sums()
    from evaluation.yearend.close import install as install_year_close
    from evaluation.yearend.routes import blueprint as yearend

    install_year_close()  # also registers the close's job handler
    app.register_blueprint(yearend)
    init_login(app)
    init_templating(app)
    for blueprint in (
        accounts, home, plans, organisation, scoring, records, rankings, reports, imports, audit,
        health, sign_on, notifications, account_admin, rulesets,
    ):  # fmt: skip
        app.register_blueprint(blueprint)
    from evaluation.api.routes import init_api

    init_api(app)
    register_commands(app)
    init_security(app)
    init_throttle(app)
    _register_error_pages(app)
    return app


def _register_error_pages(app: Flask) -> None:
    for status in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(
            status,
            lambda error, status=status: _error_page(error, status),
        )
    app.register_error_handler(500, _server_error)
    app.register_error_handler(StaleDataError, _stale)
    app.register_error_handler(Conflict, _stale)
    app.register_error_handler(OperationalError, _database_busy)


def _error_page(error: HTTPException, status: int) -> ResponseReturnValue:
    """The HTML error page; under /api/ a problem+json, whatever refused the request."""
    from evaluation.api.problems import from_http_exception, is_api_request

    if is_api_request():
        return from_http_exception(error)
    return render_template("error.html", status=status), status


def _discard_request_work() -> None:
    """Roll the request's session back, so rendering a page can query again (a failed flush
    leaves it refusing every statement with PendingRollbackError)."""
    session = g.get("db_session")
    if session is not None:
        session.rollback()


def _server_error(_error: Exception) -> ResponseReturnValue:
    _discard_request_work()
    return render_template("error.html", status=500), 500


def _stale(_error: Exception) -> ResponseReturnValue:
    """Another tab or a double click saved the same row first (its version moved on at flush
    or commit): nothing of this request is kept, and the page says to reload."""
    _discard_request_work()
    referrer = request.referrer
    back = referrer if referrer and urlsplit(referrer).netloc == request.host else None
    return render_template("error.html", status=409, back=back), 409


def _database_busy(error: OperationalError) -> ResponseReturnValue:
    """SQLite: another writer held the lock past busy_timeout (a long import, say). Nothing of
    this request was saved; say so and when to try again. Any other failure stays a 500."""
    if "database is locked" not in str(error.orig):
        raise error
    _discard_request_work()
    return render_template("error.html", status=503), 503, {"Retry-After": "30"}
