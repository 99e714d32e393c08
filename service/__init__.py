"""claimlens: claim verification over news text. `create_app()` is the WSGI entry point."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from service.runtime import Runtime
    from service.settings import Settings


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> Flask:
    """Build the Flask app: settings from the environment, models and store loaded once per process."""
    from flask import Flask

    from service.api import register_api
    from service.api.auth import install_auth
    from service.api.idempotency import install_idempotency
    from service.api.rate_limit import install_rate_limit
    from service.api.requests import install_body_checks, install_request_hooks
    from service.logs import configure_logging
    from service.runtime import build_runtime
    from service.settings import Settings
    from service.web import register_web

    settings = settings or (runtime.settings if runtime else Settings.from_env())
    configure_logging(settings.log_level)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    register_api(app)
    register_web(app)
    app.extensions["claimlens"] = runtime = runtime or build_runtime(settings)
    _bind_in_process_jobs(runtime)
    install_request_hooks(app)
    install_auth(app, settings)
    install_body_checks(app, {"jobs.Jobs": settings.max_job_request_bytes})
    install_idempotency(app)
    install_rate_limit(app, settings)
    return app


def _bind_in_process_jobs(runtime: Runtime) -> None:
    """With no queue configured, this process's background threads ingest bulk jobs and deliver webhook events
    with its own runtime."""
    from service.queue import InProcessQueue
    from service.usecases.jobs import process_job_items
    from service.usecases.webhooks import deliver

    if isinstance(runtime.queue, InProcessQueue):
        runtime.queue.bind(lambda job_id, positions: process_job_items(runtime, job_id, positions),
                           lambda delivery_id: deliver(runtime, delivery_id))
