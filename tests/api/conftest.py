"""API fixtures: apps over a real SQLite file, with the real models loaded once per session."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import create_app
from service.cli import seed_directory
from service.runtime import Models, Runtime, build_runtime
from service.settings import REPO_ROOT, Settings


@pytest.fixture
def make_app(tmp_path: Path, models: Models) -> Callable[..., Flask]:
    """Return a factory of apps on a fresh SQLite file in tmp_path (settings overridable)."""

    def make(**overrides: object) -> Flask:
        settings = Settings(database_url=f"sqlite:///{tmp_path}/claims.sqlite3", **overrides)  # type: ignore[arg-type]
        return create_app(runtime=build_runtime(settings, models))

    return make


@pytest.fixture
def client(make_app: Callable[..., Flask]) -> FlaskClient:
    """Return a test client on an empty store."""
    return make_app().test_client()


@pytest.fixture(scope="session")
def seeded_runtime(tmp_path_factory: pytest.TempPathFactory, models: Models) -> Runtime:
    """Return a runtime whose store holds the five demo seeds (ingested once per session)."""
    path = tmp_path_factory.mktemp("seeded") / "claims.sqlite3"
    runtime = build_runtime(Settings(database_url=f"sqlite:///{path}"), models)
    seed_directory(runtime, REPO_ROOT / "seeds")
    return runtime


@pytest.fixture(scope="session")
def seeded(seeded_runtime: Runtime) -> FlaskClient:
    """Return a test client over the seeded store (read-only tests only)."""
    return create_app(runtime=seeded_runtime).test_client()
