"""The contract: GET /api/v1/openapi.json is OpenAPI 3.1, docs/openapi.json is a copy of it,
and schemathesis, generating requests from it (valid and invalid), finds no server error and
no answer that breaks it."""

from __future__ import annotations

import json

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from evaluation.api.contract import render, spec_of
from tests.api.conftest import bearer
from tests.conftest import ROOT

COMMITTED = ROOT / "docs" / "openapi.json"


def test_the_spec_is_served_as_openapi_3_1(client) -> None:
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    spec = answer.get_json()
    assert spec["openapi"] == "3.1.0"
    assert {"/api/v1/plans", "/api/v1/tasks", "/api/v1/satisfaction-ratings"} <= set(spec["paths"])
    nullable = spec["components"]["schemas"]["TaskOut"]["properties"]["external_ref"]
    assert nullable == {"type": ["string", "null"]}  # 3.1's null, not 3.0's `nullable`


def test_the_committed_copy_is_the_live_spec(app: Flask, client) -> None:
    """Regenerate with: .venv/bin/flask --app app api-spec docs/openapi.json"""
    live = client.get("/api/v1/openapi.json").get_json()
    assert json.loads(COMMITTED.read_text(encoding="utf-8")) == live
    assert COMMITTED.read_text(encoding="utf-8") == render(spec_of(app))


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_generated_requests_find_no_error_and_no_answer_off_the_contract(
    app: Flask, session, agency, make_token, mode: GenerationMode
) -> None:
    """Every operation, about 20 requests each, with a write token for the whole agency."""
    headers = bearer(make_token(agency.agency))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    checks = [*CHECKS, negative_data_rejection] if mode is GenerationMode.NEGATIVE else CHECKS
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    answered: set[int] = set()

    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=20,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case) -> None:
            answered.add(case.call_and_validate(headers=headers, checks=checks).status_code)

        check()
    # the requests reached the views: answers, and refusals of what the schemas refuse
    assert {200, 422} <= answered if mode is GenerationMode.POSITIVE else 422 in answered
