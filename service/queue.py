"""Where bulk-job work goes: a Redis queue (RQ) that `claimlens worker` processes drain, or, with no queue
configured (the embedded default), a background thread of the serving process.

RQ on Redis rather than Celery: one dependency (rq pulls only redis and click), jobs are plain function calls named
by import path, and `SimpleWorker` keeps the models loaded between jobs instead of forking per job.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

logger = logging.getLogger(__name__)

QUEUE_NAME = "claimlens"
WORK = "service.worker.process_job_items"  # what a queue worker runs for (job id, positions)
JOB_TIMEOUT_S = 3600

Handler = Callable[[int, Sequence[int]], None]


class JobQueue(Protocol):
    """Hands the items of a job to whoever ingests them."""

    def enqueue(self, job_id: int, positions: Sequence[int]) -> None: ...


class InProcessQueue:
    """Runs the work on one background thread of this process (the embedded default: nothing to start)."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="claimlens-jobs")
        self._handler: Handler | None = None
        self._lock = threading.Lock()

    def bind(self, handler: Handler) -> None:
        """Give the queue the function that processes items (set once the runtime exists)."""
        with self._lock:
            self._handler = handler

    def enqueue(self, job_id: int, positions: Sequence[int]) -> None:
        with self._lock:
            handler = self._handler
        if handler is None:
            raise RuntimeError("the in-process job queue has no handler bound")
        self._executor.submit(_logged, handler, job_id, list(positions))


class RedisQueue:
    """An RQ queue on Redis: `claimlens worker` processes take the work; a job survives the web process."""

    def __init__(self, url: str, name: str = QUEUE_NAME) -> None:
        from redis import Redis
        from rq import Queue

        self.connection = Redis.from_url(url)
        self.queue = Queue(name, connection=self.connection)

    def enqueue(self, job_id: int, positions: Sequence[int]) -> None:
        # A worker killed mid-chunk leaves its items pending; RQ retries the chunk and done items are skipped.
        from rq import Retry

        self.queue.enqueue(WORK, job_id, list(positions), job_timeout=JOB_TIMEOUT_S,
                           retry=Retry(max=3, interval=[5, 30, 120]))


def _logged(handler: Handler, job_id: int, positions: list[int]) -> None:
    try:
        handler(job_id, positions)
    except Exception:
        logger.exception("job %d: items %d-%d failed in the background", job_id, positions[0], positions[-1])


def build_queue(url: str) -> JobQueue:
    """The queue the settings name: Redis when a URL is given, else this process's background thread."""
    return RedisQueue(url) if url else InProcessQueue()
