"""API fixtures: apps over a real SQLite file, with the real models loaded once per session."""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from service import create_app
from service.cli import seed_directory
from service.runtime import Models, Runtime, build_runtime
from service.settings import REPO_ROOT, Settings


def serve(app: Flask) -> Iterator[str]:
    """Serve the app over real HTTP on a free loopback port (a thread of this process); yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


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


@pytest.fixture(scope="session")
def served_models(models: Models) -> Models:
    """Return the models with the relation model the service serves (the cross-encoder; the other fixtures use
    the fast baseline), for what depends on that model."""
    from dataclasses import replace

    from service.runtime import classify_classifier, opposition_scorer, relation_classifier

    settings = Settings()
    combiner_dir = settings.relation_combiner_dir if settings.relation_combiner else None
    classifier = relation_classifier(settings.relation_model_dir, models.embedder, combiner_dir=combiner_dir,
                                     read_denials=settings.read_denials)
    return replace(models, classifier=classifier, opposition=opposition_scorer(settings, classifier),
                   pair_classifier=classify_classifier(settings, models.embedder))


@pytest.fixture
def served_client(tmp_path: Path, served_models: Models) -> FlaskClient:
    """Return a test client on an empty store, with the served relation model."""
    settings = Settings(database_url=f"sqlite:///{tmp_path}/served.sqlite3")
    return create_app(runtime=build_runtime(settings, served_models)).test_client()


@pytest.fixture(scope="session")
def served_seeded(tmp_path_factory: pytest.TempPathFactory, served_models: Models) -> FlaskClient:
    """Return a test client over the five seeds ingested with the served relation model (read-only tests)."""
    settings = Settings(database_url=f"sqlite:///{tmp_path_factory.mktemp('served') / 'claims.sqlite3'}")
    runtime = build_runtime(settings, served_models)
    seed_directory(runtime, REPO_ROOT / "seeds")
    return create_app(runtime=runtime).test_client()
