"""`claimlens worker`: a queue worker that ingests bulk-job documents (RQ on Redis, models loaded once)."""
from __future__ import annotations

import logging
from collections.abc import Sequence

from service.runtime import Runtime, build_runtime
from service.settings import Settings
from service.usecases.jobs import process_job_items as process_items
from service.usecases.jobs import requeue_pending
from service.usecases.webhooks import deliver

logger = logging.getLogger(__name__)

_runtime: Runtime | None = None


def use_runtime(runtime: Runtime) -> None:
    """Make this process's workers use `runtime` (the worker command, or a test, sets it once)."""
    global _runtime
    _runtime = runtime


def _current_runtime() -> Runtime:
    """This process's runtime, built from the environment on first use."""
    if _runtime is None:
        use_runtime(build_runtime(Settings.from_env()))
    assert _runtime is not None
    return _runtime


def process_job_items(job_id: int, positions: Sequence[int]) -> None:
    """What the queue runs (`service.queue.WORK`): ingest these items of a job with this process's runtime."""
    process_items(_current_runtime(), job_id, positions)


def deliver_webhook(delivery_id: int) -> None:
    """What the queue runs for a webhook delivery (`service.queue.DELIVER`)."""
    deliver(_current_runtime(), delivery_id)


def run_worker(settings: Settings, *, burst: bool = False) -> None:
    """Load the models and the store once, then take work from the queue until stopped (or, burst, until empty)."""
    from redis import Redis
    from rq import Queue, SimpleWorker

    from service.queue import DELIVERY_QUEUE_NAME, QUEUE_NAME

    if not settings.queue_url:
        raise SystemExit("CLAIMLENS_QUEUE_URL is not set: without a queue the serving process runs jobs itself.")
    runtime = build_runtime(settings)
    use_runtime(runtime)
    connection = Redis.from_url(settings.queue_url)
    # Work a killed worker held is lost from Redis but pending in the database: queue it again.
    logger.info("worker listening on %s queue %r (%d pending documents queued again)", settings.queue_url,
                QUEUE_NAME, requeue_pending(runtime))
    # SimpleWorker runs each task in this process, so the models stay loaded (the default worker forks per task).
    queues = [Queue(name, connection=connection) for name in (DELIVERY_QUEUE_NAME, QUEUE_NAME)]
    SimpleWorker(queues, connection=connection).work(burst=burst)
