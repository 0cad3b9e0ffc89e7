"""Write the API's OpenAPI document, as GET /api/v1/openapi.json serves it, to a file:

    .venv/bin/flask --app app api-spec docs/openapi.json

docs/openapi.json is committed so the contract can be read without a running server; a test
checks it still equals the live one (tests/api/test_contract.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app


def spec_of(app: Flask) -> dict[str, Any]:
    return app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()


def render(spec: dict[str, Any]) -> str:
    return json.dumps(spec, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


@click.command("api-spec")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
def write_spec(output: Path) -> None:
    """Write the API's OpenAPI document (docs/openapi.json)."""
    output.write_text(render(spec_of(current_app)), encoding="utf-8")
