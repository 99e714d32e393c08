"""schemathesis against the service's own OpenAPI document, in-process: no 5xx, answers as the spec says.

A short run for the test suite (a few examples per operation); `benchmarks/fuzz.py` runs thousands.
"""
from __future__ import annotations

from pathlib import Path

import hypothesis
import pytest
import schemathesis
from flask import Flask
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from service import create_app
from service.runtime import Models, build_runtime
from service.settings import REPO_ROOT, Settings


@pytest.fixture(scope="session")
def fuzzed_app(tmp_path_factory: pytest.TempPathFactory, models: Models) -> Flask:
    path: Path = tmp_path_factory.mktemp("fuzz") / "claims.sqlite3"
    return create_app(runtime=build_runtime(Settings(database_url=f"sqlite:///{path}", rate_limit=""), models))


# The committed document: tests/api/test_openapi.py keeps it equal to what the app serves at /v1/openapi.json.
schema = schemathesis.openapi.from_path(REPO_ROOT / "openapi.yaml")


@schema.parametrize()
@hypothesis.settings(max_examples=6, deadline=None, derandomize=True,
                     suppress_health_check=list(hypothesis.HealthCheck))
def test_no_server_errors_and_answers_match_the_spec(case: schemathesis.Case, fuzzed_app: Flask) -> None:
    # Every check on the *answers* (no 5xx, documented status, content type, headers, body schema). The two
    # checks on how strictly *requests* are judged are left out: the spec types a ClaimReview as any object
    # (the domain validates it) and reads an empty query parameter as an empty string.
    case.call_and_validate(app=fuzzed_app, excluded_checks=[positive_data_acceptance, negative_data_rejection])
