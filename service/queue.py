"""Where bulk-job work goes: a Redis queue (RQ) that `claimlens worker` processes drain, or, with no queue
configured (the embedded default), a background thread of the serving process.

RQ on Redis rather than Celery: one dependency (rq pulls only redis and click), jobs are plain function calls named
by import path, and `SimpleWorker` keeps the models loaded between jobs instead of forking per job.
"""
from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from typing import Any, Protocol

logger = logging.getLogger(__name__)

QUEUE_NAME = "claimlens"
DELIVERY_QUEUE_NAME = "claimlens-webhooks"  # its own queue, so deliveries never wait behind a long job
WORK = "service.worker.process_job_items"  # what a queue worker runs for (job id, positions)
DELIVER = "service.worker.deliver_webhook"  # and for a webhook delivery (delivery id)
JOB_TIMEOUT_S = 3600

Handler = Callable[[int, Sequence[int]], None]
DeliveryHandler = Callable[[int], None]


class JobQueue(Protocol):
    """Hands the items of a job, and webhook deliveries, to whoever does them."""

    def enqueue(self, job_id: int, positions: Sequence[int]) -> None: ...
    def enqueue_delivery(self, delivery_id: int) -> None: ...


class _Background:
    """Calls functions one after another on a daemon thread (so a process that exits does not wait for them; an
    interrupted job item stays pending in the database)."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._tasks: queue.SimpleQueue[tuple[Callable[..., None], tuple[Any, ...]]] = queue.SimpleQueue()
        self._started = False
        self._lock = threading.Lock()

    def submit(self, function: Callable[..., None], *args: Any) -> None:
        with self._lock:  # the thread starts with the first task: most processes never run a job
            if not self._started:
                threading.Thread(target=self._run, name=self._name, daemon=True).start()
                self._started = True
        self._tasks.put((function, args))

    def _run(self) -> None:
        while True:
            function, args = self._tasks.get()
            function(*args)


class InProcessQueue:
    """Runs the work on background threads of this process (the embedded default: nothing to start): one for job
    items, one for deliveries, each in order."""

    def __init__(self) -> None:
        self._executor = _Background("claimlens-jobs")
        self._deliveries = _Background("claimlens-webhooks")
        self._handler: Handler | None = None
        self._deliver: DeliveryHandler | None = None
        self._lock = threading.Lock()

    def bind(self, handler: Handler, deliver: DeliveryHandler) -> None:
        """Give the queue the functions that process items and deliveries (set once the runtime exists)."""
        with self._lock:
            self._handler, self._deliver = handler, deliver

    def enqueue(self, job_id: int, positions: Sequence[int]) -> None:
        with self._lock:
            handler = self._handler
        if handler is None:
            raise RuntimeError("the in-process job queue has no handler bound")
        self._executor.submit(_logged, handler, job_id, list(positions))

    def enqueue_delivery(self, delivery_id: int) -> None:
        with self._lock:
            deliver = self._deliver
        if deliver is None:
            raise RuntimeError("the in-process job queue has no delivery handler bound")
        self._deliveries.submit(_logged_delivery, deliver, delivery_id)


class RedisQueue:
    """An RQ queue on Redis: `claimlens worker` processes take the work; a job survives the web process."""

    def __init__(self, url: str, name: str = QUEUE_NAME) -> None:
        from redis import Redis
        from rq import Queue

        self.connection = Redis.from_url(url)
        self.queue = Queue(name, connection=self.connection)
        self.deliveries = Queue(DELIVERY_QUEUE_NAME, connection=self.connection)

    def enqueue(self, job_id: int, positions: Sequence[int]) -> None:
        # A worker killed mid-chunk leaves its items pending; RQ retries the chunk and done items are skipped.
        from rq import Retry

        self.queue.enqueue(WORK, job_id, list(positions), job_timeout=JOB_TIMEOUT_S,
                           retry=Retry(max=3, interval=[5, 30, 120]))

    def enqueue_delivery(self, delivery_id: int) -> None:
        self.deliveries.enqueue(DELIVER, delivery_id, job_timeout=JOB_TIMEOUT_S)


def _logged(handler: Handler, job_id: int, positions: list[int]) -> None:
    try:
        handler(job_id, positions)
    except Exception:
        logger.exception("job %d: items %d-%d failed in the background", job_id, positions[0], positions[-1])


def _logged_delivery(deliver: DeliveryHandler, delivery_id: int) -> None:
    try:
        deliver(delivery_id)
    except Exception:
        logger.exception("webhook delivery %d failed in the background", delivery_id)


def build_queue(url: str) -> JobQueue:
    """The queue the settings name: Redis when a URL is given, else this process's background thread."""
    return RedisQueue(url) if url else InProcessQueue()
