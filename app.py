"""Entry point for `flask --app app` and for WSGI servers."""

from evaluation import create_app

app = create_app()
