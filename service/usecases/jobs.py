"""Bulk ingest: a job of up to 10,000 documents, handed to the queue in chunks and ingested exactly as
`POST /v1/documents` would; its report counts what is done, failed and pending."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from service.domain.entities import DocumentSubmission
from service.errors import ClaimlensError, InvalidInput, NotFound, StoreUnavailable
from service.runtime import Runtime
from service.storage import JobReport
from service.usecases.ingest import ingest_document
from service.usecases.webhooks import emit

logger = logging.getLogger(__name__)

CHUNK = 20  # documents per queued task: small enough to spread over workers, large enough to amortise a task


def submit_job(runtime: Runtime, submissions: Sequence[DocumentSubmission]) -> JobReport:
    """Store the job (every document pending), queue it in chunks, and report it."""
    payloads = [_payload(s) for s in submissions]
    with runtime.store.transaction() as tx:
        job_id = tx.add_job(payloads)
    _enqueue(runtime, job_id, range(len(payloads)))
    logger.info("job %d queued: %d documents", job_id, len(payloads))
    return runtime.store.get_job(job_id)


def requeue_pending(runtime: Runtime) -> int:
    """Queue again every document still pending (a worker killed mid-chunk, a queue flushed): a worker does this
    when it starts. Documents queued twice are ingested once: done items are skipped, and the same text is one
    document. Return how many were queued."""
    pending = runtime.store.pending_items_by_job()
    for job_id, positions in pending.items():
        _enqueue(runtime, job_id, positions)
    return sum(len(positions) for positions in pending.values())


def _enqueue(runtime: Runtime, job_id: int, positions: Sequence[int]) -> None:
    for start in range(0, len(positions), CHUNK):
        runtime.queue.enqueue(job_id, positions[start:start + CHUNK])


def job_report(runtime: Runtime, job_id: int) -> JobReport:
    """Where a job stands (NotFound when the id names none)."""
    return runtime.store.get_job(job_id)


def process_job_items(runtime: Runtime, job_id: int, positions: Sequence[int]) -> None:
    """Ingest the job's documents at these positions that are still pending (a retried chunk skips done ones).

    A document the service refuses is recorded as failed with its reason; an unreachable database is raised, so
    the queue retries the chunk later.
    """
    for position, payload in runtime.store.pending_job_items(job_id, positions):
        try:
            result = ingest_document(runtime, _submission(payload))
        except StoreUnavailable:
            raise
        except ClaimlensError as error:
            code = 422 if isinstance(error, InvalidInput) else 404 if isinstance(error, NotFound) else 409
            _finish(runtime, job_id, position, None, (code, error.message))
        except Exception:
            logger.exception("job %d: document %d failed", job_id, position)
            _finish(runtime, job_id, position, None, (500, "Internal error; see the worker's log."))
        else:
            _finish(runtime, job_id, position, result.id, None)
    _announce_if_finished(runtime, job_id)


def _announce_if_finished(runtime: Runtime, job_id: int) -> None:
    # One UPDATE per chunk; the report is read only by the chunk that finishes the job (two chunks finishing at
    # once: one of them flips the flag).
    with runtime.store.transaction() as tx:
        finished_now = tx.mark_job_notified(job_id)
    if finished_now:
        report = runtime.store.get_job(job_id)
        emit(runtime, "job.finished", {"id": job_id, "status": report.status, "counts": {
            "done": report.done, "failed": report.failed, "pending": report.pending}})


def _finish(runtime: Runtime, job_id: int, position: int, document_id: int | None,
            error: tuple[int, str] | None) -> None:
    with runtime.store.transaction() as tx:
        tx.finish_job_item(job_id, position, document_id, error)


def _payload(submission: DocumentSubmission) -> dict[str, Any]:
    payload = asdict(submission)
    payload["published_at"] = submission.published_at.isoformat() if submission.published_at else None
    return payload


def _submission(payload: dict[str, Any]) -> DocumentSubmission:
    published = payload.get("published_at")
    return DocumentSubmission(**{**payload, "published_at": dt.date.fromisoformat(published) if published else None})
