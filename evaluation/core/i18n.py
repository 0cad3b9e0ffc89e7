"""Vietnamese first, English second: the locale comes from the session, else Vietnamese."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, session
from flask_babel import Babel

babel = Babel()


def select_locale() -> str:
    chosen = session.get("lang") if has_request_context() else None
    return chosen if chosen in current_app.config["LANGUAGES"] else "vi"


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
