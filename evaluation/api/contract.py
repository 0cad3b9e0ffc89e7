"""Write the API's OpenAPI document, as GET /api/v1/openapi.json serves it, to a file:

    .venv/bin/python -m evaluation.api.contract docs/openapi.json

docs/openapi.json is committed so the contract can be read without a running server; a test
checks it still equals the live one (tests/api/test_contract.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from flask import Flask


def spec_of(app: Flask) -> dict[str, Any]:
    return app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()


def render(spec: dict[str, Any]) -> str:
    return json.dumps(spec, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    from evaluation import create_app

    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "openapi"})
    Path(argv[0]).write_text(render(spec_of(app)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
